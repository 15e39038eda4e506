"""The working-day calendar of the portal: the ``Holiday`` table, else the shipped CSV.

``working_calendar()`` builds a ``property.workdays.HolidayCalendar`` from the ``Holiday``
rows the bureau keeps in Wagtail admin (loaded from ``property/data/cn_holidays.csv`` by the
data migration). If the table is empty (or not migrated yet) it falls back to the pure
``load_official_calendar()``, so a deadline is never computed on a calendar without holidays.

Both the fund (the 3-working-day review of an emergency use) and the credit rating (the
10-working-day objection window) call it, so a day the bureau adds moves both deadlines.
"""

from __future__ import annotations

from django.db import DatabaseError

from property.workdays import HolidayCalendar, load_official_calendar

from .models import Holiday


def working_calendar() -> HolidayCalendar:

    try:
        rows = list(Holiday.objects.values_list("date", "kind"))
    except DatabaseError:  # pragma: no cover - table missing (before migrate)
        rows = []
    if not rows:
        return load_official_calendar()
    return HolidayCalendar.from_rows(rows)
