"""Telling people things: the one place that sends notices by email and SMS.

Apps compose a :class:`Notice` (subject and body for email, a short text for SMS) in their
django-q2 tasks and hand it here with its recipients: portal accounts (email if the account has
one, else an SMS to its phone), registry contacts (phone numbers, by SMS) and plain email
addresses. Nothing here runs in a web request: callers queue a task after their transaction
commits, and the task calls :func:`send`. When the portal gets an in-portal notification list
(the bell), it is fed from here too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.mail import send_mail

from portal.accounts.sms import send_sms

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    kind: str  # e.g. "registry.claim_verified": what the bell will group by
    subject: str
    body: str  # email body (plain text)
    sms: str  # short text for an SMS, with the link if any


def send(
    notice: Notice,
    *,
    users: Iterable = (),
    phones: Iterable[str] = (),
    emails: Iterable[str] = (),
) -> int:
    """Send ``notice`` to each recipient once; returns how many messages went out.

    An account gets an email when it has an address, else an SMS to its phone. ``phones`` are
    numbers from the registry (SMS); ``emails`` plain addresses. One failing recipient is logged
    and does not stop the others."""
    mail_to: list[str] = []
    sms_to: list[str] = []
    for user in users:
        if getattr(user, "email", ""):
            mail_to.append(user.email)
        elif getattr(user, "phone", ""):
            sms_to.append(user.phone)
    mail_to += [e for e in emails if e]
    sms_to += [p for p in phones if p]
    sent = 0
    for address in dict.fromkeys(mail_to):
        try:
            send_mail(notice.subject, notice.body, None, [address])
            sent += 1
        except Exception:  # noqa: BLE001 - one bad address must not stop the others
            log.exception("notify: email failed (%s)", notice.kind)
    for phone in dict.fromkeys(sms_to):
        try:
            send_sms(phone, notice.sms)
            sent += 1
        except Exception:  # noqa: BLE001
            log.exception("notify: SMS failed (%s)", notice.kind)
    return sent
