"""A district officer drafts a notice in Wagtail, the bureau approver publishes it, the public
finds it.

The 镜湖区 section (/notices/jinghu/) has the workflow "镜湖区住房和城乡建设局审批" (its name is
shown in the reader's language: cms.workflow_names) whose one task is approved by that bureau's approvers group (cms.services.sync_page_permissions,
docs/cms.md): the district officer may add and edit there but not publish; jinghu.approver@…
approves, which publishes the page.
"""

import json
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from portal.core.demo import DEMO_TOTP_SECRET

pytestmark = pytest.mark.e2e

TITLE = "镜湖区关于汛期前开展排水设施巡查的通知"
WORD = "排水"  # a word inside the title: one token to jieba, not to the database backend
SUMMARY = "请辖区各物业服务企业于汛期前完成小区雨污水管网和排水泵房巡查，并报送巡查记录。"
STORED = f"""
import json
from cms.models import NoticePage
page = NoticePage.objects.get(title="{TITLE}")
state = page.workflow_states.order_by("-created_at", "-pk").first()
print(json.dumps({{"url": page.url, "live": page.live, "owner": page.owner.email,
                  "workflow": state.status if state else None,
                  "parent": page.get_parent().url}}))
"""


def stored(journey) -> dict:
    return json.loads(journey.server.shell(STORED).splitlines()[-1])


def search(journey, word: str):
    page = journey.page
    journey.goto("/search/")
    page.fill("main input[name=q]", word)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    return page.locator("main").get_by_role("link", name=TITLE)


def test_officer_drafts_a_notice_and_the_bureau_approver_publishes_it(journey, new_journey):
    """CMS rules: a district officer drafts a notice in the district's own section and submits
    it to the bureau's approval workflow; until it is approved the public sees nothing of it;
    the bureau approver approves it, it goes live, and a visitor finds it in the notice list,
    on its page and by searching for a Chinese word of its title."""
    page = journey.page
    journey.login("jinghu.officer@demo.gongzhi.cn", totp_secret=DEMO_TOTP_SECRET)
    journey.goto("/admin/")
    journey.step("admin dashboard")
    page.locator("main a[href^='/admin/pages/']").first.click()  # "N pages" of my section
    page.wait_for_load_state()
    journey.step("my section")
    expect(page.locator("main h1, main h2").first).to_contain_text("镜湖区通知公告")
    page.locator("main a[href$='/add_subpage/']").first.click()
    page.wait_for_load_state()
    page.locator("main a[href*='/add/cms/noticepage/']").click()
    page.wait_for_load_state()
    journey.step("new notice")
    page.fill("#id_title", TITLE)
    page.select_option("#id_category", value="notice")
    page.select_option("#id_organisation", label="镜湖区住房和城乡建设局")
    page.fill("#id_summary", SUMMARY)
    journey.step("notice filled in")
    # The officer cannot publish: the only way out is the workflow, under "more actions".
    expect(page.locator("button[name=action-publish]")).to_have_count(0)
    page.get_by_role("button", name="更多动作").click()
    submit = page.locator("button[name=action-submit]")
    expect(submit).to_contain_text("提交给镜湖区住房和城乡建设局审批")
    submit.click()
    page.wait_for_load_state()
    journey.step("submitted for approval")
    expect(page.locator(".messages")).to_contain_text("已创建并提交审核")
    row = page.locator("main table tbody tr", has_text=TITLE)
    expect(row).to_contain_text("审核中")
    draft = stored(journey)
    assert draft["live"] is False and draft["workflow"] == "in_progress", draft
    assert draft["owner"] == "jinghu.officer@demo.gongzhi.cn"
    assert draft["parent"] == "/notices/jinghu/", draft

    visitor = new_journey("visitor")
    vpage = visitor.page
    visitor.goto("/notices/jinghu/")
    visitor.step("section before approval")
    expect(vpage.get_by_role("heading", level=1)).to_contain_text("镜湖区")
    expect(vpage.locator("main")).not_to_contain_text(TITLE)
    assert vpage.goto(draft["url"]).status == 404
    expect(search(visitor, WORD)).to_have_count(0)

    approver = new_journey("approver")
    apage = approver.page
    approver.login("jinghu.approver@demo.gongzhi.cn", totp_secret=DEMO_TOTP_SECRET)
    approver.goto("/admin/")
    approver.step("awaiting review")
    waiting = apage.locator("#awaiting-review-section tbody tr", has_text=TITLE)
    expect(waiting).to_contain_text("jinghu.officer")
    waiting.locator("button[data-w-dropdown-target=toggle]").click()  # "actions"
    waiting.get_by_role("button", name="批准", exact=True).click()
    expect(waiting).to_have_count(0)
    apage.wait_for_load_state()
    approver.step("approved")
    published = stored(journey)
    assert published["live"] is True and published["workflow"] == "approved", published

    visitor.goto("/notices/")
    visitor.step("notice list")
    vpage.locator("main").get_by_role("link", name=TITLE).click()
    vpage.wait_for_load_state()
    visitor.step("the notice")
    expect(vpage.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(vpage.locator("main")).to_contain_text(SUMMARY)
    expect(vpage.locator("main")).to_contain_text("镜湖区住房和城乡建设局")
    assert unquote(vpage.url).endswith(unquote(published["url"]))
    visitor.goto("/notices/jinghu/")
    expect(vpage.locator("main")).to_contain_text(TITLE)

    found = search(visitor, WORD)
    visitor.step("search")
    expect(found).to_have_count(1)
    found.click()
    vpage.wait_for_load_state()
    expect(vpage.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert not journey.broken and not approver.broken and not visitor.broken, (
        journey.broken + approver.broken + visitor.broken
    )
