"""Signal receivers of the CMS, connected in ``CmsConfig.ready``."""

from django.db import transaction
from django_q.tasks import async_task
from wagtail.models import Page

from .models import NoticePage
from .selectors import bump_generation
from .services import sync_page_permissions


def on_page_published(sender, instance, **kwargs):
    """A notice went live (the signal also fires when a publish is only scheduled): email its target's verified owners through the worker."""

    bump_generation()
    if isinstance(instance, NoticePage) and instance.live and instance.notified_at is None:
        page_id = instance.pk
        transaction.on_commit(lambda: async_task("cms.tasks.notify_notice", page_id))


def on_page_unpublished(sender, instance, **kwargs):

    bump_generation()


def on_membership_changed(sender, instance, **kwargs):
    """Keep Wagtail page permissions in step with jurisdiction roles."""

    user = instance.user
    transaction.on_commit(lambda: sync_page_permissions(user=user))


def on_page_saved(sender, instance, **kwargs):
    """Any page saved (a new page, a new draft of a tree position): cached pages are stale."""

    if isinstance(instance, Page):
        bump_generation()
