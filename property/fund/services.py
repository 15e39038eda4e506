"""Named domain operations of the maintenance fund (DOMAIN.md §2).

Every function takes keyword-only arguments, runs in ``transaction.atomic``, checks the actor's
right with the permissions of ``property/fund/rules.py`` first (``PermissionDenied`` otherwise;
``actor=None`` is the system: the worker or a vote result), refuses a step out of order with
``FundError`` (a message for the user), and writes one event to the audit log.

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

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import log_event
from portal.core.uploads import content_type_for, validate_upload
from property.registry.calendar import working_calendar
from property.registry.models import Building, Estate, Unit

from .apportion import apportion, from_fen, refill_due, to_fen
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
from .rules import applicant_kind

CENT = Decimal("0.01")


class FundError(Exception):
    """A step refused for a reason the user can act on (message is translated)."""


def setting(name: str):
    return settings.GONGZHI[name]


def _require(actor, perm: str, obj) -> None:
    if actor is not None and not actor.has_perm(perm, obj):
        raise PermissionDenied(perm)


def _money(value) -> Decimal:
    """A positive-or-zero Decimal with at most 2 places (never a float)."""
    if isinstance(value, float) or not isinstance(value, Decimal | str | int):
        raise FundError(_("Amounts must be given as decimal numbers."))
    fen = to_fen(Decimal(value) if isinstance(value, int) else value)
    return from_fen(fen)


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
    accounts = list(FundAccount.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(accounts) != len(ids):
        raise FundError(_("A unit ledger is missing."))
    limit = threshold()
    entries = []
    newly_due = []
    for acc in accounts:
        amount = amounts[acc.pk]
        entries.append(
            LedgerEntry(
                account_id=acc.pk,
                estate_id=acc.estate_id,
                kind=kind,
                amount=amount,
                booked_at=booked_at,
                memo=memo[:200],
                request=request,
                reverses=(reverses or {}).get(acc.pk),
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
        )
        acc.balance = acc.balance + amount
        due = refill_due(acc.balance, acc.first_deposit, threshold=limit)
        if due and not acc.refill_due:
            newly_due.append(acc.pk)
        acc.refill_due = due
    LedgerEntry.objects.bulk_create(entries, batch_size=2000)
    _save_balances(accounts)
    if newly_due:
        from .tasks import queue_refill_notices

        transaction.on_commit(lambda: queue_refill_notices(newly_due))
    return entries


def _save_balances(accounts: list[FundAccount]) -> None:
    """Write the cached balances and refill flags back (the rows are locked by the caller).

    On PostgreSQL one ``UPDATE … FROM (VALUES …)`` per 5,000 rows (Django's ``bulk_update``
    builds CASE expressions that take seconds for 10,000 rows); elsewhere ``bulk_update``.
    """
    if connection.vendor != "postgresql":
        FundAccount.objects.bulk_update(accounts, ["balance", "refill_due"], batch_size=500)
        return
    table = FundAccount._meta.db_table
    with connection.cursor() as cur:
        for i in range(0, len(accounts), 5000):
            batch = accounts[i : i + 5000]
            values = ", ".join(["(%s::bigint, %s::numeric, %s::boolean)"] * len(batch))
            params = [x for a in batch for x in (a.pk, a.balance, a.refill_due)]
            cur.execute(
                f"UPDATE {table} AS a SET balance = v.balance, refill_due = v.due "  # noqa: S608
                f"FROM (VALUES {values}) AS v(id, balance, due) WHERE a.id = v.id",
                params,
            )


@transaction.atomic
def fund_open_account(
    *, actor, unit: Unit, first_deposit: Decimal, booked_at: datetime | None = None
) -> FundAccount:
    """Open a unit's ledger with its first deposit (area × local rate). One ledger per unit."""
    _require(actor, "fund.book_entry", unit.estate)
    amount = _money(first_deposit)
    if FundAccount.objects.filter(unit=unit).exists():
        raise FundError(_("This unit already has a fund ledger."))
    account = FundAccount.objects.create(unit=unit, estate_id=unit.estate_id, first_deposit=amount)
    _post(
        actor=actor,
        amounts={account.pk: amount},
        kind=EntryKind.DEPOSIT,
        memo=_("First deposit"),
        booked_at=booked_at,
    )
    log_event(
        actor=actor, action="fund.account_opened", obj=account, details={"amount": str(amount)}
    )
    account.refresh_from_db()
    return account


@transaction.atomic
def fund_refill(
    *, actor, account: FundAccount, amount: Decimal, booked_at: datetime | None = None
) -> LedgerEntry:
    """Book an owner's refill payment on the unit's ledger."""
    _require(actor, "fund.book_entry", account.estate)
    amount = _money(amount)
    if amount <= 0:
        raise FundError(_("A refill must be a positive amount."))
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
    *, actor, estate: Estate, amount: Decimal, booked_at: datetime | None = None
) -> list[LedgerEntry]:
    """Allocate the estate's interest to its unit ledgers in proportion to their balances
    (largest remainder, exact). Ledgers with a zero or negative balance get nothing."""
    _require(actor, "fund.book_entry", estate)
    total = _money(amount)
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
        memo=_("Interest"),
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
def fund_reverse_entry(*, actor, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """Correct a mistaken entry by posting its exact opposite (the original stays)."""
    _require(actor, "fund.book_entry", entry.estate)
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
    emergency has a category from the list; the scope is inside the estate and not empty.
    An emergency gets its review deadline (working days); an ordinary use or raising starts
    an owners' vote (matter 5 or 6) through ``voting.services.vote_create`` when available.
    """
    _require(actor, "fund.submit_request", estate)
    now = now or timezone.now()
    if kind == RequestKind.EMERGENCY and not category:
        raise FundError(_("An emergency request needs its category."))
    if kind != RequestKind.EMERGENCY:
        category = ""
    cost = _money(estimated_cost)
    if cost <= 0:
        raise FundError(_("The estimated cost must be positive."))
    if scope in (Scope.BUILDING, Scope.STAIRWELL):
        if building is None or building.estate_id != estate.pk:
            raise FundError(_("Choose a building of this estate."))
    if scope == Scope.STAIRWELL and not stairwell:
        raise FundError(_("Give the stairwell."))
    units = list(units)
    if scope == Scope.UNITS and (not units or any(u.estate_id != estate.pk for u in units)):
        raise FundError(_("List the units of this estate that share the cost."))
    from portal.organisations.models import Organisation, OrgKind

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
    return req


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

    Seam to ``voting`` (layer 3, contracts.md): ``vote_create`` makes a draft vote that the
    owners' committee then schedules. If voting is not installed yet the request waits in
    ``voting`` with no vote linked.
    """
    try:
        from voting.services import vote_create
    except ImportError:
        return
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
    except Exception as exc:  # voting's VoteError: a message for the user
        if type(exc).__name__ != "VoteError":
            raise
        raise FundError(str(exc)) from exc
    request.vote_id = vote.pk
    request.save(update_fields=["vote_id"])


@transaction.atomic
def vote_result_recorded(*, vote_id: int, outcome: str) -> FundRequest | None:
    """The owners' vote deciding an ordinary request is final: passed → approved, else rejected.
    Called by the ``voting.signals.vote_finalised`` receiver (system actor)."""
    req = FundRequest.objects.select_for_update().filter(vote_id=vote_id).first()
    if req is None or req.status != Status.VOTING:
        return req
    req.status = Status.APPROVED if outcome == "passed" else Status.REJECTED
    req.decided_at = timezone.now()
    req.decision_note = outcome
    req.save(update_fields=["status", "decided_at", "decision_note"])
    log_event(actor=None, action="fund.vote_result", obj=req, details={"outcome": outcome})
    return req


@transaction.atomic
def fund_request_approve(*, actor, request: FundRequest, note: str = "") -> FundRequest:
    """The street office or bureau approves an emergency request awaiting review."""
    _require(actor, "fund.review_request", request)
    req = _locked(request)
    _expect(req, Status.SUBMITTED)
    req.status, req.decided_at, req.decided_by = Status.APPROVED, timezone.now(), actor
    req.decision_note = note.strip()
    req.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    late = timezone.localdate() > req.review_deadline if req.review_deadline else False
    log_event(actor=actor, action="fund.request_approved", obj=req, details={"late": late})
    return req


@transaction.atomic
def fund_request_reject(*, actor, request: FundRequest, note: str) -> FundRequest:
    """The street office or bureau rejects an emergency request, giving the reason."""
    _require(actor, "fund.review_request", request)
    if not note.strip():
        raise FundError(_("Give the reason for the rejection."))
    req = _locked(request)
    _expect(req, Status.SUBMITTED)
    req.status, req.decided_at, req.decided_by = Status.REJECTED, timezone.now(), actor
    req.decision_note = note.strip()
    req.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    log_event(actor=actor, action="fund.request_rejected", obj=req)
    return req


@transaction.atomic
def fund_request_deem_approved(*, request: FundRequest, today: date | None = None) -> FundRequest:
    """Silence means approval (FUND_DEEMED_APPROVAL, e.g. Fujian): once the review deadline has
    passed with no decision, the worker approves the request. System actor."""
    if not setting("FUND_DEEMED_APPROVAL"):
        raise FundError(_("Deemed approval is not in force here."))
    today = today or timezone.localdate()
    req = _locked(request)
    _expect(req, Status.SUBMITTED)
    if req.review_deadline is None or today <= req.review_deadline:
        raise FundError(_("The review deadline has not passed yet."))
    req.status, req.decided_at, req.deemed_approved = Status.APPROVED, timezone.now(), True
    req.decision_note = _("Deemed approved: no decision within the review deadline.")
    req.save(update_fields=["status", "decided_at", "deemed_approved", "decision_note"])
    log_event(
        actor=None,
        action="fund.request_deemed_approved",
        obj=req,
        details={"deadline": req.review_deadline.isoformat()},
    )
    return req


def advance_amount(req: FundRequest) -> Decimal:
    share = Decimal(str(setting("FUND_ADVANCE_SHARE")))
    return (req.estimated_cost * share).quantize(CENT, rounding=ROUND_DOWN)


@transaction.atomic
def fund_advance_pay(*, actor, request: FundRequest) -> Disbursement:
    """Pay the advance (FUND_ADVANCE_SHARE of the estimated cost) on an approved emergency.

    The advance comes out of the estate's fund as a disbursement; unit ledgers are debited
    only at the end, for the whole final cost (see ``models`` module doc).
    """
    _require(actor, "fund.pay_advance", request)
    req = _locked(request)
    _expect(req, Status.APPROVED)
    if req.kind != RequestKind.EMERGENCY:
        raise FundError(_("Only an emergency repair gets an advance."))
    amount = advance_amount(req)
    d = Disbursement.objects.create(
        request=req, kind=DisbursementKind.ADVANCE, amount=amount, paid_by=actor
    )
    req.status = Status.ADVANCE_PAID
    req.save(update_fields=["status"])
    log_event(actor=actor, action="fund.advance_paid", obj=req, details={"amount": str(amount)})
    return d


@transaction.atomic
def fund_repair_accept(
    *,
    actor,
    request: FundRequest,
    final_cost: Decimal,
    invoice_number: str,
    files: Iterable[tuple[str, object]] = (),
) -> FundRequest:
    """The applicant records the accepted repair: final cost and invoice (and reports)."""
    _require(actor, "fund.accept_repair", request)
    req = _locked(request)
    _expect(req, Status.APPROVED, Status.ADVANCE_PAID)
    cost = _money(final_cost)
    if cost <= 0:
        raise FundError(_("The final cost must be positive."))
    if not invoice_number.strip():
        raise FundError(_("Give the invoice number."))
    for kind, f in files:
        _attach(req, kind or AttachmentKind.ACCEPTANCE, f)
    req.final_cost, req.invoice_number = cost, invoice_number.strip()
    req.status, req.accepted_at = Status.ACCEPTED, timezone.now()
    req.save(update_fields=["final_cost", "invoice_number", "status", "accepted_at"])
    log_event(
        actor=actor, action="fund.repair_accepted", obj=req, details={"final_cost": str(cost)}
    )
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
    has none, so that every share can be debited.
    """
    _require(actor, "fund.publicise", request)
    req = _locked(request)
    _expect(req, Status.ACCEPTED)
    now = now or timezone.now()
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
    req.status, req.publicity_starts = Status.PUBLICISED, now
    req.publicity_ends = now + timedelta(days=int(setting("FUND_PUBLICITY_DAYS")))
    req.save(update_fields=["status", "publicity_starts", "publicity_ends"])
    log_event(
        actor=actor,
        action="fund.publicised",
        obj=req,
        details={"final_cost": str(req.final_cost), "units": len(pairs)},
    )
    return req


@transaction.atomic
def fund_objection_file(*, actor, request: FundRequest, text: str) -> Objection:
    """An owner of the estate objects to a publicised cost or sharing, during publicity."""
    _require(actor, "fund.file_objection", request)
    req = _locked(request)
    _expect(req, Status.PUBLICISED)
    if timezone.now() > req.publicity_ends:
        raise FundError(_("The publicity period is over."))
    if not text.strip():
        raise FundError(_("Write your objection."))
    obj = Objection.objects.create(request=req, filed_by=actor, text=text.strip())
    log_event(actor=actor, action="fund.objection_filed", obj=req, details={"objection": obj.pk})
    return obj


@transaction.atomic
def fund_objection_answer(*, actor, objection: Objection, answer: str) -> Objection:
    """The reviewing office answers an objection (disbursement waits for every answer)."""
    _require(actor, "fund.answer_objection", objection.request)
    if not answer.strip():
        raise FundError(_("Write the answer."))
    obj = Objection.objects.select_for_update().get(pk=objection.pk)
    if obj.answered_at:
        raise FundError(_("This objection has already been answered."))
    obj.answer, obj.answered_at = answer.strip(), timezone.now()
    obj.save(update_fields=["answer", "answered_at"])
    log_event(
        actor=actor,
        action="fund.objection_answered",
        obj=obj.request,
        details={"objection": obj.pk},
    )
    return obj


@transaction.atomic
def fund_disburse(*, actor, request: FundRequest, now: datetime | None = None) -> FundRequest:
    """Pay the rest to the contractor and debit every unit's share, all in ONE transaction.

    Locks the request (``select_for_update``) and checks its state, so two concurrent calls
    debit once: the second sees ``disbursed`` and is refused. The unique constraint
    ``one_debit_per_unit_and_project`` backs this in the database. Preconditions: publicised,
    the publicity period is over, and every objection has been answered.
    """
    _require(actor, "fund.disburse", request)
    req = _locked(request)
    _expect(req, Status.PUBLICISED)
    now = now or timezone.now()
    if now < req.publicity_ends:
        raise FundError(_("The publicity period is not over yet."))
    if req.objections.filter(answered_at__isnull=True).exists():
        raise FundError(_("Answer every objection before disbursing."))
    shares = dict(
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
    entries = _post(
        actor=actor,
        amounts={pk: -amount for pk, amount in shares.items() if amount},
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
    return req
