"""Counting an owners' vote: the pure rule engine (standard library only).

Civil Code Art. 278: matters 6-8 (raise the maintenance fund; rebuild or alter buildings
and facilities; change the use of common parts or run a business on them) are *special*,
the rest *ordinary*. Every decision needs owners holding 2/3 "以上" of the exclusive-part
area AND 2/3 "以上" of the heads to take part; a special matter then needs 3/4 "以上" of the
participating area AND heads to agree, an ordinary one "过半数" of both. Civil Code
Art. 1259: "以上" includes the number itself; "过半数" (more than half) is strictly more.

SPC interpretation (法释〔2009〕7号) Art. 8: area is each unit's exclusive-part area, the
total is the sum over all units. Art. 9: one unit is one head, but all unsold or undelivered
units of the developer are one head together, and a buyer of several units is one head. We
model this as owner *parties* (co-owners of a unit are one party, the developer is one
party): heads = number of parties, each party votes once with the summed area of its units.

All arithmetic is exact on integers: areas are hundredths of m² ("centi-m²"), thresholds
are cross-multiplied (``3 * part >= 2 * total``), never floats or divisions.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

SPECIAL_MATTERS = frozenset({6, 7, 8})
MATTERS = range(1, 10)


class Choice(StrEnum):
    AGREE = "agree"
    OPPOSE = "oppose"
    ABSTAIN = "abstain"


class Rule(StrEnum):
    ORDINARY = "ordinary"
    SPECIAL = "special"


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    INVALID = "invalid"


class TallyInputError(ValueError):
    """Bad input to the tally; the message is one English line naming the problem."""


@dataclass(frozen=True, slots=True)
class Weight:
    """Heads (number of parties) and area (centi-m²) of a group of parties."""

    heads: int
    area: int

    ZERO: ClassVar[Weight]

    def __add__(self, other: Weight) -> Weight:
        if not isinstance(other, Weight):
            return NotImplemented
        return Weight(self.heads + other.heads, self.area + other.area)


Weight.ZERO = Weight(0, 0)
ZERO = Weight.ZERO


@dataclass(frozen=True, slots=True)
class Condition:
    """One condition the tally tested: ``value`` of ``of`` against ``num``/``den``, inclusive
    (``value/of >= num/den``) or strict (``>``), in integers; never met when ``of`` is 0.

    ``name``: ``participation_heads``, ``participation_area`` (of the electorate's total),
    ``approval_heads``, ``approval_area`` (of those participating). Areas in centi-m²."""

    name: str
    value: int
    of: int
    num: int
    den: int
    strict: bool
    met: bool


def _condition(name: str, value: int, of: int, num: int, den: int, *, strict: bool) -> Condition:
    if strict:
        met = of > 0 and den * value > num * of
    else:
        met = of > 0 and den * value >= num * of
    return Condition(name, value, of, num, den, strict, met)


@dataclass(frozen=True, slots=True)
class TallyResult:
    rule: Rule
    total: Weight
    participating: Weight
    agree: Weight
    oppose: Weight
    abstain: Weight
    participation_met: bool
    approved: bool
    outcome: Outcome
    #: Every condition tested, in order: participation heads and area, approval heads and area.
    conditions: tuple[Condition, ...] = ()


def _show(value: object) -> str:
    """A short one-line repr of a user value for error messages."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def rule_for(matter: int) -> Rule:
    """Civil Code Art. 278 para. 1-2: matters 6, 7, 8 are special, 1-5 and 9 ordinary."""
    if not _is_int(matter) or matter not in MATTERS:
        raise TallyInputError(f"unknown matter {_show(matter)} (expected an integer 1..9)")
    return Rule.SPECIAL if matter in SPECIAL_MATTERS else Rule.ORDINARY


_AREA_RE = re.compile(r"([0-9]{1,12})(?:\.([0-9]{1,2}))?", re.ASCII)


def parse_area(text: str) -> int:
    """Parse an area in m² ("98.12", "98.1", "98") to integer centi-m² (9812), exactly.

    Strings only, so no float ever touches an area (SPC interpretation Art. 8 counts the
    registered area as written). Rejects negatives, more than 2 decimals, exponents, NaN,
    blanks, surrounding spaces and more than 12 integer digits.
    """
    if not isinstance(text, str):
        raise TallyInputError(f'area must be a string like "98.12", got {_show(text)}')
    if text.startswith("-"):
        raise TallyInputError(f"negative area {_show(text)}")
    match = _AREA_RE.fullmatch(text)
    if match is None:
        raise TallyInputError(
            f'malformed area {_show(text)} (expected m² with at most 2 decimals, e.g. "98.12")'
        )
    whole, frac = match.groups()
    return int(whole) * 100 + int((frac or "").ljust(2, "0"))


def format_area(centi: int) -> str:
    """Format centi-m² as m² with exactly 2 decimals: 9812 -> "98.12", 5 -> "0.05"."""
    if not _is_int(centi):
        raise TallyInputError(f"area must be an integer number of centi-m², got {_show(centi)}")
    whole, frac = divmod(abs(centi), 100)
    return f"{'-' if centi < 0 else ''}{whole}.{frac:02d}"


def party_areas(units: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Sum unit areas per owner party (SPC interpretation Art. 8-9).

    A party holding several units (a multi-unit buyer, the developer's unsold units,
    co-owners) is one head with the summed area of its units.
    """
    areas: dict[str, int] = {}
    for party, area in units:
        if not _is_int(area) or area < 0:
            raise TallyInputError(f"unit area for party {_show(party)} must be an int >= 0")
        areas[party] = areas.get(party, 0) + area
    return areas


_CHOICE_INDEX = {Choice.AGREE: 0, Choice.OPPOSE: 1, Choice.ABSTAIN: 2}


def count_choices(counted: Iterable[tuple[Choice | str, int]]) -> tuple[Weight, Weight, Weight]:
    """Sum the counted ballots per choice: (agree, oppose, abstain), heads and area each.

    ``counted`` gives, for each party's one counted ballot (the latest; already opened), its
    choice and the party's area in centi-m²; a party is one head whatever its units (SPC
    interpretation Art. 9). The one place ballots are summed: the tally below, the count of
    sealed ballots (``voting.services.count_sealed``) and, through ``tally``, the public
    verifier's recount all use it."""
    heads = [0, 0, 0]
    areas = [0, 0, 0]
    for choice, area in counted:
        index = _CHOICE_INDEX.get(choice) if isinstance(choice, str) else None
        if index is None:
            raise TallyInputError(f"unknown choice {_show(choice)}")
        heads[index] += 1
        areas[index] += area
    return (Weight(heads[0], areas[0]), Weight(heads[1], areas[1]), Weight(heads[2], areas[2]))


def tally(
    matter: int, electorate: Mapping[str, int], ballots: Mapping[str, Choice | str]
) -> TallyResult:
    """Count a vote (Civil Code Art. 278; SPC interpretation Art. 8-9).

    ``electorate`` maps every party of the estate, frozen when the vote opened, to its summed
    area in centi-m² (see ``party_areas``). ``ballots`` maps each party that voted to its
    choice: the latest ballot per party, already deduplicated. Parties that did not vote do
    not participate; abstentions participate but do not agree.
    """
    rule_for(matter)
    total_area = 0
    for party, area in electorate.items():
        if not _is_int(area) or area < 0:
            raise TallyInputError(f"area of party {_show(party)} must be an int >= 0")
        total_area += area
    counted = []
    for party, choice in ballots.items():
        area = electorate.get(party)
        if area is None:
            raise TallyInputError(f"ballot for unknown party {_show(party)}")
        if not isinstance(choice, str) or choice not in _CHOICE_INDEX:
            raise TallyInputError(f"unknown choice {_show(choice)} for party {_show(party)}")
        counted.append((choice, area))
    agree, oppose, abstain = count_choices(counted)
    return tally_counts(matter, Weight(len(electorate), total_area), agree, oppose, abstain)


def _check_weight(name: str, weight: object) -> None:
    if not isinstance(weight, Weight):
        raise TallyInputError(f"{name} must be a Weight, got {_show(weight)}")
    if not (_is_int(weight.heads) and _is_int(weight.area)):
        raise TallyInputError(f"{name} heads and area must be ints, got {weight}")
    if weight.heads < 0 or weight.area < 0:
        raise TallyInputError(f"{name} must not be negative, got {weight}")
    if weight.heads == 0 and weight.area != 0:
        raise TallyInputError(f"{name} has area but no heads: {weight}")


def tally_counts(
    matter: int, total: Weight, agree: Weight, oppose: Weight, abstain: Weight
) -> TallyResult:
    """Decide a vote from pre-aggregated sums (Civil Code Art. 278 para. 2, Art. 1259).

    Participation: ``3*part >= 2*total`` for area and heads ("三分之二以上", inclusive).
    Ordinary: ``2*agree > part`` for both ("过半数", strictly more than half).
    Special (matters 6-8): ``4*agree >= 3*part`` for both ("四分之三以上", inclusive).
    A vote with no parties, no area or no participants has no valid decision.
    """
    rule = rule_for(matter)
    for name, weight in zip(
        ("total", "agree", "oppose", "abstain"), (total, agree, oppose, abstain), strict=True
    ):
        _check_weight(name, weight)
    part = agree + oppose + abstain
    if part.heads > total.heads or part.area > total.area:
        raise TallyInputError(f"participating {part} exceeds total {total}")
    return _decide(rule, total, agree, oppose, abstain)


def _decide(rule: Rule, total: Weight, agree: Weight, oppose: Weight, abstain: Weight):
    """The four conditions and the outcome they give (weights already checked)."""
    part = agree + oppose + abstain
    # Participation "三分之二以上" (inclusive) of heads and of area; no parties, no area or no
    # participants: never met.
    participation = (
        _condition("participation_heads", part.heads, total.heads, 2, 3, strict=False),
        _condition("participation_area", part.area, total.area, 2, 3, strict=False),
    )
    # Approval of those participating: special "四分之三以上" (inclusive), else "过半数" (strict).
    num, den, strict = (3, 4, False) if rule is Rule.SPECIAL else (1, 2, True)
    approval = (
        _condition("approval_heads", agree.heads, part.heads, num, den, strict=strict),
        _condition("approval_area", agree.area, part.area, num, den, strict=strict),
    )
    participation_met = all(c.met for c in participation)
    approved = participation_met and all(c.met for c in approval)
    if not participation_met:
        outcome = Outcome.INVALID
    else:
        outcome = Outcome.PASSED if approved else Outcome.FAILED
    return TallyResult(
        rule,
        total,
        part,
        agree,
        oppose,
        abstain,
        participation_met,
        approved,
        outcome,
        participation + approval,
    )


def result_from_json(data: dict) -> TallyResult:
    """The ``TallyResult`` of a stored ``result_to_json`` value, with its conditions, so a page
    renders what the rule tested instead of testing it again. The stored outcome stays the one
    shown; this does not re-decide a vote."""

    def weight(key: str) -> Weight:
        return Weight(data[key]["heads"], parse_area(data[key]["area"]))

    rule = Rule(data["rule"])
    return _decide(rule, weight("total"), weight("agree"), weight("oppose"), weight("abstain"))


def _weight_json(weight: Weight) -> dict:
    return {"heads": weight.heads, "area": format_area(weight.area)}


def result_to_json(result: TallyResult) -> dict:
    """A ``TallyResult`` as plain JSON values; areas as m² strings with 2 decimals."""
    return {
        "rule": result.rule.value,
        "total": _weight_json(result.total),
        "participating": _weight_json(result.participating),
        "agree": _weight_json(result.agree),
        "oppose": _weight_json(result.oppose),
        "abstain": _weight_json(result.abstain),
        "participation_met": result.participation_met,
        "approved": result.approved,
        "outcome": result.outcome.value,
    }


def _record(where: str, item: object, keys: tuple[str, ...]) -> dict:
    """Check that ``item`` is an object with exactly ``keys``, each a non-empty string."""
    if not isinstance(item, dict):
        raise TallyInputError(f"{where} must be an object, got {_show(item)}")
    missing = [k for k in keys if k not in item]
    extra = sorted(str(k) for k in item if k not in keys)
    if missing:
        raise TallyInputError(f"{where} is missing key {missing[0]!r}")
    if extra:
        raise TallyInputError(f"{where} has unknown key {_show(extra[0])}")
    for key in keys:
        value = item[key]
        if key == "area" and isinstance(value, int | float) and not isinstance(value, bool):
            raise TallyInputError(f'{where}.area must be a string like "98.12", not a JSON number')
        if not isinstance(value, str) or not value:
            raise TallyInputError(f"{where}.{key} must be a non-empty string, got {_show(value)}")
    return item


def tally_json(data: dict) -> dict:
    """Count a vote given as JSON data; the contract of the command-line verifier.

    Input: ``{"matter": 1..9, "units": [{"unit": "1-101", "area": "98.12", "party": "P1"}],
    "ballots": [{"party": "P1", "choice": "agree"}]}``. Areas must be JSON *strings* in m²
    with at most 2 decimals; JSON numbers are rejected so no float ever touches an area.
    Co-owners of a unit appear as one party. Output: ``result_to_json`` of the tally.
    Raises ``TallyInputError`` for an unknown matter, missing, unknown or ill-typed keys, a
    duplicate unit code, a negative or malformed area, a ballot for an unknown party, a party
    voting twice, or an unknown choice.
    """
    data = _record_top(data)
    matter = data["matter"]
    rule_for(matter)
    seen_units: set[str] = set()
    pairs = []
    for i, unit in enumerate(data["units"]):
        where = f"units[{i}]"
        _record(where, unit, ("unit", "area", "party"))
        if unit["unit"] in seen_units:
            raise TallyInputError(f"{where}: duplicate unit code {_show(unit['unit'])}")
        seen_units.add(unit["unit"])
        try:
            area = parse_area(unit["area"])
        except TallyInputError as exc:
            raise TallyInputError(f"{where}: {exc}") from None
        pairs.append((unit["party"], area))
    electorate = party_areas(pairs)
    ballots: dict[str, str] = {}
    for i, ballot in enumerate(data["ballots"]):
        where = f"ballots[{i}]"
        _record(where, ballot, ("party", "choice"))
        party, choice = ballot["party"], ballot["choice"]
        if party not in electorate:
            raise TallyInputError(f"{where}: ballot for unknown party {_show(party)}")
        if party in ballots:
            raise TallyInputError(f"{where}: party {_show(party)} votes twice")
        if choice not in _CHOICE_INDEX:
            raise TallyInputError(
                f"{where}: unknown choice {_show(choice)} (expected agree, oppose or abstain)"
            )
        ballots[party] = choice
    return result_to_json(tally(matter, electorate, ballots))


def _record_top(data: object) -> dict:
    if not isinstance(data, dict):
        raise TallyInputError(f"input must be a JSON object, got {_show(data)}")
    keys = ("matter", "units", "ballots")
    for key in keys:
        if key not in data:
            raise TallyInputError(f"input is missing key {key!r}")
    extra = sorted(str(k) for k in data if k not in keys)
    if extra:
        raise TallyInputError(f"input has unknown key {_show(extra[0])}")
    for key in ("units", "ballots"):
        if not isinstance(data[key], list):
            raise TallyInputError(f"{key} must be a list, got {_show(data[key])}")
    return data


def main(argv: list[str] | None = None) -> int:
    """``python -m voting.tally [FILE]``: read the JSON input (default stdin), print the result."""
    args = sys.argv[1:] if argv is None else argv
    try:
        if args:
            with open(args[0], encoding="utf-8") as f:
                data = json.load(f)
        else:
            data = json.load(sys.stdin)
        result = tally_json(data)
    except (OSError, ValueError) as exc:  # TallyInputError and JSONDecodeError are ValueErrors
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
