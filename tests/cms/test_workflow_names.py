"""The publishing workflow's names read in the reader's language (issue 15): they are data
(Wagtail's ``Workflow.name`` and ``Task.name``), stored in Chinese, and shown in English on an
English page or email — never "Notice publishing · …" in the Chinese admin."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import GroupApprovalTask, Task, Workflow, WorkflowState
from wagtail.users.models import UserProfile

from cms.services import sync_page_permissions
from portal.organisations.models import OrgKind, Role
from tests.cms.factories import make_notice
from tests.factories import org, staff

pytestmark = pytest.mark.django_db

BASE = "https://wuye.example.gov.cn"
ENGLISH_WORDS = re.compile(r"Notice publishing|Bureau approval|Moderators approval")


@pytest.fixture
def people(world, site, settings):
    settings.PORTAL_BASE_URL = BASE
    settings.WAGTAILADMIN_BASE_URL = BASE
    bureau = org(OrgKind.BUREAU, world.districts[0], "第1区住建局")
    people = {
        "officer": staff(OrgKind.BUREAU, world.districts[0], Role.OFFICER, organisation=bureau),
        "approver": staff(OrgKind.BUREAU, world.districts[0], Role.APPROVER, organisation=bureau),
        "bureau": bureau,
    }
    sync_page_permissions()
    return people


def _bureau_workflow(bureau):
    task = GroupApprovalTask.objects.get(groups__name=f"cms:{bureau.pk}:approvers")
    return task.workflow_tasks.get().workflow, task


def test_names_are_stored_in_chinese_and_read_in_the_active_language(people):
    """The database holds the Chinese name; a Chinese reader sees it, an English reader sees
    the English one (the organisation's own name stays as it is)."""
    workflow, task = _bureau_workflow(people["bureau"])
    stored = dict(Task.objects.values_list("pk", "name"))[task.pk]
    assert stored == "第1区住建局审核"
    assert Workflow.objects.values_list("name", flat=True).get(pk=workflow.pk) == "第1区住建局审批"
    with translation.override("zh-hans"):
        assert (str(workflow.name), str(task.name), str(task)) == (
            "第1区住建局审批",
            "第1区住建局审核",
            "第1区住建局审核",
        )
    with translation.override("en"):
        assert str(workflow.name) == "第1区住建局 approval"
        assert str(task.name) == "Review by 第1区住建局"
        assert f"{task.name}" == "Review by 第1区住建局"
        assert "%s" % workflow.name == "第1区住建局 approval"


def test_wagtail_default_workflow_reads_in_chinese(people):
    """Wagtail's own "Moderators approval" (made by its migrations) is not shown in English
    to a Chinese reader either."""
    default = Workflow.objects.filter(pk=1).first()
    if default is None:
        pytest.skip("no default workflow in this database")
    with translation.override("zh-hans"):
        assert not ENGLISH_WORDS.search(str(default.name))
        assert not ENGLISH_WORDS.search(str(Task.objects.get(pk=1).specific.name))


def test_admin_submit_button_and_moderation_email_in_the_readers_language(
    people, site, django_capture_on_commit_callbacks
):
    """The officer's admin page offers "提交给第1区住建局审批" in Chinese; the approver's
    moderation email names the stage in Chinese (their language) and links to the portal's
    address."""
    officer, approver = people["officer"], people["approver"]
    notice = make_notice(site.district_sections[0], "关于电梯维修的通知", publish=False)
    notice.save_revision(user=officer)
    client = Client()
    client.force_login(officer)
    page = client.get(reverse("wagtailadmin_pages:edit", args=[notice.pk])).content.decode()
    assert "第1区住建局审批" in page
    assert not ENGLISH_WORDS.search(page)

    workflow, _task = _bureau_workflow(people["bureau"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.start(notice, officer)
    assert WorkflowState.objects.filter(object_id=str(notice.pk), status="in_progress").exists()
    to_approver = [m for m in mail.outbox if approver.email in m.to]
    assert to_approver, [m.to for m in mail.outbox]
    text = to_approver[0].subject + "\n" + to_approver[0].body
    assert "第1区住建局审核" in text and not ENGLISH_WORDS.search(text)
    links = re.findall(r"https?://[^\s\"'<>]+", text)
    assert links and all(link.startswith(BASE + "/") for link in links), links


def test_english_reader_gets_english_names_in_the_email(
    people, site, django_capture_on_commit_callbacks
):
    """An approver who reads the admin in English gets the stage's English name."""
    officer, approver = people["officer"], people["approver"]
    UserProfile.get_for_user(approver).__class__.objects.filter(user=approver).update(
        preferred_language="en"
    )
    notice = make_notice(site.district_sections[0], "关于停水的通知", publish=False)
    notice.save_revision(user=officer)
    workflow, _task = _bureau_workflow(people["bureau"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.start(notice, officer)
    text = "\n".join(m.subject + "\n" + m.body for m in mail.outbox if approver.email in m.to)
    assert "Review by 第1区住建局" in text
    assert "审核" not in text.replace("Review by 第1区住建局", "")


def test_local_name_of_an_unknown_name_is_itself():
    """Names the portal did not make (typed in the admin) are shown as typed."""
    from cms.workflow_names import local_name

    with translation.override("en"):
        assert str(local_name("物业公告流程")) == "物业公告流程"


def test_resync_after_renaming_makes_no_second_task(people):
    """Running the sync again finds the bureau's task and workflow by their stored names."""
    before = (Task.objects.count(), Workflow.objects.count())
    sync_page_permissions()
    assert (Task.objects.count(), Workflow.objects.count()) == before
