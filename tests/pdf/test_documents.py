"""Every PDF the portal issues, read as the housing bureau reads it (issue 15).

For each document (vote result announcement, paper ballot, fund annual statement, credit
report) one test extracts its text (``pdftotext -layout``) and checks the key lines word for
word: title, issuing body, reference and date in Chinese form, figures with thousands
separators and units. Another reads the glyph boxes and rules of every page and checks that no
text overlaps other text, runs over a table border or leaves the page (``tests/pdfcheck.py``).

Set ``PDF_PNG_DIR`` to also get every page as a PNG (pdftoppm) to look at.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.organisations.models import OrgKind, Role
from property.fund.models import FundAccount
from property.registry.models import Unit
from tests.factories import add_units, staff
from tests.pdfcheck import (
    pdf_layout_faults,
    pdf_lines,
    pdf_pages_png,
    pdf_text,
    signature_valid,
)
from tests.property.fund.factories import cast
from tests.voting.factories import finish, open_vote, party
from voting import board, services
from voting.models import VoteElector

pytestmark = pytest.mark.django_db


def _cn_date(moment) -> str:
    """A date the way a Chinese official document writes it: 2026年11月1日."""
    return f"{moment.year}年{moment.month}月{moment.day}日"


def _cn_datetime(moment) -> str:
    return f"{_cn_date(moment)} {moment:%H:%M}"


@pytest.fixture
def nine_thirty(monkeypatch):
    """Today at 09:30 in Asia/Shanghai, the moment every document below is issued at."""
    moment = timezone.localtime().replace(hour=9, minute=30, second=0, microsecond=0)
    real_localtime = timezone.localtime

    def localtime(value=None, tz=None):
        return real_localtime(moment if value is None else value, tz)

    def freeze():
        monkeypatch.setattr("django.utils.timezone.localtime", localtime)
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)

    return moment, freeze


def _look(pdf: bytes, name: str) -> None:
    if os.environ.get("PDF_PNG_DIR"):
        pdf_pages_png(pdf, os.environ["PDF_PNG_DIR"], name)


def _assert_lines(pdf: bytes, expected: list[str]) -> None:
    lines = pdf_lines(pdf)
    missing = [line for line in expected if line not in lines]
    assert not missing, (
        "missing lines:\n" + "\n".join(missing) + "\n\nthe PDF:\n" + "\n".join(lines)
    )


# ---- the vote's result announcement and its paper ballot --------------------------------------

PERIOD = (datetime(2026, 11, 1, 8, 0), datetime(2026, 11, 15, 20, 0))


@pytest.fixture
def vote_estate(world):
    estate = world.estates[0]
    add_units(
        estate,
        [
            ("1-101", "15234.56", "张三"),
            ("1-102", "12000.00", "李四+王五"),
            ("1-103", "9000.44", "赵六"),
            ("1-104", "8000.00", None),  # the developer's unsold unit: a head, never votes
        ],
    )
    return estate


def _set_period(vote):
    tz = timezone.get_current_timezone()
    start, end = (timezone.make_aware(moment, tz) for moment in PERIOD)
    type(vote).objects.filter(pk=vote.pk).update(
        opens_at=start, closes_at=end, opened_at=start, closed_at=end
    )
    vote.refresh_from_db()
    return vote


@pytest.fixture
def counted_vote(vote_estate):
    vote = open_vote(vote_estate, title="续聘物业服务企业", matter=4)
    for label, choice in [("张三", "agree"), ("李四+王五", "agree"), ("赵六", "oppose")]:
        services.ballot_cast(actor=None, vote=vote, party=party(vote_estate, label), choice=choice)
    return _set_period(finish(vote))


def _result_pdf(client, vote) -> bytes:
    response = client.get(reverse("voting:result_pdf", args=[vote.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


def test_result_announcement_reads_word_for_word(client, counted_vote, nine_thirty):
    """The result announcement: issued by the estate's owners' committee, its reference and
    date in Chinese form, the voting period as 年月日, each condition of the double majority
    as count, base, share, legal threshold and a word for met, areas with thousands
    separators and m², the ballots by choice, the final signed summary with its time."""
    moment, freeze = nine_thirty
    vote = counted_vote
    freeze()
    pdf = _result_pdf(client, vote)
    head = board.latest_head(vote)
    signed_at = (
        f"{_cn_date(timezone.localtime(head.time))} {timezone.localtime(head.time):%H:%M:%S}"
    )
    _look(pdf, "result")
    _assert_lines(
        pdf,
        [
            "共治 第1小区业委会",
            "业主表决结果公告",
            f"编号 {vote.estate.code}-{vote.pk} · 签发时间 {_cn_datetime(moment)}",
            "小区 第1小区",
            "表决 续聘物业服务企业",
            "表决事项 选聘和解聘物业服务企业或者其他管理人（一般事项）",
            "表决期间 2026年11月1日 08:00 至 2026年11月15日 20:00",
            "表决结果：通过",
            "参与表决人数 3 4 75.0% ≥ 2/3 达到",
            "参与表决面积 36,235.00 m² 44,235.00 m² 81.9% ≥ 2/3 达到",
            "同意人数（占参与表决人数） 2 3 66.7% > 1/2 达到",
            "同意面积（占参与表决面积） 27,234.56 m² 36,235.00 m² 75.2% > 1/2 达到",
            "同意 2 27,234.56",
            "反对 1 9,000.44",
            "弃权 0 0.00",
            "参与表决 3 36,235.00",
            "全体业主 4 44,235.00",
            f"最终签名摘要：共 3 条记录，签名时间 {signed_at}；根哈希：",
            "第1页/共1页",  # pdftotext drops the spaces around the figures here
        ],
    )
    assert head.root in pdf_text(pdf)
    assert signature_valid(pdf)


def test_result_announcement_layout(client, counted_vote):
    """No figure of the announcement runs into the next column, nothing overlaps."""
    pdf = _result_pdf(client, counted_vote)
    assert pdf_layout_faults(pdf) == []


@pytest.fixture
def ballot(world, vote_estate):
    vote = _set_period(open_vote(vote_estate, title="增设电动车充电桩"))
    elector = VoteElector.objects.get(vote=vote, party=party(vote_estate, "李四+王五"))
    committee = staff(
        OrgKind.OWNERS_COMMITTEE,
        vote_estate.jurisdiction,
        Role.MEMBER,
        organisation=world.committees[0],
    )
    return vote, elector, committee


def _ballot_pdf(client, ballot) -> bytes:
    vote, elector, committee = ballot
    client.force_login(committee)
    response = client.get(reverse("voting:ballot_pdf", args=[vote.pk, elector.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


def test_paper_ballot_reads_word_for_word(client, ballot):
    """The paper ballot: the committee as issuer, the period as 年月日, the owner masked,
    the unit and its area with thousands separators, the three boxes, the signature lines."""
    vote, elector, _ = ballot
    pdf = _ballot_pdf(client, ballot)
    _look(pdf, "ballot")
    _assert_lines(
        pdf,
        [
            "共治 第1小区业委会",
            "纸质选票",
            f"编号 {vote.pk}-{elector.pk}",
            "表决 增设电动车充电桩",
            "表决期间 2026年11月1日 08:00 至 2026年11月15日 20:00",
            "业主 李*、王*",
            "房屋 1-102",
            "专有部分面积 12,000.00 m²",
            "同意 反对 弃权",
            "业主签名",
            "日期",
        ],
    )
    assert signature_valid(pdf)


def test_paper_ballot_layout(client, ballot):
    assert pdf_layout_faults(_ballot_pdf(client, ballot)) == []


# ---- the maintenance fund's annual statement ----------------------------------------------------


@pytest.fixture
def fund(world):
    return cast(world)


def _statement_pdf(client, c, year) -> bytes:
    client.force_login(c.owner)
    response = client.get(f"/fund/estate/{c.estate.code}/statement/{year}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


def test_fund_statement_reads_word_for_word(client, fund, nine_thirty):
    """The annual statement: the bureau as issuer, "生成时间" (not 表决名册) with the date in
    Chinese form, every total in yuan with ¥ and thousands separators, each unit's area and
    balance in the unit table."""
    moment, freeze = nine_thirty
    year = moment.year
    freeze()
    pdf = _statement_pdf(client, fund, year)
    _look(pdf, "fund-statement")
    _assert_lines(
        pdf,
        [
            "共治 芜湖市住房和城乡建设局",
            f"{year}年度维修资金账目 · 第1小区",
            f"第1小区 · 生成时间 {_cn_datetime(moment)}",
            "期初余额 ¥0.00",
            "首期交存 ¥65,900.00",
            "期末余额 ¥65,900.00",
            "房号 面积（m²） 余额（元） 房号 面积（m²） 余额（元） 房号 面积（m²） 余额（元）",
            "1-1-0101 89.50 8,950.00 1-1-0102 120.25 12,025.00 1-1-0201 89.50 8,950.00",
            "1-2-0102 75.00 7,500.00",
        ],
    )
    assert "表决名册" not in pdf_text(pdf)
    assert signature_valid(pdf)


def test_fund_statement_layout_with_many_units(client, fund):
    """Two hundred units with long codes and six-figure balances: the unit table flows over
    pages without a figure leaving its cell."""
    from property.fund.models import EntryKind, LedgerEntry

    building = fund.owner_unit.building
    for n in range(200):
        unit = Unit.objects.create(
            estate=fund.estate,
            building=building,
            code=f"商铺{n // 20 + 1}-{n % 20 + 1:02d}",
            area=Decimal("1234.56"),
        )
        amount = Decimal("987654.32")
        account = FundAccount.objects.create(
            unit=unit, estate=fund.estate, first_deposit=amount, balance=amount
        )
        LedgerEntry.objects.create(
            account=account, estate=fund.estate, kind=EntryKind.DEPOSIT, amount=amount
        )
    pdf = _statement_pdf(client, fund, timezone.localdate().year)
    _look(pdf, "fund-statement-long")
    lines = pdf_lines(pdf)
    assert any("商铺10-20 1,234.56 987,654.32" in line for line in lines), lines
    assert pdf_layout_faults(pdf) == []


def test_fund_statement_layout(client, fund):
    assert pdf_layout_faults(_statement_pdf(client, fund, timezone.localdate().year)) == []


# ---- the company's credit report ----------------------------------------------------------------


@pytest.fixture
def rated_company(world):
    from property.credit.services import credit_records_activate_due
    from property.credit.tasks import recompute_ratings
    from tests.property.credit.factories import add_record, fill_checklist

    today = timezone.localdate()
    fill_checklist(world.companies[0], today.year)
    record = add_record(world, code="G-NAT-AWARD", on=today - timedelta(days=40))
    credit_records_activate_due(today=today)
    for days in (300, 200, 100, 7, 0):
        recompute_ratings(today - timedelta(days=days))
    record.refresh_from_db()
    return world.companies[0], record


def _credit_pdf(client, company) -> bytes:
    response = client.get(reverse("credit:report", args=[company.credit_code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


def test_credit_report_reads_word_for_word(client, rated_company, nine_thirty):
    """The credit report: the bureau as issuer, the date issued in Chinese form, the grade with
    its score in points and the rating date, each record with its points and dates."""
    from property.credit.selectors import current_rating

    moment, freeze = nine_thirty
    company, record = rated_company
    rating = current_rating(company)
    freeze()
    pdf = _credit_pdf(client, company)
    _look(pdf, "credit-report")
    _assert_lines(
        pdf,
        [
            "共治 芜湖市住房和城乡建设局",
            f"信用报告：{company.name}",
            f"签发时间 {_cn_datetime(moment)}",
            f"物业服务企业 {company.name}",
            f"统一社会信用代码 {company.credit_code}",
            f"当前等级 {rating.grade}（{rating.score} 分） · 评价日期 {_cn_date(rating.as_of)}",
            f"{record.item.description} {record.estate.name} +{record.points} "
            f"{_cn_date(record.effective)} {_cn_date(record.last_day())}",
        ],
    )
    assert signature_valid(pdf)


def test_credit_report_layout(client, rated_company):
    """The score chart's threshold labels (60, 70, 80, 85) do not overlap each other."""
    company, _ = rated_company
    assert pdf_layout_faults(_credit_pdf(client, company)) == []
