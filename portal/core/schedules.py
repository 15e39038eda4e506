"""Every periodic job of the portal, declared once, and the one function that registers them.

``SCHEDULES`` names each job's function by its dotted path (a string), so this module, on the
ground floor of the house, imports no app above it. ``ensure_schedules()`` (run by the worker at
start, ``manage.py ensure_schedules``, see the Procfile) makes the django-q2 ``Schedule`` rows
match the list:

* each declared schedule is created or updated by its ``name`` (the names are those earlier
  deployments registered, so their rows are updated, not doubled);
* a daily job with ``at`` gets its first run at that time tomorrow (Asia/Shanghai) when it is
  created; later calls leave ``next_run`` alone, so a restart does not move the next run;
* schedules it owns that are no longer declared are deleted: a row whose function lives in one
  of the portal's packages (``cms``, ``portal``, ``property``, ``voting``) and whose name is not
  in the list. Schedules of other code (another package's functions) are left alone.

Calling it twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

OWN_PACKAGES = ("cms.", "portal.", "property.", "voting.")

MINUTES = "minutes"
HOURLY = "hourly"
DAILY = "daily"


@dataclass(frozen=True)
class Schedule:
    """One periodic job: ``every`` is ``MINUTES`` (with ``minutes``), ``HOURLY`` or ``DAILY``
    (optionally first run ``at`` a local time of day)."""

    name: str
    func: str
    every: str
    minutes: int | None = None
    at: time | None = None

    def __post_init__(self):
        if not self.func.startswith(OWN_PACKAGES):
            raise ValueError(f"schedule {self.name}: {self.func} is not a function of the portal")
        if (self.every == MINUTES) != (self.minutes is not None):
            raise ValueError(f"schedule {self.name}: minutes go with every=MINUTES, and only")
        if self.at is not None and self.every != DAILY:
            raise ValueError(f"schedule {self.name}: a time of day goes with every=DAILY")


SCHEDULES = [
    Schedule("cms: publish scheduled pages", "cms.tasks.publish_scheduled", MINUTES, minutes=1),
    Schedule("voting.advance_votes", "voting.tasks.advance_votes", MINUTES, minutes=1),
    Schedule("voting.sign_tree_heads", "voting.board.sign_tree_heads", MINUTES, minutes=1),
    Schedule("voting.erase_dispute_links", "voting.tasks.erase_dispute_links", HOURLY),
    Schedule(
        "notifications.retry_failed",
        "portal.notifications.tasks.retry_failed",
        MINUTES,
        minutes=5,
    ),
    Schedule(
        "dashboards: refresh stale estate figures",
        "portal.dashboards.tasks.refresh_stale_figures",
        MINUTES,
        minutes=1,
    ),
    Schedule(
        "dashboards: refresh every estate's figures",
        "portal.dashboards.tasks.refresh_all_figures",
        DAILY,
        at=time(3, 40),
    ),
    Schedule("registry.expire_import_files", "property.registry.tasks.expire_import_files", HOURLY),
    Schedule("fund.check_review_deadlines", "property.fund.tasks.check_review_deadlines", HOURLY),
    Schedule("fund.refill_sweep", "property.fund.tasks.refill_sweep", DAILY),
    Schedule(
        "revenue: remind of months due",
        "property.revenue.tasks.remind_due_months",
        DAILY,
        at=time(8, 30),
    ),
    Schedule(
        "credit: activate due records and recompute ratings",
        "property.credit.tasks.daily",
        DAILY,
        at=time(1, 10),
    ),
    # Runs daily; acts once per quarter, after it ends (complaint_rules_quarterly).
    Schedule(
        "credit: complaint rules after each quarter",
        "property.credit.tasks.complaints_quarterly",
        DAILY,
        at=time(1, 40),
    ),
    Schedule(
        "api: nightly open-data export", "portal.api.tasks.export_open_data", DAILY, at=time(2, 30)
    ),
]


def schedule_named(name: str) -> Schedule:
    """The declared schedule called ``name`` (``KeyError`` if none)."""
    for schedule in SCHEDULES:
        if schedule.name == name:
            return schedule
    raise KeyError(name)


@transaction.atomic
def ensure_schedules(*, schedules: list[Schedule] | None = None) -> dict:
    """Make the django-q2 schedules match ``schedules`` (default: ``SCHEDULES``); idempotent.

    Precondition: the declared names are unique. Returns how many rows were created, updated
    (a declared field differed) and deleted (owned, no longer declared)."""
    from django_q.models import Schedule as Row

    schedules = SCHEDULES if schedules is None else schedules
    kinds = {MINUTES: Row.MINUTES, HOURLY: Row.HOURLY, DAILY: Row.DAILY}
    done = {"created": 0, "updated": 0, "deleted": 0}
    for schedule in schedules:
        fields = {
            "func": schedule.func,
            "schedule_type": kinds[schedule.every],
            "minutes": schedule.minutes,
            "repeats": -1,
        }
        row = Row.objects.filter(name=schedule.name).first()
        if row is None:
            first = {}
            if schedule.at is not None:
                tomorrow = timezone.localdate() + timedelta(days=1)
                first["next_run"] = timezone.make_aware(datetime.combine(tomorrow, schedule.at))
            Row.objects.create(name=schedule.name, **fields, **first)
            done["created"] += 1
        elif any(getattr(row, key) != value for key, value in fields.items()):
            for key, value in fields.items():
                setattr(row, key, value)
            row.save()
            done["updated"] += 1
    names = {schedule.name for schedule in schedules}
    for row in Row.objects.exclude(name__in=names):
        if row.func.startswith(OWN_PACKAGES):
            row.delete()
            done["deleted"] += 1
    return done
