"""Background work of the CMS (django-q2).

``publish_scheduled`` publishes scheduled pages and withdraws expired ones (Wagtail's
``publish_scheduled`` command); it runs every minute (declared in ``portal.core.schedules``).
"""

from django.core.management import call_command

from .models import NoticePage
from .services import notify_notice_published


def publish_scheduled() -> None:
    """Publish pages whose go-live time has come and unpublish expired ones."""
    call_command("publish_scheduled")


def notify_notice(page_id: int) -> int:
    """Email a just-published notice to its target's verified owners (once)."""

    notice = NoticePage.objects.filter(pk=page_id).select_related("jurisdiction").first()
    if notice is None:
        return 0
    return notify_notice_published(notice=notice)
