"""Shared revenue of common parts (公共收益): the rules as plain functions (no Django).

Rules (DOMAIN.md §2a; Civil Code Art. 282; Hangzhou practice for the dates):

* Money is integer fen here (1 yuan = 100 fen); callers convert with
  ``property.fund.apportion.to_fen/from_fen``. A ledger's balance is the sum of its signed
  entries: income in (+), the company's cost share, owners' expenses and transfers into the
  maintenance fund out (−), reversals the exact opposite of what they correct.
* The company's agreed cost share of an income is ``percent`` % of it, rounded DOWN to the fen
  (design: the owners never lose a fen to rounding); ``percent`` has at most two decimals.
* Entries for a month (the *period*) are due by the 10th of the following month (setting
  ``REVENUE_DUE_DAY``): filed on that day is on time, the day after is late.
* Statements cover half-years: ``2026H1`` is January–June, ``2026H2`` July–December.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

__all__ = [
    "HalfYear",
    "PeriodError",
    "balance",
    "cost_share",
    "due_date",
    "half_year_of",
    "is_late",
    "month_of",
    "months_between",
    "overdue_months",
    "parse_half_year",
    "parse_month",
    "totals",
]

DUE_DAY = 10


class PeriodError(ValueError):
    """A period written wrongly; the message is one line of English."""


def month_of(day: date) -> date:
    """The month (its first day) that ``day`` falls in."""
    return date(day.year, day.month, 1)


def _next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def due_date(period: date, *, due_day: int = DUE_DAY) -> date:
    """The last day to file the entries of ``period``: the ``due_day`` of the next month."""
    nxt = _next_month(month_of(period))
    return date(nxt.year, nxt.month, due_day)


def is_late(period: date, *, filed_on: date | None, today: date, due_day: int = DUE_DAY) -> bool:
    """Late: filed after the due date, or not filed and the due date has passed."""
    due = due_date(period, due_day=due_day)
    if filed_on is not None:
        return filed_on > due
    return today > due


def months_between(first: date, last: date) -> list[date]:
    """Every month from ``first`` to ``last`` inclusive (their first days), oldest first."""
    out, m = [], month_of(first)
    last = month_of(last)
    while m <= last:
        out.append(m)
        m = _next_month(m)
    return out


def overdue_months(
    *, start: date, filed: Iterable[date], today: date, due_day: int = DUE_DAY
) -> list[date]:
    """The months since ``start`` whose due date has passed without a filing, oldest first."""
    filed = {month_of(m) for m in filed}
    last = _previous_month(month_of(today))
    return [
        m
        for m in months_between(start, last)
        if m not in filed and is_late(m, filed_on=None, today=today, due_day=due_day)
    ]


def parse_month(text: str) -> date:
    """``"2026-10"`` → 1 October 2026."""
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise PeriodError(f"{text!r} is not a month such as 2026-10")
    return date(int(match.group(1)), int(match.group(2)), 1)


@dataclass(frozen=True, order=True)
class HalfYear:
    """A half-year of statements: ``half`` 1 (January–June) or 2 (July–December)."""

    year: int
    half: int

    def __str__(self) -> str:
        return f"{self.year}H{self.half}"

    @property
    def first_month(self) -> date:
        return date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def last_month(self) -> date:
        return date(self.year, 6 if self.half == 1 else 12, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    def months(self) -> list[date]:
        return months_between(self.first_month, self.last_month)

    def contains(self, month: date) -> bool:
        return self.first_month <= month_of(month) <= self.last_month

    def previous(self) -> HalfYear:
        return HalfYear(self.year, 1) if self.half == 2 else HalfYear(self.year - 1, 2)

    def ended(self, today: date) -> bool:
        return today > self.last_day


def half_year_of(day: date) -> HalfYear:
    return HalfYear(day.year, 1 if day.month <= 6 else 2)


def parse_half_year(text: str) -> HalfYear:
    """``"2026H1"`` (or ``2026h2``) → ``HalfYear(2026, 1)``."""
    match = re.fullmatch(r"\s*(\d{4})[Hh]([12])\s*", text or "")
    if not match:
        raise PeriodError(f"{text!r} is not a half-year such as 2026H1")
    return HalfYear(int(match.group(1)), int(match.group(2)))


_PERCENT_RE = re.compile(r"([0-9]{1,3})(?:\.([0-9]{1,2}))?")


def cost_share(income_fen: int, percent: str) -> int:
    """The company's share of an income: ``percent`` % of it rounded down to the fen.

    ``percent`` is a plain decimal string from 0 to 100 with at most two decimals.
    """
    if isinstance(income_fen, bool) or not isinstance(income_fen, int) or income_fen < 0:
        raise ValueError(f"income must be a non-negative int of fen, got {income_fen!r}")
    match = _PERCENT_RE.fullmatch(str(percent))
    if not match:
        raise ValueError(f"percent must be a number with at most 2 decimals, got {percent!r}")
    hundredths = int(match.group(1)) * 100 + int((match.group(2) or "").ljust(2, "0"))
    if hundredths > 100 * 100:
        raise ValueError(f"percent must be at most 100, got {percent!r}")
    return income_fen * hundredths // (100 * 100)


def balance(amounts_fen: Iterable[int]) -> int:
    """A ledger's balance: the sum of its signed entries (fen)."""
    return sum(amounts_fen)


def totals(entries: Iterable[tuple[str, str, int]]) -> dict:
    """Totals of ``(kind, category, signed fen)`` rows: income by category, the cost share,
    expenses and transfers (each as a positive amount out), and the net movement. A reversal
    is given as the kind and category it reverses, with its own (opposite) sign, so that it
    takes back exactly what it corrects."""
    out: dict = {"income": {}, "income_total": 0, "cost": 0, "expense": 0, "transfer": 0}
    net = 0
    for kind, category, fen in entries:
        net += fen
        if kind == "income":
            out["income"][category] = out["income"].get(category, 0) + fen
            out["income_total"] += fen
        elif kind in ("cost", "expense", "transfer"):
            out[kind] += -fen
    out["net"] = net
    return out
