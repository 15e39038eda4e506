"""City generator, layer 4 (fund): every unit's ledger, deposits, interest and emergency works.

Per estate, from its own random stream, all in integer fen (``property.fund.apportion``):

* the first deposit when the unit was first held: area × 80-150 yuan/m² (5-8% of a
  construction cost of 1,600-1,900 yuan/m²; one rate per estate);
* interest at 1.1-1.75% a year of the estate's fund, booked on 31 December of each year of
  the history and allocated by balance with the largest-remainder rule (``apportion``), as
  ``services.fund_allocate_interest`` does;
* emergency works (elevator, leak, pump, drain, fire, facade), about one every four years an
  estate, each on a building or a stairwell: filed, approved, an advance of 50% of the
  estimate paid, accepted, publicised, then the final cost shared by area (``apportion``,
  largest remainder) and debited from every unit of the scope, the settlement paying the rest.
  A project is skipped when a share would overdraw a ledger;
* the cached balance and the refill flag of every ledger (``apportion.refill_due``).

Written by COPY with keys counted here; ``manage.py fund_reconcile`` passes on the result.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from psycopg.types.json import Jsonb

from portal.accounts.models import User
from portal.core.city import Buffer, CityContext, aware, days_between
from portal.organisations.models import Organisation, OrgKind
from property.registry.models import Estate, Ownership, Unit

from .apportion import apportion, from_fen, refill_due
from .models import (
    Category,
    Disbursement,
    DisbursementKind,
    EntryKind,
    FundAccount,
    FundRequest,
    LedgerEntry,
    RequestKind,
    RequestShare,
    Scope,
    Status,
)

#: ``make_city`` builds the fund in a second process while the voting stage runs: the fund
#: reads only the registry and the organisations and writes only its own tables (no service,
#: no audit event), so its rows and keys are those of a sequential run.
BUILD_BESIDE = "voting"
WORKS_PER_YEAR = 0.25
TITLES = {
    Category.ELEVATOR: "电梯故障紧急维修",
    Category.LEAK: "屋面渗漏紧急维修",
    Category.PUMP: "二次供水水泵更换",
    Category.DRAIN: "排水管道堵塞疏通",
    Category.FIRE: "消防设施故障维修",
    Category.FACADE: "外墙脱落隐患排除",
}


class _Writers:
    def __init__(self, ctx):
        self.accounts = Buffer(
            ctx,
            FundAccount,
            ["id", "unit_id", "estate_id", "first_deposit", "balance", "refill_due"],
        )
        self.entries = Buffer(
            ctx,
            LedgerEntry,
            ["id", "account_id", "estate_id", "kind", "amount", "booked_at", "memo", "request_id"],
            keyed=True,
        )
        self.requests = Buffer(
            ctx,
            FundRequest,
            [
                "id", "estate_id", "kind", "category", "title", "description", "scope",
                "building_id", "stairwell", "estimated_cost", "contractor", "applicant_id",
                "created_by_id", "status", "submitted_at", "review_deadline", "decided_at",
                "decided_by_id", "decision_note", "deemed_approved", "shortfalls_seen",
                "final_cost", "invoice_number", "accepted_at", "publicity_starts",
                "publicity_ends", "disbursed_at",
            ],
        )  # fmt: skip
        self.shares = Buffer(ctx, RequestShare, ["id", "request_id", "unit_id", "area", "amount"])
        self.payments = Buffer(
            ctx, Disbursement, ["id", "request_id", "kind", "amount", "paid_at", "paid_by_id"]
        )

    def flush(self):
        for b in (self.accounts, self.entries, self.requests, self.shares, self.payments):
            b.flush()


def build(ctx: CityContext) -> None:

    officer = User.objects.get(username="city.officer").pk
    committees = dict(
        Organisation.objects.filter(kind=OrgKind.OWNERS_COMMITTEE).values_list(
            "jurisdiction_id", "pk"
        )
    )
    committee_users = dict(
        User.objects.filter(memberships__organisation__kind=OrgKind.OWNERS_COMMITTEE).values_list(
            "memberships__organisation_id", "pk"
        )
    )
    estates = list(
        Estate.objects.order_by("code").values_list(
            "pk", "code", "jurisdiction_id", "company_id", "assembly_holds_fund"
        )
    )
    out = _Writers(ctx)
    bar = ctx.progress("fund ledgers", ctx.units)
    for pk, code, node, company, assembly in estates:
        committee = committees.get(node)
        applicant = committee if (assembly and committee) else company
        creator = committee_users.get(committee, officer) if applicant == committee else officer
        n = _estate(ctx, out, pk, code, applicant=applicant, creator=creator, officer=officer)
        bar.update(n)
    out.flush()
    bar.close()


def _estate(ctx, out: _Writers, estate_id: int, code: str, *, applicant, creator, officer) -> int:
    rng = ctx.rng("fund", code)
    units = list(
        Unit.objects.filter(estate_id=estate_id)
        .order_by("code")
        .values_list("pk", "code", "area", "building_id", "stairwell")
    )
    starts = {}
    for unit_id, start in (
        Ownership.objects.filter(unit__estate_id=estate_id)
        .order_by("start")
        .values_list("unit_id", "start")
    ):
        starts.setdefault(unit_id, start)
    rate = rng.randint(80, 150)  # yuan per m²
    account_ids = dict(zip((u[0] for u in units), ctx.ids(FundAccount, len(units)), strict=True))
    balance: dict[int, int] = {}
    first: dict[int, int] = {}
    # Every movement as (time, order, fen per unit id or a callable of the balances): in time order.
    events: list = []
    for unit_id, _code, area, _b, _s in units:
        fen = int(area * 100) * rate
        first[unit_id] = fen
        balance[unit_id] = 0
        events.append((aware(starts.get(unit_id, ctx.start), 10), 0, "deposit", unit_id, fen))
    history_start = max(ctx.start.year, min(starts.values(), default=ctx.start).year)
    for year in range(history_start, ctx.today.year):
        events.append((aware(date(year, 12, 31), 16), 1, "interest", None, rng.randint(110, 175)))
    for year in range(history_start + 1, ctx.today.year + 1):
        if rng.random() < WORKS_PER_YEAR:
            last = min(date(year, 12, 1), ctx.today - timedelta(days=40))
            day = days_between(rng, date(year, 1, 10), last)
            if day > date(year, 1, 10):
                events.append((aware(day, 9), 2, "works", None, rng))
    events.sort(key=lambda e: (e[0], e[1], e[3] or 0))
    by_building: dict[tuple, list] = defaultdict(list)
    for u in units:
        by_building[(u[3], "")].append(u)
        if u[4]:
            by_building[(u[3], u[4])].append(u)
    scopes = sorted(k for k, v in by_building.items() if len(v) >= 8)
    for when, _order, kind, unit_id, value in events:
        if kind == "deposit":
            balance[unit_id] += value
            out.entries.add(
                (
                    account_ids[unit_id],
                    estate_id,
                    EntryKind.DEPOSIT,
                    from_fen(value),
                    when,
                    "首次交存",
                    None,
                )
            )
        elif kind == "interest":
            held = [(c, balance[u]) for u, c, *_ in units if balance[u] > 0]
            if not held:
                continue
            total = sum(b for _, b in held) * value // 10000
            shares = apportion(total, held) if total else []
            positive = [u for u, c, *_ in units if balance[u] > 0]
            for unit, share in zip(positive, shares, strict=True):
                if share:
                    balance[unit] += share
                    out.entries.add(
                        (
                            account_ids[unit],
                            estate_id,
                            EntryKind.INTEREST,
                            from_fen(share),
                            when,
                            f"{when.year}年度利息",
                            None,
                        )
                    )
        elif scopes:
            _works(
                ctx,
                out,
                value,
                when,
                estate_id,
                by_building,
                scopes,
                balance,
                account_ids,
                applicant=applicant,
                creator=creator,
                officer=officer,
            )
    threshold = Decimal(str(settings.GONGZHI["FUND_REFILL_THRESHOLD"]))
    for unit_id, *_ in units:
        bal, dep = from_fen(balance[unit_id]), from_fen(first[unit_id])
        out.accounts.add(
            (
                account_ids[unit_id],
                unit_id,
                estate_id,
                dep,
                bal,
                refill_due(bal, dep, threshold=threshold),
            )
        )
    return len(units)


def _works(
    ctx,
    out,
    rng,
    when,
    estate_id,
    by_building,
    scopes,
    balance,
    account_ids,
    *,
    applicant,
    creator,
    officer,
):
    """One emergency project through to its debit (see the module doc)."""
    building_id, stair = rng.choice(scopes)
    scope_units = by_building[(building_id, stair)]
    held = sum(balance[u[0]] for u in scope_units)
    final = held * rng.randint(3, 25) // 100 // 100 * 100  # whole yuan
    if final <= 0:
        return
    estimate = final * rng.randint(95, 115) // 100 // 100 * 100
    shares = apportion(final, [(u[1], int(u[2] * 100)) for u in scope_units])
    if any(s > balance[u[0]] for u, s in zip(scope_units, shares, strict=True)):
        return  # would overdraw a ledger: no such project
    category = rng.choice(list(TITLES))
    req = ctx.next_id(FundRequest)
    decided = when + timedelta(days=2)
    advance_at = decided + timedelta(days=1, hours=2)
    accepted = advance_at + timedelta(days=rng.randint(7, 40))
    publicity = accepted + timedelta(days=1)
    disbursed = publicity + timedelta(days=4)
    advance = min(estimate // 2, final)
    out.requests.add(
        (
            req, estate_id, RequestKind.EMERGENCY, category, TITLES[category],
            f"{TITLES[category]}：经现场查勘，需立即维修。", Scope.STAIRWELL if stair else Scope.BUILDING,
            building_id, stair, from_fen(estimate), "江城市建安维修工程有限公司", applicant, creator,
            Status.DISBURSED, when, (when + timedelta(days=5)).date(), decided, officer, "情况属实，同意紧急使用。",
            False, _Json([]), from_fen(final), f"No.{req:08d}", accepted, publicity,
            publicity + timedelta(days=3), disbursed,
        )
    )  # fmt: skip
    for u, share in zip(scope_units, shares, strict=True):
        out.shares.add((ctx.next_id(RequestShare), req, u[0], u[2], from_fen(share)))
        if share:
            balance[u[0]] -= share
            out.entries.add(
                (
                    account_ids[u[0]],
                    estate_id,
                    EntryKind.DEBIT,
                    from_fen(-share),
                    disbursed,
                    TITLES[category],
                    req,
                )
            )
    a = ctx.next_id(Disbursement)
    out.payments.add((a, req, DisbursementKind.ADVANCE, from_fen(advance), advance_at, officer))
    if final - advance:
        s = ctx.next_id(Disbursement)
        out.payments.add(
            (s, req, DisbursementKind.SETTLEMENT, from_fen(final - advance), disbursed, officer)
        )


def _Json(value):

    return Jsonb(value)
