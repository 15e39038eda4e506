"""Background work of the shared revenue (django-q2; declared in ``portal.core.schedules``).

``remind_due_months`` (daily): on the 1st of a month and three days before the due date, the
keepers of every estate's ledger whose last month is not filed yet are reminded. Only calls
the services.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.utils import timezone

from property.registry.models import Estate

from .services import revenue_due_remind


def remind_due_months(today: date | None = None) -> int:

    today = today or timezone.localdate()
    due_day = int(settings.GONGZHI["REVENUE_DUE_DAY"])
    if today.day not in (1, max(1, due_day - 3)):
        return 0
    return sum(revenue_due_remind(estate=e, today=today) for e in Estate.objects.order_by("code"))
