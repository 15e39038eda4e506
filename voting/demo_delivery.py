"""Demo data: the delivery of the open demo vote's notice (送达) on every channel, with some
parties not reached (docs/voting.md). Everything goes through the services: the in-portal
notices of the opening, their email and SMS sent (to the development outboxes, not the
console), gateway receipts, a notice read, the notice posted in the estate and handed over.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.core.files.base import ContentFile
from django.test import override_settings

from portal.notifications.models import Channel, Delivery, Notification
from portal.notifications.services import delivery_receipt_record, delivery_send, mark_read

from . import notifications
from .delivery_selectors import electorate_parties
from .delivery_services import notice_handover_record, notice_posting_record
from .models import Vote

#: Share of the parties the committee hands the notice to in person.
HANDED_SHARE = 0.4


@override_settings(
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    SMS_BACKEND="portal.accounts.sms.LocmemSMSBackend",
)
def deliver_notice(vote: Vote, committee, png: bytes, rng: random.Random) -> None:
    """Precondition: ``vote`` is open (opened without telling the owners)."""
    notice_at = vote.notice_at
    notifications.tell_owners(vote, "opened", now=vote.opens_at)
    deliveries = list(
        Delivery.objects.filter(notification__vote_notice__vote=vote)
        .select_related("notification__recipient")
        .order_by("pk")
    )
    for n, delivery in enumerate(deliveries):
        if n % 5 == 4:
            continue  # still waiting for the worker
        delivery_send(
            delivery=delivery, now=delivery.notification.created_at + timedelta(minutes=1)
        )
        if delivery.channel == Channel.SMS and delivery.gateway_ref:
            delivery_receipt_record(
                gateway_ref=delivery.gateway_ref,
                delivered=n % 3 != 0,
                at=delivery.sent_at + timedelta(seconds=20),
            )
    # owner1 read the notice in the portal the day after it was published.
    first = Notification.objects.filter(vote_notice__vote=vote).order_by("recipient__email").first()
    if first is not None:
        mark_read(
            user=first.recipient, notification=first, now=first.created_at + timedelta(days=1)
        )
    notice_posting_record(
        actor=committee,
        vote=vote,
        posted_at=notice_at + timedelta(hours=2),
        place="小区东门公告栏、各楼栋一楼大堂",
        photo=ContentFile(png, name="notice-posted.png"),
        now=notice_at + timedelta(hours=3),
    )
    parties = electorate_parties(vote)
    rng.shuffle(parties)
    for i, party in enumerate(parties[: int(len(parties) * HANDED_SHARE)]):
        at = notice_at + timedelta(days=1 + i % 6, hours=i % 9)
        notice_handover_record(
            actor=committee,
            vote=vote,
            party_id=party.party_id,
            handed_at=at,
            signature=ContentFile(png, name=f"signed-{i + 1}.png"),
            now=at + timedelta(minutes=30),
        )
