"""Demo data of the shared revenue (layer 4a), through the services, dated as the story goes.

* 滨江花园 (binjiang): the company enters it; the committee agreed a cost share of 20%. Every
  month from ``REVENUE_START_MONTH`` to last month: parking and advertising income with their
  vouchers, filed by the 5th of the next month; rent of the common room each quarter; a
  transfer into the maintenance fund last month (credited to every unit's ledger by area);
  the playground's repair, an expense citing the owners' final vote that decided it
  (``voting.demo.REVENUE_VOTE_TITLE``), in the month the vote became final;
  the first half-year's statement published and posted now; this month's first parking
  income entered, not filed; an owner's objection to an advertising entry awaiting the
  committee's answer.
* 范罗山小区 (fanluoshan-xq): the company enters it, its costs one by one; months filed up to
  two months ago, so last month is late after the 10th (the street office sees it); a
  transfer into the fund in June; its first half-year's statement published in July.
Idempotent: an estate with any entry is left alone.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from portal.organisations.models import Membership, OrgKind
from property.registry.models import Estate
from property.registry.notifications import owner_accounts
from voting.demo import REVENUE_VOTE_TITLE

from . import rules, selectors, services
from .models import Category, ManagedBy, RevenueEntry


def _aware(d: date, hour: int = 10) -> datetime:
    """10 o'clock on ``d``, never later than now (the story is never in the future)."""
    return min(timezone.make_aware(datetime(d.year, d.month, d.day, hour, 0)), timezone.now())


def _voucher(name: str) -> ContentFile:
    """A one-page PDF standing in for the scanned receipt."""
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 200]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return ContentFile(body, name=name)


def _company_user(estate: Estate):
    m = Membership.objects.filter(organisation=estate.company, active=True).select_related("user")
    m = m.order_by("pk").first()
    return m.user if m else None


def _committee_user(estate: Estate):
    m = (
        Membership.objects.filter(
            organisation__kind=OrgKind.OWNERS_COMMITTEE,
            organisation__jurisdiction=estate.jurisdiction,
            active=True,
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return m.user if m else None


def _owner_user(estate: Estate):

    return owner_accounts(estate).order_by("email").first()


def _next_month_day(month: date, day: int) -> date:
    nxt = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return nxt.replace(day=day)


def _month_entries(estate, user, month: date, n: int, *, costs: bool) -> None:
    when = _aware(_next_month_day(month, 3))
    parking = Decimal(18000 + 731 * (n % 5)) + Decimal("0.50") * (n % 3)
    services.revenue_income_add(
        actor=user,
        estate=estate,
        category=Category.PARKING,
        period=month,
        amount=parking,
        counterparty="地面临时停车收费（道闸系统日报汇总）",
        voucher=_voucher(f"parking-{month:%Y-%m}.pdf"),
        now=when,
    )
    services.revenue_income_add(
        actor=user,
        estate=estate,
        category=Category.ADVERTISING,
        period=month,
        amount=Decimal("6400.00") if n % 2 else Decimal("5200.00"),
        counterparty="芜湖分众传媒电梯广告合同 WH-2025-117",
        voucher=_voucher(f"advertising-{month:%Y-%m}.pdf"),
        now=when,
    )
    if month.month % 3 == 0:
        services.revenue_income_add(
            actor=user,
            estate=estate,
            category=Category.RENT,
            period=month,
            amount=Decimal("4500.00"),
            counterparty="会所一楼活动室租赁（社区老年大学）",
            voucher=_voucher(f"rent-{month:%Y-%m}.pdf"),
            now=when,
        )
    if costs:
        services.revenue_cost_add(
            actor=user,
            estate=estate,
            period=month,
            amount=Decimal("3150.00"),
            memo="道闸与广告位维护、收费人员分摊",
            now=when,
        )


def _playground_expense(estate, company, vote, month: date, at: datetime) -> None:
    """The playground's repair, paid from the shared revenue as the owners' vote decided."""
    services.revenue_expense_add(
        actor=company,
        estate=estate,
        period=month,
        amount=Decimal("38620.00"),
        vote=vote,
        memo="儿童游乐场更换塑胶地垫和两组滑梯（按业主大会表决）",
        voucher=_voucher(f"playground-invoice-{month:%Y-%m}.pdf"),
        now=at,
    )


def build(
    estate: Estate,
    *,
    percent: str | None,
    last_filed: date,
    transfer_month: date,
    transfer: Decimal,
    publish_at: datetime | None,
    today: date,
    expense_vote=None,
) -> int:
    company = _company_user(estate)
    committee = _committee_user(estate)
    if company is None or committee is None:
        return 0
    start = services.start_month()
    services.revenue_settings_set(
        actor=committee,
        estate=estate,
        managed_by=ManagedBy.COMPANY,
        cost_share_percent=percent,
        now=_aware(start),
    )
    months = rules.months_between(start, last_filed)
    expense_at = expense_vote.finalised_at + timedelta(days=6) if expense_vote else None
    for n, month in enumerate(months):
        _month_entries(estate, company, month, n, costs=percent is None)
        if expense_at is not None and rules.month_of(timezone.localdate(expense_at)) == month:
            _playground_expense(estate, company, expense_vote, month, expense_at)
            expense_at = None
        if month == transfer_month:
            services.revenue_transfer_to_fund(
                actor=company,
                estate=estate,
                period=month,
                amount=transfer,
                memo="按业主大会决定转入专项维修资金",
                now=_aware(_next_month_day(month, 4)),
            )
        services.revenue_month_file(
            actor=company, estate=estate, period=month, now=_aware(_next_month_day(month, 5))
        )
    if expense_at is not None and expense_at <= timezone.now():
        # The vote became final this month: the expense goes into the month not filed yet.
        _playground_expense(estate, company, expense_vote, rules.month_of(today), expense_at)
    first_half = rules.half_year_of(start)
    if publish_at is not None and first_half.ended(today):
        services.revenue_statement_publish(
            actor=company, estate=estate, half=first_half, now=publish_at
        )
    return RevenueEntry.objects.filter(estate=estate).count()


def load(stdout=None) -> None:
    today = timezone.localdate()
    now = timezone.now()
    last_month = rules.month_of(today - timedelta(days=today.day))
    two_ago = rules.month_of(last_month - timedelta(days=1))
    made = 0
    binjiang = Estate.objects.filter(code="binjiang").first()
    if binjiang and not RevenueEntry.objects.filter(estate=binjiang).exists():
        made += build(
            binjiang,
            percent="20",
            last_filed=last_month,
            transfer_month=last_month,
            transfer=Decimal("30000.00"),
            publish_at=now - timedelta(hours=2),
            today=today,
            expense_vote=selectors.deciding_votes(binjiang)
            .filter(title=REVENUE_VOTE_TITLE)
            .first(),
        )
        company = _company_user(binjiang)
        if company is not None and rules.month_of(today) >= services.start_month():
            services.revenue_income_add(
                actor=company,
                estate=binjiang,
                category=Category.PARKING,
                period=rules.month_of(today),
                amount=Decimal("9650.00"),
                counterparty="地面临时停车收费（道闸系统日报汇总，上半月）",
                voucher=_voucher(f"parking-{today:%Y-%m}-a.pdf"),
            )
        owner = _owner_user(binjiang)
        advert = (
            RevenueEntry.objects.filter(estate=binjiang, category=Category.ADVERTISING)
            .order_by("-period")
            .first()
        )
        if owner is not None and advert is not None:
            services.revenue_objection_file(
                actor=owner,
                entry=advert,
                text="电梯里有三块广告屏，合同金额是否只包括一块？请公示广告合同。",
            )
    xq = Estate.objects.filter(code="fanluoshan-xq").first()
    if xq and not RevenueEntry.objects.filter(estate=xq).exists():
        start = services.start_month()
        june = date(start.year, 6, 1)
        made += build(
            xq,
            percent=None,
            last_filed=two_ago,
            transfer_month=june if start <= june <= two_ago else two_ago,
            transfer=Decimal("12000.00"),
            publish_at=_aware(date(start.year, 7, 8)),
            today=today,
        )
    if stdout:
        late = selectors.late_estates(Estate.objects.all(), today)
        stdout.write(
            f"  revenue: {RevenueEntry.objects.count()} entries ({made} new), "
            f"{len(late)} estates late with their monthly entries"
        )
