"""Background work of the credit rating (django-q2).

One daily job ``property.credit.tasks.daily`` at 01:10 Asia/Shanghai (declared in
``portal.core.schedules``): it first lets records whose objection window has passed take effect
(``credit_records_activate_due``), then recomputes every company's rating for the day
(``recompute_ratings``), which adds one row per company to the rating history.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from .complaint_services import complaint_rules_quarterly
from .services import (
    credit_ratings_recompute,
    credit_records_activate_due,
    credit_survey_open,
)


def recompute_ratings(as_of: date | None = None, *, only_missing: bool = False) -> int:
    """Score every property company on ``as_of`` (default today) and store the ratings
    (``credit_ratings_recompute``); returns the number of ratings written."""
    return credit_ratings_recompute(as_of=as_of, only_missing=only_missing)


def activate_due_records(today: date | None = None) -> int:
    return credit_records_activate_due(today=today)


def daily(today: date | None = None) -> dict:
    """The daily job: activate records whose window passed, then recompute today's ratings;
    on the first run of a year, tell the owners that the satisfaction survey is open."""
    today = today or timezone.localdate()
    activated = credit_records_activate_due(today=today)
    rated = recompute_ratings(today)
    surveyed = credit_survey_open(year=today.year)
    return {"activated": activated, "rated": rated, "survey_told": surveyed}


def complaints_quarterly(today: date | None = None) -> int | None:
    """Daily: once a quarter has ended, run the complaint rules over it for the whole city
    (once; ``complaint_rules_quarterly``). Returns the proposals made, None when done before."""

    return complaint_rules_quarterly(today=today)
