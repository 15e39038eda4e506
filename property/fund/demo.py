"""Demo data, layer 4: every demo unit's fund ledger with years of history, and requests.

Everything goes through the fund's services, booked by the district housing bureau (the
reviewing street office and the applicant for the requests), with the dates of the story:

* First deposit when the unit was first held: area × 100 yuan/m² (5% of a construction cost
  of 2,000 yuan/m²), one posting per estate (``fund_open_accounts``); then interest at 1.5% a
  year of the estate's fund, allocated by balance with the largest-remainder rule
  (``fund_allocate_interest``), booked on 31 December.
* Emergency requests in every state: a completed elevator repair in 滨江花园 (publicised and
  debited), a request awaiting review near its deadline, and one request in each other state
  across the estates; a facade repair in 鸠兹佳苑 takes building 1's ledgers to about a third
  of their first deposit. Each step is dated after the one before it (``STEP_DAYS``), never
  in the future: filing, decision, advance, acceptance, publicity, disbursement.
Idempotent: ledgers are built only for estates that have none; requests are looked up by title.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from portal.organisations.models import Membership, OrgKind
from property.registry.calendar import working_calendar
from property.registry.models import Building, Estate, Ownership, Unit

from . import selectors, services
from .apportion import from_fen, to_fen
from .models import FundAccount, FundRequest, Scope, Status

RATE_FEN_PER_M2 = 100 * 100  # 100 yuan per m², in fen per m² (area is in hundredths)
INTEREST_PERMILLE = 15  # 1.5% a year
LAST_INTEREST_YEAR = 2025


def _aware(d: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(d.year, d.month, d.day, hour, 0))


def build_ledgers(estate: Estate) -> int:
    """Open every unit's ledger with its first deposit and book the yearly interest, through
    the services, as the estate's housing bureau; returns the entries booked."""
    bureau = _bureau_user(estate)
    units = list(Unit.objects.filter(estate=estate).order_by("code"))
    if not units:
        return 0
    starts = dict(
        Ownership.objects.filter(unit__estate=estate)
        .order_by("start")
        .values_list("unit_id", "start")
    )
    first_year = min(starts.values(), default=date(2020, 1, 1)).year
    by_day: dict[date, list] = {}
    for u in units:
        deposit = from_fen(to_fen(u.area) * RATE_FEN_PER_M2 // 100)
        if deposit > 0:
            by_day.setdefault(starts.get(u.pk, date(first_year, 6, 1)), []).append((u, deposit))
    booked = 0
    for day, deposits in sorted(by_day.items()):
        services.fund_open_accounts(
            actor=bureau, estate=estate, deposits=deposits, booked_at=_aware(day), memo="首次交存"
        )
        booked += len(deposits)
    for year in range(first_year, LAST_INTEREST_YEAR + 1):
        held = sum(
            to_fen(b)
            for b in FundAccount.objects.filter(estate=estate, balance__gt=0).values_list(
                "balance", flat=True
            )
        )
        interest = held * INTEREST_PERMILLE // 1000
        if interest:
            booked += len(
                services.fund_allocate_interest(
                    actor=bureau,
                    estate=estate,
                    amount=from_fen(interest),
                    booked_at=_aware(date(year, 12, 31), 16),
                    memo=f"{year}年度利息",
                )
            )
    return booked


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


def _bureau_user(estate: Estate):
    """The housing bureau that books the estate's ledgers: the district's, else the city's;
    ``None`` (the system) when the demo has neither."""
    district = estate.jurisdiction.get_parent().get_parent().get_parent()
    return _member(OrgKind.BUREAU, district) or _member(OrgKind.BUREAU, district.get_parent())


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


# When each step of a request happens, after its filing (09:00): the story of a repair.
STEPS = {
    "decided": timedelta(days=1, hours=1),  # within the review deadline
    "advance": timedelta(days=2, hours=5),
    "accepted": timedelta(days=15, hours=6),
    "publicised": timedelta(days=20),
}


def run_request(estate: Estate, plan) -> FundRequest | None:
    """File the request and take it to its planned state through the services, each step
    dated after the one before it and none in the future."""
    _, title, category, final, scope, bcode, stair, estimate, cost = plan
    applicant, reviewer = _applicant_user(estate), _reviewer_user(estate)
    if applicant is None or reviewer is None:
        return None
    building = Building.objects.filter(estate=estate, code=bcode).first() if bcode else None
    if scope in (Scope.BUILDING, Scope.STAIRWELL) and building is None:
        scope, building, stair = Scope.ESTATE, None, ""
    today, now = timezone.localdate(), timezone.now()
    if final == "submitted_near":
        filed = _aware(_near_deadline_start(today), 9)
    elif final in ("disbursed",):
        filed = _aware(today - timedelta(days=75 if estate.code == "binjiang" else 150), 9)
    else:
        filed = _aware(today - timedelta(days=20), 9)

    def at(step: str) -> datetime:
        return min(filed + STEPS[step], now)

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
            actor=reviewer,
            request=req,
            note="外墙瓷砖空鼓面积未达紧急使用标准，请按一般程序表决。",
            now=at("decided"),
        )
    # The reviewer looks at the review page (what the scope can pay, any unit that would go
    # below zero) and approves having seen it.
    services.fund_request_approve(
        actor=reviewer,
        request=req,
        note="情况属实，同意紧急使用。",
        shortfalls_seen=selectors.review_position(req)["digest"],
        now=at("decided"),
    )
    target = ORDER.index(final)
    if target >= ORDER.index("advance_paid"):
        services.fund_advance_pay(actor=reviewer, request=req, now=at("advance"))
    if target >= ORDER.index("accepted"):
        services.fund_repair_accept(
            actor=applicant,
            request=req,
            final_cost=Decimal(cost),
            invoice_number=f"3400{req.pk:08d}",
            now=at("accepted"),
        )
    if target >= ORDER.index("publicised"):
        # A finished project was publicised 20 days after filing; one still in publicity
        # starts it now, so that owners can object.
        started = at("publicised") if final == "disbursed" else now
        req = services.fund_publicise(actor=applicant, request=req, now=started)
    if target >= ORDER.index("disbursed"):
        services.fund_disburse(
            actor=reviewer, request=req, now=min(req.publicity_ends + timedelta(days=1), now)
        )
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
