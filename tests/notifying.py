"""Helpers for the notification tests of every area: who was told of a kind, and whether the
emailed link is absolute (``PORTAL_BASE_URL``) and opens, for the recipient, with 200."""

from __future__ import annotations

from django.core import mail

from portal.notifications.models import Notification

BASE = "https://wuye.example.cn"


def use_base(settings) -> str:
    """Links are made on this host for the test (``settings`` is pytest-django's fixture)."""
    settings.PORTAL_BASE_URL = BASE
    return BASE


def told(kind: str) -> set:
    """The accounts told of ``kind`` (in the portal)."""
    return {n.recipient for n in Notification.objects.filter(kind=kind).select_related("recipient")}


def assert_told(kind: str, *, to, not_to=()) -> None:
    people = told(kind)
    missing = [u for u in to if u not in people]
    assert not missing, f"{kind}: not told {missing}"
    wrong = [u for u in not_to if u in people]
    assert not wrong, f"{kind}: wrongly told {wrong}"


def assert_link_opens(client, kind: str, user, *, status: int = 200) -> str:
    """The email of ``kind`` to ``user`` carries the notification's link on the configured
    host; signed in as ``user``, that path answers ``status``. Returns the path."""
    notification = Notification.objects.filter(kind=kind, recipient=user).latest("pk")
    assert notification.url.startswith("/")
    link = BASE + notification.url
    emails = [m for m in mail.outbox if m.to == [user.email] and link in m.body]
    assert emails, f"{kind}: no email to {user.email} with {link}"
    client.force_login(user)
    response = client.get(notification.url)
    assert response.status_code == status, (kind, notification.url, response.status_code)
    return notification.url
