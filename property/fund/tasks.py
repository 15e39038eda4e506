"""Background work of the fund (django-q2).

The periodic jobs (declared in ``portal.core.schedules``):

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
from django.utils import timezone
from django_q.tasks import async_task

from property.registry.calendar import working_calendar

from .models import FundAccount, FundRequest, Status
from .services import fund_refill_flags_recompute, fund_refill_notice_send


def check_review_deadlines(today: date | None = None) -> dict:
    """Remind, escalate or deem approved the emergency requests awaiting review."""
    from .services import (
        FundError,
        fund_request_deem_approved,
        fund_review_escalate,
        fund_review_remind,
    )

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
            if req.escalated_at is None and fund_review_escalate(request=req):
                done["escalated"] += 1
        elif cal.working_days_between(today, req.review_deadline) <= 1 and req.reminded_at is None:
            if fund_review_remind(request=req):
                done["reminded"] += 1
    return done


def queue_refill_notices(account_ids: list[int]) -> None:
    """Queue the refill notice emails for ledgers that have just fallen below the threshold."""
    async_task("property.fund.tasks.send_refill_notices", list(account_ids))


def send_refill_notices(account_ids: list[int]) -> int:
    """Tell the owners of each ledger due for a refill (Order 165 Art. 17), through
    ``portal.notifications`` (``fund_refill_notice_send``); returns how many people were told."""

    accounts = FundAccount.objects.filter(pk__in=account_ids, refill_due=True).select_related(
        "unit", "estate"
    )
    return sum(fund_refill_notice_send(account=acc) for acc in accounts)


def refill_sweep() -> int:
    """Recompute every ledger's refill flag; notify owners of newly due ledgers."""

    limit = Decimal(str(settings.GONGZHI["FUND_REFILL_THRESHOLD"]))
    newly = fund_refill_flags_recompute(threshold=limit)
    if newly:
        queue_refill_notices(newly)
    return len(newly)
