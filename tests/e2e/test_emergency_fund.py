"""Emergency use of the maintenance fund, from the property company's request to the debit.

范罗山小区's assembly does not hold its fund, so its property company (芜湖江城物业,
company2@…) applies and the street office (fanluoshan.officer@…) reviews (DOMAIN.md §2,
docs/fund.md). In 滨江花园 (company1@…) the owners' committee applies instead, so the company
journey runs in 范罗山小区. The repair is in stairwell 1 of building 2, where a demo owner
(owner2.fanluoshan-xq@…) holds unit 2-1-0102 and checks the debit on their ledger.
"""

import json
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from portal.core.demo import DEMO_TOTP_SECRET
from portal.core.templatetags.numbers import format_money

pytestmark = pytest.mark.e2e

TITLE = "2号楼1单元排水立管爆裂抢修"
UNIT = "2-1-0102"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def yuan(text: str) -> Decimal:
    """An amount as the pages show it (``1,234.50``, ``¥1,234.50``) back to a Decimal."""
    return Decimal(text.replace("¥", "").replace(",", "").strip())


# The passage of time: the publicity period (FUND_PUBLICITY_DAYS) must be over before the
# reviewer may disburse. No worker step ends it (the reviewer acts once it has run out), so
# the window is moved back by its own length, as if those days had gone by. Nothing else of
# the request changes; every step of the journey is done through the pages.
PUBLICITY_PASSES = """
from datetime import timedelta
from property.fund.models import FundRequest
req = FundRequest.objects.get(pk={pk})
gone = req.publicity_ends - req.publicity_starts + timedelta(minutes=1)
FundRequest.objects.filter(pk=req.pk).update(
    publicity_starts=req.publicity_starts - gone, publicity_ends=req.publicity_ends - gone
)
"""
STORED = """
import json
from property.fund.models import FundRequest, LedgerEntry
req = FundRequest.objects.get(pk={pk})
debits = LedgerEntry.objects.filter(request=req, kind="debit")
print(json.dumps({{
    "status": req.status,
    "debits": debits.count(),
    "total": str(-sum(e.amount for e in debits)),
    "shares": req.shares.count(),
    "unit": str(debits.get(account__unit__code="{unit}").amount),
}}))
"""


def status_of(page):
    return page.locator("main h1 + p .badge")


def submit(page, form_action: str) -> None:
    page.locator(f"main form[action$='/{form_action}/'] [type=submit]").first.click()
    page.wait_for_load_state()


def test_emergency_repair_is_approved_publicised_and_debited(journey, new_journey):
    """Fund rules: the applicant files an emergency request; the street office approves it and
    pays the advance; the applicant records the acceptance with invoice and acceptance report
    and publicises the cost with every unit's share (by area, summing exactly to the cost);
    after the publicity period the reviewer disburses; the owner sees the debit."""
    page = journey.page
    journey.login("company2@demo.gongzhi.cn", totp_secret=DEMO_TOTP_SECRET)
    journey.goto("/fund/requests/")
    journey.step("requests")
    expect(page.get_by_role("heading", level=1)).to_contain_text("维修资金使用申请")
    page.locator("main a.button", has_text="范罗山小区").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text("范罗山小区")
    page.select_option("select[name=kind]", label="紧急使用")
    page.select_option("select[name=category]", label="排水管道堵塞或爆裂")
    page.fill("input[name=title]", TITLE)
    page.fill("textarea[name=description]", "2号楼1单元排水立管爆裂，污水倒灌，需立即更换立管。")
    page.select_option("select[name=scope]", label="一个单元")
    page.select_option("select[name=building]", label="2号楼")
    page.fill("input[name=stairwell]", "1")
    page.fill("input[name=estimated_cost]", "12000.00")
    page.fill("input[name=contractor]", "芜湖市管道工程有限公司")
    page.set_input_files(
        "input[name=photos]", {"name": "现场照片.png", "mimeType": "image/png", "buffer": PNG}
    )
    journey.step("request filled in")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_load_state()
    journey.step("request filed")
    expect(page.locator(".messages")).to_contain_text("申请已提交")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(status_of(page)).to_have_text("待审核")
    expect(page.locator("main")).to_contain_text("芜湖江城物业管理有限公司")
    expect(page.locator("main tr", has_text="审核期限")).to_contain_text(
        re.compile(r"\d{4}-\d{2}-\d{2}")
    )
    expect(page.locator("main")).to_contain_text("现场照片.png")
    request_url = page.url.removeprefix(journey.server.url)
    pk = request_url.strip("/").split("/")[-1]

    reviewer = new_journey("street office")
    rpage = reviewer.page
    reviewer.login("fanluoshan.officer@demo.gongzhi.cn", totp_secret=DEMO_TOTP_SECRET)
    reviewer.goto("/fund/requests/")
    row = rpage.locator("main table tbody tr", has_text=TITLE)
    expect(row).to_contain_text("待审核")
    row.get_by_role("link", name=TITLE).click()
    rpage.wait_for_load_state()
    reviewer.step("request to review")
    rpage.fill("textarea[name=note]", "经现场核实属紧急情形，同意使用维修资金。")
    rpage.get_by_role("button", name="批准").click()
    rpage.wait_for_load_state()
    reviewer.step("approved")
    expect(status_of(rpage)).to_have_text("已批准")
    expect(rpage.locator("main")).to_contain_text("向施工单位预付：6000.00元")
    submit(rpage, "advance")
    reviewer.step("advance to confirm")
    expect(rpage.locator("main")).to_contain_text("¥6,000.00")
    submit(rpage, "advance")  # the confirm step
    reviewer.step("advance paid")
    expect(status_of(rpage)).to_have_text("已预付，维修中")
    expect(rpage.locator("main tr", has_text="预付款")).to_contain_text("¥6,000.00")

    journey.goto(request_url)
    expect(status_of(page)).to_have_text("已预付，维修中")
    page.fill("input[name=final_cost]", "11800.00")
    page.fill("input[name=invoice_number]", "34020000-00881234")
    page.set_input_files(
        "input[name=invoice]", {"name": "发票.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.set_input_files(
        "input[name=report]",
        {"name": "验收报告.pdf", "mimeType": "application/pdf", "buffer": PDF},
    )
    journey.step("acceptance filled in")
    submit(page, "accept")
    journey.step("accepted")
    expect(status_of(page)).to_have_text("已验收")
    expect(page.locator("main tr", has_text="决算金额")).to_contain_text("11,800.00")
    expect(page.locator("main")).to_contain_text("发票.pdf")
    expect(page.locator("main")).to_contain_text("验收报告.pdf")
    submit(page, "publicise")
    journey.step("publicised")
    expect(status_of(page)).to_have_text("费用公示中")
    expect(page.locator("main tr", has_text="公示期")).to_be_visible()
    shares = page.locator("main table", has=page.locator("th", has_text="分摊金额")).locator(
        "tbody tr"
    )
    amounts = {
        r.locator("td").nth(0).inner_text(): yuan(r.locator("td").nth(2).inner_text())
        for r in shares.all()
    }
    assert all(code.startswith("2-1-") for code in amounts), amounts
    assert sum(amounts.values()) == Decimal("11800.00"), amounts  # exact to the fen
    my_share = amounts[UNIT]

    owner = new_journey("owner")
    owner.login("owner2.fanluoshan-xq@demo.gongzhi.cn")
    owner.goto("/fund/my/")
    owner.step("my fund during publicity")
    account = owner.page.locator("section", has=owner.page.get_by_role("heading", name=UNIT))
    balance_before = yuan(account.locator(".figure").inner_text())
    charge = owner.page.locator("section[aria-labelledby=h-charges] tr", has_text=TITLE)
    expect(charge).to_contain_text(format_money(my_share, "plain"))
    expect(charge).to_contain_text("费用公示中")

    # Too early: no disbursement is offered while the publicity period runs.
    reviewer.goto(request_url)
    reviewer.step("no disbursement during publicity")
    expect(rpage.locator("main form[action$='/disburse/']")).to_have_count(0)
    expect(status_of(rpage)).to_have_text("费用公示中")

    journey.server.shell(PUBLICITY_PASSES.format(pk=pk))  # only the passage of time

    reviewer.goto(request_url)
    submit(rpage, "disburse")
    reviewer.step("disbursement to confirm")
    submit(rpage, "disburse")  # the confirm step
    reviewer.step("disbursed")
    expect(rpage.locator(".messages")).to_contain_text("已完成")
    expect(status_of(rpage)).to_have_text("已拨付并分摊入账")
    expect(rpage.locator("main tr", has_text="结算款")).to_contain_text("¥5,800.00")

    owner.goto("/fund/my/")
    owner.step("my fund after the debit")
    expect(account.locator(".figure")).to_have_text(
        format_money(balance_before - my_share, "plain")
    )
    expect(account.locator("tbody tr", has_text=TITLE)).to_contain_text(
        format_money(-my_share, "plain")
    )
    expect(charge).to_contain_text("已拨付并分摊入账")
    account.get_by_role("link", name="完整分户账").click()
    owner.page.wait_for_load_state()
    owner.step("unit ledger")
    expect(owner.page.get_by_role("heading", level=1)).to_contain_text(UNIT)
    debit = owner.page.locator("main table tbody tr", has_text=TITLE)
    expect(debit).to_have_count(1)
    expect(debit).to_contain_text(format_money(-my_share, "plain"))

    assert json.loads(journey.server.shell(STORED.format(pk=pk, unit=UNIT)).splitlines()[-1]) == {
        "status": "disbursed",
        "debits": len(amounts),
        "shares": len(amounts),
        "total": "11800.00",
        "unit": f"-{my_share}",
    }
    assert not journey.broken and not reviewer.broken and not owner.broken, (
        journey.broken + reviewer.broken + owner.broken
    )
