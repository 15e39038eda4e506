"""Background work of the CMS (django-q2).

``ensure_schedules()`` registers, idempotently, the periodic job that publishes scheduled pages
and withdraws expired ones: Wagtail's ``publish_scheduled`` command every minute. The worker
calls it at start-up (``manage.py ensure_schedules``).
"""

from django.core.management import call_command
from django_q.models import Schedule

PUBLISH_SCHEDULED = "cms.tasks.publish_scheduled"


def publish_scheduled() -> None:
    """Publish pages whose go-live time has come and unpublish expired ones."""
    call_command("publish_scheduled")


def notify_notice(page_id: int) -> int:
    """Email a just-published notice to its target's verified owners (once)."""
    from .models import NoticePage
    from .services import notify_notice_published

    notice = NoticePage.objects.filter(pk=page_id).select_related("jurisdiction").first()
    if notice is None:
        return 0
    return notify_notice_published(notice=notice)


def ensure_schedules() -> None:
    """Register ``publish_scheduled`` every minute (idempotent, by function name)."""
    Schedule.objects.update_or_create(
        func=PUBLISH_SCHEDULED,
        defaults={
            "name": "cms: publish scheduled pages",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )
