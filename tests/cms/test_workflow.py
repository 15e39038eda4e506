"""Publishing workflow: page permissions follow jurisdiction roles, a bureau approver publishes,
the target's residents see the notice and get an email; residents never see drafts."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from wagtail.models import Page, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from cms.models import NoticePage
from cms.selectors import notices_for_estate
from cms.services import sync_page_permissions
from portal.organisations.models import OrgKind, Role
from tests.cms.factories import make_notice
from tests.factories import make_owner, org, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world, site):
    d1, d2 = world.districts
    bureau1 = org(OrgKind.BUREAU, d1, "第1区住建局")
    bureau2 = org(OrgKind.BUREAU, d2, "第2区住建局")
    p = {
        "officer": staff(OrgKind.BUREAU, d1, Role.OFFICER, organisation=bureau1),
        "approver": staff(OrgKind.BUREAU, d1, Role.APPROVER, organisation=bureau1),
        "other_approver": staff(OrgKind.BUREAU, d2, Role.APPROVER, organisation=bureau2),
        "street1": staff(OrgKind.STREET_OFFICE, world.streets[0]),
        "street2": staff(OrgKind.STREET_OFFICE, world.streets[1]),
        "bureau1": bureau1,
    }
    sync_page_permissions()
    return p


def _perms(user, page):
    return Page.objects.get(pk=page.pk).permissions_for_user(user)


def test_officer_may_draft_in_own_section_only(people, site):
    """Page permissions mirror memberships: a district officer adds and edits in the district's
    section (not publish), and nothing in another district's."""
    officer = people["officer"]
    mine, theirs = site.district_sections
    assert _perms(officer, mine).can_add_subpage() and _perms(officer, mine).can_edit()
    assert not _perms(officer, mine).can_publish()
    assert not _perms(officer, theirs).can_add_subpage() and not _perms(officer, theirs).can_edit()
    assert _perms(officer, site.street_sections[0]).can_add_subpage()  # the district's street


def test_street_officer_cannot_edit_other_streets_pages(people, site, world):
    """A street officer edits their street's notices, never another street's (admin refuses)."""
    other = make_notice(site.street_sections[1], "第2街道通知")
    own = make_notice(site.street_sections[0], "第1街道通知")
    street1 = people["street1"]
    assert _perms(street1, own).can_edit()
    assert not _perms(street1, other).can_edit()
    client = Client()
    client.force_login(street1)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[own.pk])).status_code == 200
    response = client.get(reverse("wagtailadmin_pages:edit", args=[other.pk]))
    assert response.status_code in (302, 403)


def test_membership_change_resyncs_groups(people, world, django_capture_on_commit_callbacks):
    """Saving or removing a membership updates the user's Wagtail groups."""
    officer = people["officer"]
    assert officer.groups.filter(name__startswith="cms:").exists()
    with django_capture_on_commit_callbacks(execute=True):
        officer.memberships.all().delete()
    assert not officer.groups.filter(name__startswith="cms:").exists()
    with django_capture_on_commit_callbacks(execute=True):
        officer.memberships.create(organisation=people["bureau1"], role=Role.APPROVER)
    assert officer.groups.filter(name=f"cms:{people['bureau1'].pk}:approvers").exists()


def test_district_notice_drafted_approved_seen_and_emailed(
    client, people, site, world, django_capture_on_commit_callbacks
):
    """Done-when: a district officer drafts a notice and submits it; the district's bureau
    approver approves (another district's approver cannot); residents of the district see it
    on their home page and get an email; residents elsewhere get neither; no draft leaks."""
    owner_in, _ = make_owner(world.estates[0])
    owner_out, _ = make_owner(world.estates[1])
    officer, approver = people["officer"], people["approver"]
    section = site.district_sections[0]

    client.force_login(officer)
    url = reverse("wagtailadmin_pages:add", args=["cms", "noticepage", section.pk])
    data = nested_form_data(
        {
            "title": "关于第1区老旧小区电梯维修的通知",
            "slug": "elevator-repair",
            "category": "notice",
            "organisation": people["bureau1"].pk,
            "document_number": "",
            "jurisdiction": "",
            "publication_date": "",
            "summary": "电梯维修资金紧急使用",
            "body": streamfield([]),
            "attachments": inline_formset([]),
            "action-submit": "submit",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    notice = NoticePage.objects.get(slug="elevator-repair")
    assert not notice.live
    assert notice.jurisdiction == world.districts[0]  # empty target = the section's node
    state = WorkflowState.objects.get(object_id=str(notice.pk), status="in_progress")
    task_state = state.current_task_state

    # Residents never see drafts.
    resident = Client()
    resident.force_login(owner_in)
    assert resident.get(f"/notices/{world.districts[0].code}/elevator-repair/").status_code == 404
    assert "电梯维修的通知" not in resident.get("/").content.decode()

    # Another district's approver may not act on it.
    task = task_state.task.specific
    assert task.get_actions(notice, people["other_approver"]) == []
    assert task.get_actions(notice, approver)

    client.force_login(approver)
    action = reverse(
        "wagtailadmin_pages:workflow_action", args=[notice.pk, "approve", task_state.pk]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action, {"comment": ""})
    assert response.status_code in (200, 302)
    notice.refresh_from_db()
    assert notice.live and notice.publication_date

    residents = {owner_in.email, owner_out.email}
    sent = [m for m in mail.outbox if residents & set(m.to)]  # (moderators get Wagtail's mails)
    assert [m.to for m in sent] == [[owner_in.email]]
    assert "电梯维修" in sent[0].subject and "/elevator-repair/" in sent[0].body
    notice.refresh_from_db()
    assert notice.notified_at is not None

    assert "关于第1区老旧小区电梯维修的通知" in resident.get("/").content.decode()
    elsewhere = Client()
    elsewhere.force_login(owner_out)
    assert "电梯维修的通知" not in elsewhere.get(site.estate_pages[1].url).content.decode()
    assert notice in notices_for_estate(world.estates[0])
    assert notice not in notices_for_estate(world.estates[1])

    # Publishing a new revision does not email again.
    with django_capture_on_commit_callbacks(execute=True):
        notice.save_revision(user=approver).publish(user=approver)
    assert len([m for m in mail.outbox if residents & set(m.to)]) == 1


def test_officer_cannot_publish_directly(people, site, client):
    """An officer's publish attempt does not make the page live (no publish permission)."""
    client.force_login(people["officer"])
    url = reverse(
        "wagtailadmin_pages:add", args=["cms", "noticepage", site.district_sections[0].pk]
    )
    data = nested_form_data(
        {
            "title": "擅自发布",
            "slug": "self-published",
            "category": "notice",
            "organisation": people["bureau1"].pk,
            "body": streamfield([]),
            "attachments": inline_formset([]),
            "action-publish": "publish",
        }
    )
    client.post(url, data)
    page = NoticePage.objects.filter(slug="self-published").first()
    assert page is None or not page.live


def test_target_outside_section_refused(people, site, world, client):
    """A district officer cannot target another district: the form says so and saves nothing."""
    client.force_login(people["officer"])
    url = reverse(
        "wagtailadmin_pages:add", args=["cms", "noticepage", site.district_sections[0].pk]
    )
    data = nested_form_data(
        {
            "title": "越界通知",
            "slug": "out-of-bounds",
            "category": "notice",
            "organisation": people["bureau1"].pk,
            "jurisdiction": world.districts[1].pk,
            "body": streamfield([]),
            "attachments": inline_formset([]),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert not NoticePage.objects.filter(slug="out-of-bounds").exists()


def test_community_page_changes_go_to_district_bureau(people, site):
    """A residents' committee edits its community page; the district bureau approves it."""
    from wagtail.models import Page as WPage

    community = WPage.objects.get(pk=site.community_pages[0].pk)
    workflow = community.get_workflow()
    assert workflow is not None and people["bureau1"].name in workflow.name
