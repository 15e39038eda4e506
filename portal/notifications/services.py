"""Writes: tell people of a workflow step; mark read; preferences; send one delivery.

``notify`` is what every app's services call when someone must act on (or should know of) a
step. It writes the in-portal notices and the pending deliveries in the caller's transaction and
queues the sending to the worker once that transaction commits: nothing is sent in the request,
and a failed send never loses the in-portal notice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from portal.accounts.sms import send_sms
from portal.core.links import absolute_reverse, absolute_url

from . import kinds
from .models import Channel, Delivery, DeliveryStatus, Notification, Preference, ReceiptStatus

MAX_ATTEMPTS = 5


class NotificationError(ValueError):
    pass


def _channels(user, kind: kinds.Kind, preference: Preference | None) -> list[str]:
    email = preference.email if preference else kind.email
    sms = preference.sms if preference else kind.sms
    out = []
    if email and user.email:
        out.append(Channel.EMAIL)
    if sms and user.phone and user.phone_verified:
        out.append(Channel.SMS)
    return out


def notify(
    *,
    recipients: Iterable,
    kind: str,
    params: dict | None = None,
    url: str = "",
    now: datetime | None = None,
) -> list[Notification]:
    """Tell each recipient of a step: an in-portal notice, and a delivery per channel that the
    kind and the person's preferences allow (email to the account's address, SMS to its verified
    phone), sent by the worker after commit.

    Preconditions: ``kind`` is registered; ``params`` holds plain JSON values (names, titles,
    numbers as text) for the kind's title; ``url`` is a path on the portal (``/fund/requests/3/``)
    where the person acts. Recipients are de-duplicated; inactive accounts are left out, and
    for a kind with ``can_mute`` so is whoever turned it off altogether (``Preference.muted``).
    """
    spec = kinds.get(kind)
    if spec is None:
        raise NotificationError(f"unknown notification kind {kind!r}")
    if url and not url.startswith("/"):
        raise NotificationError("a notification links to a path on the portal")
    now = now or timezone.now()
    people = {u.pk: u for u in recipients if u is not None and u.is_active}
    if not people:
        return []
    preferences = {p.user_id: p for p in Preference.objects.filter(user_id__in=people, kind=kind)}
    if spec.can_mute:  # who turned this kind off altogether is not told at all
        people = {
            pk: u for pk, u in people.items() if not getattr(preferences.get(pk), "muted", False)
        }
        if not people:
            return []
    with transaction.atomic():
        created = Notification.objects.bulk_create(
            Notification(recipient=u, kind=kind, params=params or {}, url=url, created_at=now)
            for u in people.values()
        )
        deliveries = Delivery.objects.bulk_create(
            Delivery(notification=n, channel=channel)
            for n in created
            for channel in _channels(people[n.recipient_id], spec, preferences.get(n.recipient_id))
        )
        ids = [d.pk for d in deliveries]
        if ids:
            transaction.on_commit(lambda: _queue_deliveries(ids))
    return created


def sms_to_phone(*, phone: str, kind: str, text: str, now: datetime | None = None) -> Delivery:
    """A text to a phone number that may belong to no account (the registry's contact for a
    person), so with no in-portal notice: one delivery, sent by the worker after the caller's
    transaction commits and retried like every other (``retry_failed``).

    Preconditions: ``kind`` is registered (the step the text reports); ``text`` is the whole
    message, already in the portal's language, with absolute links and no identity number.
    """
    if kinds.get(kind) is None:
        raise NotificationError(f"unknown notification kind {kind!r}")
    if not phone or not text:
        raise NotificationError("a text needs a phone number and a message")
    with transaction.atomic():
        delivery = Delivery.objects.create(
            channel=Channel.SMS, phone=phone, kind=kind, text=text, created_at=now or timezone.now()
        )
        transaction.on_commit(lambda: _queue_deliveries([delivery.pk]))
    return delivery


def _queue_deliveries(ids: list[int]) -> None:

    async_task("portal.notifications.tasks.deliver", ids)


def mark_read(*, user, notification: Notification, now: datetime | None = None) -> None:
    """Precondition: the notification is the user's."""
    if notification.recipient_id != user.pk:
        raise NotificationError("not the recipient")
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        notification.save(update_fields=["read_at"])


def mark_all_read(*, user, now: datetime | None = None) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )


def mark_read_before(*, before: datetime, now: datetime | None = None) -> int:
    """Mark read every unread notification told before ``before`` (the demo's people have read
    what came more than a week before the day it is loaded). Returns how many."""
    return Notification.objects.filter(read_at__isnull=True, created_at__lt=before).update(
        read_at=now or timezone.now()
    )


def preferences_set(*, user, choices: dict[str, tuple]) -> None:
    """Store the person's email and SMS choice per kind (``{code: (email, sms)}``), and for a
    kind with ``can_mute`` whether they are told at all (``{code: (email, sms, muted)}``)."""
    with transaction.atomic():
        for code, choice in choices.items():
            spec = kinds.get(code)
            if spec is None:
                raise NotificationError(f"unknown notification kind {code!r}")
            email, sms, *rest = choice
            defaults = {"email": bool(email), "sms": bool(sms)}
            if rest:
                if rest[0] and not spec.can_mute:
                    raise NotificationError(f"{code!r} cannot be turned off altogether")
                defaults["muted"] = bool(rest[0])
            Preference.objects.update_or_create(user=user, kind=code, defaults=defaults)


def _message(notification: Notification) -> dict:
    """Subject, text and link of a notification, in the portal's language."""
    with translation.override(settings.LANGUAGE_CODE):
        title = notification.title
        link = absolute_url(notification.url) if notification.url else absolute_url("/")
        context = {
            "title": title,
            "link": link,
            "settings_link": absolute_reverse("notifications:settings"),
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        return {
            "subject": _("Gongzhi: %(title)s") % {"title": title},
            "email": render_to_string("notifications/email/body.txt", context),
            "sms": _("[Gongzhi] %(title)s %(link)s") % {"title": title, "link": link},
        }


def delivery_send(*, delivery: Delivery, now: datetime | None = None) -> bool:
    """Send one pending or failed delivery; record the outcome. Returns True when sent.

    Preconditions: called by the worker, outside a request. A failure is recorded (attempts, a
    short error) and left for ``retry_failed``; the notification itself is never touched. A
    delivery with no notification sends its own text to its phone number.
    """

    if delivery.status == DeliveryStatus.SENT:
        return True
    delivery.attempts += 1
    ref = None
    try:
        if delivery.notification_id is None:  # a text of its own to a bare phone number
            ref = send_sms(delivery.phone, delivery.text)
        elif delivery.channel == Channel.EMAIL:
            message = _message(delivery.notification)
            send_mail(
                message["subject"], message["email"], None, [delivery.notification.recipient.email]
            )
        else:
            message = _message(delivery.notification)
            ref = send_sms(delivery.notification.recipient.phone, message["sms"])
    except Exception as exc:  # noqa: BLE001 - any gateway failure is recorded and retried
        delivery.status = DeliveryStatus.FAILED
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:200]
        delivery.save(update_fields=["status", "attempts", "last_error"])
        return False
    delivery.status = DeliveryStatus.SENT
    delivery.sent_at = now or timezone.now()
    delivery.gateway_ref = str(ref)[:64] if isinstance(ref, str) else ""
    delivery.save(update_fields=["status", "attempts", "sent_at", "gateway_ref"])
    return True


def delivery_receipt_record(
    *, gateway_ref: str, delivered: bool, at: datetime | None = None
) -> int:
    """Record the SMS gateway's delivery receipt for the text it accepted as ``gateway_ref``:
    delivered to the phone, or not. Returns how many deliveries it named (0 for an unknown
    reference, which is ignored).

    Preconditions: called by the deployment's receipt hook (the gateway's callback or a poller);
    ``gateway_ref`` is what the backend's ``send`` returned. The first receipt stands; a later
    one for the same text is ignored.
    """
    if not gateway_ref:
        return 0
    receipt = ReceiptStatus.DELIVERED if delivered else ReceiptStatus.UNDELIVERED
    return Delivery.objects.filter(
        gateway_ref=gateway_ref, channel=Channel.SMS, status=DeliveryStatus.SENT, receipt=""
    ).update(receipt=receipt, receipt_at=at or timezone.now())
