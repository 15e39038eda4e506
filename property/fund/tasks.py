"""Background work of the fund (django-q2).

``ensure_schedules()`` registers the periodic jobs idempotently (the worker calls it at start
through ``manage.py ensure_schedules``):

* ``check_review_deadlines`` (hourly): for every emergency request awaiting review, remind the
  reviewing offices when one working day or less is left, and once the deadline has passed
  either apply deemed approval (FUND_DEEMED_APPROVAL) or escalate to the housing bureau
  (also when deemed approval is refused: beyond the fund, or a unit would go below zero).
* ``refill_sweep`` (daily): recompute every ledger's refill flag (e.g. after the threshold
  setting changed) and notify owners newly due.

Refill notices of ledgers that fall below the threshold after a debit are queued at once by
the service that posted the debit (``queue_refill_notices``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.models import Schedule
from django_q.tasks import async_task

from portal.audit import log_event
from portal.core.links import absolute_reverse
from portal.organisations.models import Membership, OrgKind
from property.registry.calendar import working_calendar

from .apportion import refill_due
from .models import FundAccount, FundRequest, Status


def ensure_schedules() -> None:
    """Register the fund's periodic jobs (idempotent)."""
    for name, func, kind in (
        (
            "fund.check_review_deadlines",
            "property.fund.tasks.check_review_deadlines",
            Schedule.HOURLY,
        ),
        ("fund.refill_sweep", "property.fund.tasks.refill_sweep", Schedule.DAILY),
    ):
        Schedule.objects.update_or_create(
            name=name, defaults={"func": func, "schedule_type": kind, "repeats": -1}
        )


def _emails(memberships) -> list[str]:
    return sorted({m.user.email for m in memberships.select_related("user") if m.user.email})


def reviewer_emails(
    req: FundRequest, *, kinds=(OrgKind.STREET_OFFICE, OrgKind.BUREAU)
) -> list[str]:
    path = req.estate.jurisdiction.path
    steplen = req.estate.jurisdiction.steplen
    prefixes = [path[: i * steplen] for i in range(1, len(path) // steplen + 1)]
    return _emails(
        Membership.objects.filter(
            active=True,
            organisation__kind__in=kinds,
            organisation__jurisdiction__path__in=prefixes,
        )
    )


def check_review_deadlines(today: date | None = None) -> dict:
    """Remind, escalate or deem approved the emergency requests awaiting review."""
    from .services import FundError, fund_request_deem_approved

    today = today or timezone.localdate()
    cal = working_calendar()
    done = {"reminded": 0, "escalated": 0, "deemed": 0}
    for req in FundRequest.objects.filter(status=Status.SUBMITTED, review_deadline__isnull=False):
        if today > req.review_deadline:
            if settings.GONGZHI["FUND_DEEMED_APPROVAL"]:
                try:
                    fund_request_deem_approved(request=req, today=today)
                except FundError:
                    pass  # beyond the fund, or a unit would go below zero: a person decides
                else:
                    done["deemed"] += 1
                    continue
            if req.escalated_at is None:
                with transaction.atomic():
                    FundRequest.objects.filter(pk=req.pk).update(escalated_at=timezone.now())
                    log_event(actor=None, action="fund.review_escalated", obj=req)
                _notify(
                    reviewer_emails(req, kinds=(OrgKind.BUREAU,)),
                    _("Overdue: emergency fund request “%(title)s” in %(estate)s"),
                    req,
                )
                done["escalated"] += 1
        elif cal.working_days_between(today, req.review_deadline) <= 1 and req.reminded_at is None:
            with transaction.atomic():
                FundRequest.objects.filter(pk=req.pk).update(reminded_at=timezone.now())
                log_event(actor=None, action="fund.review_reminded", obj=req)
            _notify(
                reviewer_emails(req),
                _("Decision due by %(deadline)s: emergency fund request “%(title)s” in %(estate)s"),
                req,
            )
            done["reminded"] += 1
    return done


def _notify(emails: list[str], subject: str, req: FundRequest) -> None:
    if not emails:
        return
    text = subject % {
        "title": req.title,
        "estate": req.estate.name,
        "deadline": req.review_deadline.isoformat() if req.review_deadline else "",
    }
    url = absolute_reverse("fund:request", req.pk)
    async_task("django.core.mail.send_mail", text, f"{text}\n\n{url}", None, emails)


def queue_refill_notices(account_ids: list[int]) -> None:
    """Queue the refill notice emails for ledgers that have just fallen below the threshold."""
    async_task("property.fund.tasks.send_refill_notices", list(account_ids))


def send_refill_notices(account_ids: list[int]) -> int:
    """Email the owners of each ledger due for a refill (Order 165 Art. 17); returns emails sent."""
    sent = 0
    accounts = FundAccount.objects.filter(pk__in=account_ids, refill_due=True).select_related(
        "unit", "estate"
    )
    for acc in accounts:
        emails = sorted(
            {
                u
                for u in acc.unit.ownerships.filter(end__isnull=True).values_list(
                    "party__members__user__email", flat=True
                )
                if u
            }
        )
        if emails:
            subject = _("Please refill the maintenance fund of unit %(unit)s in %(estate)s") % {
                "unit": acc.unit.code,
                "estate": acc.estate.name,
            }
            body = _(
                "The fund balance of your unit %(unit)s is %(balance)s yuan, below %(pct)s of "
                "its first deposit of %(first)s yuan. Please refill it."
            ) % {
                "unit": acc.unit.code,
                "balance": acc.balance,
                "pct": f"{(Decimal(str(settings.GONGZHI['FUND_REFILL_THRESHOLD'])) * 100).normalize():f}%",
                "first": acc.first_deposit,
            }
            send_mail(subject, f"{body}\n\n{absolute_reverse('fund:my')}", None, emails)
            sent += len(emails)
        FundAccount.objects.filter(pk=acc.pk).update(refill_notified_at=timezone.now())
    return sent


def refill_sweep() -> int:
    """Recompute every ledger's refill flag; notify owners of newly due ledgers."""
    limit = Decimal(str(settings.GONGZHI["FUND_REFILL_THRESHOLD"]))
    newly = []
    with transaction.atomic():
        for pk, bal, first, flag in FundAccount.objects.select_for_update().values_list(
            "pk", "balance", "first_deposit", "refill_due"
        ):
            due = refill_due(bal, first, threshold=limit)
            if due != flag:
                FundAccount.objects.filter(pk=pk).update(refill_due=due)
                if due:
                    newly.append(pk)
    if newly:
        queue_refill_notices(newly)
    return len(newly)
