"""Daily recompute, rating history, selectors and quarterly publication (DOMAIN.md §3)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_q.models import Schedule

from portal.core.schedules import ensure_schedules
from portal.permissions import scope_q
from property.credit.models import Publication, Rating
from property.credit.selectors import current_rating, ratings_in_scope
from property.credit.services import (
    credit_objection_accept,
    credit_objection_file,
    credit_quarter_publish,
)
from property.credit.tasks import daily, recompute_ratings
from tests.property.credit.factories import add_record, city_officer, company_staff, fill_checklist

pytestmark = pytest.mark.django_db


def test_daily_job_activates_then_rates_and_keeps_history(world):
    """The daily job turns records past their window into effective ones, then stores one
    rating per company and day; re-running a day replaces that day's rows."""
    fill_checklist(world.companies[0], 2026)
    record = add_record(world, on=date(2026, 9, 28))  # deadline 2026-10-16
    assert daily(date(2026, 10, 16)) == {"activated": 0, "rated": 2, "survey_told": 0}
    assert daily(date(2026, 10, 17)) == {"activated": 1, "rated": 2, "survey_told": 0}
    daily(date(2026, 10, 17))
    history = list(
        Rating.objects.filter(company=world.companies[0])
        .order_by("as_of")
        .values_list("as_of", "score", "grade")
    )
    assert history == [
        (date(2026, 10, 16), Decimal("60.00"), "B"),
        (date(2026, 10, 17), Decimal("57.00"), "C"),
    ]
    latest = Rating.objects.get(company=world.companies[0], as_of=date(2026, 10, 17))
    assert latest.breakdown["records"] == [
        {
            "id": record.pk,
            "kind": "bad",
            "points": "3.00",
            "counts": True,
            "reason": "in_force",
            "from": "2026-10-17",
            "to": "2027-10-16",
        }
    ]


def test_revoked_record_never_counts_even_in_recomputed_history(world):
    """A revoked record counts on no date, past or present, once revoked."""
    fill_checklist(world.companies[0], 2026)
    record = add_record(world, on=date(2026, 9, 28))
    objection = credit_objection_file(
        actor=company_staff(world), record=record, reason="不属实", today=date(2026, 10, 9)
    )
    credit_objection_accept(
        actor=city_officer(world), objection=objection, today=date(2026, 10, 20)
    )
    for day in (date(2026, 10, 10), date(2026, 10, 20), date(2027, 3, 1)):
        recompute_ratings(day)
        rating = Rating.objects.get(company=world.companies[0], as_of=day)
        assert rating.score == Decimal("60.00")
        assert rating.bad_points_in_force == 0
        assert rating.breakdown["records"][0]["reason"] == "revoked"


def test_serious_record_blacklists_and_selectors(world):
    """A serious bad record in force blacklists the company; current_rating gives the latest
    rating; ratings_in_scope limits to companies managing estates in the scope."""
    fill_checklist(world.companies[1], 2026)
    add_record(world, code="B-FUND", n=1, on=date(2026, 1, 5))
    daily(date(2026, 3, 1))
    rating = current_rating(world.companies[1])
    assert rating.blacklisted and rating.supervision == "ban" and rating.grade == "C"
    officer = city_officer(world)
    from portal.organisations.models import OrgKind
    from tests.factories import staff

    district_officer = staff(OrgKind.BUREAU, world.districts[0])
    assert ratings_in_scope(scope_q(officer, "jurisdiction__path")).count() == 2
    only = ratings_in_scope(scope_q(district_officer, "jurisdiction__path"))
    assert [r.company for r in only] == [world.companies[0]]


def test_ensure_schedules_is_idempotent():
    """Registering the daily job twice leaves one schedule."""
    ensure_schedules()
    ensure_schedules()
    assert Schedule.objects.filter(func="property.credit.tasks.daily").count() == 1


def test_quarterly_publication_shows_only_the_latest_published_quarter(client, world):
    """/credit/ lists the ratings of the latest published quarter only; after a ruling, the
    next day's recompute and a new publication show the change."""
    fill_checklist(world.companies[0], 2026)
    fill_checklist(world.companies[1], 2026)
    record = add_record(world, on=date(2026, 9, 28))
    objection = credit_objection_file(
        actor=company_staff(world), record=record, reason="x", today=date(2026, 10, 9)
    )
    bureau = city_officer(world)
    assert b"9134" not in client.get("/credit/").content  # nothing published yet
    # A bad record in force for company 0 as of the published date:
    from property.credit.services import credit_objection_uphold

    credit_objection_uphold(actor=bureau, objection=objection, today=date(2026, 10, 20))
    credit_quarter_publish(actor=bureau, year=2026, quarter=4, today=date(2026, 10, 21))
    page = client.get("/credit/").content.decode()
    assert "57.00" in page and "60.00" in page
    assert Publication.objects.get().as_of == date(2026, 10, 21)
    # Publishing an older quarter afterwards does not replace the newer one on /credit/:
    credit_quarter_publish(actor=bureau, year=2026, quarter=3, today=date(2026, 10, 21))
    assert Publication.objects.count() == 2
    page = client.get("/credit/").content.decode()
    assert "57.00" in page  # still Q4: the latest quarter wins, not the latest click
    with pytest.raises(ValidationError):
        credit_quarter_publish(actor=bureau, year=2027, quarter=1, today=date(2026, 10, 21))
