"""Read side of project managers: their records, live score, bans and estates managed.

A manager's score is computed live with the pure rule (``scoring.score_manager``) from the
records about them (items applying to the manager, alone or with the company), notified on or
before the date; their bans with ``managers.ban_periods``. Nothing here writes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone

from .managers import Ban, ban_on, ban_periods, mask_qualification, normalize_qualification
from .models import AppliesTo, CreditRecord, ManagerAssignment, ProjectManager, RecordStatus
from .scoring import Record, ScoreBreakdown, score_manager

STATUS = {RecordStatus.EFFECTIVE: "effective", RecordStatus.REVOKED: "revoked"}


def manager_records_qs(managers: Iterable[ProjectManager] | None = None):
    """Records that count for managers: about a manager, from an item applying to managers."""
    qs = CreditRecord.objects.filter(manager__isnull=False).exclude(applies_to=AppliesTo.COMPANY)
    if managers is not None:
        qs = qs.filter(manager__in=list(managers))
    return qs


def _pure(record: CreditRecord) -> Record:
    return Record(
        kind=record.kind,
        points=record.points,
        effective=record.effective,
        validity_days=record.validity_days,
        serious=record.serious,
        status=STATUS.get(record.status, "pending"),
        code=str(record.pk),
    )


@dataclass
class ManagerStanding:
    """A manager's score and ban on one date (for lists and pages)."""

    breakdown: ScoreBreakdown
    bans: list[Ban]
    ban: Ban | None


def _standings(
    records_by_manager: dict[int, list[CreditRecord]], ids: Iterable[int], as_of: date
) -> dict[int, ManagerStanding]:
    out = {}
    for pk in ids:
        rows = [r for r in records_by_manager.get(pk, []) if r.notified_on <= as_of]
        pure = [_pure(r) for r in rows]
        bans = ban_periods(zip(pure, [r.ban_days for r in rows], strict=True))
        out[pk] = ManagerStanding(
            breakdown=score_manager(as_of=as_of, records=pure),
            bans=bans,
            ban=ban_on(bans, as_of),
        )
    return out


def standings(managers: Iterable[ProjectManager], as_of: date | None = None):
    """Each manager's standing on ``as_of`` (default today); one query for all their records."""
    as_of = as_of or timezone.localdate()
    managers = list(managers)
    by_manager: dict[int, list[CreditRecord]] = defaultdict(list)
    for record in manager_records_qs(managers).order_by("occurred_on", "pk"):
        by_manager[record.manager_id].append(record)
    return _standings(by_manager, [m.pk for m in managers], as_of)


def standing(manager: ProjectManager, as_of: date | None = None) -> ManagerStanding:
    return standings([manager], as_of)[manager.pk]


def manager_ban(manager: ProjectManager, day: date) -> Ban | None:
    """The ban in force for ``manager`` on ``day`` (records as they stand now), or None."""
    return standing(manager, day).ban


def manager_records_in_force(manager: ProjectManager, as_of: date | None = None):
    """Public: the records counting for the manager on ``as_of`` (item, estate, points, dates)."""
    as_of = as_of or timezone.localdate()
    rows = manager_records_qs([manager]).filter(status=RecordStatus.EFFECTIVE, effective__lte=as_of)
    return [r for r in rows.select_related("item", "estate") if r.last_day() >= as_of]


def assignments_of(manager: ProjectManager):
    """Every estate the manager managed, newest first, with the company and the period."""
    return manager.assignments.select_related("estate", "company").order_by("-start", "-pk")


def current_assignments(*, estates=None, company=None, as_of: date | None = None):
    """Assignments running on ``as_of`` (default today), for some estates or a company."""
    as_of = as_of or timezone.localdate()
    qs = ManagerAssignment.objects.filter(start__lte=as_of).filter(
        Q(end__isnull=True) | Q(end__gte=as_of)
    )
    if estates is not None:
        qs = qs.filter(estate__in=estates)
    if company is not None:
        qs = qs.filter(company=company)
    return qs.select_related("manager", "estate").order_by("estate__name", "start")


def estate_manager(estate, as_of: date | None = None) -> ProjectManager | None:
    """The estate's manager on ``as_of`` (default today), or None."""
    assignment = current_assignments(estates=[estate], as_of=as_of).first()
    return assignment.manager if assignment else None


def company_managers(company):
    """The managers the company registered (now its staff), by name."""
    return ProjectManager.objects.filter(company=company).order_by("name", "pk")


def search_managers(query: str = ""):
    """Public list: every manager, or those whose name contains ``query`` or whose
    qualification number is ``query`` (normalised, exact)."""
    qs = ProjectManager.objects.select_related("company").order_by("name", "pk")
    query = (query or "").strip()
    if not query:
        return qs
    q = Q(name__icontains=query)
    try:
        q |= Q(qualification_number=normalize_qualification(query))
    except ValueError:
        pass
    return qs.filter(q)


def masked(manager: ProjectManager) -> str:
    return mask_qualification(manager.qualification_number)


def supervised_managers(as_of: date | None = None) -> list[tuple[ProjectManager, ManagerStanding]]:
    """Managers banned, blacklisted or past a supervision threshold on ``as_of`` (for the
    bureau's supervision list), by name. Only managers with records are scored."""
    as_of = as_of or timezone.localdate()
    ids = manager_records_qs().values("manager_id")
    managers = list(
        ProjectManager.objects.filter(pk__in=ids).select_related("company").order_by("name", "pk")
    )
    result = standings(managers, as_of)
    return [
        (m, result[m.pk])
        for m in managers
        if result[m.pk].ban
        or result[m.pk].breakdown.blacklisted
        or result[m.pk].breakdown.supervision != "none"
    ]
