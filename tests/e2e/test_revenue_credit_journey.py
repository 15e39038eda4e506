"""Issue 19 as new users meet it, each starting from their workbench: the property company
enters a month of shared revenue (parking and advertising with their vouchers, a transfer into
the maintenance fund) and an owner finds it on the estate's ledger, the expense the owners voted
for, the posted half-yearly statement and the credit on their own unit's fund ledger; the city
bureau imports 12345 tickets and runs the rules, the company objects to the proposed record, the
bureau rules, an owner rates the company, and the company's "why my score" page shows all of it,
as the project manager's page shows theirs."""

import csv
import io
import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.core.demo import DEMO_TOTP_SECRET
from property.credit.complaints import quarter_bounds, quarter_of

pytestmark = pytest.mark.e2e

COMPANY_LOGIN = "company1@demo.gongzhi.cn"  # 芜湖安居物业, manages 滨江花园
COMPANY = "芜湖安居物业服务有限公司"
OWNER_LOGIN = "owner1.binjiang@demo.gongzhi.cn"
ESTATE = "滨江花园"
PARKING = ("21345.67", "21,345.67", "地面停车收费（道闸系统月报）E2E")
ADVERTISING = ("6800.00", "6,800.00", "电梯广告屏合同 E2E-AD-2026")
TRANSFER = ("10000.00", "按业主大会决定转入专项维修资金 E2E")
REVENUE_VOTE = "使用公共收益维修儿童游乐场"  # the demo's vote deciding an expense (voting/demo.py)
ITEM = "同一季度同类12345热线投诉经核实达到规定次数"  # the "repeated" rule's catalogue item
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _json(journey, code: str):
    return json.loads(journey.server.shell(code).splitlines()[-1])


def _book(journey, *, category: str | None, amount: str, text: str, voucher: str | None):
    """On the entry page: the current month, the fields, the voucher; book it."""
    page = journey.page
    months = page.locator("select[name=period] option").evaluate_all(
        "options => options.map(o => o.value)"
    )
    page.select_option("select[name=period]", max(months))
    if category:
        page.select_option("select[name=category]", category)
    page.fill("input[name=amount]", amount)
    field = "counterparty" if category else "memo"
    page.fill(f"[name={field}]", text)
    if voucher:
        page.set_input_files(
            "input[name=voucher]",
            {"name": voucher, "mimeType": "application/pdf", "buffer": PDF},
        )
    page.get_by_role("button", name="入账").click()
    page.wait_for_load_state()
    journey.step(f"booked {text}")
    expect(page.locator(".messages")).to_contain_text("分录已入账")
    return max(months)


def test_company_enters_shared_revenue_and_an_owner_sees_it(journey, new_journey):
    page = journey.page
    journey.login(COMPANY_LOGIN, totp_secret=DEMO_TOTP_SECRET)
    journey.goto("/workbench/")
    journey.step("company workbench")
    group = page.locator("section[data-group=revenue]")
    group.locator("a.workbench-act", has_text=ESTATE).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ESTATE)
    month = _book(
        journey, category="parking", amount=PARKING[0], text=PARKING[2], voucher="parking.pdf"
    )
    _book(
        journey,
        category="advertising",
        amount=ADVERTISING[0],
        text=ADVERTISING[2],
        voucher="advertising.pdf",
    )
    page.locator("nav.revenue-kinds a[href$='/enter/transfer/']").click()
    page.wait_for_load_state()
    _book(journey, category=None, amount=TRANSFER[0], text=TRANSFER[1], voucher=None)
    stored = _json(
        journey,
        f"""
import json
from django.db.models import Sum
from property.fund.models import LedgerEntry
from property.revenue.models import RevenueEntry
mine = RevenueEntry.objects.filter(estate__code="binjiang", period__startswith="{month}")
transfer = mine.get(kind="transfer", memo="{TRANSFER[1]}")
credits = LedgerEntry.objects.filter(memo__contains="（分录 %s）" % transfer.pk)
print(json.dumps({{
    "costs": sorted(str(e.amount) for e in mine.filter(kind="cost", source__counterparty__contains="E2E")),
    "transfer": transfer.pk,
    "credited": str(credits.aggregate(s=Sum("amount"))["s"]),
    "units": credits.count(),
}}))
""",
    )
    # The agreed 20% cost share is booked with each income, rounded down to the fen; the
    # transfer credits every unit, the shares summing exactly to the amount.
    assert stored["costs"] == ["-1360.00", "-4269.13"], stored
    assert Decimal(stored["credited"]) == Decimal(TRANSFER[0]) and stored["units"] > 100, stored

    # The ledger as the company keeps it: the first half's statement is posted; a half not
    # ended yet cannot be published (the flow allows it once the half-year is over).
    page.locator("main a", has_text="小区公共收益台账").first.click()
    page.wait_for_load_state()
    journey.step("company ledger")
    publish = page.locator("form[action$='/publish/']")
    if publish.count():
        publish.first.locator("button[type=submit]").click()
        page.wait_for_load_state()
        journey.step("statement published")
    statements = page.locator("main li", has=page.locator("a[href*='/statement/']"))
    expect(statements.filter(has_text="公示中").first).to_be_visible()

    owner = new_journey("owner")
    o = owner.page
    owner.login(OWNER_LOGIN)
    owner.goto("/workbench/")
    owner.step("owner workbench")
    o.locator(".workbench-places a", has_text=f"{ESTATE}公共收益").first.click()
    o.wait_for_load_state()
    owner.step("the estate's ledger")
    expect(o.get_by_role("heading", level=1)).to_contain_text(ESTATE)
    for amount, shown, counterparty in (PARKING, ADVERTISING):
        row = o.locator("main table tbody tr", has_text=counterparty)
        expect(row).to_have_count(1)
        expect(row).to_contain_text(shown)
        voucher = row.get_by_role("link", name="打开")
        answer = o.request.get(voucher.get_attribute("href"))
        assert answer.status == 200 and answer.body().startswith(b"%PDF"), counterparty
    expect(o.locator("main table tbody tr", has_text=TRANSFER[1])).to_contain_text("10,000.00")
    # The expense the owners decided, with the vote that decided it.
    expense = o.locator("main table tbody tr", has=o.locator("a", has_text=REVENUE_VOTE))
    expect(expense).to_contain_text("38,620.00")
    statement = o.locator("main li", has_text="公示中").locator("a[href*='/statement/']")
    statement.first.click()
    o.wait_for_load_state()
    owner.step("the posted statement")
    expect(o.get_by_role("heading", level=1)).to_contain_text(ESTATE)
    o.go_back()
    expense.locator("a", has_text=REVENUE_VOTE).click()
    o.wait_for_load_state()
    owner.step("the deciding vote")
    expect(o.get_by_role("heading", level=1)).to_contain_text(REVENUE_VOTE)

    # Their unit's fund ledger, from the workbench: the unit's share of the transfer.
    owner.goto("/workbench/")
    o.locator("section[data-group=fund] a.workbench-act").first.click()
    o.wait_for_load_state()
    owner.step("my unit's fund ledger")
    unit_ledger = re.search(r"/fund/ledger/(\d+)/", o.url).group(1)
    share = journey.server.shell(
        f"""
from property.fund.models import LedgerEntry
e = LedgerEntry.objects.get(account_id={unit_ledger}, memo__contains="（分录 {stored["transfer"]}）")
print(f"{{e.amount:,.2f}}")
"""
    ).splitlines()[-1]
    credit = o.locator("main table tbody tr", has_text=f"（分录 {stored['transfer']}）")
    expect(credit).to_have_count(1)
    expect(credit).to_contain_text(share)
    assert not journey.broken and not owner.broken, journey.broken + owner.broken


def _tickets_csv(year: int, quarter: int) -> bytes:
    """Three substantiated parking tickets about 滨江花园 in a past quarter, handled in time."""
    first, _last = quarter_bounds(year, quarter)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["工单编号", "受理时间", "小区", "类别", "诉求内容", "办结时间", "办结结果",
                     "满意度", "来电人", "联系电话"])  # fmt: skip
    for n, (day, text) in enumerate(
        [(8, "地面车位被外来车辆占用。"), (35, "消防通道停车无人管理。"), (61, "道闸收费不开票。")]
    ):
        at = first + timedelta(days=day)
        writer.writerow([f"E2E-{year}{quarter}-{n + 1}", f"{at:%Y-%m-%d} 09:30", ESTATE, "停车",
                         text, f"{at + timedelta(days=2):%Y-%m-%d} 17:00", "已解决", "不满意",
                         "李先生", "13800001111"])  # fmt: skip
    return out.getvalue().encode("utf-8-sig")


def test_hotline_tickets_become_a_record_the_company_objects_to_and_the_bureau_rules_on(
    journey, new_journey
):
    today = timezone.localdate()
    year, quarter = quarter_of(today)
    year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    period = f"{year}年第{quarter}季度"
    tickets = _tickets_csv(year, quarter)

    page = journey.page
    journey.login("city.officer@demo.gongzhi.cn", totp_secret=DEMO_TOTP_SECRET)
    journey.goto("/workbench/")
    journey.step("officer workbench")
    page.locator(".workbench-places a", has_text="导入投诉工单").first.click()
    page.wait_for_load_state()
    for created, duplicates in ((3, 0), (0, 3)):  # the same file twice: duplicates skipped
        page.set_input_files(
            "input[name=file]",
            {"name": "12345工单.csv", "mimeType": "text/csv", "buffer": tickets},
        )
        page.locator("main form[method=post] button[type=submit]").click()
        page.wait_for_load_state()
        journey.step(f"imported {created}")
        expect(page.locator(".messages")).to_contain_text(
            f"已导入 {created} 条工单；跳过重复工单 {duplicates} 条"
        )
    # The caller's name and phone were not kept.
    kept = journey.server.shell(
        "from property.credit.models import ComplaintTicket as T\n"
        "print(sorted(T.objects.filter(number__startswith='E2E-').values_list('text', flat=True)))"
    )
    assert "李先生" not in kept and "13800001111" not in kept and "道闸收费不开票" in kept

    page.get_by_role("link", name="投诉与规则").first.click()
    page.wait_for_load_state()
    run = page.locator("form[action$='/complaints/run/']")
    run.locator("input[name=year]").fill(str(year))
    run.locator("select[name=quarter]").select_option(str(quarter))
    run.get_by_role("button", name="运行规则").click()
    page.wait_for_load_state()
    journey.step("rules run")
    expect(page.locator(".messages")).to_contain_text("已提出 1 条记录")
    proposed = page.locator("main table tbody tr", has_text="停车").filter(has_text=ESTATE)
    expect(proposed).to_have_count(1)
    expect(proposed.locator("td").first).to_have_text(period)
    record = journey.server.shell(
        "from property.credit.models import ComplaintProposal as P\n"
        f"print(P.objects.get(estate__code='binjiang', category='停车', year={year}, "
        f"quarter={quarter}).record_id)"
    ).splitlines()[-1]

    company = new_journey("company")
    c = company.page
    company.login(COMPANY_LOGIN, totp_secret=DEMO_TOTP_SECRET)
    company.goto("/workbench/")
    company.step("company workbench")
    c.locator(f"a.workbench-act[href='/credit/records/{record}/object/']").click()
    c.wait_for_load_state()
    expect(c.locator("main dl")).to_contain_text(ITEM)
    c.fill("textarea[name=reason]", "三起工单均已当日办结，停车收费开票问题系道闸厂商故障。")
    c.get_by_role("button", name="提交异议").click()
    c.wait_for_load_state()
    company.step("objected")
    expect(c.locator(".messages")).to_contain_text("异议已提交")
    expect(c.locator(f"tr[data-record='{record}'] .badge.warn")).to_have_count(1)

    bureau = new_journey("bureau")
    b = bureau.page
    bureau.login("city.approver@demo.gongzhi.cn", totp_secret=DEMO_TOTP_SECRET)
    bureau.goto("/workbench/")
    bureau.step("bureau workbench")
    objection = journey.server.shell(
        f"from property.credit.models import Objection\n"
        f"print(Objection.objects.get(record_id={record}).pk)"
    ).splitlines()[-1]
    b.locator(f"a.workbench-act[href='/credit/objections/{objection}/']").click()
    b.wait_for_load_state()
    expect(b.locator("main dl")).to_contain_text(ITEM)
    b.locator("input[name=decision][value=uphold]").check()
    b.fill("textarea[name=note]", "经核实三起投诉属实，收费不开票不属于厂商故障，维持记录。")
    b.get_by_role("button", name="记录决定").click()
    b.wait_for_load_state()
    bureau.step("ruled")
    expect(b.locator(".messages")).to_contain_text("已记录审核决定")

    # The company's "why my score" before the owner rates: the record counts now.
    company.goto("/workbench/")
    c.locator("a.workbench-act[href='/credit/mine/']").first.click()
    c.wait_for_load_state()
    company.step("why my score")
    row = c.locator(f"tr[data-record='{record}']")
    expect(row).to_contain_text(ITEM)
    expect(row.locator(".badge.ok")).to_have_count(1)
    quarter_row = c.locator("#complaints + .table-wrap tr", has=c.locator("th", has_text=period))
    expect(quarter_row).to_contain_text("停车 3")
    ratings = c.locator("[data-satisfaction-weight]")
    before = int(re.search(r"共 (\d+) 条", ratings.inner_text()).group(1))

    owner = new_journey("owner")
    o = owner.page
    owner.login(OWNER_LOGIN)
    owner.goto("/workbench/")
    owner.step("owner workbench")
    o.locator("section[data-group=surveys] a.workbench-act[href='/credit/rate/']").first.click()
    o.wait_for_load_state()
    card = o.locator("main section.card", has_text=ESTATE)
    card.locator("input[type=radio][value='4']").check()
    card.locator("textarea").fill("停车管理有改进，报修响应还可以更快。")
    card.get_by_role("button", name="提交").click()
    o.wait_for_load_state()
    owner.step("rated")
    expect(o.locator("main section.card", has_text=ESTATE)).to_contain_text("您本季度给出了 4 星")
    expect(o.locator("main section.card", has_text=ESTATE).locator("form")).to_have_count(0)

    c.reload()
    company.step("why my score after the rating")
    ratings = c.locator("[data-satisfaction-weight]")
    expect(ratings).to_contain_text(f"共 {before + 1} 条")
    expect(ratings).to_contain_text(f"{today.year}年第{quarter_of(today)[1]}季度")

    # The project manager of 滨江花园: their public page lists their records in force.
    company.goto("/workbench/")
    c.locator(".workbench-places a", has_text="项目经理").first.click()
    c.wait_for_load_state()
    manager_link = c.locator("main table tbody tr", has_text=ESTATE).locator("a").first
    manager_link.click()
    c.wait_for_load_state()
    company.step("project manager")
    manager = re.search(r"/credit/managers/(\d+)/", c.url).group(1)
    records = _json(
        journey,
        "import json\nfrom property.credit.models import CreditRecord as R\n"
        f"rs = R.objects.filter(manager_id={manager})\n"
        "print(json.dumps({s: sorted(rs.filter(status=s).values_list('item__description', "
        "flat=True)) for s in ('effective', 'pending')}))",
    )
    shown = c.locator("main table").last.locator("tbody tr")
    expect(shown.first).to_be_visible()
    listed = [t.split("\t")[0].strip() for t in shown.all_inner_texts()]
    assert listed and set(listed) <= set(records["effective"]), (listed, records)
    assert not set(listed) & set(records["pending"]), (listed, records)
    for j in (journey, company, bureau, owner):
        assert not j.broken, j.broken
