"""Project managers (项目经理): qualification numbers, scores and bans. Pure standard library.

DOMAIN.md section 3 (after Chengdu and Nanning): a project manager registered by a company
gets records, a score and a public page like the company, and a ban under the supervision
rules follows the person across companies. The choices below are design:

* **Qualification number**: the number of the manager's qualification certificate, however
  it is typed. It is normalised (full-width characters to half-width, spaces and hyphens
  dropped, letters upper-case) and must then be 6 to 32 letters A-Z and digits, with at least
  4 digits; "wy-2016 310452" and "WY2016310452" are the same person.
* **Score**: a manager has no checklist and no owner survey; they start from the full base a
  company can reach from those two (80), then the same rule as a company applies through
  ``scoring.score_manager``: good records in force (at most 40) minus bad records in force,
  clamped to 0..120, the same grades, blacklist and supervision levels.
* **Ban on new estates** (a manager may not be assigned to an estate they do not manage yet):
  - a record whose catalogue item carries a ban bans the manager from the day it takes effect
    for the item's ban days (first day and last day inclusive, like a record's validity);
  - the supervision rule (Beijing): on the day the manager's bad points in force reach 12, a
    ban of one year (365 days) starts; it runs its year even if points later fall.
  A revoked or pending record never bans. A ban in force on the day an assignment is entered
  or on its first day refuses it; an assignment already running is not ended by a ban.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .scoring import SUPERVISION_THRESHOLDS, Record, in_force

__all__ = [
    "Ban",
    "QualificationError",
    "SUPERVISION_BAN_DAYS",
    "ban_on",
    "ban_periods",
    "mask_qualification",
    "normalize_qualification",
]

# The supervision ban (Beijing): bad points in force reaching 12 ban new projects for a year.
BAN_POINTS = next(points for points, level in SUPERVISION_THRESHOLDS if level == "ban")
SUPERVISION_BAN_DAYS = 365

_QUALIFICATION_RE = re.compile(r"[A-Z0-9]{6,32}")


class QualificationError(ValueError):
    """A qualification number that cannot be one; the message is one line of English."""


def normalize_qualification(raw: str) -> str:
    """The qualification number in its one stored form, or ``QualificationError``.

    ``"  wy-2019 ３４５６ "`` → ``"WY20193456"``: NFKC (full-width to half-width), spaces of
    any kind and hyphens dropped, upper case; then 6-32 characters of A-Z and 0-9, with at
    least 4 digits.
    """
    if not isinstance(raw, str):
        raise QualificationError(f"a qualification number is text, got {type(raw).__name__}")
    value = "".join(unicodedata.normalize("NFKC", raw).split()).replace("-", "").upper()
    if not value:
        raise QualificationError("the qualification number is empty")
    if not _QUALIFICATION_RE.fullmatch(value):
        raise QualificationError(f"{value!r} is not 6 to 32 letters, digits and inner hyphens")
    if sum(ch.isdigit() for ch in value) < 4:
        raise QualificationError(f"{value!r} has fewer than 4 digits")
    return value


def mask_qualification(value: str) -> str:
    """The number as the public sees it: the first 2 and last 4 characters, the rest hidden."""
    if len(value) <= 6:
        return value[:1] + "*" * (len(value) - 1)
    return value[:2] + "*" * (len(value) - 6) + value[-4:]


@dataclass(frozen=True)
class Ban:
    """A period (first and last day inclusive) in which the manager takes no new estate.

    ``cause`` is ``"record"`` (a catalogue item carrying a ban; ``code`` names the record) or
    ``"supervision"`` (bad points in force reached 12; ``code`` names the record that tipped
    them over).
    """

    first_day: date
    last_day: date
    cause: str
    code: str = ""

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


def _last(first: date, days: int) -> date:
    try:
        return first + timedelta(days=days - 1)
    except OverflowError:
        return date.max


def ban_periods(
    records: Iterable[tuple[Record, int]], *, supervision_ban_days: int = SUPERVISION_BAN_DAYS
) -> list[Ban]:
    """Every ban of a manager, given their records with each record's ban days (0: none).

    Record bans run from the record's effective day for its ban days. Supervision bans start
    on each day the bad points in force rise from below 12 to 12 or more (points change only
    on a day a bad record takes effect or the day after its last day), for
    ``supervision_ban_days``. Sorted by first day.
    """
    pairs = list(records)
    bans: list[Ban] = []
    for record, ban_days in pairs:
        if isinstance(ban_days, bool) or not isinstance(ban_days, int) or ban_days < 0:
            raise ValueError(f"ban days must be a whole number of days, got {ban_days!r}")
        if record.status == "effective" and record.kind == "bad" and ban_days:
            assert record.effective is not None
            bans.append(
                Ban(record.effective, _last(record.effective, ban_days), "record", record.code)
            )
    bad = [r for r, _days in pairs if r.status == "effective" and r.kind == "bad"]
    # Points in force change only on a day a bad record takes effect or the day after its
    # last day; between two such days they stay the same.
    changes: set[date] = set()
    for r in bad:
        assert r.effective is not None
        changes.add(r.effective)
        last = _last(r.effective, r.validity_days)
        if last < date.max:
            changes.add(last + timedelta(days=1))
    below = True
    for day in sorted(changes):
        points = sum((r.points for r in bad if in_force(r, day)), Decimal(0))
        reached = points >= BAN_POINTS
        if reached and below:
            tipping = max(
                (r for r in bad if r.effective == day), key=lambda r: r.points, default=None
            )
            code = tipping.code if tipping else ""
            bans.append(Ban(day, _last(day, supervision_ban_days), "supervision", code))
        below = not reached
    return sorted(bans, key=lambda b: (b.first_day, b.cause, b.code))


def ban_on(bans: Iterable[Ban], day: date) -> Ban | None:
    """The ban in force on ``day`` that lasts longest, or None."""
    active = [b for b in bans if b.covers(day)]
    return max(active, key=lambda b: b.last_day) if active else None
