"""Named domain operations on project managers (项目经理; DOMAIN.md section 3, issue 19 part 3).

Each function is the mutating core: it checks the state and the data, not the user's right
(views check ``credit.manage_managers`` first). Each runs in one transaction, locks the rows it
changes and writes one audit event without personal data (the manager's id, never their
qualification number).

Records about a manager are added with ``services.credit_record_add(..., manager=...)`` and
follow the company's notice and objection flow: the company is told and objects for them.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit import log_event
from portal.core.errors import DomainError
from portal.organisations.models import Organisation, OrgKind
from property.registry.models import Estate

from .manager_selectors import manager_ban
from .managers import QualificationError, normalize_qualification
from .models import ManagerAssignment, ProjectManager


class ManagerError(DomainError):
    """A refused step on a project manager (registration, assignment)."""

    default_code = "manager"


def _qualification(raw: str) -> str:
    try:
        return normalize_qualification(raw)
    except QualificationError:
        raise ManagerError(
            _(
                "Enter the qualification number as printed on the certificate: 6 to 32 letters "
                "and digits, at least 4 of them digits (spaces and hyphens are ignored)."
            ),
            code="bad_qualification",
            field="qualification_number",
        ) from None


@transaction.atomic
def manager_register(
    *, actor, company: Organisation, name: str, qualification_number: str, today: date | None = None
) -> ProjectManager:
    """The company registers a project manager (name and qualification number).

    Preconditions: the actor acts for ``company`` (``credit.manage_managers``). The number is
    normalised (``managers.normalize_qualification``) and is the person's across companies: if
    another company registered it, the person moves to ``company`` with their records, provided
    the names match and they manage no estate of the other company any more (that company
    ends the assignment first). A number already registered by ``company`` is refused.
    """
    today = today or timezone.localdate()
    if company.kind != OrgKind.PROPERTY_COMPANY:
        raise ManagerError(_("Only a property company registers project managers."))
    name = " ".join((name or "").split())
    if not name:
        raise ManagerError(_("Enter the manager's name."), code="no_name", field="name")
    number = _qualification(qualification_number)
    existing = ProjectManager.objects.select_for_update().filter(qualification_number=number)
    manager = existing.first()
    if manager is None:
        manager = ProjectManager.objects.create(
            name=name,
            qualification_number=number,
            company=company,
            registered_on=today,
            registered_by=actor,
        )
        log_event(
            actor=actor,
            action="credit.manager_registered",
            obj=manager,
            details={"manager": manager.pk, "company": company.credit_code},
        )
        return manager
    if manager.company_id == company.pk:
        raise ManagerError(
            _("Your company has already registered this qualification number."),
            code="duplicate",
            field="qualification_number",
        )
    if manager.name != name:
        raise ManagerError(
            _(
                "This qualification number is registered under another name. Check the number "
                "and the name on the certificate."
            ),
            code="name_mismatch",
            field="qualification_number",
        )
    running = manager.assignments.filter(company=manager.company).exclude(end__lt=today)
    if running.exists():
        raise ManagerError(
            _(
                "This manager still manages an estate for another company. That company must "
                "first enter the end of the assignment."
            ),
            code="still_assigned",
        )
    previous = manager.company
    manager.company, manager.registered_on, manager.registered_by = company, today, actor
    manager.save(update_fields=["company", "registered_on", "registered_by"])
    log_event(
        actor=actor,
        action="credit.manager_moved",
        obj=manager,
        details={
            "manager": manager.pk,
            "from": previous.credit_code,
            "to": company.credit_code,
        },
    )
    return manager


@transaction.atomic
def manager_assign(
    *,
    actor,
    manager: ProjectManager,
    estate: Estate,
    start: date,
    end: date | None = None,
    today: date | None = None,
) -> ManagerAssignment:
    """The company puts its manager in charge of one of its estates from ``start``
    (to ``end`` inclusive, or open).

    Preconditions: the actor acts for the manager's company (``credit.manage_managers``);
    the estate is managed by that company. Refused, with nothing written, when a ban is in
    force for the manager (``managers.ban_periods``: a record carrying a ban, or 12 bad points
    in force) on ``today`` or on ``start``, whichever company registers them; when the manager
    already manages the estate on ``start``; or when another assignment of the estate starts
    on or after ``start``. An open assignment of the estate by another manager that started
    earlier ends the day before ``start``. Locks the estate's assignments.
    """
    today = today or timezone.localdate()
    if estate.company_id != manager.company_id:
        raise ManagerError(
            _("This estate is not managed by the manager's company."), field="estate"
        )
    if end is not None and end < start:
        raise ManagerError(_("The end cannot be before the start."), field="end")
    if start > today + timedelta(days=366):
        raise ManagerError(_("The start is more than a year away."), field="start")
    for day in sorted({today, start}):
        ban = manager_ban(manager, day)
        if ban is not None:
            raise ManagerError(
                _(
                    "%(name)s may not take charge of a new estate: banned under the "
                    "supervision rules from %(first)s to %(last)s."
                ),
                code="banned",
                params={
                    "name": manager.name,
                    "first": ban.first_day.isoformat(),
                    "last": ban.last_day.isoformat(),
                },
            )
    assignments = list(
        ManagerAssignment.objects.select_for_update().filter(estate=estate).order_by("start")
    )
    for other in assignments:
        if other.manager_id == manager.pk and other.covers(start):
            raise ManagerError(
                _("This manager already manages this estate on that day."), field="start"
            )
        if other.start >= start:
            raise ManagerError(
                _(
                    "Another assignment of this estate starts on %(date)s: enter a start "
                    "after it, or end that one first."
                ),
                params={"date": other.start.isoformat()},
                field="start",
            )
    ended = []
    for other in assignments:
        if other.covers(start):
            other.end = start - timedelta(days=1)
            other.save(update_fields=["end"])
            ended.append(other.pk)
    assignment = ManagerAssignment.objects.create(
        manager=manager,
        estate=estate,
        company=manager.company,
        start=start,
        end=end,
        created_by=actor,
    )
    log_event(
        actor=actor,
        action="credit.manager_assigned",
        obj=assignment,
        details={
            "manager": manager.pk,
            "estate": estate.code,
            "start": start.isoformat(),
            "end": end.isoformat() if end else None,
            "ended": ended,
        },
    )
    return assignment


@transaction.atomic
def manager_assignment_end(
    *, actor, assignment: ManagerAssignment, end: date, today: date | None = None
) -> ManagerAssignment:
    """The company enters the last day of an assignment (on or after its start).

    Preconditions: the actor acts for the assignment's company (``credit.manage_managers``).
    An end already entered may be moved earlier, never later than a year from today.
    """
    today = today or timezone.localdate()
    assignment = ManagerAssignment.objects.select_for_update().get(pk=assignment.pk)
    if end < assignment.start:
        raise ManagerError(_("The end cannot be before the start."), field="end")
    if assignment.end is not None and end > assignment.end:
        raise ManagerError(
            _("This assignment already ends on %(date)s."),
            params={"date": assignment.end.isoformat()},
            field="end",
        )
    if end > today + timedelta(days=366):
        raise ManagerError(_("The end is more than a year away."), field="end")
    assignment.end = end
    assignment.save(update_fields=["end"])
    log_event(
        actor=actor,
        action="credit.manager_assignment_ended",
        obj=assignment,
        details={"manager": assignment.manager_id, "end": end.isoformat()},
    )
    return assignment
