"""Named domain operations of the credit rating (DOMAIN.md section 3).

Each function is the mutating core: it checks the state and the data, not the user's right
(views check ``credit.*`` perms first). Each runs in one transaction, locks the rows it
changes, and writes one audit event without personal data.

Life of a record::

    credit_record_add ─▶ pending ──(window passes, worker)──────────▶ effective
                            │                                          ▲
                            └─ credit_objection_file ─▶ objected ──────┤ credit_objection_uphold
                                                             └───────▶ revoked  (credit_objection_accept)
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import log_event
from portal.audit.models import AuditEvent
from portal.core.errors import DomainError
from portal.core.objections import (
    objection_check_window,
    objection_clean_text,
    objection_record_answer,
    objection_require_open,
)
from portal.organisations.models import Organisation, OrgKind
from property.registry.calendar import working_calendar
from property.registry.models import Estate, OwnerParty

from . import notifications
from .models import (
    AppliesTo,
    CatalogueItem,
    CreditRecord,
    Objection,
    ObjectionStatus,
    ProjectManager,
    Publication,
    Rating,
    RecordStatus,
    SatisfactionAnswer,
)
from .selectors import score_companies

logger = logging.getLogger(__name__)


class CreditError(DomainError):
    """A credit step refused for a reason the user can act on (message is translated)."""

    default_code = "credit"


def objection_deadline(notified_on: date) -> date:
    """Last day on which the company may object: N working days after notice (N from settings,
    default 10), on the official holiday and make-up workday calendar: the ``Holiday`` table
    the bureau keeps, the same calendar as the fund's review deadlines."""
    days = settings.GONGZHI["CREDIT_OBJECTION_WORKING_DAYS"]
    return working_calendar().add_working_days(notified_on, days)


@transaction.atomic
def credit_record_add(
    *,
    actor,
    company: Organisation,
    item: CatalogueItem,
    occurred_on: date,
    summary: str,
    estate: Estate | None = None,
    evidence=None,
    manager: ProjectManager | None = None,
    today: date | None = None,
) -> CreditRecord:
    """Add a record for ``company`` and notify it; the record starts in its objection window.

    Preconditions: the actor may add it (``credit.add_record`` on the record); ``company`` is a
    property company; ``estate`` if given is managed by it; ``item`` is in use; the fact is not
    in the future. ``manager`` is named exactly when the item applies to a project manager
    (alone or with the company), and is one the company registered: the company is told and
    objects for them. Points, validity, seriousness, whom it applies to and any ban are copied
    from ``item``. The notice mail is sent after commit.
    """
    today = today or timezone.localdate()
    errors = {}
    if company.kind != OrgKind.PROPERTY_COMPANY:
        errors["company"] = _("Records are for property companies only.")
    if estate is not None and estate.company_id != company.pk:
        errors["estate"] = _("This estate is not managed by this company.")
    if not item.active:
        errors["item"] = _("This catalogue item is no longer in use.")
    if occurred_on > today:
        errors["occurred_on"] = _("The date cannot be in the future.")
    if not (summary or "").strip():
        errors["summary"] = _("Say what happened.")
    if item.applies_to == AppliesTo.COMPANY and manager is not None:
        errors["manager"] = _("This catalogue item applies to the company only.")
    elif item.applies_to != AppliesTo.COMPANY and manager is None:
        errors["manager"] = _("This catalogue item applies to a project manager: choose one.")
    elif manager is not None and manager.company_id != company.pk:
        errors["manager"] = _("This project manager is not registered by this company.")
    if errors:
        raise CreditError(errors, code="record")
    record = CreditRecord(
        company=company,
        estate=estate,
        item=item,
        kind=item.kind,
        points=item.points,
        validity_days=item.validity_days,
        serious=item.serious,
        applies_to=item.applies_to,
        ban_days=item.ban_days,
        manager=manager,
        occurred_on=occurred_on,
        summary=summary.strip(),
        status=RecordStatus.PENDING,
        notified_on=today,
        objection_deadline=objection_deadline(today),
        created_by=actor,
    )
    if evidence:
        record.evidence = evidence
    record.save()
    log_event(
        actor=actor,
        action="credit.record_added",
        obj=record,
        details={
            "company": company.credit_code,
            "item": item.code,
            "kind": item.kind,
            "points": str(item.points),
            "objection_deadline": record.objection_deadline.isoformat(),
            "applies_to": item.applies_to,
            "manager": manager.pk if manager else None,
        },
    )
    notifications.tell_record_added(record)
    return record


@transaction.atomic
def credit_objection_file(
    *, actor, record: CreditRecord, reason: str, evidence=None, today: date | None = None
) -> Objection:
    """The company objects to a pending record, on or before its objection deadline.

    Preconditions: the actor acts for the record's company (``credit.object``). Locks the
    record; refuses a record not pending, a second objection, or a late one.
    """
    today = today or timezone.localdate()
    record = CreditRecord.objects.select_for_update().get(pk=record.pk)
    if record.status != RecordStatus.PENDING or Objection.objects.filter(record=record).exists():
        raise CreditError(_("This record is not open to objection."), code="not_open")
    objection_check_window(
        now=today,
        ends=record.objection_deadline,
        error=CreditError,
        message=_("The objection period ended on %(date)s.")
        % {"date": record.objection_deadline.isoformat()},
    )
    text = objection_clean_text(
        reason,
        error=CreditError,
        empty=_("Give the reasons for the objection."),
        field="reason",
        empty_code="no_reason",
    )
    objection = Objection(record=record, text=text, filed_by=actor, filed_at=_moment(today))
    if evidence:
        objection.evidence = evidence
    objection.save()
    record.status = RecordStatus.OBJECTED
    record.save(update_fields=["status"])
    log_event(
        actor=actor,
        action="credit.objection_filed",
        obj=record,
        details={"objection": objection.pk, "filed_on": today.isoformat()},
    )
    notifications.tell_objection_filed(objection)
    return objection


def _lock_open(objection: Objection) -> tuple[Objection, CreditRecord]:
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    record = CreditRecord.objects.select_for_update().get(pk=objection.record_id)
    message = _("This objection has already been decided.")
    objection_require_open(objection, error=CreditError, message=message, code="decided")
    if record.status != RecordStatus.OBJECTED:
        raise CreditError(message, code="decided")
    return objection, record


def _moment(day: date) -> datetime:
    """Now, on ``day`` (the day a service was told it is): the moment an objection is filed or
    decided."""
    return datetime.combine(day, timezone.localtime().timetz())


@transaction.atomic
def credit_objection_uphold(
    *, actor, objection: Objection, note: str = "", today: date | None = None
) -> CreditRecord:
    """The bureau rejects the objection: the record stands and takes effect today.

    Preconditions: the actor may rule (``credit.rule_objection``); the objection is open.
    """
    today = today or timezone.localdate()
    objection, record = _lock_open(objection)
    objection_record_answer(
        objection, actor=actor, answer=note, status=ObjectionStatus.REJECTED, at=_moment(today)
    )
    record.status, record.effective = RecordStatus.EFFECTIVE, today
    record.save(update_fields=["status", "effective"])
    log_event(
        actor=actor,
        action="credit.objection_rejected",
        obj=record,
        details={"objection": objection.pk, "effective": today.isoformat()},
    )
    notifications.tell_objection_ruled(objection, accepted=False)
    return record


@transaction.atomic
def credit_objection_accept(
    *, actor, objection: Objection, note: str = "", today: date | None = None
) -> CreditRecord:
    """The bureau accepts the objection: the record is revoked and never counts.

    Preconditions: the actor may rule (``credit.rule_objection``); the objection is open.
    """
    today = today or timezone.localdate()
    objection, record = _lock_open(objection)
    objection_record_answer(
        objection, actor=actor, answer=note, status=ObjectionStatus.ACCEPTED, at=_moment(today)
    )
    record.status, record.revoked_on = RecordStatus.REVOKED, today
    record.save(update_fields=["status", "revoked_on"])
    log_event(
        actor=actor,
        action="credit.record_revoked",
        obj=record,
        details={"objection": objection.pk, "revoked_on": today.isoformat()},
    )
    notifications.tell_objection_ruled(objection, accepted=True)
    return record


@transaction.atomic
def credit_records_activate_due(*, today: date | None = None) -> int:
    """Worker: every pending record whose objection window has passed with no objection takes
    effect on the day after its deadline. Returns how many records took effect."""
    today = today or timezone.localdate()
    due = list(
        CreditRecord.objects.select_for_update()
        .filter(status=RecordStatus.PENDING, objection_deadline__lt=today)
        .order_by("pk")
    )
    for record in due:
        record.status = RecordStatus.EFFECTIVE
        record.effective = record.objection_deadline + timedelta(days=1)
        record.save(update_fields=["status", "effective"])
        log_event(
            actor=None,
            action="credit.record_effective",
            obj=record,
            details={"effective": record.effective.isoformat(), "by": "objection window passed"},
        )
    return len(due)


@transaction.atomic
def credit_survey_answer(
    *, actor, party: OwnerParty, satisfied: bool, year: int | None = None
) -> SatisfactionAnswer:
    """A verified owner answers the annual survey for their party's estate's company.

    Preconditions: the actor is a member of ``party`` (a verified owner); the estate has a
    company. One answer per party, company and year: a second is refused.
    """
    year = year or timezone.localdate().year
    estate = party.estate
    if estate.company_id is None:
        raise CreditError(_("This estate has no property company to rate."), code="no_company")
    if SatisfactionAnswer.objects.filter(
        company_id=estate.company_id, year=year, party=party
    ).exists():
        raise CreditError(
            _("You have already answered this year's survey for this estate."), code="answered"
        )
    answer = SatisfactionAnswer.objects.create(
        company_id=estate.company_id,
        year=year,
        estate=estate,
        party=party,
        satisfied=satisfied,
        answered_by=actor,
    )
    log_event(
        actor=actor,
        action="credit.survey_answered",
        obj=answer,
        details={"year": year, "company": estate.company.credit_code},
    )
    return answer


def quarter_end(year: int, quarter: int) -> date:
    month = quarter * 3
    return (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)


@transaction.atomic
def credit_quarter_publish(
    *, actor, year: int, quarter: int, today: date | None = None
) -> Publication:
    """Publish a quarter's ranking: the ratings as of the quarter's last day, or today for the
    current quarter (computed first if missing). Publishing again replaces the date.

    Preconditions: the actor is bureau staff (``credit.publish``); the quarter has begun.
    """
    today = today or timezone.localdate()
    if quarter not in (1, 2, 3, 4):
        raise CreditError(_("A quarter is 1 to 4."), code="quarter")
    start = date(year, quarter * 3 - 2, 1)
    if start > today:
        raise CreditError(_("This quarter has not begun."), code="future")
    as_of = min(quarter_end(year, quarter), today)
    credit_ratings_recompute(as_of=as_of, only_missing=True)
    publication, created = Publication.objects.select_for_update().get_or_create(
        year=year,
        quarter=quarter,
        defaults={"as_of": as_of, "published_at": timezone.now(), "published_by": actor},
    )
    if not created:
        publication.as_of, publication.published_at, publication.published_by = (
            as_of,
            timezone.now(),
            actor,
        )
        publication.save()
    log_event(
        actor=actor,
        action="credit.quarter_published",
        obj=publication,
        details={"year": year, "quarter": quarter, "as_of": as_of.isoformat()},
    )
    notifications.tell_rating_published(publication)
    return publication


@transaction.atomic
def credit_survey_open(*, year: int) -> int:
    """The year's satisfaction survey opens: tell the owners of every estate with a company,
    once a year (the audit log remembers). Called by the worker's daily job; returns how many
    people were told (0 when already told this year)."""

    if AuditEvent.objects.filter(action="credit.survey_opened", details__year=year).exists():
        return 0
    told = notifications.tell_survey_opened(year=year)
    log_event(
        actor=None,
        action="credit.survey_opened",
        obj=None,
        details={"year": year, "told": told},
    )
    return told


# --- the daily ratings (issue 20: domain writes only in services) ------------------------------


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
        "rating_year": inputs.rating_year,
        "rating_quarter": inputs.rating_quarter,
        "ratings": inputs.ratings,
        "stars": str(inputs.parts.stars) if inputs.parts and inputs.parts.stars else None,
        "rating_weight": str(inputs.parts.weight) if inputs.parts else "0",
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


def credit_ratings_recompute(*, as_of: date | None = None, only_missing: bool = False) -> int:
    """Score every property company on ``as_of`` (default today) with ``score_many`` and store
    the ratings, replacing that day's rows (``only_missing``: keep existing rows, add the
    rest). Any past date can be recomputed. Returns the number of ratings written. Called by
    the worker's daily job and by ``credit_quarter_publish``.

    Preconditions: none beyond a date; the scoring reads the records as they are.
    """

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
