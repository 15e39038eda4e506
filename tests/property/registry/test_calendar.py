"""The holiday calendar kept as data in the registry (DOMAIN.md §2: working days follow the
official holiday and make-up workday calendar, kept as data): one table, edited by the bureau
in Wagtail admin, read by the fund's review deadline and the credit objection window alike."""

import importlib
from datetime import date
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection

from portal.organisations.models import OrgKind
from property.credit.services import objection_deadline
from property.fund.services import review_deadline_for
from property.registry.calendar import working_calendar
from property.registry.models import Holiday, HolidayKind
from property.workdays import load_official_calendar
from tests.factories import org, staff

pytestmark = pytest.mark.django_db

MOVE = importlib.import_module("property.registry.migrations.0003_holiday")


def test_table_holds_the_shipped_calendar():
    """The data migration loaded the CSV into the table, and the table is the calendar."""
    official = load_official_calendar()
    assert set(Holiday.objects.filter(kind=HolidayKind.HOLIDAY).values_list("date", flat=True)) == (
        official.holidays
    )
    assert working_calendar() == official
    assert Holiday._meta.db_table == "fund_holiday"


def test_empty_table_falls_back_to_the_shipped_csv():
    """With no rows a deadline is still counted on the official calendar, never on bare
    Mondays to Fridays."""
    Holiday.objects.all().delete()
    assert working_calendar() == load_official_calendar()
    assert not working_calendar().is_working_day(date(2025, 10, 1))


def test_one_calendar_for_fund_and_credit():
    """A day off the bureau adds (Tue 2025-11-04, not in the CSV) moves the fund's 3-working-day
    review deadline and the credit rating's 10-working-day objection deadline by one working
    day each, from the same table."""
    filed = date(2025, 11, 3)
    assert date(2025, 11, 4) not in load_official_calendar().holidays
    before = (review_deadline_for(filed), objection_deadline(filed))
    Holiday.objects.create(date=date(2025, 11, 4), kind=HolidayKind.HOLIDAY, name="临时调整")
    after = (review_deadline_for(filed), objection_deadline(filed))
    assert before == (date(2025, 11, 6), date(2025, 11, 17))
    assert after == (date(2025, 11, 7), date(2025, 11, 18))


def test_make_up_workday_must_fall_on_a_weekend():
    """A make-up working day (调休上班) is a Saturday or Sunday; the admin form refuses others."""
    with pytest.raises(ValidationError):
        Holiday(date=date(2027, 1, 4), kind=HolidayKind.WORKDAY, name="补班").full_clean()
    Holiday(date=date(2027, 1, 9), kind=HolidayKind.WORKDAY, name="补班").full_clean()


def test_holiday_calendar_in_admin_for_bureau_only(client, world):
    """The bureau (city or district) keeps the calendar in Wagtail admin at /admin/holidays/;
    a street officer cannot reach it, and what the bureau adds moves the deadlines."""
    district_bureau = org(OrgKind.BUREAU, world.districts[0], "第1区住建局")
    for user in (
        staff(OrgKind.BUREAU, world.city, organisation=world.bureau),
        staff(OrgKind.BUREAU, world.districts[0], organisation=district_bureau),
    ):
        client.force_login(user)
        assert client.get("/admin/holidays/").status_code == 200
        assert '"url": "/admin/holidays/"' in client.get("/admin/").content.decode()  # menu
    response = client.post(
        "/admin/holidays/new/", {"date": "2025-11-04", "kind": "holiday", "name": "临时调整"}
    )
    assert response.status_code == 302
    assert Holiday.objects.filter(date="2025-11-04").exists()
    assert objection_deadline(date(2025, 11, 3)) == date(2025, 11, 18)
    client.force_login(staff(OrgKind.STREET_OFFICE, world.streets[0]))
    assert client.get("/admin/holidays/").status_code in (302, 403)
    assert client.post(
        "/admin/holidays/new/", {"date": "2027-01-01", "kind": "holiday", "name": "元旦"}
    ).status_code in (302, 403)
    assert not Holiday.objects.filter(date="2027-01-01").exists()


def test_migration_moves_the_content_type_with_its_permissions():
    """On a database migrated before the move, the calendar's content type was fund.holiday:
    the move renames it (keeping its permissions and admin history) and back on reverse."""
    ct = ContentType.objects.get_for_model(Holiday)
    perms = set(Permission.objects.filter(content_type=ct).values_list("pk", flat=True))
    assert perms
    ContentType.objects.filter(pk=ct.pk).update(app_label="fund")
    editor = SimpleNamespace(connection=connection)
    MOVE.content_type_to_registry(apps, editor)
    ct.refresh_from_db()
    assert (ct.app_label, ct.model) == ("registry", "holiday")
    assert set(Permission.objects.filter(content_type=ct).values_list("pk", flat=True)) == perms
    MOVE.content_type_to_fund(apps, editor)
    ct.refresh_from_db()
    assert ct.app_label == "fund"
    ContentType.objects.clear_cache()


def test_migration_leaves_an_existing_registry_content_type_alone():
    """If registry.holiday already exists the old one is not renamed onto it (no clash)."""
    ct = ContentType.objects.get_for_model(Holiday)
    old = ContentType.objects.create(app_label="fund", model="holiday")
    MOVE.content_type_to_registry(apps, SimpleNamespace(connection=connection))
    old.refresh_from_db()
    ct.refresh_from_db()
    assert (old.app_label, ct.app_label) == ("fund", "registry")
