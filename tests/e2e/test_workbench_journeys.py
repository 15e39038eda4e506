"""Each demo role signs in, lands on its workbench and, by clicking from there alone, does its
work of the demo (issue 16, "Done when")."""

import time

import pytest
from playwright.sync_api import expect

from portal.core.demo import DEMO_TOTP_SECRET
from tests.e2e.steps import cast_on_the_form

pytestmark = pytest.mark.e2e


def group(page, key: str):
    """A group of the workbench (claims, proxies, fund_review, …)."""
    return page.locator(f"section.workbench-group[data-group='{key}']")


def lands_on_the_workbench(journey) -> None:
    assert journey.page.url.endswith("/workbench/"), journey.page.url
    expect(journey.page.get_by_role("heading", level=1)).to_have_text("工作台")
    journey.step("workbench")


def click(journey, locator, label: str) -> None:
    locator.click()
    journey.page.wait_for_load_state()
    journey.step(label)


# A pending proxy authorization in 滨江花园's open vote, filed through the service for a party
# with no account that has not voted (the owner's side of it has its own journey).
PROXY = """
from django.core.files.base import ContentFile
from portal.accounts.models import User
from voting import services
from voting.models import Ballot, ProxyAuthorization, Vote, VoteElector
owner = User.objects.get(email="owner3.binjiang@demo.gongzhi.cn")
vote = Vote.objects.filter(estate__code="binjiang", status="open").order_by("pk").first()
party = (
    VoteElector.objects.filter(vote=vote, party__members__user__isnull=True)
    .exclude(party__in=Ballot.objects.filter(vote=vote).values("party"))
    .exclude(party__in=ProxyAuthorization.objects.filter(vote=vote).values("party"))
    .order_by("pk").first().party
)
proxy = services.proxy_request(
    actor=owner, vote=vote, party=party, proxy_phone="13900001111",
    document=ContentFile(b"%PDF-1.4\\n%%EOF\\n", name="authorization.pdf"),
)
print(proxy.pk)
"""
PROXY_STATUS = """
from voting.models import ProxyAuthorization
print(ProxyAuthorization.objects.get(pk={pk}).status)
"""
CLAIM_STATUS = """
from property.registry.models import OwnerClaim
print(OwnerClaim.objects.get(pk={pk}).status)
"""


def test_committee_verifies_a_claim_and_approves_a_proxy_from_the_workbench(journey):
    page = journey.page
    proxy_pk = journey.server.shell(PROXY).splitlines()[-1]
    journey.login("committee.binjiang@demo.gongzhi.cn", totp_secret=DEMO_TOTP_SECRET)
    lands_on_the_workbench(journey)

    claims = group(page, "claims")
    expect(claims.locator("h3 .badge")).not_to_have_text("0")
    # The first claim that matches the registry (others can only be rejected).
    hrefs = [a.get_attribute("href") for a in claims.locator("a.workbench-act").all()]
    for href in hrefs:
        journey.goto("/workbench/")
        click(journey, group(page, "claims").locator(f"a.workbench-act[href='{href}']"), "claim")
        expect(page.get_by_role("heading", level=1)).to_contain_text("审核")
        if page.get_by_role("button", name="通过认证").count():
            break
    claim_pk = href.rstrip("/").rsplit("/", 1)[-1]
    page.get_by_role("button", name="通过认证").click()
    page.wait_for_load_state()
    journey.step("claim verified")
    assert journey.server.shell(CLAIM_STATUS.format(pk=claim_pk)).splitlines()[-1] == "verified"

    journey.goto("/workbench/")
    proxies = group(page, "proxies")
    expect(proxies.locator("h3 .badge")).to_have_text("1")
    click(journey, proxies.locator("a.workbench-act").first, "proxies")
    page.locator("button[name=approve][value='1']").first.click()
    page.wait_for_load_state()
    journey.step("proxy approved")
    assert journey.server.shell(PROXY_STATUS.format(pk=proxy_pk)).splitlines()[-1] == "approved"
    journey.goto("/workbench/")
    expect(group(page, "proxies").locator("h3 .badge")).to_have_text("0")
    assert not journey.broken, journey.broken


def test_street_office_reviews_the_emergency_request_from_the_workbench(journey):
    page = journey.page
    journey.login("fanluoshan.officer@demo.gongzhi.cn", totp_secret=DEMO_TOTP_SECRET)
    lands_on_the_workbench(journey)
    review = group(page, "fund_review")
    item = review.locator("li.workbench-item").first
    expect(item).to_contain_text("期限")  # the working-day review deadline
    click(journey, item.locator("a.workbench-act"), "request")
    assert "/fund/requests/" in page.url
    form = page.locator("main form[action$='/approve/']")
    seen = form.locator("input[name=shortfalls_seen]")
    if seen.count():
        seen.check()
    form.get_by_role("button", name="批准").click()
    page.wait_for_load_state()
    journey.step("approved")
    expect(page.locator("main h1 + p .badge")).to_contain_text("已批准")
    assert not journey.broken, journey.broken


def test_district_approver_publishes_the_notice_awaiting_approval(journey):
    page = journey.page
    journey.login("jinghu.approver@demo.gongzhi.cn", totp_secret=DEMO_TOTP_SECRET)
    lands_on_the_workbench(journey)
    notices = group(page, "notices_review")
    item = notices.locator("li.workbench-item", has_text="消防通道")
    expect(item).to_have_count(1)
    click(journey, item.locator("a.workbench-act"), "notice in the editor")
    assert "/admin/pages/" in page.url
    expect(page.locator("body")).to_contain_text("滨江花园小区消防通道清理整治的通知")
    page.get_by_role("button", name="更多动作").click()
    # Wagtail's workflow action "approve" (the other one asks for a comment first)
    page.locator(
        "button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"
    ).click()
    page.wait_for_load_state()
    journey.step("approved")
    for _ in range(10):  # the approval is a form post; the shell may look before it lands
        live = journey.server.shell(NOTICE_LIVE).splitlines()[-1]
        if live == "True":
            break
        time.sleep(1)
    assert live == "True", live
    assert not journey.broken, journey.broken


NOTICE_LIVE = """
from cms.models import NoticePage
print(NoticePage.objects.get(title__contains="消防通道清理整治").live)
"""


# A record in its objection window for the company, added through the service: the journeys of a
# worker share one demo database, and another journey may already have objected to the demo's.
FRESH_RECORD = """
from django.utils import timezone
from portal.organisations.models import Membership, OrgKind
from property.credit.models import CatalogueItem
from property.credit.services import credit_record_add
company = Membership.objects.get(
    user__email="company1@demo.gongzhi.cn", active=True
).organisation
officer = Membership.objects.filter(
    organisation__kind=OrgKind.BUREAU, organisation__jurisdiction__depth=1, role="officer"
).first().user
# not the demo record's item, which the credit journey looks for by its text
item = (
    CatalogueItem.objects.filter(kind="bad", active=True)
    .exclude(description__contains="12345")
    .order_by("code")
    .first()
)
record = credit_record_add(
    actor=officer, company=company, item=item,
    occurred_on=timezone.localdate(), summary="电梯维保记录未按期归档",
)
print(item.description)
"""


def test_company_objects_to_a_record_from_the_workbench(journey):
    page = journey.page
    item = journey.server.shell(FRESH_RECORD).splitlines()[-1]
    journey.login("company1@demo.gongzhi.cn", totp_secret=DEMO_TOTP_SECRET)
    lands_on_the_workbench(journey)
    records = group(page, "records")
    act = (
        records.locator("li.workbench-item", has_text=item)
        .locator("a.workbench-act", has_text="提出异议")
        .first
    )
    click(journey, act, "record")
    expect(page.get_by_role("heading", level=1)).to_contain_text("异议")
    page.fill("textarea[name=reason]", "该投诉事项不属于物业服务范围，附街道调解记录。")
    page.get_by_role("button", name="提交异议").click()
    page.wait_for_load_state()
    journey.step("objection filed")
    expect(page.locator(".messages")).to_contain_text("异议已提交")
    assert not journey.broken, journey.broken


def test_owner_votes_from_the_workbench_and_checks_the_receipt_there(journey):
    page = journey.page
    journey.login("owner3.binjiang@demo.gongzhi.cn")
    lands_on_the_workbench(journey)
    votes = group(page, "votes")
    click(journey, votes.locator("a.workbench-act", has_text="立即投票").first, "cast form")
    receipt = cast_on_the_form(journey)

    journey.goto("/workbench/")
    journey.step("workbench after voting")
    expect(group(page, "votes")).to_contain_text("已投票")
    receipts = group(page, "receipts")
    expect(receipts).to_contain_text(receipt)
    click(journey, receipts.locator("a.workbench-act").first, "receipt check")
    expect(page.locator("input[name=code]")).to_have_value(receipt)
    page.locator("main form[method=post] [type=submit]").first.click()
    page.wait_for_load_state()
    journey.step("receipt checked")
    expect(page.locator("main")).to_contain_text("您的选票已在公告板上")
    assert not journey.broken, journey.broken
