"""Credit score, grade, blacklist and supervision level of a property company.

Pure standard library; no Django and nothing else from the project. The model follows
DOMAIN.md section 3, which is design after the Yantai/Shandong, Hefei and Beijing schemes:

* Score = basic (the checklist, 0 to 60) + owner satisfaction (20 × satisfied share,
  rounded to 2 places half-up), those two together at most 80; plus good records in force
  (at most 40 in total); minus bad records in force; clamped to 0..120, 2 places.
* Grades: AAA ≥ 85, AA ≥ 80, A ≥ 70, B ≥ 60, C < 60; but a score below 60 with no bad
  record in force is B (Shandong rule: a low score alone does not make a company bad).
* The satisfied share blends the annual survey with the owners' quarterly star ratings
  (``satisfaction_share``): a rating of s stars (1 to 5) is worth (s - 1) / 4; with both,
  share = (1 - w) × survey + w × ratings for the weighting w (a setting); with one, that one.
* Any serious bad record in force puts the company on the blacklist (key supervision
  list) whatever its score.
* Supervision (Beijing): bad-record points in force reaching 6, 9 and 12 trigger a
  written warning, an interview, and a one-year ban on new projects.

Validity convention (see ``in_force``): a record counts from its ``effective`` date,
inclusive, for ``validity_days`` days, so it is in force on ``effective`` through
``effective + validity_days - 1`` and has expired on ``effective + validity_days``. Only
records with status ``"effective"`` count; ``"pending"`` (still in its notice and
objection window of 10 working days) and ``"revoked"`` (objection upheld) never do.

All arithmetic is exact ``Decimal`` on values with at most 2 decimal places; only the
satisfaction points are rounded (half-up), as the rule says.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction

__all__ = [
    "Explanation",
    "Grade",
    "Reason",
    "Record",
    "ScoreBreakdown",
    "Satisfaction",
    "ScoringError",
    "Supervision",
    "in_force",
    "satisfaction_share",
    "score",
    "score_json",
    "score_many",
    "score_manager",
]

KINDS = ("good", "bad")
STATUSES = ("effective", "revoked", "pending")

BASIC_MAX = Decimal(60)
SATISFACTION_MAX = Decimal(20)
BASE_CAP = Decimal(80)
GOOD_CAP = Decimal(40)
SCORE_MIN = Decimal(0)
SCORE_MAX = Decimal(120)
CENT = Decimal("0.01")

# Grade thresholds, highest first (DOMAIN.md section 3).
GRADE_THRESHOLDS = (
    (Decimal(85), "AAA"),
    (Decimal(80), "AA"),
    (Decimal(70), "A"),
    (Decimal(60), "B"),
)
# Supervision thresholds on bad points in force, highest first (Beijing).
SUPERVISION_THRESHOLDS = ((Decimal(12), "ban"), (Decimal(9), "interview"), (Decimal(6), "warning"))


class ScoringError(ValueError):
    """Bad input to the credit scoring; the message is one line of English naming the problem."""


class Grade(StrEnum):
    AAA = "AAA"
    AA = "AA"
    A = "A"
    B = "B"
    C = "C"


class Supervision(StrEnum):
    """Measure triggered by bad-record points in force (Beijing): 6 warning, 9 interview, 12 ban."""

    NONE = "none"
    WARNING = "warning"
    INTERVIEW = "interview"
    BAN = "ban"


class Reason(StrEnum):
    """Why a record does or does not count on a given date (for the company's "why" page)."""

    IN_FORCE = "in_force"
    PENDING = "pending"  # notice and objection window not yet over
    REVOKED = "revoked"  # objection upheld or record withdrawn: never counts
    EXPIRED = "expired"  # validity ran out before the date
    NOT_YET_EFFECTIVE = "not_yet_effective"  # takes effect after the date


def _two_places(value: Decimal) -> bool:
    """Is ``value`` a whole number of hundredths? Exact, whatever its exponent."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:
        return True  # the common case, without building a Fraction
    return (Fraction(value) * 100).denominator == 1


def _check_decimal(value: object, what: str, *, places: bool = True) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal):
        raise ScoringError(f"{what} must be a Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise ScoringError(f"{what} must be a finite number, got {value}")
    if places and not _two_places(value):
        raise ScoringError(f"{what} has more than 2 decimal places: {value}")
    return value


@dataclass(frozen=True)
class Record:
    """A good or bad record of a company, as it stands (catalogue item, dates, status).

    ``points`` is non-negative; its sign comes from ``kind``. ``effective`` is the day the
    record takes effect (after the objection window); it may be ``None`` only while the
    record is pending or if it was revoked. ``validity_days`` (default 365 in the
    catalogue, 1-3 years per item) is at least 1. ``serious`` applies only to bad records.
    ``code`` is an optional catalogue label used in explanations.
    """

    kind: str
    points: Decimal
    effective: date | None
    validity_days: int
    serious: bool
    status: str
    code: str = ""

    def __post_init__(self) -> None:
        label = f"record {self.code!r}" if self.code else "record"
        if self.kind not in KINDS:
            raise ScoringError(f"{label}: unknown kind {self.kind!r}; expected 'good' or 'bad'")
        if self.status not in STATUSES:
            raise ScoringError(
                f"{label}: unknown status {self.status!r}; expected 'effective', 'revoked' or 'pending'"
            )
        _check_decimal(self.points, f"{label}: points")
        if self.points < 0:
            raise ScoringError(f"{label}: points must not be negative, got {self.points}")
        if self.effective is not None and type(self.effective) is not date:
            raise ScoringError(f"{label}: effective must be a date or None, got {self.effective!r}")
        if self.effective is None and self.status == "effective":
            raise ScoringError(f"{label}: an effective record needs an effective date")
        if isinstance(self.validity_days, bool) or not isinstance(self.validity_days, int):
            raise ScoringError(f"{label}: validity_days must be an int, got {self.validity_days!r}")
        if self.validity_days < 1:
            raise ScoringError(
                f"{label}: validity_days must be at least 1, got {self.validity_days}"
            )
        if not isinstance(self.serious, bool):
            raise ScoringError(f"{label}: serious must be true or false, got {self.serious!r}")
        if self.serious and self.kind == "good":
            raise ScoringError(f"{label}: only a bad record can be serious")
        if not isinstance(self.code, str):
            raise ScoringError(f"{label}: code must be a string, got {self.code!r}")


@dataclass(frozen=True)
class Explanation:
    """One record's part in a score: whether it counts on ``as_of`` and why.

    ``first_day`` and ``last_day`` are the first and last days the record is (or was, or
    will be) in force; both ``None`` when the record has no effective date.
    """

    record: Record
    counts: bool
    reason: Reason
    first_day: date | None
    last_day: date | None


@dataclass(frozen=True)
class ScoreBreakdown:
    """Everything that makes up a company's score on ``as_of`` (DOMAIN.md section 3).

    ``basic`` the checklist points; ``satisfaction`` the satisfaction points (20 × share,
    2 places half-up); ``base`` = min(basic + satisfaction, 80); ``good_raw`` the sum of
    good records in force and ``good`` = min(good_raw, 40); ``bad`` the sum of bad records
    in force (equal to ``bad_points_in_force``, which drives ``supervision``); ``score`` =
    base + good - bad clamped to 0..120, 2 places. ``in_force`` lists the records that
    count, in input order; ``explanations`` has one entry per input record, in order.
    """

    as_of: date
    basic: Decimal
    satisfaction: Decimal
    base: Decimal
    good: Decimal
    good_raw: Decimal
    bad: Decimal
    score: Decimal
    grade: Grade
    blacklisted: bool
    bad_points_in_force: Decimal
    supervision: Supervision
    in_force: tuple[Record, ...]
    explanations: tuple[Explanation, ...]


def _validity(record: Record) -> tuple[date | None, date | None]:
    """First and last day in force, or (None, None) without an effective date."""
    if record.effective is None:
        return None, None
    try:
        return record.effective, date.fromordinal(
            record.effective.toordinal() + record.validity_days - 1
        )
    except (OverflowError, ValueError):
        return record.effective, date.max


def _reason(record: Record, as_of: date) -> Reason:
    if record.status == "revoked":
        return Reason.REVOKED
    if record.status == "pending":
        return Reason.PENDING
    effective = record.effective
    assert effective is not None  # guaranteed for status "effective" by Record.__post_init__
    elapsed = (as_of - effective).days
    if elapsed < 0:
        return Reason.NOT_YET_EFFECTIVE
    if elapsed >= record.validity_days:
        return Reason.EXPIRED
    return Reason.IN_FORCE


def in_force(record: Record, as_of: date) -> bool:
    """Does ``record`` count on ``as_of``?

    Convention: a record with status ``"effective"`` is in force from ``effective``
    (inclusive) for ``validity_days`` days, i.e. on ``effective`` through
    ``effective + validity_days - 1``; on ``effective + validity_days`` it has expired.
    A record effective 2024-01-10 with 365 days is in force through 2025-01-08 and out
    on 2025-01-09 (2024 is a leap year). ``"pending"`` and ``"revoked"`` records never
    count (DOMAIN.md section 3: notice and objection; a revoked record never counts).
    """
    return _reason(record, as_of) is Reason.IN_FORCE


def _grade(score_value: Decimal, has_bad_in_force: bool) -> Grade:
    for threshold, grade in GRADE_THRESHOLDS:
        if score_value >= threshold:
            return Grade(grade)
    # Below 60: C only if a bad record is in force; a low score alone is B (Shandong).
    return Grade.C if has_bad_in_force else Grade.B


def _supervision(bad_points: Decimal) -> Supervision:
    for threshold, level in SUPERVISION_THRESHOLDS:
        if bad_points >= threshold:
            return Supervision(level)
    return Supervision.NONE


def _satisfaction_points(share: Decimal) -> Decimal:
    _check_decimal(share, "satisfaction", places=False)
    if not 0 <= share <= 1:
        raise ScoringError(f"satisfaction is a share between 0 and 1, got {share}")
    return (SATISFACTION_MAX * share).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Satisfaction:
    """The satisfied share fed to ``score`` and what it is made of (for the "why" page).

    ``survey`` the survey's satisfied share (None without answers); ``ratings`` how many
    owners' ratings of the quarter used and ``stars`` their average (2 places, half-up, None
    without ratings) and ``rating_share`` = (average - 1) / 4; ``weight`` the weighting of the
    ratings as applied (0 without ratings, 1 without survey); ``share`` the blend."""

    share: Decimal
    survey: Decimal | None
    ratings: int
    stars: Decimal | None
    rating_share: Decimal | None
    weight: Decimal


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def satisfaction_share(
    *, survey: Decimal | None, stars_total: int, ratings: int, weight: Decimal
) -> Satisfaction:
    """Blend the survey's satisfied share with the owners' quarterly ratings (DOMAIN.md §3).

    ``stars_total`` is the sum of ``ratings`` ratings of 1 to 5 stars; each is worth
    (stars - 1) / 4, so 5 stars = fully satisfied, 1 star = not at all. ``weight`` (0 to 1)
    is the part of the ratings when both sources exist: share = (1 - weight) × survey +
    weight × rating share, exact (fractions), then handed to ``score`` as a Decimal. With
    only one source, it is the share; with none, 0 (no satisfaction points).
    """
    _check_decimal(weight, "weight", places=False)
    if not 0 <= weight <= 1:
        raise ScoringError(f"weight is a share between 0 and 1, got {weight}")
    for what, value in (("ratings", ratings), ("stars_total", stars_total)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ScoringError(f"{what} must be a non-negative int, got {value!r}")
    if not ratings * 1 <= stars_total <= ratings * 5:
        raise ScoringError(f"{stars_total} stars cannot come from {ratings} ratings of 1 to 5")
    if survey is not None:
        _check_decimal(survey, "survey share", places=False)
        if not 0 <= survey <= 1:
            raise ScoringError(f"survey share is between 0 and 1, got {survey}")
    rated = Fraction(stars_total - ratings, 4 * ratings) if ratings else None
    stars = (
        (Decimal(stars_total) / Decimal(ratings)).quantize(CENT, rounding=ROUND_HALF_UP)
        if ratings
        else None
    )
    if rated is None:
        used, share = Decimal(0), Fraction(survey) if survey is not None else Fraction(0)
    elif survey is None:
        used, share = Decimal(1), rated
    else:
        used = weight
        share = (1 - Fraction(weight)) * Fraction(survey) + Fraction(weight) * rated
    return Satisfaction(
        share=_decimal(share),
        survey=survey,
        ratings=ratings,
        stars=stars,
        rating_share=None if rated is None else _decimal(rated),
        weight=used,
    )


def _check_checklist(checklist: Decimal) -> Decimal:
    _check_decimal(checklist, "checklist")
    if not 0 <= checklist <= BASIC_MAX:
        raise ScoringError(f"checklist must be between 0 and 60, got {checklist}")
    return checklist


def _score(
    as_of: date, basic: Decimal, sat_points: Decimal, records: Iterable[Record]
) -> ScoreBreakdown:
    good_raw = Decimal(0)
    bad = Decimal(0)
    blacklisted = False
    counting: list[Record] = []
    explanations: list[Explanation] = []
    for record in records:
        if not isinstance(record, Record):
            raise ScoringError(f"records must be Record instances, got {type(record).__name__}")
        reason = _reason(record, as_of)
        counts = reason is Reason.IN_FORCE
        if counts:
            counting.append(record)
            if record.kind == "good":
                good_raw += record.points
            else:
                bad += record.points
                blacklisted = blacklisted or record.serious
        first_day, last_day = _validity(record)
        explanations.append(Explanation(record, counts, reason, first_day, last_day))

    base = min(basic + sat_points, BASE_CAP)
    good = min(good_raw, GOOD_CAP)
    total = min(max(base + good - bad, SCORE_MIN), SCORE_MAX).quantize(CENT)
    has_bad = any(r.kind == "bad" for r in counting)
    bad = bad.quantize(CENT)
    return ScoreBreakdown(
        as_of=as_of,
        basic=basic.quantize(CENT),
        satisfaction=sat_points,
        base=base.quantize(CENT),
        good=good.quantize(CENT),
        good_raw=good_raw.quantize(CENT),
        bad=bad,
        score=total,
        grade=_grade(total, has_bad),
        blacklisted=blacklisted,
        bad_points_in_force=bad,
        supervision=_supervision(bad),
        in_force=tuple(counting),
        explanations=tuple(explanations),
    )


def _check_as_of(as_of: date) -> date:
    if type(as_of) is not date:
        raise ScoringError(f"as_of must be a date, got {as_of!r}")
    return as_of


def score(
    *, as_of: date, checklist: Decimal, satisfaction: Decimal, records: Iterable[Record]
) -> ScoreBreakdown:
    """Score a company on ``as_of`` (DOMAIN.md section 3, design).

    ``checklist`` is the basic score, 0 to 60 (``ScoringError`` outside); ``satisfaction``
    is the satisfied share of surveyed owners, 0 to 1, worth 20 × share points rounded to
    2 places half-up. ``base = min(basic + satisfaction points, 80)``; add the good records
    in force capped at 40, subtract the bad records in force, clamp to 0..120.

    Grade AAA ≥ 85, AA ≥ 80, A ≥ 70, B ≥ 60, otherwise C, except that below 60 with no bad
    record in force the grade is B (Shandong). Blacklisted if any serious bad record is in
    force. Supervision from the bad points in force: ≥ 12 ban, ≥ 9 interview, ≥ 6 warning
    (Beijing). See ``in_force`` for the validity convention.
    """
    _check_as_of(as_of)
    return _score(as_of, _check_checklist(checklist), _satisfaction_points(satisfaction), records)


def score_manager(*, as_of: date, records: Iterable[Record]) -> ScoreBreakdown:
    """Score a project manager on ``as_of`` (DOMAIN.md section 3, Chengdu and Nanning; design).

    A manager has no checklist and no owner survey: they start from the full base a company
    can reach with those (80, shown as ``basic``), then the company rule applies unchanged:
    good records in force capped at 40, minus bad records in force, clamped to 0..120; the
    same grades, blacklist and supervision levels.
    """
    _check_as_of(as_of)
    return _score(as_of, BASE_CAP, Decimal(0), records)


def score_many(
    companies: Mapping[str, tuple[Decimal, Decimal, Sequence[Record]]], as_of: date
) -> dict[str, ScoreBreakdown]:
    """Score many companies on the same date (the daily recompute); same rules as ``score``.

    ``companies`` maps a company key (e.g. its unified social credit code) to
    ``(checklist, satisfaction share, records)``. A bad entry raises ``ScoringError``
    naming the company.
    """
    _check_as_of(as_of)
    result: dict[str, ScoreBreakdown] = {}
    for key, (checklist, satisfaction, records) in companies.items():
        try:
            result[key] = _score(
                as_of, _check_checklist(checklist), _satisfaction_points(satisfaction), records
            )
        except ScoringError as exc:
            raise ScoringError(f"company {key!r}: {exc}") from None
    return result


# --- JSON contract -------------------------------------------------------------------

_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DECIMAL_RE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def _require(data: dict, key: str, where: str) -> object:
    if key not in data:
        raise ScoringError(f"{where}missing key {key!r}")
    return data[key]


def _json_date(value: object, what: str) -> date:
    if not isinstance(value, str) or not _DATE_RE.fullmatch(value):
        raise ScoringError(f"{what} must be a date string YYYY-MM-DD, got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ScoringError(f"{what} is not a valid date: {value!r}")


def _json_decimal(value: object, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str):
        if isinstance(value, int | float):
            raise ScoringError(
                f'{what} must be a JSON string such as "12.5", not the JSON number {value!r}'
            )
        raise ScoringError(f"{what} must be a JSON string, got {type(value).__name__}")
    if not _DECIMAL_RE.fullmatch(value):
        raise ScoringError(f"{what} is not a plain decimal number: {value!r}")
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        raise ScoringError(f"{what} is not a plain decimal number: {value!r}")


def _json_record(entry: object, n: int) -> Record:
    where = f"records[{n}]"
    if not isinstance(entry, dict):
        raise ScoringError(f"{where} must be a JSON object, got {type(entry).__name__}")
    kind = _require(entry, "kind", f"{where}: ")
    if kind not in KINDS:
        raise ScoringError(f"{where}.kind: unknown kind {kind!r}; expected 'good' or 'bad'")
    points = _json_decimal(_require(entry, "points", f"{where}: "), f"{where}.points")
    if points < 0:
        raise ScoringError(f"{where}.points must not be negative, got {entry['points']!r}")
    raw_effective = _require(entry, "effective", f"{where}: ")
    effective = None if raw_effective is None else _json_date(raw_effective, f"{where}.effective")
    validity_days = _require(entry, "validity_days", f"{where}: ")
    if isinstance(validity_days, bool) or not isinstance(validity_days, int):
        raise ScoringError(f"{where}.validity_days must be a JSON integer, got {validity_days!r}")
    serious = _require(entry, "serious", f"{where}: ")
    if not isinstance(serious, bool):
        raise ScoringError(f"{where}.serious must be true or false, got {serious!r}")
    status = _require(entry, "status", f"{where}: ")
    if status not in STATUSES:
        raise ScoringError(
            f"{where}.status: unknown status {status!r}; expected 'effective', 'revoked' or 'pending'"
        )
    code = entry.get("code", "")
    try:
        return Record(
            kind=kind,
            points=points,
            effective=effective,
            validity_days=validity_days,
            serious=serious,
            status=status,
            code=code,
        )
    except ScoringError as exc:
        raise ScoringError(f"{where}: {exc}") from None


def score_json(data: dict) -> dict:
    """Score a company given as JSON-shaped data (the CLI contract).

    Input::

        {"as_of": "2025-01-09", "checklist": "55", "satisfaction": "0.90",
         "records": [{"kind": "good" | "bad", "points": "10", "effective": "2024-01-10",
                      "validity_days": 365, "serious": false,
                      "status": "effective" | "revoked" | "pending", "code": "G-01"}]}

    Decimals are JSON strings (JSON numbers are refused, as binary floats are inexact);
    ``effective`` may be ``null`` for a pending or revoked record; ``code`` is optional.
    Output::

        {"score": "73.00", "grade": "A", "blacklisted": false,
         "bad_points_in_force": "0.00", "supervision": "none"}

    Raises ``ScoringError`` (one line) for a missing key, a bad date, negative points, an
    unknown kind or status, a checklist outside 0..60 or a satisfaction outside 0..1.
    """
    if not isinstance(data, dict):
        raise ScoringError(f"input must be a JSON object, got {type(data).__name__}")
    as_of = _json_date(_require(data, "as_of", ""), "as_of")
    checklist = _json_decimal(_require(data, "checklist", ""), "checklist")
    satisfaction = _json_decimal(_require(data, "satisfaction", ""), "satisfaction")
    raw_records = _require(data, "records", "")
    if not isinstance(raw_records, list):
        raise ScoringError(f"records must be a JSON array, got {type(raw_records).__name__}")
    records = [_json_record(entry, n) for n, entry in enumerate(raw_records)]
    result = score(as_of=as_of, checklist=checklist, satisfaction=satisfaction, records=records)
    return {
        "score": str(result.score),
        "grade": str(result.grade),
        "blacklisted": result.blacklisted,
        "bad_points_in_force": str(result.bad_points_in_force),
        "supervision": str(result.supervision),
    }
