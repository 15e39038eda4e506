"""Working days under the official Chinese holiday calendar.

Shared by the maintenance fund (the authority decides on an emergency use within 3
working days, Order 165 Art. 24 and notice 建办房〔2015〕52号) and the credit rating (a
company may object to a new record within 10 working days). DOMAIN.md section 2: working
days follow the official holiday and make-up workday calendar, kept as data.

A day is a working day if it is Monday to Friday and not an official holiday, or if it is
a Saturday or Sunday declared an official make-up working day (调休上班).

The calendar is data, not code: ``property/data/cn_holidays.csv`` (columns
``date,kind,name``; kind ``holiday`` or ``workday``; name in Chinese, e.g. 春节) holds the
State Council General Office's annual arrangements, and the bureau extends it each year
when the next notice is published (usually in October or November). It now covers:

* 2024: 国务院办公厅关于2024年部分节假日安排的通知, 国办发明电〔2023〕7号, 2023-10-25.
* 2025: 国务院办公厅关于2025年部分节假日安排的通知, 国办发明电〔2024〕12号, 2024-11-12
  (the first year under the 2024 revision of the national holiday measures, which added
  New Year's Eve of the lunar calendar and 2 May).
* 2026: 国务院办公厅关于2026年部分节假日安排的通知, published by Xinhua on 2025-11-04.

Each row of a holiday lists one day of the notice's stated holiday period ("1月28日至2月4日
放假" gives eight rows); a weekend that the notice only mentions as "与周末连休" is not
listed, which makes no difference to the count. 2027 is not yet published: outside the
covered years (see ``HolidayCalendar.years``) every Monday to Friday counts as a working
day, so deadlines falling in an uncovered year are provisional until the data is added.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources

__all__ = ["HolidayCalendar", "load_official_calendar"]

HOLIDAY = "holiday"
WORKDAY = "workday"
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class HolidayCalendar:
    """Official holidays and weekend make-up working days (调休上班).

    ``holidays``: official days off (they may fall on any day of the week).
    ``workdays``: Saturdays or Sundays declared working days. A date cannot be both, and a
    make-up working day must fall on a weekend; ``ValueError`` otherwise.
    """

    holidays: frozenset[date]
    workdays: frozenset[date]

    def __post_init__(self) -> None:
        holidays = frozenset(self.holidays)
        workdays = frozenset(self.workdays)
        for d in holidays | workdays:
            if type(d) is not date:
                raise ValueError(f"calendar entries must be dates, got {d!r}")
        both = holidays & workdays
        if both:
            raise ValueError(f"{min(both).isoformat()} is both a holiday and a make-up workday")
        weekday_makeups = sorted(d for d in workdays if d.weekday() < 5)
        if weekday_makeups:
            raise ValueError(
                f"make-up workday {weekday_makeups[0].isoformat()} is not a Saturday or Sunday"
            )
        object.__setattr__(self, "holidays", holidays)
        object.__setattr__(self, "workdays", workdays)

    @property
    def years(self) -> frozenset[int]:
        """The years for which the calendar has any entry (the years it covers)."""
        return frozenset(d.year for d in self.holidays | self.workdays)

    def is_working_day(self, d: date) -> bool:
        """Monday to Friday unless an official holiday; Saturday or Sunday only if a make-up workday."""
        if d.weekday() < 5:
            return d not in self.holidays
        return d in self.workdays

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start``; ``start`` itself is not counted.

        ``n = 0`` returns ``start`` unchanged (whether or not it is a working day).
        A deadline of "3 working days" from a decision request made on ``start`` is
        ``add_working_days(start, 3)``, inclusive.
        """
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"n must be an int, got {type(n).__name__}")
        if n < 0:
            raise ValueError(f"n must not be negative, got {n}")
        d = start
        while n:
            d += _ONE_DAY
            if self.is_working_day(d):
                n -= 1
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """The number of working days in ``(start, end]``: 0 when ``end <= start``.

        Inverse of ``add_working_days``: ``working_days_between(s, add_working_days(s, n)) == n``.
        """
        if end <= start:
            return 0
        weekdays = _weekdays_between(start, end)
        off = sum(1 for d in self.holidays if start < d <= end and d.weekday() < 5)
        makeup = sum(1 for d in self.workdays if start < d <= end)
        return weekdays - off + makeup

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[date, str]]) -> HolidayCalendar:
        """Build a calendar from ``(date, kind)`` rows, kind ``"holiday"`` or ``"workday"``.

        Repeating a row is harmless; a date given both kinds, an unknown kind or a make-up
        workday on a weekday raises ``ValueError``.
        """
        holidays: set[date] = set()
        workdays: set[date] = set()
        for row in rows:
            d, kind = row
            if kind == HOLIDAY:
                holidays.add(d)
            elif kind == WORKDAY:
                workdays.add(d)
            else:
                raise ValueError(
                    f"unknown calendar kind {kind!r} for {d}; expected 'holiday' or 'workday'"
                )
        return cls(holidays=frozenset(holidays), workdays=frozenset(workdays))


def _weekdays_between(start: date, end: date) -> int:
    """Mondays to Fridays in ``(start, end]``, by arithmetic (0 when ``end <= start``)."""
    days = (end - start).days
    if days <= 0:
        return 0
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * 5
    first = start.weekday() + 1  # weekday of start + 1 day, modulo 7 below
    count += sum(1 for k in range(rest) if (first + k) % 7 < 5)
    return count


def _parse_csv(text: str, source: str) -> HolidayCalendar:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header != ["date", "kind", "name"]:
        raise ValueError(f"{source}: expected the header 'date,kind,name', got {header!r}")
    rows: list[tuple[date, str]] = []
    for line_no, fields in enumerate(reader, start=2):
        if not fields:
            continue
        if len(fields) != 3:
            raise ValueError(f"{source}:{line_no}: expected 3 fields, got {len(fields)}")
        raw_date, kind, _name = fields
        if len(raw_date) != 10:
            raise ValueError(f"{source}:{line_no}: bad date {raw_date!r}; expected YYYY-MM-DD")
        try:
            d = date.fromisoformat(raw_date)
        except ValueError:
            raise ValueError(f"{source}:{line_no}: bad date {raw_date!r}")
        rows.append((d, kind))
    return HolidayCalendar.from_rows(rows)


@lru_cache(maxsize=1)
def load_official_calendar() -> HolidayCalendar:
    """The official calendar shipped in ``property/data/cn_holidays.csv`` (read once, cached)."""
    resource = resources.files(__package__).joinpath("data", "cn_holidays.csv")
    return _parse_csv(resource.read_text(encoding="utf-8"), "cn_holidays.csv")
