from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = _("Pages and notices")

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from django_q.signals import post_spawn
        from wagtail.signals import (
            page_published,
            page_unpublished,
            task_submitted,
            workflow_approved,
            workflow_rejected,
        )

        from portal.organisations.models import Membership

        from . import notifications, segment, signals, workflow_names

        workflow_names.connect()
        notifications.register_kinds()
        task_submitted.connect(notifications.on_task_submitted, dispatch_uid="cms.notify_task")
        workflow_approved.connect(
            notifications.on_workflow_approved, dispatch_uid="cms.notify_approved"
        )
        workflow_rejected.connect(
            notifications.on_workflow_rejected, dispatch_uid="cms.notify_rejected"
        )

        page_published.connect(signals.on_page_published, dispatch_uid="cms.page_published")
        page_unpublished.connect(signals.on_page_unpublished, dispatch_uid="cms.page_unpublished")
        post_save.connect(
            signals.on_membership_changed, sender=Membership, dispatch_uid="cms.membership_saved"
        )
        post_delete.connect(
            signals.on_membership_changed, sender=Membership, dispatch_uid="cms.membership_deleted"
        )
        post_spawn.connect(segment.on_worker_spawn, dispatch_uid="cms.load_dictionary")
