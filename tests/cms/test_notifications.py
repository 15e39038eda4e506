"""Notices in the approval workflow tell the approvers of the task, and the author when it is
approved or sent back (issue 16); not the approvers of another district. Each email links, on
the configured host, to the page in the admin where the recipient acts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from cms.models import NoticePage
from cms.services import sync_page_permissions
from portal.organisations.models import OrgKind, Role
from tests.factories import org, staff
from tests.notifying import assert_link_opens, assert_told, use_base

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world, site, settings):
    use_base(settings)
    d1, d2 = world.districts
    bureau1 = org(OrgKind.BUREAU, d1, "第1区住建局")
    bureau2 = org(OrgKind.BUREAU, d2, "第2区住建局")
    p = {
        "officer": staff(OrgKind.BUREAU, d1, Role.OFFICER, organisation=bureau1),
        "approver": staff(OrgKind.BUREAU, d1, Role.APPROVER, organisation=bureau1),
        "other_approver": staff(OrgKind.BUREAU, d2, Role.APPROVER, organisation=bureau2),
        "bureau1": bureau1,
    }
    sync_page_permissions()
    return p


def _submit(client, people, section, slug):
    client.force_login(people["officer"])
    url = reverse("wagtailadmin_pages:add", args=["cms", "noticepage", section.pk])
    data = nested_form_data(
        {
            "title": f"关于{slug}的通知",
            "slug": slug,
            "category": "notice",
            "organisation": people["bureau1"].pk,
            "document_number": "",
            "jurisdiction": "",
            "publication_date": "",
            "summary": "摘要",
            "body": streamfield([]),
            "attachments": inline_formset([]),
            "action-submit": "submit",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    notice = NoticePage.objects.get(slug=slug)
    state = WorkflowState.objects.get(object_id=str(notice.pk), status="in_progress")
    return notice, state.current_task_state


def _act(client, user, notice, task_state, action):
    client.force_login(user)
    url = reverse("wagtailadmin_pages:workflow_action", args=[notice.pk, action, task_state.pk])
    assert client.post(url, {"comment": "请补充文号"}).status_code in (200, 302)


def test_submitted_approved_and_rejected(client, people, site, django_capture_on_commit_callbacks):
    section = site.district_sections[0]
    with django_capture_on_commit_callbacks(execute=True):
        notice, task_state = _submit(client, people, section, "elevator-repair")
    assert_told(
        "cms.notice_submitted",
        to=[people["approver"]],
        not_to=[people["other_approver"], people["officer"]],
    )
    assert_link_opens(client, "cms.notice_submitted", people["approver"])

    with django_capture_on_commit_callbacks(execute=True):
        _act(client, people["approver"], notice, task_state, "approve")
    assert_told("cms.notice_approved", to=[people["officer"]], not_to=[people["other_approver"]])
    assert_link_opens(client, "cms.notice_approved", people["officer"])

    with django_capture_on_commit_callbacks(execute=True):
        second, task_state = _submit(client, people, section, "water-cut")
    with django_capture_on_commit_callbacks(execute=True):
        _act(client, people["approver"], second, task_state, "reject")
    assert_told("cms.notice_rejected", to=[people["officer"]], not_to=[people["approver"]])
    assert_link_opens(client, "cms.notice_rejected", people["officer"])
