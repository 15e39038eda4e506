"""Worker jobs: send queued deliveries; retry failed ones every few minutes."""

from __future__ import annotations

from .models import Delivery, DeliveryStatus
from .services import MAX_ATTEMPTS, delivery_send


def deliver(ids: list[int]) -> int:
    """Send the given deliveries (queued by ``services.notify``); returns how many were sent."""
    sent = 0
    pending = Delivery.objects.filter(
        pk__in=ids, status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]
    ).select_related("notification__recipient")
    for delivery in pending:
        sent += delivery_send(delivery=delivery)
    return sent


def retry_failed() -> int:
    """Every five minutes: send again what failed, up to ``MAX_ATTEMPTS`` tries each."""
    ids = list(
        Delivery.objects.filter(
            status=DeliveryStatus.FAILED, attempts__lt=MAX_ATTEMPTS
        ).values_list("pk", flat=True)[:1000]
    )
    return deliver(ids)
