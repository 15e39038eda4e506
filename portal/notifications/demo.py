"""The demo's notifications: the other apps' demo steps write them, each dated at its step
(days or months before the day the demo is loaded). What came more than a week before that day
the demo people have read; what is newer (a request awaiting review, a vote about to open, a
publicity period running) stays unread, so the bell shows what is pending now."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from .models import Notification
from .services import mark_read_before

READ_AFTER = timedelta(days=7)


def load(stdout=None) -> None:
    """Nothing to build here: this runs before the apps whose steps tell people."""


def finish(stdout=None) -> None:
    """Runs after every app's demo: mark read what was told more than a week ago."""
    now = timezone.now()
    read = mark_read_before(before=now - READ_AFTER, now=now)
    if stdout:
        unread = Notification.objects.filter(read_at__isnull=True).count()
        stdout.write(f"  notifications: {read} older than a week marked read, {unread} unread")
