"""A property company checks its credit rating and objects to a bad record; the bureau decides."""

import json
import re

import pytest
from playwright.sync_api import expect

from portal.core.demo import DEMO_TOTP_SECRET

pytestmark = pytest.mark.e2e

COMPANY = "芜湖安居物业服务有限公司"  # company1@…, manages 滨江花园
ITEM = "经核实的12345热线有效投诉"  # the demo's bad record still open to objection
REASON = "该投诉涉及的漏水系业主户内管道问题，不属于物业服务范围，附街道调解记录。"
NOTE = "经复核，投诉事项不属于物业服务企业责任，撤销该记录。"
# What was stored for the record the company objected to (checked after each step).
STORED = """
import json
from property.credit.models import CreditRecord
record = CreditRecord.objects.get(pk={pk})
objection = record.objection
print(json.dumps({{"record": record.status, "objection": objection.status,
                  "reason": objection.text, "note": objection.answer}}))
"""


def stored(journey, pk: str) -> dict:
    return json.loads(journey.server.shell(STORED.format(pk=pk)).splitlines()[-1])


def test_company_objects_to_a_record_and_the_bureau_revokes_it(journey, new_journey):
    """Credit rules: the company sees its score, grade and why each record counts or not; it
    objects to a bad record within its objection period; housing-bureau staff see the
    objection and accept it; the record is revoked and the company sees that it never counts."""
    page = journey.page
    journey.login("company1@demo.gongzhi.cn", totp_secret=DEMO_TOTP_SECRET)
    journey.goto("/credit/mine/")
    journey.step("our credit rating")
    expect(page.get_by_role("heading", level=1)).to_contain_text(COMPANY)
    today = page.locator("section[aria-labelledby=h-today]")
    expect(today).to_contain_text("今日得分")
    figure = today.locator(".figure").inner_text()
    match = re.fullmatch(r"\s*(AAA|AA|A|B|C)\s+(\d+\.\d{2})\s*", figure)
    assert match, f"no grade and score in {figure!r}"
    grade, score = match.groups()
    # The "why": the breakdown adds up to the score shown.
    breakdown = page.locator("section[aria-labelledby=h-sum] table")
    for label in ("基础考核", "业主满意度", "有效良好记录", "有效不良记录", "总分"):
        expect(breakdown).to_contain_text(label)
    expect(breakdown.locator("tr", has_text="总分")).to_contain_text(score)

    pending = page.locator("table", has=page.locator("th", has_text="异议截止")).locator(
        "tbody tr", has_text=ITEM
    )
    open_row = pending.filter(has=page.get_by_role("link", name="提出异议"))
    expect(open_row).to_have_count(1)
    expect(open_row).to_contain_text("告知期（可提出异议）")
    expect(open_row).to_contain_text("滨江花园")
    open_row.get_by_role("link", name="提出异议").click()
    page.wait_for_load_state()
    journey.step("the record")
    record_pk = re.search(r"/credit/records/(\d+)/object/", page.url).group(1)
    expect(page.get_by_role("heading", level=1)).to_contain_text("异议")
    expect(page.locator("main dl")).to_contain_text(ITEM)
    expect(page.locator("main dl")).to_contain_text("−0.50")
    page.fill("textarea[name=reason]", REASON)
    page.get_by_role("button", name="提交异议").click()
    page.wait_for_load_state()
    journey.step("objection filed")
    expect(page.locator(".messages")).to_contain_text("异议已提交")
    assert "/credit/mine/" in page.url
    row = page.locator(f"table a[href='/credit/records/{record_pk}/object/']")
    expect(row).to_have_count(0)  # no second objection
    objected = page.locator(f"tr[data-record='{record_pk}']")
    expect(objected).to_contain_text("暂不计分")
    assert stored(journey, record_pk)["objection"] == "open"

    bureau = new_journey("bureau")
    bureau.login("city.approver@demo.gongzhi.cn", totp_secret=DEMO_TOTP_SECRET)
    bureau.goto("/credit/objections/")
    bureau.step("open objections")
    expect(bureau.page.get_by_role("heading", level=1)).to_contain_text("异议")
    mine = bureau.page.locator("main table tbody tr", has_text=COMPANY).filter(has_text=ITEM)
    expect(mine).to_have_count(1)
    mine.get_by_role("link", name="处理").click()
    bureau.page.wait_for_load_state()
    bureau.step("objection")
    details = bureau.page.locator("main dl")
    expect(bureau.page.get_by_role("heading", level=1)).to_contain_text(COMPANY)
    expect(details).to_contain_text(ITEM)
    expect(details).to_contain_text(REASON)
    bureau.page.locator("input[name=decision][value=accept]").check()
    bureau.page.fill("textarea[name=note]", NOTE)
    bureau.page.get_by_role("button", name="记录决定").click()
    bureau.page.wait_for_load_state()
    bureau.step("decided")
    expect(bureau.page.locator(".messages")).to_contain_text("已记录审核决定")
    expect(
        bureau.page.locator("main table tbody tr", has_text=COMPANY).filter(has_text=ITEM)
    ).to_have_count(0)  # no longer waiting for a decision
    assert stored(journey, record_pk) == {
        "record": "revoked",
        "objection": "accepted",
        "reason": REASON,
        "note": NOTE,
    }

    journey.goto("/credit/mine/")
    journey.step("our credit rating after the decision")
    revoked = page.locator(f"tr[data-record='{record_pk}']")
    expect(revoked).to_contain_text("不计分：已撤销")
    expect(revoked).to_contain_text(ITEM)
    # A record that never counted in its objection period leaves score and grade unchanged.
    expect(page.locator("section[aria-labelledby=h-today] .figure")).to_contain_text(score)
    expect(page.locator("section[aria-labelledby=h-today] .figure")).to_contain_text(grade)
    assert not journey.broken and not bureau.broken, journey.broken + bureau.broken
