"""Signal receivers of the CMS, connected in ``CmsConfig.ready``."""

from django.db import transaction


def on_page_published(sender, instance, **kwargs):
    """A notice went live (the signal also fires when a publish is only scheduled): email its target's verified owners through the worker."""
    from django_q.tasks import async_task

    from .models import NoticePage
    from .selectors import bump_generation

    bump_generation()
    if isinstance(instance, NoticePage) and instance.live and instance.notified_at is None:
        page_id = instance.pk
        transaction.on_commit(lambda: async_task("cms.tasks.notify_notice", page_id))


def on_page_unpublished(sender, instance, **kwargs):
    from .selectors import bump_generation

    bump_generation()


def on_membership_changed(sender, instance, **kwargs):
    """Keep Wagtail page permissions in step with jurisdiction roles."""
    from .services import sync_page_permissions

    user = instance.user
    transaction.on_commit(lambda: sync_page_permissions(user=user))


def on_page_saved(sender, instance, **kwargs):
    """Any page saved (a new page, a new draft of a tree position): cached pages are stale."""
    from wagtail.models import Page

    from .selectors import bump_generation

    if isinstance(instance, Page):
        bump_generation()
