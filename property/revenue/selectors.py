"""Read side of the shared revenue: ledgers, balances, half-year figures, late estates.

Sums are exact: taken in integer fen (``property.fund.selectors.fen_sum``) and combined by the
pure rules of ``rules.py``. Pages, PDFs, the command, the dashboards and the API render what
these return; none of them re-derives a figure.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from property.fund.apportion import from_fen, to_fen
from property.fund.selectors import fen_sum
from property.registry.models import Estate
from voting import selectors as voting_selectors

from . import rules
from .models import (
    Category,
    EntryKind,
    EntryObjection,
    MonthFiling,
    RevenueEntry,
    RevenueSettings,
    Statement,
)


def _setting(name: str):
    return settings.GONGZHI[name]


def start_month() -> date:
    return rules.parse_month(str(_setting("REVENUE_START_MONTH")))


def settings_of(estate: Estate) -> RevenueSettings:
    """The estate's settings (an unsaved default where the committee set none)."""
    row = RevenueSettings.objects.filter(estate=estate).first()
    return row or RevenueSettings(estate=estate)


def balance(estate: Estate) -> object:
    """The ledger's balance (Decimal yuan): the exact sum of its entries."""
    fen = RevenueEntry.objects.filter(estate=estate).aggregate(s=fen_sum())["s"] or 0
    return from_fen(int(fen))


def entries(estate: Estate):
    return (
        RevenueEntry.objects.filter(estate=estate)
        .select_related("vote", "reverses", "created_by")
        .prefetch_related("objections")
        .order_by("period", "booked_at", "id")
    )


def ledger_rows(estate: Estate) -> list[RevenueEntry]:
    """The entries oldest first, each with ``running`` (the balance after it) and
    ``reversed`` (whether a later entry reverses it)."""
    reversed_ids = set(
        RevenueEntry.objects.filter(estate=estate, reverses__isnull=False).values_list(
            "reverses_id", flat=True
        )
    )
    running = 0
    rows = list(entries(estate).order_by("booked_at", "id"))
    for e in rows:
        running += to_fen(e.amount)
        e.running = from_fen(running)
        e.is_reversed = e.pk in reversed_ids
    return rows


def _rows(qs) -> list[tuple[str, str, int]]:
    """``(kind, category, fen)`` per entry, a reversal counted as the kind it reverses."""
    out = []
    for kind, category, amount, rev_kind in qs.values_list(
        "kind", "category", "amount", "reverses__kind"
    ):
        out.append((rev_kind if kind == EntryKind.REVERSAL else kind, category, to_fen(amount)))
    return out


def _yuan(fen: int) -> str:
    return str(from_fen(int(fen)))


def figures_of(qs) -> dict:
    """Totals of the entries of ``qs`` (yuan as strings, exact): income by category in
    ``Category`` order, its total, the cost share, expenses, transfers and net movement."""
    t = rules.totals(_rows(qs))
    return {
        "income": [
            {"category": c.value, "amount": _yuan(t["income"].get(c.value, 0))} for c in Category
        ],
        "income_total": _yuan(t["income_total"]),
        "cost": _yuan(t["cost"]),
        "expense": _yuan(t["expense"]),
        "transfer": _yuan(t["transfer"]),
        "net": _yuan(t["net"]),
    }


def half_year_figures(estate: Estate, half: rules.HalfYear) -> dict:
    """The figures of a half-year's statement: opening balance, the half's totals, closing
    balance, and each month's net (all yuan strings, exact)."""
    all_entries = RevenueEntry.objects.filter(estate=estate)
    before = all_entries.filter(period__lt=half.first_month)
    within = all_entries.filter(period__gte=half.first_month, period__lte=half.last_month)
    opening = sum(f for _k, _c, f in _rows(before))
    figures = figures_of(within)
    closing = opening + to_fen(figures["net"])
    months = []
    for m in half.months():
        months.append(
            {
                "month": m.strftime("%Y-%m"),
                "net": _yuan(sum(f for _k, _c, f in _rows(within.filter(period=m)))),
            }
        )
    return {
        "estate": estate.code,
        "estate_name": estate.name,
        "period": str(half),
        "opening": _yuan(opening),
        "closing": _yuan(closing),
        "months": months,
        **figures,
    }


def statement_lines(half: rules.HalfYear, estate: Estate) -> list[dict]:
    """The entries of a half-year, for the statement's list (oldest first)."""
    return list(entries(estate).filter(period__gte=half.first_month, period__lte=half.last_month))


def statements(estate: Estate):
    return Statement.objects.filter(estate=estate).order_by("-period")


def statement(estate: Estate, period: str) -> Statement | None:
    return Statement.objects.filter(estate=estate, period=period).first()


def posted_statements(estate: Estate, now=None):
    now = now or timezone.now()
    return statements(estate).filter(published_at__lte=now, posted_until__gte=now)


def publishable_halves(estate: Estate, today: date) -> list[rules.HalfYear]:
    """Half-years that have ended since the start, not yet published (newest first)."""
    done = set(statements(estate).values_list("period", flat=True))
    out, h = [], rules.half_year_of(today).previous()
    while h.last_month >= start_month():
        if str(h) not in done:
            out.append(h)
        h = h.previous()
    return out


def filings(estate: Estate):
    return MonthFiling.objects.filter(estate=estate).order_by("-period")


def overdue_months(estate: Estate, today: date | None = None) -> list[date]:
    today = today or timezone.localdate()
    return rules.overdue_months(
        start=start_month(),
        filed=filings(estate).values_list("period", flat=True),
        today=today,
        due_day=_setting("REVENUE_DUE_DAY"),
    )


def open_months(estate: Estate, today: date | None = None) -> list[date]:
    """The months entries can be booked to now (not filed, not in a published half-year),
    newest first."""
    today = today or timezone.localdate()
    filed = set(filings(estate).values_list("period", flat=True))
    published = set(statements(estate).values_list("period", flat=True))
    return [
        m
        for m in reversed(rules.months_between(start_month(), today))
        if m not in filed and str(rules.half_year_of(m)) not in published
    ]


def fileable_months(estate: Estate, today: date | None = None) -> list[date]:
    """Months that have ended and are not filed yet (oldest first)."""
    today = today or timezone.localdate()
    return sorted(m for m in open_months(estate, today) if m < rules.month_of(today))


def overdue_by_estate(estate_ids, today: date | None = None) -> dict[int, list[date]]:
    """``{estate id: months past their due date not filed}`` for the estate ids given, only
    those with some: one query."""
    today = today or timezone.localdate()
    ids = list(estate_ids)
    filed: dict[int, list[date]] = {}
    rows = MonthFiling.objects.filter(estate_id__in=ids).values_list("estate_id", "period")
    for estate_id, period in rows:
        filed.setdefault(estate_id, []).append(period)
    out = {}
    for pk in ids:
        months = rules.overdue_months(
            start=start_month(),
            filed=filed.get(pk, []),
            today=today,
            due_day=_setting("REVENUE_DUE_DAY"),
        )
        if months:
            out[pk] = months
    return out


def late_estates(estates, today: date | None = None) -> list[tuple[Estate, list[date]]]:
    """The estates among ``estates`` with months past their due date not filed, each with
    those months (oldest first); estates with the most months first."""
    estates = list(estates)
    late = overdue_by_estate([e.pk for e in estates], today)
    out = [(e, late[e.pk]) for e in estates if e.pk in late]
    out.sort(key=lambda pair: (-len(pair[1]), pair[0].code))
    return out


def deciding_votes(estate: Estate):
    """Votes of the estate that can decide an expense: final and passed."""
    return voting_selectors.votes_for_estate(estate).filter(status="final", outcome="passed")


def open_objections(estates):
    return (
        EntryObjection.objects.filter(entry__estate__in=estates, answered_at__isnull=True)
        .select_related("entry__estate", "filed_by")
        .order_by("filed_at", "id")
    )


def objections_of(user):
    if not user.is_authenticated:
        return EntryObjection.objects.none()
    return EntryObjection.objects.filter(filed_by=user).select_related("entry__estate")


def public_summary(estate: Estate) -> dict:
    """What anyone sees on the estate's public page: each published statement's totals by
    category (no counterparty, no voucher), newest first."""
    rows = []
    for s in statements(estate):
        f = s.figures
        rows.append(
            {
                "period": s.period,
                "income": [
                    (Category(i["category"]).label, i["amount"]) for i in f.get("income", [])
                ],
                "income_total": f.get("income_total"),
                "cost": f.get("cost"),
                "expense": f.get("expense"),
                "transfer": f.get("transfer"),
                "closing": f.get("closing"),
                "posted": s.is_posted(),
                "posted_until": s.posted_until,
            }
        )
    return {"statements": rows}


def public_rows() -> list[dict]:
    """Open data: every estate's published half-year totals by category."""
    out = []
    for s in Statement.objects.select_related("estate").order_by("estate__code", "period"):
        f = s.figures
        out.append(
            {
                "estate": s.estate.code,
                "name": s.estate.name,
                "period": s.period,
                **{i["category"]: i["amount"] for i in f.get("income", [])},
                "income_total": f.get("income_total"),
                "cost": f.get("cost"),
                "expense": f.get("expense"),
                "transfer": f.get("transfer"),
                "closing": f.get("closing"),
                "published_at": s.published_at,
            }
        )
    return out


def estate_annotations(today: date | None = None) -> dict:
    """Subqueries over ``Estate`` (``OuterRef("pk")``) giving each estate's shared revenue in
    one query with the caller's: income, transfers and balance in fen (exact), and how many
    of the months now past their due date are filed (``_rev_filed``) against how many are due
    (``_rev_due``). Read back with ``annotated_figures``."""

    today = today or timezone.localdate()
    due = [
        m
        for m in rules.months_between(start_month(), today)
        if rules.is_late(m, filed_on=None, today=today, due_day=_setting("REVENUE_DUE_DAY"))
    ]
    mine = RevenueEntry.objects.filter(estate_id=OuterRef("pk")).order_by().values("estate_id")

    def fen(q: Q | None = None):
        qs = mine.filter(q) if q is not None else mine
        return Coalesce(
            Subquery(qs.annotate(s=fen_sum()).values("s")[:1]),
            Value(0),
            output_field=IntegerField(),
        )

    filed = (
        MonthFiling.objects.filter(estate_id=OuterRef("pk"), period__in=due)
        .order_by()
        .values("estate_id")
        .annotate(n=Count("id"))
        .values("n")[:1]
    )
    return {
        "_rev_income": fen(
            Q(kind=EntryKind.INCOME) | Q(kind=EntryKind.REVERSAL, reverses__kind=EntryKind.INCOME)
        ),
        "_rev_transfer": fen(Q(kind=EntryKind.TRANSFER)),
        "_rev_balance": fen(),
        "_rev_filed": Coalesce(Subquery(filed), Value(0), output_field=IntegerField()),
        "_rev_due": Value(len(due), output_field=IntegerField()),
    }


def annotated_figures(row: dict) -> dict:
    """An estate's figures (yuan, and 1 if late) from the values of ``estate_annotations``."""
    return {
        "revenue_income": from_fen(int(row.get("_rev_income") or 0)),
        "revenue_transfer": -from_fen(int(row.get("_rev_transfer") or 0)),
        "revenue_balance": from_fen(int(row.get("_rev_balance") or 0)),
        "revenue_late": int((row.get("_rev_filed") or 0) < (row.get("_rev_due") or 0)),
    }


def totals_q() -> dict:
    """Aggregates for the dashboards (exact fen): income, transfers, and the balance."""
    return {
        "revenue_income_fen": fen_sum(
            filter=Q(kind=EntryKind.INCOME)
            | Q(kind=EntryKind.REVERSAL, reverses__kind=EntryKind.INCOME)
        ),
        "revenue_transfer_fen": fen_sum(filter=Q(kind=EntryKind.TRANSFER)),
        "revenue_balance_fen": fen_sum(),
    }
