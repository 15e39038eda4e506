"""The maintenance fund's indicators: balances (exact sums of the unit ledgers), ledgers due for
a refill, open requests and emergency requests of the places of a scope
(``portal.core.indicators``), and the open data's fund rows."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.indicators import (
    Extras,
    Indicator,
    Scope,
    from_centi,
    grouped_by_estate,
    rolled_unit_figures,
)
from property.registry.models import Estate

from .models import FundAccount, FundRequest, RequestKind, Status
from .selectors import OPEN_STATES, fen_sum

GROUP = ("fund", _("Maintenance fund"))

INDICATORS: list[Indicator] = [
    Indicator("fund_balance", _("Maintenance fund balance (yuan)"), "money", group="fund"),
    Indicator("fund_accounts", _("Unit ledgers"), group="fund"),
    Indicator("refill_due", _("Ledgers due for a refill"), group="fund"),
    Indicator("fund_requests_open", _("Fund requests open"), group="fund"),
    Indicator("emergency_pending", _("Emergency requests awaiting a decision"), group="fund"),
]

# The fund's figures that grow with the units, per estate (materialised or live).
UNIT_FIGURES = ("fund_accounts", "balance_fen", "refill_due")

# Days from submission to decision of emergency requests (calendar days), as chart buckets.
DAY_BUCKETS = [(0, 1, "0–1"), (2, 2, "2"), (3, 3, "3"), (4, 5, "4–5"), (6, None, "6+")]


def live_unit_figures(estate_ids) -> dict[int, dict]:
    """``UNIT_FIGURES`` of the estates ``estate_ids`` (ids or a subquery), computed from their
    ledgers: 1 grouped query. Estates with no ledger have no entry."""
    rows = grouped_by_estate(
        FundAccount.objects.all(),
        estate_ids,
        fund_accounts=Count("id"),
        balance_fen=fen_sum("balance"),
        refill_due=Count("id", filter=Q(refill_due=True)),
    )
    return {
        estate_id: dict(zip(UNIT_FIGURES, (v or 0 for v in values), strict=True))
        for estate_id, *values in rows
    }


def fund_figures(scope: Scope, extras: Extras) -> dict[str, dict]:
    """Balances (exact sum of the unit ledgers), ledgers due for a refill (Art. 17 flag kept by
    the fund), open requests, and emergency requests by state and by days to decide. 2 queries.
    """
    out = rolled_unit_figures(scope, UNIT_FIGURES)
    for values in out.values():
        values["fund_balance"] = from_centi(values.pop("balance_fen", 0))
    group_of = scope.group_of
    by_state = {s.value: 0 for s in Status if s != Status.VOTING}
    buckets = [0] * len(DAY_BUCKETS)
    rows = (
        FundRequest.objects.filter(estate_id__in=scope.estate_ids())
        .order_by()
        .values_list("estate_id", "kind", "status", "submitted_at", "decided_at")
    )
    for estate_id, kind, status, submitted, decided in rows:
        group = group_of.get(estate_id)
        if group is None:
            continue
        t = out.setdefault(group, {})
        t.setdefault("fund_requests_open", 0)
        t.setdefault("emergency_pending", 0)
        t["fund_requests_open"] += status in OPEN_STATES
        if kind != RequestKind.EMERGENCY:
            continue
        t["emergency_pending"] += status == Status.SUBMITTED
        if status in by_state:
            by_state[status] += 1
        if decided and submitted:
            days = (timezone.localdate(decided) - timezone.localdate(submitted)).days
            for i, (low, high, _label) in enumerate(DAY_BUCKETS):
                if days >= low and (high is None or days <= high):
                    buckets[i] += 1
                    break
    extras.breakdowns["emergency_states"] = {
        "type": "bar",
        "integer": True,
        "title": _("Emergency requests by state"),
        "headers": [_("State"), _("Requests")],
        "rows": [[str(Status(k).label), v] for k, v in by_state.items()],
    }
    extras.breakdowns["emergency_days"] = {
        "type": "bar",
        "integer": True,
        "title": _("Emergency requests by days from submission to decision"),
        "headers": [_("Days"), _("Requests")],
        "rows": [[label, buckets[i]] for i, (_l, _h, label) in enumerate(DAY_BUCKETS)],
    }
    return out


def public_fund_rows() -> list[dict]:
    """Fund statistics per estate: ledgers, exact balance, ledgers due for a refill, open
    requests. 3 queries, figures only."""
    accounts = {
        row["estate_id"]: row
        for row in FundAccount.objects.order_by()
        .values("estate_id")
        .annotate(
            accounts=Count("id"),
            balance=fen_sum("balance"),
            refill_due=Count("id", filter=Q(refill_due=True)),
        )
    }
    requests = dict(
        FundRequest.objects.filter(status__in=OPEN_STATES)
        .order_by()
        .values("estate_id")
        .annotate(n=Count("id"))
        .values_list("estate_id", "n")
    )
    rows = []
    for e in Estate.objects.order_by("code").values("pk", "code", "name"):
        a = accounts.get(e["pk"], {})
        rows.append(
            {
                "estate": e["code"],
                "name": e["name"],
                "accounts": a.get("accounts", 0),
                "balance": from_centi(a.get("balance")),
                "refill_due": a.get("refill_due", 0),
                "open_requests": requests.get(e["pk"], 0),
            }
        )
    return rows
