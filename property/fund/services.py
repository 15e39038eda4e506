"""Named domain operations of the maintenance fund (DOMAIN.md §2).

Every function takes keyword-only arguments, runs in ``transaction.atomic``, states in its
docstring the right its actor must hold (a permission of ``property/fund/rules.py``, which the
view's gate checked before calling: authorization happens once, at the gate; ``actor=None`` is
the system: the worker or a vote result), refuses a step out of order with ``FundError`` (a
message for the user), and writes one event to the audit log.

Ledger writes go through ``_post``: the unit accounts are locked with ``select_for_update``
(in primary-key order, so concurrent writers cannot deadlock), the immutable entries are
inserted and the cached balances and refill flags updated in the same transaction.

Lifecycle of an emergency request::

    submitted --approve--> approved --advance--> advance_paid --accept--> accepted
        |  \\--deemed (worker, when FUND_DEEMED_APPROVAL)--^      (approved --accept--> accepted)
        \\--reject--> rejected
    accepted --publicise--> publicised --(publicity over, objections answered)--> disbursed

An ordinary use (matter 5) or raising (matter 6) starts in ``voting`` and moves to approved or
rejected when the owners' vote is final (``vote_result_recorded``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.audit import log_event
from portal.core.errors import DomainError
from portal.core.objections import (
    ObjectionStatus,
    objection_check_window,
    objection_clean_text,
    objection_record_answer,
    objection_require_open,
)
from portal.core.signals import figures_changed
from portal.core.uploads import content_type_for, validate_upload
from portal.notifications.services import notify
from portal.organisations.models import Organisation, OrgKind
from property.registry.calendar import working_calendar
from property.registry.models import Building, Estate, Unit
from property.registry.notifications import committee_of
from voting.services import VoteError, vote_create

from . import notifications, selectors
from .apportion import apportion, from_fen, refill_due, to_fen
from .bounds import AmountError, parse_amount
from .models import (
    Attachment,
    AttachmentKind,
    Disbursement,
    DisbursementKind,
    EntryKind,
    FundAccount,
    FundRequest,
    LedgerEntry,
    Objection,
    RequestKind,
    RequestShare,
    Scope,
    Status,
)
from .rules import REVIEWER_KINDS, applicant_kind
from .selectors import yuan_text

CENT = Decimal("0.01")


class FundError(DomainError):
    """A step refused for a reason the user can act on (message is translated). ``field``
    names the form field it is about, when there is one."""

    default_code = "fund"


def setting(name: str):
    return settings.GONGZHI[name]


# ---- money inputs (DOMAIN.md §2 "Bounds") ----------------------------------------------------


def max_amount() -> Decimal:
    """The largest amount anyone may type into the fund (setting ``FUND_MAX_AMOUNT``)."""
    return from_fen(to_fen(str(setting("FUND_MAX_AMOUNT"))))


AMOUNT_ERRORS = {
    "format": gettext_lazy("Enter the amount in yuan as a number, such as 12345.67."),
    "places": gettext_lazy("An amount has at most two decimal places (fen)."),
    "not_positive": gettext_lazy("The amount must be more than zero."),
    "too_large": gettext_lazy("The amount may be at most %(max)s."),
}


def amount_error(code: str) -> str:
    """The message for a refused money input (``bounds.AmountError.code``)."""
    return str(AMOUNT_ERRORS[code]) % {"max": yuan_text(max_amount())}


def money(value, *, what: str = "", field: str | None = None) -> Decimal:
    """A money input as ``Decimal`` yuan: finite, at most two decimal places, more than zero
    and at most ``FUND_MAX_AMOUNT``; otherwise ``FundError`` with a message in the user's
    language, prefixed by ``what`` (the amount's name) when given. Floats are refused."""
    try:
        fen = parse_amount(value, maximum_fen=to_fen(max_amount()))
    except AmountError as exc:
        message = amount_error(exc.code)
        if what:
            message = _("%(what)s: %(error)s") % {"what": what, "error": message}
        raise FundError(message, code=exc.code, field=field) from None
    return from_fen(fen)


def _within(
    req: FundRequest,
    amount: Decimal,
    *,
    what: str,
    field: str | None = None,
    shortfalls: bool = False,
) -> dict:
    """Refuse ``amount`` for ``req`` if it exceeds what the ledgers of its scope hold less what
    the estate's other decided projects have committed (there is no overdraft). Returns the
    position (``selectors.review_position``, with the units short if ``shortfalls``). The
    caller holds the estate's lock."""
    pos = selectors.review_position(req, amount, shortfalls=shortfalls)
    if pos["over"]:
        raise FundError(
            _(
                "The ledgers of the units sharing the cost hold %(held)s; other approved "
                "projects have committed %(committed)s of it, leaving %(available)s. The "
                "%(what)s of %(amount)s exceeds what is available: the fund cannot pay more "
                "than it holds."
            )
            % {
                "held": yuan_text(pos["held"]),
                "committed": yuan_text(pos["committed"]),
                "available": yuan_text(pos["available"]),
                "what": what,
                "amount": yuan_text(amount),
            },
            field=field,
        )
    return pos


def _cash_covers(estate: Estate, amount: Decimal) -> None:
    """Refuse a payment of ``amount`` out of the estate's fund that would overdraw it (the sum
    of its ledgers less the advances not yet settled). The caller holds the estate's lock."""
    cash = selectors.estate_cash(estate)
    if amount > cash:
        raise FundError(
            _(
                "The fund of %(estate)s holds %(cash)s (its ledgers less the advances not yet "
                "settled); paying %(amount)s would overdraw it."
            )
            % {"estate": estate.name, "cash": yuan_text(cash), "amount": yuan_text(amount)}
        )


def _lock_estate(estate_id: int) -> None:
    """Serialise the fund's decisions on one estate (approvals, payments): each checks what the
    others have committed, so two must not check at once. Take it after the request's lock."""
    list(Estate.objects.select_for_update().filter(pk=estate_id).values_list("pk"))


def _when(now: datetime | None, *after: datetime | None) -> datetime:
    """The time of a step: ``now`` or the present, never before the steps it follows."""
    now = now or timezone.now()
    if any(a is not None and now < a for a in after):
        raise FundError(_("A step cannot be dated before the step it follows."))
    return now


def threshold() -> Decimal:
    return Decimal(str(setting("FUND_REFILL_THRESHOLD")))


# ---- the ledger ----------------------------------------------------------------------------


def _post(
    *,
    actor,
    amounts: dict[int, Decimal],
    kind: str,
    memo: str = "",
    request: FundRequest | None = None,
    booked_at: datetime | None = None,
    reverses: dict[int, LedgerEntry] | None = None,
) -> list[LedgerEntry]:
    """Post one entry per account (``{account_id: signed amount}``); caller holds a transaction.

    Locks the accounts (``select_for_update``, pk order), inserts the entries, and updates the
    cached balance and refill flag of each account. Accounts newly due for a refill get their
    owners notified after commit.
    """
    if not amounts:
        return []
    booked_at = booked_at or timezone.now()
    ids = sorted(amounts)
    accounts = list(
        FundAccount.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "estate_id", "balance", "first_deposit", "refill_due")
    )
    if len(accounts) != len(ids):
        raise FundError(_("A unit ledger is missing."))
    limit = threshold()
    by = actor if getattr(actor, "is_authenticated", False) else None
    entries, balances, newly_due = [], [], []
    for pk, estate_id, balance, first_deposit, was_due in accounts:
        amount = amounts[pk]
        entries.append(
            LedgerEntry(
                account_id=pk,
                estate_id=estate_id,
                kind=kind,
                amount=amount,
                booked_at=booked_at,
                memo=memo[:200],
                request=request,
                reverses=(reverses or {}).get(pk),
                created_by=by,
            )
        )
        balance += amount
        due = refill_due(balance, first_deposit, threshold=limit)
        if due and not was_due:
            newly_due.append(pk)
        balances.append((pk, balance, due))
    LedgerEntry.objects.bulk_create(entries, batch_size=2000)
    _save_balances(balances)
    figures_changed(FundAccount, sorted({a[1] for a in accounts}))
    if newly_due:
        from .tasks import queue_refill_notices

        transaction.on_commit(lambda: queue_refill_notices(newly_due))
    return entries


def _save_balances(balances: list[tuple[int, Decimal, bool]]) -> None:
    """Write the cached balances and refill flags back, ``(pk, balance, refill_due)`` (the rows
    are locked by the caller).

    On PostgreSQL one ``UPDATE … FROM (VALUES …)`` per 5,000 rows (Django's ``bulk_update``
    builds CASE expressions that take seconds for 10,000 rows); on SQLite 3.33 or later the
    same per 300 rows (its VALUES columns are ``column1…``); elsewhere ``bulk_update``.
    """
    table = FundAccount._meta.db_table
    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 33):
        with connection.cursor() as cur:
            for i in range(0, len(balances), 300):
                batch = balances[i : i + 300]
                values = ", ".join(["(%s, %s, %s)"] * len(batch))
                cur.execute(
                    f"UPDATE {table} SET balance = v.column2, refill_due = v.column3 "  # noqa: S608
                    f"FROM (VALUES {values}) AS v WHERE {table}.id = v.column1",
                    [x for row in batch for x in row],
                )
        return
    if connection.vendor != "postgresql":
        FundAccount.objects.bulk_update(
            [FundAccount(pk=pk, balance=b, refill_due=d) for pk, b, d in balances],
            ["balance", "refill_due"],
            batch_size=500,
        )
        return
    with connection.cursor() as cur:
        for i in range(0, len(balances), 5000):
            batch = balances[i : i + 5000]
            values = ", ".join(["(%s::bigint, %s::numeric, %s::boolean)"] * len(batch))
            cur.execute(
                f"UPDATE {table} AS a SET balance = v.balance, refill_due = v.due "  # noqa: S608
                f"FROM (VALUES {values}) AS v(id, balance, due) WHERE a.id = v.id",
                [x for row in batch for x in row],
            )


def _open(
    *, actor, estate: Estate, deposits: Sequence[tuple[Unit, object]], booked_at, memo: str
) -> list[FundAccount]:
    amounts = [(u, money(d, what=_("first deposit"))) for u, d in deposits]
    if not amounts:
        raise FundError(_("No unit to open a ledger for."))
    if any(u.estate_id != estate.pk for u, _d in amounts):
        raise FundError(_("A unit is not in this estate."))
    if FundAccount.objects.filter(unit__in=[u.pk for u, _d in amounts]).exists():
        raise FundError(_("This unit already has a fund ledger."))
    accounts = FundAccount.objects.bulk_create(
        [FundAccount(unit=u, estate=estate, first_deposit=d) for u, d in amounts], batch_size=2000
    )
    figures_changed(FundAccount, [estate.pk])
    _post(
        actor=actor,
        amounts={a.pk: a.first_deposit for a in accounts},
        kind=EntryKind.DEPOSIT,
        memo=memo or _("First deposit"),
        booked_at=booked_at,
    )
    return accounts


@transaction.atomic
def fund_open_account(
    *, actor, unit: Unit, first_deposit: Decimal, booked_at: datetime | None = None
) -> FundAccount:
    """Open a unit's ledger with its first deposit (area × local rate). One ledger per unit;
    the deposit is a money input (``money``).

    Precondition: ``actor`` holds ``fund.book_entry`` on ``unit.estate`` (checked by the view's
    gate; ``actor=None`` is the portal itself: the worker, the demo).
    """
    (account,) = _open(
        actor=actor,
        estate=unit.estate,
        deposits=[(unit, first_deposit)],
        booked_at=booked_at,
        memo="",
    )
    log_event(
        actor=actor,
        action="fund.account_opened",
        obj=account,
        details={"amount": str(account.first_deposit)},
    )
    account.refresh_from_db()
    return account


@transaction.atomic
def fund_open_accounts(
    *,
    actor,
    estate: Estate,
    deposits: Sequence[tuple[Unit, Decimal]],
    booked_at: datetime | None = None,
    memo: str = "",
) -> list[FundAccount]:
    """Open the ledgers of many units of ``estate`` with their first deposits in one posting
    (an estate handed over, its deposits collected). All or nothing.

    Preconditions: every unit is in ``estate`` and has no ledger; every deposit is a money
    input (``money``). One audit event for the estate.

    Precondition: ``actor`` holds ``fund.book_entry`` on ``estate`` (checked by the view's
    gate; ``actor=None`` is the portal itself: the worker, the demo).
    """
    accounts = _open(actor=actor, estate=estate, deposits=deposits, booked_at=booked_at, memo=memo)
    log_event(
        actor=actor,
        action="fund.accounts_opened",
        obj=estate,
        details={
            "ledgers": len(accounts),
            "amount": str(sum((a.first_deposit for a in accounts), Decimal("0.00"))),
        },
    )
    return accounts


@transaction.atomic
def fund_refill(
    *, actor, account: FundAccount, amount: Decimal, booked_at: datetime | None = None
) -> LedgerEntry:
    """Book an owner's refill payment on the unit's ledger (a money input, ``money``).

    Precondition: ``actor`` holds ``fund.book_entry`` on ``account.estate`` (checked by the view's
    gate; ``actor=None`` is the portal itself: the worker, the demo).
    """
    amount = money(amount, what=_("refill"))
    (entry,) = _post(
        actor=actor,
        amounts={account.pk: amount},
        kind=EntryKind.REFILL,
        memo=_("Refill"),
        booked_at=booked_at,
    )
    log_event(actor=actor, action="fund.refilled", obj=account, details={"amount": str(amount)})
    return entry


@transaction.atomic
def fund_allocate_interest(
    *,
    actor,
    estate: Estate,
    amount: Decimal,
    booked_at: datetime | None = None,
    memo: str = "",
) -> list[LedgerEntry]:
    """Allocate the estate's interest to its unit ledgers in proportion to their balances
    (largest remainder, exact). Ledgers with a zero or negative balance get nothing. The
    amount is a money input (``money``); ``memo`` names the period (default "Interest").

    Precondition: ``actor`` holds ``fund.book_entry`` on ``estate`` (checked by the view's
    gate; ``actor=None`` is the portal itself: the worker, the demo).
    """
    total = money(amount, what=_("interest"))
    rows = list(
        FundAccount.objects.select_for_update()
        .filter(estate=estate, balance__gt=0)
        .order_by("pk")
        .values_list("pk", "unit__code", "balance")
    )
    if not rows:
        raise FundError(_("No ledger in this estate has a positive balance."))
    shares = apportion(to_fen(total), [(code, to_fen(bal)) for _, code, bal in rows])
    entries = _post(
        actor=actor,
        amounts={pk: from_fen(s) for (pk, _, _), s in zip(rows, shares, strict=True) if s},
        kind=EntryKind.INTEREST,
        memo=memo or _("Interest"),
        booked_at=booked_at,
    )
    log_event(
        actor=actor,
        action="fund.interest_allocated",
        obj=estate,
        details={"amount": str(total), "ledgers": len(entries)},
    )
    return entries


@transaction.atomic
def fund_credit_by_area(
    *,
    actor,
    estate: Estate,
    amount: Decimal,
    memo: str,
    booked_at: datetime | None = None,
) -> list[LedgerEntry]:
    """Credit ``amount`` (shared revenue of common parts, DOMAIN.md §2a) to every unit ledger
    of ``estate`` in proportion to the unit's exclusive-part area (``apportion``, largest
    remainder: the credits sum exactly to the amount). One ``revenue`` entry per ledger with
    a share above zero. All or nothing.

    Preconditions: ``actor`` may ``fund.credit_revenue`` on the estate; the amount is a money
    input (``money``); every unit of the estate has a fund ledger (else ``FundError`` naming
    the units without one, and nothing is booked).

    Precondition: ``actor`` holds ``fund.credit_revenue`` on ``estate`` (checked by the view's
    gate; ``actor=None`` is the portal itself: the worker, the demo).
    """
    total = money(amount, what=_("transfer"))
    units = list(
        Unit.objects.filter(estate=estate).order_by("code").values_list("pk", "code", "area")
    )
    if not units:
        raise FundError(_("The estate has no unit to credit."))
    accounts = dict(FundAccount.objects.filter(estate=estate).values_list("unit_id", "pk"))
    missing = [code for pk, code, _area in units if pk not in accounts]
    if missing:
        raise FundError(
            _("These units have no fund ledger yet: %(units)s. Open their ledgers first.")
            % {"units": ", ".join(missing[:10]) + ("…" if len(missing) > 10 else "")}
        )
    shares = apportion(to_fen(total), [(code, to_fen(area)) for _pk, code, area in units])
    entries = _post(
        actor=actor,
        amounts={
            accounts[pk]: from_fen(share)
            for (pk, _code, _area), share in zip(units, shares, strict=True)
            if share
        },
        kind=EntryKind.REVENUE,
        memo=memo or _("Shared revenue transferred in"),
        booked_at=booked_at,
    )
    log_event(
        actor=actor,
        action="fund.revenue_credited",
        obj=estate,
        details={"amount": str(total), "ledgers": len(entries)},
    )
    return entries


@transaction.atomic
def fund_reverse_entry(*, actor, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """Correct a mistaken entry by posting its exact opposite (the original stays).

    Precondition: ``actor`` holds ``fund.book_entry`` on ``entry.estate`` (checked by the view's
    gate; ``actor=None`` is the portal itself: the worker, the demo).
    """
    entry = LedgerEntry.objects.select_related("account").get(pk=entry.pk)  # as booked
    if entry.kind == EntryKind.REVERSAL:
        raise FundError(_("A reversal cannot itself be reversed; post a new entry."))
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise FundError(_("This entry has already been reversed."))
    if not reason.strip():
        raise FundError(_("Give the reason for the correction."))
    (rev,) = _post(
        actor=actor,
        amounts={entry.account_id: -entry.amount},
        kind=EntryKind.REVERSAL,
        memo=reason,
        request=entry.request,
        reverses={entry.account_id: entry},
    )
    log_event(
        actor=actor,
        action="fund.entry_reversed",
        obj=entry.account,
        details={"entry": entry.pk, "amount": str(-entry.amount)},
    )
    return rev


# ---- requests ------------------------------------------------------------------------------


def _locked(request: FundRequest) -> FundRequest:
    return FundRequest.objects.select_for_update().select_related("estate").get(pk=request.pk)


def _expect(req: FundRequest, *states: str) -> None:
    if req.status not in states:
        raise FundError(
            _("This step is not possible while the request is “%(status)s”.")
            % {"status": req.get_status_display()}
        )


def review_deadline_for(submitted: date) -> date:
    """The last day of the review: N working days after the day of filing (not counted)."""
    return working_calendar().add_working_days(submitted, int(setting("FUND_REVIEW_WORKING_DAYS")))


@transaction.atomic
def fund_request_submit(
    *,
    actor,
    estate: Estate,
    title: str,
    description: str,
    scope: str,
    estimated_cost: Decimal,
    contractor: str,
    kind: str = RequestKind.EMERGENCY,
    category: str = "",
    building: Building | None = None,
    stairwell: str = "",
    units: Sequence[Unit] = (),
    files: Iterable[tuple[str, object]] = (),
    now: datetime | None = None,
) -> FundRequest:
    """File a request to use the fund for ``estate``.

    Preconditions: ``actor`` is staff of the allowed applicant (``fund.submit_request``); an
    emergency has a category from the list; the scope is inside the estate and not empty;
    the estimate is a money input (``money``) and does not exceed what the ledgers of the
    scope hold less what the estate's decided projects have committed (``_within``: the
    fund has no overdraft, for an emergency as for a use decided by the owners).
    An emergency gets its review deadline (working days); an ordinary use or raising starts
    an owners' vote (matter 5 or 6) through ``voting.services.vote_create`` when available.

    Precondition: ``actor`` holds ``fund.submit_request`` on ``estate`` (checked by the view's
    gate; ``actor=None`` is the portal itself: the worker, the demo).
    """
    now = now or timezone.now()
    if kind == RequestKind.EMERGENCY and not category:
        raise FundError(_("An emergency request needs its category."))
    if kind != RequestKind.EMERGENCY:
        category = ""
    cost = money(estimated_cost, what=_("estimated cost"), field="estimated_cost")
    units = list(units)
    _check_scope(estate, scope, building, stairwell, units)
    applicant = _applicant(estate)
    req = FundRequest.objects.create(
        estate=estate,
        kind=kind,
        category=category,
        title=title.strip(),
        description=description.strip(),
        scope=scope,
        building=building if scope in (Scope.BUILDING, Scope.STAIRWELL) else None,
        stairwell=stairwell if scope == Scope.STAIRWELL else "",
        estimated_cost=cost,
        contractor=contractor.strip(),
        applicant=applicant,
        created_by=actor,
        submitted_at=now,
        status=Status.SUBMITTED if kind == RequestKind.EMERGENCY else Status.VOTING,
    )
    if scope == Scope.UNITS:
        req.units.set(units)
    if not req.scope_units().exists():
        raise FundError(_("No unit is in this scope."))
    _lock_estate(estate.pk)
    _within(req, cost, what=_("estimated cost"), field="estimated_cost")
    for akind_, f in files:
        _attach(req, akind_, f)
    if kind == RequestKind.EMERGENCY:
        req.review_deadline = review_deadline_for(timezone.localdate(now))
        req.save(update_fields=["review_deadline"])
    else:
        _start_vote(actor=actor, request=req, now=now)
    log_event(
        actor=actor,
        action="fund.request_submitted",
        obj=req,
        details={
            "kind": kind,
            "category": category,
            "estimated_cost": str(cost),
            "deadline": req.review_deadline.isoformat() if req.review_deadline else None,
        },
    )
    if kind == RequestKind.EMERGENCY:
        notifications.tell(req, "request_filed", notifications.reviewers(req), now=now)
    return req


def _check_scope(estate: Estate, scope: str, building, stairwell: str, units: list) -> None:
    """Refuse a scope outside the estate or missing its building, stairwell or units."""
    if scope in (Scope.BUILDING, Scope.STAIRWELL):
        if building is None or building.estate_id != estate.pk:
            raise FundError(_("Choose a building of this estate."))
    if scope == Scope.STAIRWELL and not stairwell:
        raise FundError(_("Give the stairwell."))
    if scope == Scope.UNITS and (not units or any(u.estate_id != estate.pk for u in units)):
        raise FundError(_("List the units of this estate that share the cost."))


def _applicant(estate: Estate) -> Organisation:
    """The organisation that applies for the estate (``rules.applicant_kind``, DOMAIN.md §2)."""
    akind = applicant_kind(estate)
    if akind == OrgKind.PROPERTY_COMPANY:
        applicant = estate.company
    elif akind == OrgKind.OWNERS_COMMITTEE:
        applicant = estate.owners_committee()
    else:
        community = estate.jurisdiction.get_parent()
        applicant = Organisation.objects.filter(
            kind=OrgKind.RESIDENTS_COMMITTEE, jurisdiction=community
        ).first()
    if applicant is None:
        raise FundError(_("This estate has no organisation that may apply."))
    return applicant


def _attach(req: FundRequest, kind: str, uploaded) -> Attachment:
    validate_upload(uploaded)
    att = Attachment(
        request=req,
        kind=kind,
        original_name=str(getattr(uploaded, "name", "file"))[-200:],
        content_type=content_type_for(uploaded.name),
    )
    att.file.save(uploaded.name, uploaded, save=False)
    att.save()
    return att


def _start_vote(*, actor, request: FundRequest, now: datetime) -> None:
    """Create the owners' vote (matter 5 use, 6 raise) deciding an ordinary request.

    Seam to ``voting`` (layer 3, docs/contracts.md): ``vote_create`` makes a draft vote that the
    owners' committee then schedules.
    """

    matter = 5 if request.kind == RequestKind.USE else 6
    opens = now + timedelta(days=int(setting("VOTE_NOTICE_DAYS")))
    try:
        vote = vote_create(
            actor=actor,
            estate=request.estate,
            title=request.title,
            matter=matter,
            motion=request.description,
            opens_at=opens,
            closes_at=opens + timedelta(days=14),
        )
    except VoteError as exc:  # a message for the user
        raise FundError(exc.message, code=exc.code, params=exc.params) from exc
    request.vote = vote
    request.save(update_fields=["vote"])


#: ``vote_result_recorded``'s outcome for a vote whose result was set aside on an objection.
SET_ASIDE = "set_aside"


@transaction.atomic
def vote_result_recorded(*, vote_id: int, outcome: str) -> FundRequest | None:
    """The owners' vote deciding an ordinary request is final: passed → approved, else rejected.
    Called by the ``voting.signals.vote_finalised`` receiver (system actor), and with
    ``outcome=SET_ASIDE`` by the ``vote_set_aside`` receiver: the result was set aside on an
    objection, so the request is rejected as if the vote had not passed, and its decision note
    (in the portal's language, like every stored text) says why."""
    req = FundRequest.objects.select_for_update().filter(vote_id=vote_id).first()
    if req is None or req.status != Status.VOTING:
        return req
    req.status = Status.APPROVED if outcome == "passed" else Status.REJECTED
    req.decided_at = timezone.now()
    if outcome == SET_ASIDE:
        with translation.override(settings.LANGUAGE_CODE):
            req.decision_note = str(VOTE_SET_ASIDE_NOTE)
    else:
        req.decision_note = outcome
    req.save(update_fields=["status", "decided_at", "decision_note"])
    log_event(actor=None, action="fund.vote_result", obj=req, details={"outcome": outcome})
    return req


VOTE_SET_ASIDE_NOTE = gettext_lazy(
    "The result of the owners' vote was set aside on an objection: the vote decided nothing, "
    "so the request does not proceed."
)


SHORTFALL_UNSEEN = gettext_lazy(
    "At this estimate some units would go below zero: look at the list on the review page "
    "and confirm that you have seen it."
)


@transaction.atomic
def fund_request_approve(
    *,
    actor,
    request: FundRequest,
    note: str = "",
    shortfalls_seen: str = "",
    now: datetime | None = None,
) -> FundRequest:
    """The street office or bureau approves an emergency request awaiting review.

    Preconditions: submitted; the estimate does not exceed what the scope's ledgers hold
    less the estate's other decided projects (``_within``, under the estate's lock); if a
    unit's share of the estimate would take its ledger below zero, ``shortfalls_seen`` is the
    digest of that list as the review page showed it (``selectors.review_position``): the
    reviewer has seen it. The list is stored on the request (``shortfalls_seen``) and counted
    in the audit event. ``now`` (default: the present) is not before the filing.

    Precondition: ``actor`` holds ``fund.review_request`` on ``request`` (checked by the view's
    gate; ``actor=None`` is the portal itself: the worker, the demo).
    """
    req = _locked(request)
    _lock_estate(req.estate_id)
    _expect(req, Status.SUBMITTED)
    now = _when(now, req.submitted_at)
    pos = _within(req, req.estimated_cost, what=_("estimated cost"), shortfalls=True)
    if pos["shortfalls"] and shortfalls_seen != pos["digest"]:
        raise FundError(str(SHORTFALL_UNSEEN))
    req.status, req.decided_at, req.decided_by = Status.APPROVED, now, actor
    req.decision_note = note.strip()
    req.shortfalls_seen = pos["shortfalls"]
    req.save(
        update_fields=["status", "decided_at", "decided_by", "decision_note", "shortfalls_seen"]
    )
    late = timezone.localdate(now) > req.review_deadline if req.review_deadline else False
    log_event(
        actor=actor,
        action="fund.request_approved",
        obj=req,
        details={
            "late": late,
            "shortfalls_seen": len(pos["shortfalls"]),
            "short_total": str(pos["short_total"]),
        },
    )
    notifications.tell(req, "request_approved", notifications.applicant_and_committee(req), now=now)
    return req


@transaction.atomic
def fund_request_reject(
    *, actor, request: FundRequest, note: str, now: datetime | None = None
) -> FundRequest:
    """The street office or bureau rejects an emergency request, giving the reason.

    Precondition: ``actor`` holds ``fund.review_request`` on ``request`` (checked by the view's
    gate; ``actor=None`` is the portal itself: the worker, the demo).
    """
    if not note.strip():
        raise FundError(_("Give the reason for the rejection."))
    req = _locked(request)
    _expect(req, Status.SUBMITTED)
    now = _when(now, req.submitted_at)
    req.status, req.decided_at, req.decided_by = Status.REJECTED, now, actor
    req.decision_note = note.strip()
    req.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    log_event(actor=actor, action="fund.request_rejected", obj=req)
    notifications.tell(
        req,
        "request_rejected",
        notifications.applicant_and_committee(req),
        note=req.decision_note,
        now=now,
    )
    return req


@transaction.atomic
def fund_request_deem_approved(*, request: FundRequest, today: date | None = None) -> FundRequest:
    """Silence means approval (FUND_DEEMED_APPROVAL, e.g. Fujian): once the review deadline has
    passed with no decision, the worker approves the request. System actor. Never beyond what
    the fund holds, and never when a unit would go below zero (nobody would have seen it):
    then ``FundError``, and the worker escalates to the housing bureau instead."""
    if not setting("FUND_DEEMED_APPROVAL"):
        raise FundError(_("Deemed approval is not in force here."))
    today = today or timezone.localdate()
    req = _locked(request)
    _lock_estate(req.estate_id)
    _expect(req, Status.SUBMITTED)
    if req.review_deadline is None or today <= req.review_deadline:
        raise FundError(_("The review deadline has not passed yet."))
    pos = _within(req, req.estimated_cost, what=_("estimated cost"), shortfalls=True)
    if pos["shortfalls"]:
        raise FundError(_("Some units would go below zero: a person must decide."))
    req.status, req.decided_at, req.deemed_approved = Status.APPROVED, timezone.now(), True
    req.decision_note = _("Deemed approved: no decision within the review deadline.")
    req.save(update_fields=["status", "decided_at", "deemed_approved", "decision_note"])
    log_event(
        actor=None,
        action="fund.request_deemed_approved",
        obj=req,
        details={"deadline": req.review_deadline.isoformat()},
    )
    notifications.tell(
        req,
        "deemed_approved",
        [*notifications.applicant_and_committee(req), *notifications.reviewers(req)],
    )
    return req


def advance_amount(req: FundRequest) -> Decimal:
    share = Decimal(str(setting("FUND_ADVANCE_SHARE")))
    return (req.estimated_cost * share).quantize(CENT, rounding=ROUND_DOWN)


@transaction.atomic
def fund_advance_pay(*, actor, request: FundRequest, now: datetime | None = None) -> Disbursement:
    """Pay the advance (FUND_ADVANCE_SHARE of the estimated cost) on an approved emergency.

    The advance comes out of the estate's fund as a disbursement; unit ledgers are debited
    only at the end, for the whole final cost (see ``models`` module doc). Preconditions
    (under the estate's lock): the estimate is still within what the scope's ledgers hold
    less the other decided projects (``_within``), and the advance does not overdraw the
    estate's fund (``_cash_covers``). ``now`` is not before the approval.

    Precondition: ``actor`` holds ``fund.pay_advance`` on ``request`` (checked by the view's
    gate; ``actor=None`` is the portal itself: the worker, the demo).
    """
    req = _locked(request)
    _lock_estate(req.estate_id)
    _expect(req, Status.APPROVED)
    if req.kind != RequestKind.EMERGENCY:
        raise FundError(_("Only an emergency repair gets an advance."))
    now = _when(now, req.decided_at)
    _within(req, req.estimated_cost, what=_("estimated cost"))
    amount = advance_amount(req)
    _cash_covers(req.estate, amount)
    d = Disbursement.objects.create(
        request=req, kind=DisbursementKind.ADVANCE, amount=amount, paid_by=actor, paid_at=now
    )
    req.status = Status.ADVANCE_PAID
    req.save(update_fields=["status"])
    log_event(actor=actor, action="fund.advance_paid", obj=req, details={"amount": str(amount)})
    notifications.tell(
        req,
        "advance_paid",
        notifications.applicant_and_committee(req),
        amount=f"{amount:,.2f}",
        now=now,
    )
    return d


@transaction.atomic
def fund_repair_accept(
    *,
    actor,
    request: FundRequest,
    final_cost: Decimal,
    invoice_number: str,
    files: Iterable[tuple[str, object]] = (),
    now: datetime | None = None,
) -> FundRequest:
    """The applicant records the accepted repair: final cost and invoice (and reports).

    Preconditions: the final cost is a money input (``money``) within what the scope's
    ledgers hold less the estate's other decided projects (``_within``, under the estate's
    lock). ``now`` is not before the approval or the advance.

    Precondition: ``actor`` holds ``fund.accept_repair`` on ``request`` (checked by the view's
    gate; ``actor=None`` is the portal itself: the worker, the demo).
    """
    req = _locked(request)
    _lock_estate(req.estate_id)
    _expect(req, Status.APPROVED, Status.ADVANCE_PAID)
    cost = money(final_cost, what=_("final cost"), field="final_cost")
    if not invoice_number.strip():
        raise FundError(_("Give the invoice number."))
    now = _when(now, req.decided_at, *(d.paid_at for d in req.disbursements.all()))
    _within(req, cost, what=_("final cost"), field="final_cost")
    for kind, f in files:
        _attach(req, kind or AttachmentKind.ACCEPTANCE, f)
    req.final_cost, req.invoice_number = cost, invoice_number.strip()
    req.status, req.accepted_at = Status.ACCEPTED, now
    req.save(update_fields=["final_cost", "invoice_number", "status", "accepted_at"])
    log_event(
        actor=actor, action="fund.repair_accepted", obj=req, details={"final_cost": str(cost)}
    )
    notifications.tell(req, "repair_accepted", notifications.reviewers(req), now=now)
    return req


def compute_shares(req: FundRequest) -> list[tuple[Unit, int]]:
    """Every scope unit's share of the final cost in fen: by area, largest remainder; the
    developer's unsold units pay like any other (they are units held by the developer)."""
    units = list(req.scope_units().order_by("code"))
    shares = apportion(to_fen(req.final_cost), [(u.code, to_fen(u.area)) for u in units])
    return list(zip(units, shares, strict=True))


@transaction.atomic
def fund_publicise(*, actor, request: FundRequest, now: datetime | None = None) -> FundRequest:
    """Publicise the final cost and every unit's share for FUND_PUBLICITY_DAYS (objections open).

    Computes and stores the shares; opens a ledger (zero first deposit) for any scope unit that
    has none, so that every share can be debited. Precondition: the final cost is still within
    what the scope can pay (``_within``). ``now`` may lie in the past (the publicity window).

    Precondition: ``actor`` holds ``fund.publicise`` on ``request`` (checked by the view's
    gate; ``actor=None`` is the portal itself: the worker, the demo).
    """
    req = _locked(request)
    _lock_estate(req.estate_id)
    _expect(req, Status.ACCEPTED)
    now = now or timezone.now()
    _within(req, req.final_cost, what=_("final cost"))
    pairs = compute_shares(req)
    RequestShare.objects.bulk_create(
        [RequestShare(request=req, unit=u, area=u.area, amount=from_fen(s)) for u, s in pairs],
        batch_size=2000,
    )
    have = set(
        FundAccount.objects.filter(unit__in=[u.pk for u, _ in pairs]).values_list(
            "unit_id", flat=True
        )
    )
    FundAccount.objects.bulk_create(
        [FundAccount(unit=u, estate_id=u.estate_id) for u, _ in pairs if u.pk not in have],
        batch_size=2000,
    )
    figures_changed(FundAccount, [req.estate_id])
    req.status, req.publicity_starts = Status.PUBLICISED, now
    req.publicity_ends = now + timedelta(days=int(setting("FUND_PUBLICITY_DAYS")))
    req.save(update_fields=["status", "publicity_starts", "publicity_ends"])
    log_event(
        actor=actor,
        action="fund.publicised",
        obj=req,
        details={"final_cost": str(req.final_cost), "units": len(pairs)},
    )
    notifications.tell(req, "publicised", notifications.scope_owners(req), now=now)
    return req


@transaction.atomic
def fund_objection_file(*, actor, request: FundRequest, text: str) -> Objection:
    """An owner of the estate objects to a publicised cost or sharing, during publicity.

    Precondition: ``actor`` holds ``fund.file_objection`` on ``request`` (checked by the view's
    gate; ``actor=None`` is the portal itself: the worker, the demo).
    """
    req = _locked(request)
    _expect(req, Status.PUBLICISED)
    objection_check_window(
        now=timezone.now(),
        ends=req.publicity_ends,
        error=FundError,
        message=_("The publicity period is over."),
    )
    text = objection_clean_text(text, error=FundError, empty=_("Write your objection."), field=None)
    obj = Objection.objects.create(request=req, filed_by=actor, text=text)
    log_event(actor=actor, action="fund.objection_filed", obj=req, details={"objection": obj.pk})
    notifications.tell(
        req, "objection_filed", [*notifications.reviewers(req), *committee_of(req.estate)]
    )
    return obj


@transaction.atomic
def fund_objection_answer(*, actor, objection: Objection, answer: str) -> Objection:
    """The reviewing office answers an objection (disbursement waits for every answer).

    Precondition: ``actor`` holds ``fund.answer_objection`` on ``objection.request`` (checked by the view's
    gate; ``actor=None`` is the portal itself: the worker, the demo).
    """
    answer = objection_clean_text(answer, error=FundError, empty=_("Write the answer."), field=None)
    obj = Objection.objects.select_for_update().get(pk=objection.pk)
    objection_require_open(
        obj, error=FundError, message=_("This objection has already been answered.")
    )
    objection_record_answer(
        obj, actor=actor, answer=answer, status=ObjectionStatus.ANSWERED, at=timezone.now()
    )
    log_event(
        actor=actor,
        action="fund.objection_answered",
        obj=obj.request,
        details={"objection": obj.pk},
    )
    notifications.tell(obj.request, "objection_answered", [obj.filed_by])
    return obj


@transaction.atomic
def fund_disburse(*, actor, request: FundRequest, now: datetime | None = None) -> FundRequest:
    """Pay the rest to the contractor and debit every unit's share, all in ONE transaction.

    Locks the request (``select_for_update``) and checks its state, so two concurrent calls
    debit once: the second sees ``disbursed`` and is refused. The unique constraint
    ``one_debit_per_unit_and_project`` backs this in the database. Preconditions: publicised,
    the publicity period is over, and every objection has been answered; under the estate's
    lock, the final cost is still within what the scope's ledgers hold less the other decided
    projects (``_within``) and the settlement does not overdraw the estate's fund
    (``_cash_covers``). ``now`` is not before the acceptance or the advance.

    Precondition: ``actor`` holds ``fund.disburse`` on ``request`` (checked by the view's
    gate; ``actor=None`` is the portal itself: the worker, the demo).
    """
    req = _locked(request)
    _lock_estate(req.estate_id)
    _expect(req, Status.PUBLICISED)
    now = now or timezone.now()
    if now < req.publicity_ends:
        raise FundError(_("The publicity period is not over yet."))
    if req.objections.filter(answered_at__isnull=True).exists():
        raise FundError(_("Answer every objection before disbursing."))
    now = _when(now, req.accepted_at, *(d.paid_at for d in req.disbursements.all()))
    _within(req, req.final_cost, what=_("final cost"))
    _cash_covers(req.estate, req.final_cost - req.advance_paid())
    entries = _post(
        actor=actor,
        amounts={pk: -amount for pk, amount in _shares_by_account(req).items() if amount},
        kind=EntryKind.DEBIT,
        memo=req.title,
        request=req,
        booked_at=now,
    )
    debited = -sum((e.amount for e in entries), Decimal("0.00"))
    if debited != req.final_cost:
        raise FundError(_("The shares do not add up to the final cost."))
    settlement = req.final_cost - req.advance_paid()
    Disbursement.objects.create(
        request=req, kind=DisbursementKind.SETTLEMENT, amount=settlement, paid_by=actor, paid_at=now
    )
    req.status, req.disbursed_at = Status.DISBURSED, now
    req.save(update_fields=["status", "disbursed_at"])
    log_event(
        actor=actor,
        action="fund.disbursed",
        obj=req,
        details={"debited": str(debited), "units": len(entries), "settlement": str(settlement)},
    )
    notifications.tell(
        req,
        "disbursed",
        [*notifications.applicant_and_committee(req), *notifications.scope_owners(req)],
        now=now,
    )
    return req


def _shares_by_account(req: FundRequest) -> dict[int, Decimal]:
    """Each ledger of the request's scope (by its pk) with its unit's share of the final cost."""
    return dict(
        FundAccount.objects.filter(
            unit__fund_shares__request=req,
        )
        .annotate(
            share=Subquery(
                RequestShare.objects.filter(request=req, unit_id=OuterRef("unit_id")).values(
                    "amount"
                )[:1]
            )
        )
        .values_list("pk", "share")
    )


# --- the worker's marks (issue 20: domain writes only in services) -----------------------------


@transaction.atomic
def fund_review_escalate(*, request: FundRequest, now: datetime | None = None) -> bool:
    """The review deadline of an emergency request passed without a decision (and deemed
    approval is off or was refused): record the escalation, audit it and tell the housing
    bureau. Called by the worker's ``check_review_deadlines``; returns whether it escalated.

    Preconditions: ``request`` is submitted and past its review deadline. Escalated once: a
    request already escalated is left as it is (``False``).
    """

    now = now or timezone.now()
    if not FundRequest.objects.filter(pk=request.pk, escalated_at__isnull=True).update(
        escalated_at=now
    ):
        return False
    log_event(actor=None, action="fund.review_escalated", obj=request)
    notifications.tell(
        request, "review_overdue", notifications.reviewers(request, kinds=[OrgKind.BUREAU])
    )
    return True


@transaction.atomic
def fund_review_remind(*, request: FundRequest, now: datetime | None = None) -> bool:
    """One working day or less is left to review an emergency request: record the reminder,
    audit it and tell the reviewing offices. Called by the worker's ``check_review_deadlines``;
    returns whether it reminded.

    Preconditions: ``request`` is submitted and its review deadline is at most one working day
    away. Reminded once: a request already reminded is left as it is (``False``).
    """

    now = now or timezone.now()
    if not FundRequest.objects.filter(pk=request.pk, reminded_at__isnull=True).update(
        reminded_at=now
    ):
        return False
    log_event(actor=None, action="fund.review_reminded", obj=request)
    notifications.tell(
        request, "review_due", notifications.reviewers(request, kinds=REVIEWER_KINDS)
    )
    return True


@transaction.atomic
def fund_refill_notice_send(*, account: FundAccount, now: datetime | None = None) -> int:
    """Tell the current owners of ``account``'s unit that the ledger is due for a refill
    (Order 165 Art. 17), through ``portal.notifications``, and record when. Called by the
    worker's ``send_refill_notices``; returns how many people were told.

    Preconditions: ``account`` is due for a refill (``refill_due``), with ``unit`` and
    ``estate`` at hand.
    """

    owners = get_user_model().objects.filter(
        is_active=True,
        person__parties__ownerships__unit=account.unit,
        person__parties__ownerships__end__isnull=True,
    )
    made = notify(
        recipients=owners.distinct(),
        kind="fund.refill_due",
        params={"unit": account.unit.code, "estate": account.estate.name},
        url=reverse("fund:ledger", args=[account.pk]),
    )
    FundAccount.objects.filter(pk=account.pk).update(refill_notified_at=now or timezone.now())
    return len(made)


@transaction.atomic
def fund_refill_flags_recompute(*, threshold: Decimal) -> list[int]:
    """Recompute every ledger's refill flag against ``threshold`` (a fraction of the first
    deposit, e.g. after the setting changed), rows locked while read. Called by the worker's
    ``refill_sweep``; returns the ledgers newly due (their notices are the caller's to queue).

    Preconditions: ``threshold`` is the ``FUND_REFILL_THRESHOLD`` setting as a ``Decimal``.
    """
    newly = []
    for pk, bal, first, flag in FundAccount.objects.select_for_update().values_list(
        "pk", "balance", "first_deposit", "refill_due"
    ):
        due = refill_due(bal, first, threshold=threshold)
        if due != flag:
            FundAccount.objects.filter(pk=pk).update(refill_due=due)
            figures_changed(FundAccount, FundAccount.objects.filter(pk=pk).values("estate_id"))
            if due:
                newly.append(pk)
    return newly
