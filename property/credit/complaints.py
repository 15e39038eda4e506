"""Complaint rules: which hotline tickets of a quarter propose a good or a bad credit record.

Pure standard library; no Django and nothing else from the project (DOMAIN.md section 3,
"Complaints", after Beijing 2025; the rules themselves are set by the bureau in admin).

A **ticket** is one 12345 hotline or grid-platform complaint about a company in an estate:
received at, category, closed at (or still open), closure result and the caller's satisfaction.
A **rule** names a trigger, the categories it looks at (none = every category), a handling
deadline in days, a count and, for good records, the share of satisfied callers required.
``evaluate`` takes the tickets and rules of one quarter and returns one **proposal** per rule
and (company, estate) whose condition holds, with every condition it tested, so a page shows
what the rule found and never recomputes a threshold.

Triggers (the boundaries are inclusive where the words say "at least" / "within"):

* ``overdue`` (bad): at least ``count`` tickets of the categories *not handled in time*: a
  ticket is handled in time when it was closed within ``deadline_days`` × 24 hours of its
  receipt (exactly the deadline is in time) with a result other than ``unresolved``. A ticket
  still open counts once the deadline has passed on ``as_of``; one closed as
  ``unsubstantiated`` (不属实) never counts against the company.
* ``repeated`` (bad): at least ``count`` *substantiated* tickets (closed as ``resolved`` or
  ``unresolved``) of **one** category in the quarter; the proposal names the category.
* ``clean_quarter`` (good): at least ``count`` tickets of the categories in the quarter,
  every one handled in time, and among the callers who answered, the satisfied share is at
  least ``min_satisfied`` (a quarter where nobody answered passes on handling alone).

A ticket belongs to the quarter it was received in; unmatched tickets (no estate) are not
evaluated until the street office assigns them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

__all__ = [
    "Condition",
    "ComplaintRuleError",
    "Proposal",
    "Rule",
    "Ticket",
    "evaluate",
    "handled_in_time",
    "quarter_bounds",
    "quarter_of",
    "per_thousand_units",
    "quarter_figures",
]

TRIGGERS = ("overdue", "repeated", "clean_quarter")
RESULTS = ("resolved", "unresolved", "unsubstantiated", "")
SATISFACTION = ("satisfied", "dissatisfied", "")
SUBSTANTIATED = ("resolved", "unresolved")


class ComplaintRuleError(ValueError):
    """Bad input to the complaint rules; one line of English naming the problem."""


@dataclass(frozen=True)
class Ticket:
    """One complaint ticket. ``closed`` None while open; ``result`` one of ``RESULTS`` ("" while
    open); ``satisfaction`` one of ``SATISFACTION`` ("" when the caller did not answer)."""

    number: str
    company: str
    estate: str
    category: str
    received: datetime
    closed: datetime | None = None
    result: str = ""
    satisfaction: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.received, datetime):
            raise ComplaintRuleError(f"ticket {self.number}: received must be a datetime")
        if self.closed is not None:
            if not isinstance(self.closed, datetime):
                raise ComplaintRuleError(f"ticket {self.number}: closed must be a datetime")
            if self.closed < self.received:
                raise ComplaintRuleError(f"ticket {self.number}: closed before it was received")
        if self.result not in RESULTS:
            raise ComplaintRuleError(f"ticket {self.number}: unknown result {self.result!r}")
        if self.satisfaction not in SATISFACTION:
            raise ComplaintRuleError(
                f"ticket {self.number}: unknown satisfaction {self.satisfaction!r}"
            )


@dataclass(frozen=True)
class Rule:
    """One configured rule; ``item`` is the catalogue code of the record it proposes."""

    key: str
    trigger: str
    item: str
    categories: frozenset[str] = frozenset()
    deadline_days: int = 15
    count: int = 1
    min_satisfied: Decimal = Decimal("1")

    def __post_init__(self) -> None:
        if self.trigger not in TRIGGERS:
            raise ComplaintRuleError(f"rule {self.key}: unknown trigger {self.trigger!r}")
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 1:
            raise ComplaintRuleError(f"rule {self.key}: count must be an int of at least 1")
        if (
            isinstance(self.deadline_days, bool)
            or not isinstance(self.deadline_days, int)
            or self.deadline_days < 1
        ):
            raise ComplaintRuleError(f"rule {self.key}: deadline_days must be at least 1")
        if not isinstance(self.min_satisfied, Decimal) or not 0 <= self.min_satisfied <= 1:
            raise ComplaintRuleError(f"rule {self.key}: min_satisfied is a share from 0 to 1")

    @property
    def kind(self) -> str:
        return "good" if self.trigger == "clean_quarter" else "bad"

    def covers(self, ticket: Ticket) -> bool:
        return not self.categories or ticket.category in self.categories


@dataclass(frozen=True)
class Condition:
    """One condition a rule tested: what (a short key), the figure found, the threshold, and
    whether it held."""

    what: str
    found: str
    needed: str
    met: bool


@dataclass(frozen=True)
class Proposal:
    """A record a rule proposes for (company, estate) in a quarter, with its evidence."""

    rule: str
    kind: str
    item: str
    company: str
    estate: str
    year: int
    quarter: int
    tickets: tuple[str, ...]
    conditions: tuple[Condition, ...]
    category: str = ""


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a quarter."""
    if quarter not in (1, 2, 3, 4):
        raise ComplaintRuleError(f"a quarter is 1 to 4, got {quarter!r}")
    first = date(year, quarter * 3 - 2, 1)
    nxt = date(year + 1, 1, 1) if quarter == 4 else date(year, quarter * 3 + 1, 1)
    return first, nxt - timedelta(days=1)


def handled_in_time(ticket: Ticket, deadline_days: int) -> bool:
    """Closed within ``deadline_days`` × 24 h of receipt (inclusive), not as unresolved."""
    return (
        ticket.closed is not None
        and ticket.closed - ticket.received <= timedelta(days=deadline_days)
        and ticket.result != "unresolved"
    )


def _failed(ticket: Ticket, deadline_days: int, as_of: datetime) -> bool:
    """Counts against the company for ``overdue``: substantiated (or still open) and not
    handled in time, once that is known on ``as_of``."""
    if ticket.result == "unsubstantiated":
        return False
    if handled_in_time(ticket, deadline_days):
        return False
    if ticket.closed is None:
        return as_of - ticket.received > timedelta(days=deadline_days)
    return True


def _share(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


def _fmt_share(share: Fraction | None) -> str:
    if share is None:
        return "-"
    return str((Decimal(share.numerator) / Decimal(share.denominator)).quantize(Decimal("0.01")))


def _group(tickets: Iterable[Ticket]) -> dict[tuple[str, str], list[Ticket]]:
    groups: dict[tuple[str, str], list[Ticket]] = {}
    for t in tickets:
        if not isinstance(t, Ticket):
            raise ComplaintRuleError(f"tickets must be Ticket instances, got {type(t).__name__}")
        if t.estate:
            groups.setdefault((t.company, t.estate), []).append(t)
    return groups


def evaluate(
    tickets: Iterable[Ticket],
    rules: Iterable[Rule],
    *,
    year: int,
    quarter: int,
    as_of: datetime,
) -> list[Proposal]:
    """Proposals of every rule for the tickets received in the quarter, per (company, estate),
    in rule order then company and estate. ``as_of`` decides whether an open ticket's deadline
    has passed. Tickets received outside the quarter and tickets without estate are ignored."""
    first, last = quarter_bounds(year, quarter)
    in_quarter = [t for t in tickets if first <= t.received.date() <= last]
    groups = _group(in_quarter)
    out: list[Proposal] = []
    for rule in rules:
        if not isinstance(rule, Rule):
            raise ComplaintRuleError(f"rules must be Rule instances, got {type(rule).__name__}")
        for (company, estate), group in sorted(groups.items()):
            covered = [t for t in group if rule.covers(t)]
            out.extend(_apply(rule, company, estate, covered, year, quarter, as_of))
    return out


def _apply(rule, company, estate, covered, year, quarter, as_of) -> list[Proposal]:
    def proposal(tickets, conditions, category=""):
        return Proposal(
            rule=rule.key,
            kind=rule.kind,
            item=rule.item,
            company=company,
            estate=estate,
            year=year,
            quarter=quarter,
            tickets=tuple(sorted(t.number for t in tickets)),
            conditions=tuple(conditions),
            category=category,
        )

    if rule.trigger == "overdue":
        failed = [t for t in covered if _failed(t, rule.deadline_days, as_of)]
        if len(failed) >= rule.count:
            found = Condition("not_handled_in_time", str(len(failed)), str(rule.count), True)
            return [proposal(failed, [found])]
        return []
    if rule.trigger == "repeated":
        by_category: dict[str, list[Ticket]] = {}
        for t in covered:
            if t.result in SUBSTANTIATED:
                by_category.setdefault(t.category, []).append(t)
        return [
            proposal(
                found,
                [
                    Condition(
                        "substantiated_of_one_category", str(len(found)), str(rule.count), True
                    )
                ],
                category,
            )
            for category, found in sorted(by_category.items())
            if len(found) >= rule.count
        ]
    # clean_quarter
    in_time = [t for t in covered if handled_in_time(t, rule.deadline_days)]
    answered = [t for t in covered if t.satisfaction]
    satisfied = [t for t in answered if t.satisfaction == "satisfied"]
    share = _share(len(satisfied), len(answered))
    conditions = [
        Condition("tickets", str(len(covered)), str(rule.count), len(covered) >= rule.count),
        Condition(
            "handled_in_time",
            f"{len(in_time)}/{len(covered)}",
            f"{len(covered)}/{len(covered)}",
            len(in_time) == len(covered),
        ),
        Condition(
            "satisfied_share",
            _fmt_share(share),
            str(rule.min_satisfied),
            share is None or share >= Fraction(rule.min_satisfied),
        ),
    ]
    if all(c.met for c in conditions):
        return [proposal(covered, conditions)]
    return []


@dataclass
class QuarterFigures:
    """A quarter's complaint figures (for pages and dashboards)."""

    year: int
    quarter: int
    tickets: int = 0
    substantiated: int = 0
    in_time: int = 0
    answered: int = 0
    satisfied: int = 0
    categories: dict[str, int] = field(default_factory=dict)

    @property
    def satisfied_share(self) -> str:
        return _fmt_share(_share(self.satisfied, self.answered))


def quarter_figures(tickets: Iterable[Ticket], *, deadline_days: int) -> list[QuarterFigures]:
    """Tickets counted per quarter of receipt, newest quarter first."""
    out: dict[tuple[int, int], QuarterFigures] = {}
    for t in tickets:
        key = quarter_of(t.received.date())
        f = out.setdefault(key, QuarterFigures(*key))
        f.tickets += 1
        f.substantiated += t.result in SUBSTANTIATED
        f.in_time += handled_in_time(t, deadline_days)
        f.answered += bool(t.satisfaction)
        f.satisfied += t.satisfaction == "satisfied"
        f.categories[t.category] = f.categories.get(t.category, 0) + 1
    return [out[k] for k in sorted(out, reverse=True)]


def per_thousand_units(tickets: int, units: int) -> Decimal | None:
    """Complaints per 1,000 units, 2 places half-even (None for no units)."""
    if units <= 0:
        return None
    return (Decimal(tickets) * 1000 / Decimal(units)).quantize(Decimal("0.01"))
