"""Read side of the maintenance fund: balances, summaries, disclosure and statements.

Other apps (dashboards, the estate page, the API) read the fund through these functions only
(docs/contracts.md: ``estate_fund_summary`` and ``unit_balance``).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, time
from decimal import Decimal

from django.db.models import BigIntegerField, Count, F, Q, Sum
from django.db.models.functions import Cast, Round
from django.utils import timezone

from portal.organisations.models import OrgKind
from portal.permissions import organisation_ids, scope_q
from property.registry.models import Estate, Unit
from property.registry.selectors import estates_of_user, units_of_user

from . import bounds
from .apportion import apportion, from_fen, to_fen
from .models import (
    DisbursementKind,
    EntryKind,
    FundAccount,
    FundRequest,
    LedgerEntry,
    RequestShare,
    Status,
)
from .rules import REVIEWER_KINDS

ZERO = Decimal("0.00")


def fen_sum(field: str = "amount", **extra):
    """An exact sum of a money column, in integer fen, on every database (SQLite stores
    decimals as floating point and would sum them inexactly): round each value ×100 to an
    integer, then sum integers. Convert the result with ``yuan()``."""
    return Sum(Cast(Round(F(field) * 100), output_field=BigIntegerField()), **extra)


def yuan(fen) -> Decimal:
    return from_fen(int(fen or 0))


OPEN_STATES = (
    Status.VOTING,
    Status.SUBMITTED,
    Status.APPROVED,
    Status.ADVANCE_PAID,
    Status.ACCEPTED,
    Status.PUBLICISED,
)


def unit_balance(unit: Unit) -> Decimal:
    """The unit's fund balance (0.00 if it has no ledger)."""
    return FundAccount.objects.filter(unit=unit).values_list("balance", flat=True).first() or ZERO


def estate_fund_summary(estate: Estate) -> dict:
    """``balance`` (sum of the unit ledgers), ``units`` (ledgers), ``refill_due`` (ledgers below
    the refill threshold), ``open_requests`` (requests not yet disbursed or rejected)."""
    agg = FundAccount.objects.filter(estate=estate).aggregate(
        balance=fen_sum("balance"),
        units=Count("pk"),
        refill_due=Count("pk", filter=Q(refill_due=True)),
    )
    return {
        "balance": yuan(agg["balance"]),
        "units": agg["units"],
        "refill_due": agg["refill_due"],
        "open_requests": FundRequest.objects.filter(estate=estate, status__in=OPEN_STATES).count(),
    }


def advances_outstanding(estate: Estate) -> Decimal:
    """Advances paid on requests not yet settled (the unit ledgers will carry them at the end)."""
    fen = (
        FundRequest.objects.filter(estate=estate, disbursements__kind=DisbursementKind.ADVANCE)
        .exclude(status=Status.DISBURSED)
        .aggregate(s=fen_sum("disbursements__amount"))["s"]
    )
    return yuan(fen)


def estate_cash(estate: Estate) -> Decimal:
    """The money the estate's fund holds: the sum of its unit ledgers less the advances paid
    on projects not yet settled (their debit is still to come)."""
    return estate_fund_summary(estate)["balance"] - advances_outstanding(estate)


# Decided projects whose cost will be debited but is not yet: they commit the fund.
COMMITTING = (Status.APPROVED, Status.ADVANCE_PAID, Status.ACCEPTED, Status.PUBLICISED)


def _scope_weights(req: FundRequest) -> list[tuple[str, int]]:
    """(unit code, area in hundredths of m²) of the request's scope, by code."""
    return [
        (code, to_fen(area))
        for code, area in req.scope_units().order_by("code").values_list("code", "area")
    ]


def committed_by_unit(estate: Estate, *, exclude: int | None = None) -> dict[str, int]:
    """Fen per unit code that the estate's decided projects (approved, advance paid, accepted,
    publicised; not ``exclude``) will debit: their publicised shares, or else their final or
    estimated cost shared by area as the debit will share it."""
    projects, shared = [], []
    for req in FundRequest.objects.filter(estate=estate, status__in=COMMITTING).exclude(pk=exclude):
        if req.status == Status.PUBLICISED:
            shared.append(
                [(code, to_fen(a)) for code, a in req.shares.values_list("unit__code", "amount")]
            )
        else:
            projects.append((to_fen(req.final_cost or req.estimated_cost), _scope_weights(req)))
    return bounds.committed_by_unit(projects, shared)


def review_position(
    req: FundRequest, amount: Decimal | None = None, *, shortfalls: bool = True
) -> dict:
    """What the request's scope can pay, for ``amount`` (default: its final cost if known, else
    its estimate), with every other decided project of the estate counted first.

    ``held``, ``committed``, ``available``, ``amount`` (yuan); ``over`` (the amount exceeds what
    is available); ``shortfalls``: the units whose share of the amount would take their
    ledger below zero, as records ``{unit, balance, committed, share, short}`` (yuan as
    strings), and ``digest``, a fingerprint of that list (what the reviewer confirms). With
    ``shortfalls=False`` the list is not computed (empty): the position alone."""
    if amount is None:
        amount = req.final_cost or req.estimated_cost
    weights = _scope_weights(req)
    codes = [code for code, _ in weights]
    balances = dict.fromkeys(codes, 0)
    for code, balance in FundAccount.objects.filter(unit__in=req.scope_units()).values_list(
        "unit__code", "balance"
    ):
        balances[code] = to_fen(balance)
    committed = committed_by_unit(req.estate, exclude=req.pk)
    pos = bounds.position(balances, committed)
    fen = to_fen(amount)
    short = []
    if shortfalls and any(w for _, w in weights):
        shares = apportion(fen, weights)
        short = bounds.shortfalls(list(zip(codes, shares, strict=True)), balances, committed)
    records = [
        {
            "unit": s.unit,
            "balance": str(from_fen(s.balance)),
            "committed": str(from_fen(s.committed)),
            "share": str(from_fen(s.share)),
            "short": str(from_fen(s.short)),
        }
        for s in short
    ]
    out = {
        "held": from_fen(pos.held),
        "committed": from_fen(pos.committed),
        "available": from_fen(pos.available),
        "amount": from_fen(fen),
        "over": fen > pos.available,
        "shortfalls": records,
        "short_total": from_fen(sum(s.short for s in short)),
        "digest": shortfall_digest(records),
        "rows": shortfall_rows(records),
    }
    out["text"] = {k: yuan_text(out[k]) for k in ("held", "committed", "available", "amount")}
    out["text"]["short_total"] = yuan_text(out["short_total"])
    return out


def yuan_text(amount) -> str:
    """Money as people read it: ``¥6,644,002.14`` (thousands separated, two decimals)."""
    return f"¥{Decimal(amount):,.2f}"


def shortfall_rows(records: list[dict]) -> list[dict]:
    """Shortfall records (``review_position``, ``FundRequest.shortfalls_seen``) for a table:
    the same keys, amounts with thousands separators."""
    return [
        {k: (v if k == "unit" else f"{Decimal(v):,.2f}") for k, v in r.items()} for r in records
    ]


def shortfall_digest(records: list[dict]) -> str:
    """A fingerprint of a list of shortfalls (SHA-256 of its canonical JSON): the approval
    form carries the one the reviewer saw, the service compares it with the list of the
    moment. Not a secret; it only says "this list"."""
    text = json.dumps(records, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def requests_for_estate(estate: Estate):
    return FundRequest.objects.filter(estate=estate).select_related("estate", "applicant")


def requests_for_user(user):
    """The requests a staff user works on: in governed subtrees, or in the estates their
    company manages or their committee sits in."""
    q = scope_q(user, "estate__jurisdiction__path")
    companies = organisation_ids(user, OrgKind.PROPERTY_COMPANY)
    if companies:
        q |= Q(estate__company_id__in=companies)
    committees = scope_q(user, "estate__jurisdiction__path", kinds=[OrgKind.OWNERS_COMMITTEE])
    return (
        FundRequest.objects.filter(q | committees)
        .select_related("estate", "applicant")
        .order_by("-submitted_at", "-id")
    )


def estates_for_staff(user):
    q = scope_q(user, "jurisdiction__path", kinds=[*OrgKind.values])
    companies = organisation_ids(user, OrgKind.PROPERTY_COMPANY)
    if companies:
        q |= Q(company_id__in=companies)
    return Estate.objects.filter(q).order_by("code")


def public_projects(estate: Estate | None = None):
    """Publicised and disbursed projects: public disclosure (no personal data)."""
    qs = FundRequest.objects.filter(status__in=(Status.PUBLICISED, Status.DISBURSED))
    if estate is not None:
        qs = qs.filter(estate=estate)
    return (
        qs.select_related("estate")
        .annotate(unit_count=Count("shares"))
        .order_by("-publicity_starts", "-id")
    )


def owner_accounts(user):
    """The ledgers of the user's units, with their entries (newest first)."""
    return (
        FundAccount.objects.filter(unit__in=units_of_user(user))
        .select_related("unit", "estate", "unit__building")
        .order_by("estate__code", "unit__code")
    )


def ledger_entries(account: FundAccount):
    return account.entries.select_related("request").order_by("-booked_at", "-id")


def owner_charges(user):
    """Every publicised or disbursed project sharing its cost with one of the user's units."""
    return (
        RequestShare.objects.filter(
            unit__in=units_of_user(user), request__status__in=(Status.PUBLICISED, Status.DISBURSED)
        )
        .select_related("request", "unit", "request__estate")
        .order_by("-request__publicity_starts", "unit__code")
    )


def owner_estate_projects(user):
    return public_projects().filter(estate__in=estates_of_user(user))


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(datetime(year, 1, 1).date(), time.min), tz)
    end = timezone.make_aware(datetime.combine(datetime(year + 1, 1, 1).date(), time.min), tz)
    return start, end


def annual_statement(estate: Estate, year: int) -> dict:
    """The yearly disclosure (DOMAIN.md §2): totals by kind of movement, opening and closing
    totals, each project disbursed in the year with its cost and sharing, each unit's balance
    at the end of the year (sum of its entries booked before 1 January of the next year)."""
    start, end = _year_bounds(year)
    entries = LedgerEntry.objects.filter(estate=estate)
    opening = yuan(entries.filter(booked_at__lt=start).aggregate(s=fen_sum())["s"])
    by_kind = dict(
        entries.filter(booked_at__gte=start, booked_at__lt=end)
        .values("kind")
        .annotate(s=fen_sum())
        .values_list("kind", "s")
    )
    movements = [(label, yuan(by_kind.get(kind))) for kind, label in EntryKind.choices]
    closing = opening + sum((v for _, v in movements), ZERO)
    per_unit = dict(
        entries.filter(booked_at__lt=end)
        .values("account_id")
        .annotate(s=fen_sum())
        .values_list("account_id", "s")
    )
    units = [
        (code, area, yuan(per_unit.get(pk)))
        for pk, code, area in FundAccount.objects.filter(estate=estate)
        .order_by("unit__code")
        .values_list("pk", "unit__code", "unit__area")
    ]
    projects = list(
        FundRequest.objects.filter(
            estate=estate, status=Status.DISBURSED, disbursed_at__gte=start, disbursed_at__lt=end
        )
        .annotate(unit_count=Count("shares"))
        .order_by("disbursed_at")
    )
    return {
        "estate": estate,
        "year": year,
        "opening": opening,
        "movements": movements,
        "closing": closing,
        "projects": projects,
        "units": units,
        "generated_at": timezone.now(),
    }


def estate_ledgers(estate: Estate, *, query: str = ""):
    """The estate's unit ledgers for its staff, by unit code, each with its (cached) balance; a
    unit code or its start narrows the list."""
    accounts = FundAccount.objects.filter(estate=estate).select_related("unit")
    if query:
        accounts = accounts.filter(unit__code__istartswith=query.strip())
    return accounts.order_by("unit__code")


# ---- the workbench's lists (portal.workbench) ------------------------------------------------

# Requests whose story is over: nothing awaits anyone.
FINISHED = (Status.REJECTED, Status.DISBURSED)


def requests_to_review(user):
    """Requests awaiting review that the user may decide (the street office or a bureau over
    the estate: ``rules.REVIEWER_KINDS``), oldest first, each with the review deadline the fund
    computed when it was filed (``review_deadline``)."""

    q = scope_q(user, "estate__jurisdiction__path", kinds=REVIEWER_KINDS)
    return (
        FundRequest.objects.filter(q, status=Status.SUBMITTED)
        .select_related("estate")
        .order_by("submitted_at", "id")
    )


def requests_in_progress(*, estates=None, applicants=None):
    """Requests not yet finished (neither rejected nor disbursed), of these estates or filed by
    these organisations, oldest first."""
    qs = FundRequest.objects.exclude(status__in=FINISHED)
    if estates is not None:
        qs = qs.filter(estate__in=estates)
    if applicants is not None:
        qs = qs.filter(applicant_id__in=applicants)
    return qs.select_related("estate").order_by("submitted_at", "id")
