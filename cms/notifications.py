"""What the CMS tells people (``portal.notifications``): the approvers of a notice submitted
to their bureau's workflow, and its author when it is approved or rejected.

Kinds are registered in ``CmsConfig.ready``; Wagtail's workflow signals (``task_submitted``,
``workflow_approved``, ``workflow_rejected``) call the receivers below in the request's
transaction, and the worker sends after commit.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.notifications.kinds import Area, Kind, register, register_area
from portal.notifications.services import notify
from portal.permissions import BUREAU, STREET

from .models import NoticePage

KINDS = (
    Kind(
        code="cms.notice_submitted",
        label=_("A notice to approve"),
        title=_("The notice “%(title)s” awaits your approval"),
        audience=(BUREAU,),
    ),
    Kind(
        code="cms.notice_approved",
        label=_("Your notice is approved"),
        title=_("Your notice “%(title)s” is approved"),
        audience=(STREET, BUREAU),
    ),
    Kind(
        code="cms.notice_rejected",
        label=_("Your notice needs changes"),
        title=_("Your notice “%(title)s” was sent back for changes"),
        audience=(STREET, BUREAU),
    ),
)


AREA = Area(
    code="cms",
    title=pgettext_lazy("notification area", "Notices"),
    note=_("Notices drafted by district and street staff, and their approval."),
    order=50,
)


def register_kinds() -> None:
    register_area(AREA)
    register(*KINDS)


def _edit_path(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def _is_notice(page) -> bool:

    return isinstance(page.specific, NoticePage)


def on_task_submitted(sender, instance, user=None, **kwargs):
    """A notice entered an approval task: tell the task's approvers (its groups' members),
    not the submitter."""
    page = instance.workflow_state.content_object
    if page is None or not _is_notice(page):
        return
    task = instance.task.specific
    groups = getattr(task, "groups", None)
    if groups is None:
        return
    approvers = (
        get_user_model()
        .objects.filter(is_active=True, groups__in=groups.all())
        .exclude(pk=getattr(user, "pk", None))
        .distinct()
    )
    notify(
        recipients=approvers,
        kind="cms.notice_submitted",
        params={"title": page.title},
        url=_edit_path(page),
    )


def _tell_author(instance, kind: str) -> None:
    page = instance.content_object
    if page is None or not _is_notice(page) or instance.requested_by is None:
        return
    notify(
        recipients=[instance.requested_by],
        kind=kind,
        params={"title": page.title},
        url=_edit_path(page),
    )


def on_workflow_approved(sender, instance, user=None, **kwargs):
    _tell_author(instance, "cms.notice_approved")


def on_workflow_rejected(sender, instance, user=None, **kwargs):
    _tell_author(instance, "cms.notice_rejected")
