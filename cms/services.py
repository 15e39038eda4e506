"""Named operations of the CMS: page permissions from memberships, owner notifications.

Page permissions mirror the jurisdiction roles of ``portal.organisations``: each government
organisation (housing bureau, street office, residents' committee) owns a *section* of the page
tree, found by jurisdiction:

* a notice section (``NoticeIndexPage`` whose ``jurisdiction`` is the organisation's node),
* a community page (``CommunityPage`` of that node), for residents' committees,
* the whole site (the home page), for the city-level bureau.

Its officers (and members) get the Wagtail group ``cms:<org id>:editors`` (add and edit pages
in the section, no publishing: they submit to the workflow); its approvers get
``cms:<org id>:approvers`` (add, edit, publish). Every housing bureau with a notice section
gets a workflow "<bureau>审批" with one ``GroupApprovalTask`` "<bureau>审核" for its
approvers group (names stored in Chinese, shown in the reader's language:
``cms.workflow_names``), assigned to that section (and, for a district bureau, to the community
pages of its district); street sections sit below their district's section, so their notices go to the district
bureau's approvers.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.mail import get_connection
from django.core.mail.message import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from portal.audit import log_event
from portal.core.links import page_url
from portal.organisations.models import GOVERNMENT_KINDS, Membership, Organisation, OrgKind, Role
from property.registry.models import Person

from . import workflow_names as names
from .models import CommunityPage, HomePage, NoticeIndexPage, NoticePage

GROUP_PREFIX = "cms:"
EDITOR_PERMS = ("add", "change")
APPROVER_PERMS = ("add", "change", "publish")


def group_name(org: Organisation, which: str) -> str:
    return f"{GROUP_PREFIX}{org.pk}:{which}"


def _page_perm(codename: str) -> Permission:
    return Permission.objects.get(
        content_type__app_label="wagtailcore", codename=f"{codename}_page"
    )


def _ensure_group(name: str, model_perms: list[Permission], collection_perms) -> Group:
    group, created = Group.objects.get_or_create(name=name)
    if created:
        group.permissions.add(*model_perms)
        root = Collection.get_first_root_node()
        if root is not None:
            for perm in collection_perms:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root, permission=perm
                )
    return group


def _set_page_perms(group: Group, pages, codenames, perms: dict[str, Permission]) -> None:
    wanted = {(p.pk, perms[c].pk) for p in pages for c in codenames}
    have = set(
        GroupPagePermission.objects.filter(group=group).values_list("page_id", "permission_id")
    )
    for page_id, perm_id in wanted - have:
        GroupPagePermission.objects.create(group=group, page_id=page_id, permission_id=perm_id)
    stale = have - wanted
    for page_id, perm_id in stale:
        GroupPagePermission.objects.filter(
            group=group, page_id=page_id, permission_id=perm_id
        ).delete()


def _ensure_workflow(org: Organisation, approvers: Group, sections) -> None:
    """The bureau's workflow and its approval task, named in Chinese and shown in the reader's
    language (``cms.workflow_names``); found again under any name they were stored with."""
    task = GroupApprovalTask.objects.filter(name__in=names.all_forms("task", org.name)).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=names.stored("task", org.name))
    task.groups.set([approvers])
    workflow = Workflow.objects.filter(name__in=names.all_forms("workflow", org.name)).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=names.stored("workflow", org.name))
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    for section in sections:
        WorkflowPage.objects.update_or_create(page=section, defaults={"workflow": workflow})


@transaction.atomic
def sync_page_permissions(*, user=None) -> dict:
    """Make Wagtail groups, page permissions and workflows match the memberships (idempotent).

    ``user``: only re-sync this user's group memberships (sections are always checked).
    Preconditions: none; safe to run any time (demo data, membership changes, a cron).
    Returns counts for logging.
    """
    orgs = list(
        Organisation.objects.filter(kind__in=GOVERNMENT_KINDS).select_related("jurisdiction")
    )
    notice_sections = defaultdict(list)
    for page in NoticeIndexPage.objects.filter(jurisdiction__isnull=False):
        notice_sections[page.jurisdiction_id].append(page)
    community_pages = defaultdict(list)
    for page in CommunityPage.objects.select_related("jurisdiction"):
        community_pages[page.jurisdiction_id].append(page)
    home = HomePage.objects.first()

    perms = {c: _page_perm(c) for c in {*EDITOR_PERMS, *APPROVER_PERMS}}
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    collection_perms = list(
        Permission.objects.filter(
            content_type__app_label__in=["wagtaildocs", "wagtailimages"],
            codename__in=["add_document", "choose_document", "add_image", "choose_image"],
        )
    )
    org_groups: dict[int, dict[str, Group]] = {}
    for org in orgs:
        sections = notice_sections.get(org.jurisdiction_id, [])
        pages = sections + community_pages.get(org.jurisdiction_id, [])
        if org.jurisdiction.depth == 1 and home is not None:
            pages = [home]
        if not pages:
            continue
        editors = _ensure_group(group_name(org, "editors"), [access_admin], collection_perms)
        approvers = _ensure_group(group_name(org, "approvers"), [access_admin], collection_perms)
        _set_page_perms(editors, pages, EDITOR_PERMS, perms)
        _set_page_perms(approvers, pages, APPROVER_PERMS, perms)
        org_groups[org.pk] = {"editors": editors, "approvers": approvers}
        if org.kind == OrgKind.BUREAU and sections:
            # A district bureau also approves the community pages of its district.
            below = []
            if org.jurisdiction.depth > 1:
                below = [
                    cp
                    for cps in community_pages.values()
                    for cp in cps
                    if cp.jurisdiction.path.startswith(org.jurisdiction.path)
                ]
            _ensure_workflow(org, approvers, sections + below)

    memberships = Membership.objects.filter(active=True, organisation_id__in=org_groups)
    if user is not None:
        memberships = memberships.filter(user=user)
    wanted: dict[int, set[int]] = defaultdict(set)
    for user_id, org_id, role in memberships.values_list("user_id", "organisation_id", "role"):
        which = "approvers" if role == Role.APPROVER else "editors"
        wanted[user_id].add(org_groups[org_id][which].pk)
    managed = Group.objects.filter(name__startswith=GROUP_PREFIX)
    User = Group.user_set.rel.related_model  # noqa: N806 (the user model)
    if user is not None:
        users = [user.pk]
    else:
        users = set(wanted) | set(
            User.objects.filter(groups__in=managed).values_list("pk", flat=True)
        )
    through = User.groups.through
    have: dict[int, set[int]] = defaultdict(set)
    for user_id, group_id in through.objects.filter(
        user_id__in=users, group__in=managed
    ).values_list("user_id", "group_id"):
        have[user_id].add(group_id)
    added = removed = 0
    for user_id in users:
        for group_id in wanted[user_id] - have[user_id]:
            through.objects.create(user_id=user_id, group_id=group_id)
            added += 1
        extra = have[user_id] - wanted[user_id]
        if extra:
            removed += through.objects.filter(user_id=user_id, group_id__in=extra).delete()[0]
    return {"organisations": len(org_groups), "added": added, "removed": removed}


# ---- notifications ---------------------------------------------------------------------------


def notice_recipients(notice: NoticePage) -> list[str]:
    """Email addresses of verified owners (a person linked to an account, holding a unit now)
    of every estate at or below the notice's target. Untargeted notices email nobody."""
    if not notice.jurisdiction_id:
        return []
    path = notice.jurisdiction.path
    emails = (
        Person.objects.filter(
            user__isnull=False,
            user__is_active=True,
            parties__ownerships__end__isnull=True,
            parties__estate__jurisdiction__path__startswith=path,
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )
    return sorted(set(emails))


def notify_notice_published(*, notice: NoticePage) -> int:
    """Email the notice to its target's verified owners, once (``notified_at``).

    Preconditions: the notice is live. Locks the notice row so two workers never both send.
    Returns the number of emails sent.
    """
    with transaction.atomic():
        locked = NoticePage.objects.select_for_update().filter(
            pk=notice.pk, notified_at__isnull=True
        )
        if not locked.exists() or not notice.live:
            return 0
        recipients = notice_recipients(notice)
        NoticePage.objects.filter(pk=notice.pk).update(notified_at=timezone.now())
        log_event(
            actor=None,
            action="cms.notice_notified",
            obj=notice,
            details={"recipients": len(recipients), "category": notice.category},
        )
    if not recipients:
        return 0
    url = page_url(notice)
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("cms/email/notice_subject.txt", {"notice": notice}).strip()
        body = render_to_string("cms/email/notice_body.txt", {"notice": notice, "url": url})
    connection = get_connection()
    messages = [
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [addr], connection=connection)
        for addr in recipients
    ]
    return connection.send_messages(messages) or 0
