"""The one declared list of periodic jobs and the command that registers it (portal/core/schedules.py)."""

from datetime import datetime, time, timedelta
from importlib import import_module
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule as Row

from portal.core.schedules import DAILY, SCHEDULES, Schedule, ensure_schedules

pytestmark = pytest.mark.django_db

# The names earlier deployments registered: they must not change.
EXPECTED = {
    "cms: publish scheduled pages": ("cms.tasks.publish_scheduled", Row.MINUTES, 1),
    "voting.advance_votes": ("voting.tasks.advance_votes", Row.MINUTES, 1),
    "voting.sign_tree_heads": ("voting.board.sign_tree_heads", Row.MINUTES, 1),
    "voting.erase_dispute_links": ("voting.tasks.erase_dispute_links", Row.HOURLY, None),
    "notifications.retry_failed": ("portal.notifications.tasks.retry_failed", Row.MINUTES, 5),
    "dashboards: refresh stale estate figures": (
        "portal.dashboards.tasks.refresh_stale_figures",
        Row.MINUTES,
        1,
    ),
    "dashboards: refresh every estate's figures": (
        "portal.dashboards.tasks.refresh_all_figures",
        Row.DAILY,
        None,
    ),
    "registry.expire_import_files": (
        "property.registry.tasks.expire_import_files",
        Row.HOURLY,
        None,
    ),
    "fund.check_review_deadlines": ("property.fund.tasks.check_review_deadlines", Row.HOURLY, None),
    "fund.refill_sweep": ("property.fund.tasks.refill_sweep", Row.DAILY, None),
    "revenue: remind of months due": (
        "property.revenue.tasks.remind_due_months",
        Row.DAILY,
        None,
    ),
    "credit: activate due records and recompute ratings": (
        "property.credit.tasks.daily",
        Row.DAILY,
        None,
    ),
    "api: nightly open-data export": ("portal.api.tasks.export_open_data", Row.DAILY, None),
    "credit: complaint rules after each quarter": (
        "property.credit.tasks.complaints_quarterly",
        Row.DAILY,
        None,
    ),
}


def rows():
    return {
        r.name: (r.func, r.schedule_type, r.minutes, r.repeats, r.next_run)
        for r in Row.objects.all()
    }


def test_the_command_registers_exactly_the_declared_schedules():
    call_command("ensure_schedules", stdout=StringIO())
    got = rows()
    assert {name: v[:3] for name, v in got.items()} == EXPECTED
    assert all(v[3] == -1 for v in got.values())  # repeat for ever


def test_calling_it_twice_changes_nothing():
    assert ensure_schedules() == {"created": len(EXPECTED), "updated": 0, "deleted": 0}
    before = rows()
    ids = set(Row.objects.values_list("pk", flat=True))
    assert ensure_schedules() == {"created": 0, "updated": 0, "deleted": 0}
    assert rows() == before
    assert set(Row.objects.values_list("pk", flat=True)) == ids


def test_every_declared_function_exists():
    for schedule in SCHEDULES:
        module, _, name = schedule.func.rpartition(".")
        assert callable(getattr(import_module(module), name)), schedule.func


def test_daily_jobs_with_a_time_first_run_tomorrow_at_that_time():
    ensure_schedules()
    tomorrow = timezone.localdate() + timedelta(days=1)
    for name, at in (
        ("credit: activate due records and recompute ratings", time(1, 10)),
        ("api: nightly open-data export", time(2, 30)),
        ("credit: complaint rules after each quarter", time(1, 40)),
    ):
        first = timezone.make_aware(datetime.combine(tomorrow, at))
        assert Row.objects.get(name=name).next_run == first


def test_an_existing_row_is_corrected_in_place_and_keeps_its_next_run():
    ensure_schedules()
    row = Row.objects.get(name="notifications.retry_failed")
    later = timezone.now() + timedelta(hours=5)
    Row.objects.filter(pk=row.pk).update(minutes=60, func="portal.old.retry", next_run=later)
    assert ensure_schedules()["updated"] == 1
    again = Row.objects.get(name="notifications.retry_failed")
    assert again.pk == row.pk
    assert (again.func, again.minutes) == ("portal.notifications.tasks.retry_failed", 5)
    assert again.next_run == later


def test_stale_schedules_of_the_portal_go_and_others_stay():
    Row.objects.create(name="fund.retired_job", func="property.fund.tasks.gone", repeats=-1)
    Row.objects.create(name="ops: vacuum", func="ops_tools.vacuum", repeats=-1)
    assert ensure_schedules()["deleted"] == 1
    assert not Row.objects.filter(name="fund.retired_job").exists()
    assert Row.objects.filter(name="ops: vacuum").exists()


def test_a_schedule_must_be_well_formed():
    with pytest.raises(ValueError):
        Schedule("x", "portal.x.y", "minutes")  # minutes missing
    with pytest.raises(ValueError):
        Schedule("x", "portal.x.y", "hourly", at=time(1, 0))  # a time of day only for daily
    with pytest.raises(ValueError):
        Schedule("x", "elsewhere.y", DAILY)  # not a function of the portal
