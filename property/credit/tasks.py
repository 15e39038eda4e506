"""Background work of the credit rating (django-q2).

One daily job ``property.credit.tasks.daily`` at 01:10 Asia/Shanghai (declared in
``portal.core.schedules``): it first lets records whose objection window has passed take effect
(``credit_records_activate_due``), then recomputes every company's rating for the day
(``recompute_ratings``), which adds one row per company to the rating history.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from .models import Rating
from .selectors import score_companies
from .services import credit_records_activate_due, credit_survey_open


def breakdown_json(breakdown, inputs) -> dict:
    """The stored form of a ``ScoreBreakdown``: figures plus one line per record (its id,
    whether it counts, why, and its days in force). No personal data."""
    return {
        "basic": str(breakdown.basic),
        "checklist_year": inputs.checklist_year,
        "satisfaction": str(breakdown.satisfaction),
        "survey_year": inputs.survey_year,
        "answers": inputs.answers,
        "satisfied": inputs.satisfied,
        "base": str(breakdown.base),
        "good": str(breakdown.good),
        "good_raw": str(breakdown.good_raw),
        "bad": str(breakdown.bad),
        "records": [
            {
                "id": int(e.record.code),
                "kind": e.record.kind,
                "points": str(e.record.points),
                "counts": e.counts,
                "reason": str(e.reason),
                "from": e.first_day.isoformat() if e.first_day else None,
                "to": e.last_day.isoformat() if e.last_day else None,
            }
            for e in breakdown.explanations
        ],
    }


def recompute_ratings(as_of: date | None = None, *, only_missing: bool = False) -> int:
    """Score every property company on ``as_of`` (default today) with ``score_many`` and store
    the ratings, replacing that day's rows (``only_missing``: keep existing rows, add the
    rest). Any past date can be recomputed. Returns the number of ratings written."""
    as_of = as_of or timezone.localdate()
    inputs, results = score_companies(None, as_of)
    with transaction.atomic():
        existing = Rating.objects.filter(as_of=as_of)
        if only_missing:
            have = set(existing.values_list("company_id", flat=True))
            results = {k: v for k, v in results.items() if k not in have}
        else:
            existing.delete()
        Rating.objects.bulk_create(
            [
                Rating(
                    company_id=pk,
                    as_of=as_of,
                    score=b.score,
                    grade=str(b.grade),
                    blacklisted=b.blacklisted,
                    supervision=str(b.supervision),
                    bad_points_in_force=b.bad_points_in_force,
                    breakdown=breakdown_json(b, inputs[pk]),
                )
                for pk, b in results.items()
            ],
            batch_size=500,
        )
    return len(results)


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
