"""Demo data, layer 4: every demo unit's fund ledger with years of history, and requests.

* First deposit when the unit was first held: area × 100 yuan/m² (5% of a construction cost
  of 2,000 yuan/m²), then interest at 1.5% a year allocated by balance with the
  largest-remainder rule, booked on 31 December. Built with bulk_create (seconds).
* Emergency requests in every state, run through the real services: a completed elevator
  repair in 滨江花园 (publicised and debited), a request awaiting review near its deadline, and
  one request in each other state across the estates; a facade repair in 鸠兹佳苑 leaves a
  building's ledgers below the refill threshold.
Idempotent: ledgers are built only for estates that have none; requests are looked up by title.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from portal.audit import log_event
from portal.organisations.models import Membership, OrgKind
from property.registry.calendar import working_calendar
from property.registry.models import Building, Estate, Ownership, Unit

from . import services
from .apportion import apportion, from_fen, refill_due, to_fen
from .models import EntryKind, FundAccount, FundRequest, LedgerEntry, Scope, Status

RATE_FEN_PER_M2 = 100 * 100  # 100 yuan per m², in fen per m² (area is in hundredths)
INTEREST_PERMILLE = 15  # 1.5% a year
LAST_INTEREST_YEAR = 2025


def _aware(d: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(d.year, d.month, d.day, hour, 0))


def build_ledgers(estate: Estate) -> int:
    """Open every unit's ledger with its first deposit and yearly interest; returns entries."""
    units = list(Unit.objects.filter(estate=estate).order_by("code"))
    starts = dict(
        Ownership.objects.filter(unit__estate=estate)
        .order_by("start")
        .values_list("unit_id", "start")
    )
    accounts = [
        FundAccount(
            unit=u, estate=estate, first_deposit=from_fen(to_fen(u.area) * RATE_FEN_PER_M2 // 100)
        )
        for u in units
    ]
    balance = {a.unit_id: to_fen(a.first_deposit) for a in accounts}
    by_unit = {a.unit_id: a for a in accounts}
    entries = []
    first_year = min(starts.values(), default=date(2020, 1, 1)).year
    for u in units:
        start = starts.get(u.pk, date(first_year, 6, 1))
        entries.append(
            LedgerEntry(
                account=by_unit[u.pk],
                estate=estate,
                kind=EntryKind.DEPOSIT,
                amount=from_fen(balance[u.pk]),
                booked_at=_aware(start),
                memo="首次交存",
            )
        )
    for year in range(first_year, LAST_INTEREST_YEAR + 1):
        weights = [(u.code, balance[u.pk]) for u in units if balance[u.pk] > 0]
        total = sum(w for _, w in weights) * INTEREST_PERMILLE // 1000
        shares = apportion(total, weights)
        codes = {u.code: u for u in units}
        for (code, _), share in zip(weights, shares, strict=True):
            if share:
                u = codes[code]
                balance[u.pk] += share
                entries.append(
                    LedgerEntry(
                        account=by_unit[u.pk],
                        estate=estate,
                        kind=EntryKind.INTEREST,
                        amount=from_fen(share),
                        booked_at=_aware(date(year, 12, 31), 16),
                        memo=f"{year}年度利息",
                    )
                )
    # Balances are known before anything is written: accounts are inserted with them (one
    # bulk insert each, no updates), then the entries that add up to them.
    limit = Decimal(str(services.setting("FUND_REFILL_THRESHOLD")))
    for a in accounts:
        a.balance = from_fen(balance[a.unit_id])
        a.refill_due = refill_due(a.balance, a.first_deposit, threshold=limit)
    FundAccount.objects.bulk_create(accounts, batch_size=2000)
    for e in entries:
        e.account_id = e.account.pk
    LedgerEntry.objects.bulk_create(entries, batch_size=5000)
    log_event(actor=None, action="fund.demo_ledgers", obj=estate, details={"entries": len(entries)})
    return len(entries)


def _member(kind: str, where) -> object:
    m = (
        Membership.objects.filter(organisation__kind=kind, organisation__jurisdiction=where)
        .select_related("user")
        .first()
    )
    return m.user if m else None


def _applicant_user(estate: Estate):
    if estate.assembly_holds_fund:
        return _member(OrgKind.OWNERS_COMMITTEE, estate.jurisdiction)
    m = Membership.objects.filter(organisation=estate.company).select_related("user").first()
    return m.user if m else None


def _reviewer_user(estate: Estate):
    street = estate.jurisdiction.get_parent().get_parent()
    return _member(OrgKind.STREET_OFFICE, street)


def _stair(estate: Estate, building_code: str = "1", stair: str = "1"):
    return Building.objects.get(estate=estate, code=building_code), stair


# (estate code, title, category, final state, scope, building, stairwell, estimate, final cost)
PLAN = [
    (
        "binjiang",
        "2号楼1单元电梯曳引机更换",
        "elevator",
        "disbursed",
        Scope.STAIRWELL,
        "2",
        "1",
        "86000.00",
        "84650.00",
    ),
    (
        "binjiang",
        "地下车库排水管爆裂抢修",
        "drain",
        "submitted_near",
        Scope.ESTATE,
        None,
        "",
        "23800.00",
        None,
    ),
    (
        "fanluoshan-xq",
        "3号楼屋面渗漏维修",
        "leak",
        "publicised",
        Scope.BUILDING,
        "3",
        "",
        "41200.00",
        "39876.50",
    ),
    (
        "zheshan-xc",
        "消防水泵控制柜故障更换",
        "fire",
        "approved",
        Scope.ESTATE,
        None,
        "",
        "18500.00",
        None,
    ),
    (
        "zhongnan-ya",
        "二次供水加压泵更换",
        "pump",
        "advance_paid",
        Scope.ESTATE,
        None,
        "",
        "65000.00",
        None,
    ),
    (
        "lugang-jy",
        "1号楼外墙瓷砖空鼓",
        "facade",
        "rejected",
        Scope.BUILDING,
        "1",
        "",
        "52000.00",
        None,
    ),
    (
        "wanli-hy",
        "2号楼2单元电梯门机故障",
        "elevator",
        "accepted",
        Scope.STAIRWELL,
        "2",
        "2",
        "12800.00",
        "12650.00",
    ),
    (
        "jiuzi",
        "1号楼外墙脱落隐患整治",
        "facade",
        "disbursed",
        Scope.BUILDING,
        "1",
        "",
        "380000.00",
        "372400.00",
    ),
    (
        "guandou-xc",
        "5号楼1单元屋面漏水",
        "leak",
        "submitted",
        Scope.STAIRWELL,
        "5",
        "1",
        "9600.00",
        None,
    ),
]

ORDER = ["submitted", "approved", "advance_paid", "accepted", "publicised", "disbursed"]


def _near_deadline_start(today: date) -> date:
    """The earliest filing day whose review deadline is still today or later."""
    cal, n = working_calendar(), int(services.setting("FUND_REVIEW_WORKING_DAYS"))
    d = today
    while cal.add_working_days(d - timedelta(days=1), n) >= today:
        d -= timedelta(days=1)
    return d


def run_request(estate: Estate, plan) -> FundRequest | None:
    _, title, category, final, scope, bcode, stair, estimate, cost = plan
    applicant, reviewer = _applicant_user(estate), _reviewer_user(estate)
    if applicant is None or reviewer is None:
        return None
    building = Building.objects.filter(estate=estate, code=bcode).first() if bcode else None
    if scope in (Scope.BUILDING, Scope.STAIRWELL) and building is None:
        scope, building, stair = Scope.ESTATE, None, ""
    today = timezone.localdate()
    if final == "submitted_near":
        filed = _aware(_near_deadline_start(today), 9)
    elif final in ("disbursed",):
        filed = _aware(today - timedelta(days=75 if estate.code == "binjiang" else 150), 9)
    else:
        filed = _aware(today - timedelta(days=20), 9)
    req = services.fund_request_submit(
        actor=applicant,
        estate=estate,
        title=title,
        description=f"{title}。经现场查勘，存在安全隐患，需紧急维修。",
        category=category,
        scope=scope,
        building=building,
        stairwell=stair,
        estimated_cost=Decimal(estimate),
        contractor="芜湖安泰建设工程有限公司"
        if category != "elevator"
        else "芜湖迅达电梯工程有限公司",
        now=filed,
    )
    if final.startswith("submitted"):
        return req
    if final == "rejected":
        return services.fund_request_reject(
            actor=reviewer, request=req, note="外墙瓷砖空鼓面积未达紧急使用标准，请按一般程序表决。"
        )
    services.fund_request_approve(actor=reviewer, request=req, note="情况属实，同意紧急使用。")
    FundRequest.objects.filter(pk=req.pk).update(decided_at=filed + timedelta(days=1))
    target = ORDER.index(final)
    if target >= ORDER.index("advance_paid"):
        services.fund_advance_pay(actor=reviewer, request=req)
    if target >= ORDER.index("accepted"):
        services.fund_repair_accept(
            actor=applicant,
            request=req,
            final_cost=Decimal(cost),
            invoice_number=f"3400{req.pk:08d}",
        )
    if target >= ORDER.index("publicised"):
        started = filed + timedelta(days=20) if final == "disbursed" else timezone.now()
        services.fund_publicise(actor=applicant, request=req, now=started)
    if target >= ORDER.index("disbursed"):
        services.fund_disburse(actor=reviewer, request=req, now=filed + timedelta(days=20 + 4))
    return req


def load(stdout=None) -> None:
    made = 0
    for estate in Estate.objects.order_by("code"):
        if not FundAccount.objects.filter(estate=estate).exists():
            made += build_ledgers(estate)
    requests = 0
    for plan in PLAN:
        estate = Estate.objects.filter(code=plan[0]).first()
        if estate is None or FundRequest.objects.filter(estate=estate, title=plan[1]).exists():
            continue
        if run_request(estate, plan):
            requests += 1
    if stdout:
        stdout.write(
            f"  fund: {FundAccount.objects.count()} ledgers, {made} new entries, "
            f"{requests} new requests ({FundRequest.objects.filter(status=Status.DISBURSED).count()} disbursed)"
        )
