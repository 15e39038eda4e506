"""Named domain operations of the shared revenue of common parts (DOMAIN.md §2a).

Every function takes keyword-only arguments, runs in ``transaction.atomic``, states in its
docstring the right its actor must hold (a permission of ``permissions.py``, which the view's
gate checked before calling: authorization happens once, at the gate; ``actor=None`` is the
system), refuses a step it cannot take with ``RevenueError`` (a translated message naming the
field where there is one), and writes one event to the audit log.

Ledger writes lock the estate's row (``select_for_update``) so that two entries cannot both
check the balance at once; entries are immutable, a correction is a reversal. A transfer into
the maintenance fund credits every unit's fund ledger by area through the fund's service
``fund_credit_by_area`` in the same transaction.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.audit import log_event
from portal.core.errors import DomainError
from portal.core.objections import (
    ObjectionStatus,
    objection_clean_text,
    objection_record_answer,
    objection_require_open,
)
from portal.core.uploads import content_type_for, validate_upload
from property.fund.apportion import from_fen, to_fen
from property.fund.bounds import AmountError, parse_amount
from property.fund.selectors import yuan_text
from property.fund.services import FundError, fund_credit_by_area, max_amount
from property.registry.models import Estate

from . import notifications, rules, selectors
from .models import (
    Category,
    EntryKind,
    EntryObjection,
    ManagedBy,
    MonthFiling,
    RevenueEntry,
    RevenueSettings,
    Statement,
)


class RevenueError(DomainError):
    """A step refused for a reason the user can act on (translated); ``field`` names the form
    field it is about, when there is one."""

    default_code = "revenue"


def setting(name: str):
    return settings.GONGZHI[name]


def _by(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


AMOUNT_ERRORS = {
    "format": gettext_lazy("Enter the amount in yuan as a number, such as 12345.67."),
    "places": gettext_lazy("An amount has at most two decimal places (fen)."),
    "not_positive": gettext_lazy("The amount must be more than zero."),
    "too_large": gettext_lazy("The amount may be at most %(max)s."),
}


def money(value, *, field: str = "amount") -> Decimal:
    """A money input as ``Decimal`` yuan: more than zero, at most two decimals and at most
    ``FUND_MAX_AMOUNT``; otherwise ``RevenueError`` on ``field``. Floats are refused."""
    try:
        fen = parse_amount(value, maximum_fen=to_fen(max_amount()))
    except AmountError as exc:
        raise RevenueError(
            str(AMOUNT_ERRORS[exc.code]) % {"max": yuan_text(max_amount())},
            code=exc.code,
            field=field,
        ) from None
    return from_fen(fen)


def start_month() -> date:
    return rules.parse_month(str(setting("REVENUE_START_MONTH")))


def _lock(estate: Estate) -> Estate:
    return Estate.objects.select_for_update().get(pk=estate.pk)


def _check_period(estate: Estate, period: date, today: date) -> date:
    """The month an entry may be booked to: from the start month to the current month, not
    filed yet, and not in a half-year whose statement is published."""
    if not isinstance(period, date):
        raise RevenueError(_("Choose the month the entry belongs to."), field="period")
    period = rules.month_of(period)
    if period < start_month():
        raise RevenueError(
            _("The ledger starts in %(month)s.") % {"month": start_month().strftime("%Y-%m")},
            field="period",
        )
    if period > rules.month_of(today):
        raise RevenueError(_("A month in the future cannot be entered yet."), field="period")
    if MonthFiling.objects.filter(estate=estate, period=period).exists():
        raise RevenueError(
            _("%(month)s is already filed. Enter a late item or a correction in the current month.")
            % {"month": period.strftime("%Y-%m")},
            field="period",
        )
    half = str(rules.half_year_of(period))
    if Statement.objects.filter(estate=estate, period=half).exists():
        raise RevenueError(
            _("The statement for %(half)s is published; its months are closed.") % {"half": half},
            field="period",
        )
    return period


def _voucher(file, *, required: bool) -> tuple[object, str, str]:
    if not file:
        if required:
            raise RevenueError(_("Attach the voucher (a scan or photo)."), field="voucher")
        return None, "", ""
    try:
        validate_upload(file)
    except ValidationError as exc:
        raise RevenueError(exc.messages[0], field="voucher") from None
    name = getattr(file, "name", "") or "voucher"
    return file, name[-200:], content_type_for(name)


def _book(*, actor, estate, kind, period, amount, now, voucher=None, **fields) -> RevenueEntry:
    file, name, ctype = voucher if voucher else (None, "", "")
    entry = RevenueEntry(
        estate=estate,
        kind=kind,
        period=period,
        amount=amount,
        booked_at=now,
        created_by=_by(actor),
        voucher_name=name,
        voucher_type=ctype,
        **fields,
    )
    if file is not None:
        entry.voucher.save(name, file, save=False)
    entry.save()
    return entry


def _require_balance(estate: Estate, amount: Decimal, what: str) -> None:
    held = selectors.balance(estate)
    if amount > held:
        raise RevenueError(
            _("The ledger holds %(held)s; %(what)s of %(amount)s would overdraw it.")
            % {"held": yuan_text(held), "what": what, "amount": yuan_text(amount)},
            field="amount",
        )


# ---- settings ---------------------------------------------------------------------------------


@transaction.atomic
def revenue_settings_set(
    *, actor, estate: Estate, managed_by: str, cost_share_percent, now: datetime | None = None
) -> RevenueSettings:
    """The committee sets who enters the ledger and the company's cost share (percent, 0-100
    with at most two decimals, or ``None`` for costs entered one by one).

    Precondition: ``actor`` holds ``revenue.configure`` on ``estate`` (checked by the view's
    gate; ``actor=None`` is the portal itself: the worker, the demo).
    """
    if managed_by not in ManagedBy.values:
        raise RevenueError(_("Choose who enters the ledger."), field="managed_by")
    if managed_by == ManagedBy.COMPANY and estate.company_id is None:
        raise RevenueError(_("The estate has no property company."), field="managed_by")
    if cost_share_percent in ("", None):
        percent = None
    else:
        try:
            rules.cost_share(0, str(cost_share_percent))
        except ValueError:
            raise RevenueError(
                _("Give the cost share as a percentage from 0 to 100, such as 30 or 12.5."),
                field="cost_share_percent",
            ) from None
        percent = Decimal(str(cost_share_percent)).quantize(Decimal("0.01"))
    row, _created = RevenueSettings.objects.select_for_update().get_or_create(estate=estate)
    row.managed_by = managed_by
    row.cost_share_percent = percent
    row.updated_at = now or timezone.now()
    row.updated_by = _by(actor)
    row.save()
    log_event(
        actor=actor,
        action="revenue.settings_set",
        obj=estate,
        details={"managed_by": managed_by, "cost_share_percent": str(percent)},
    )
    return row


# ---- entries ----------------------------------------------------------------------------------


@transaction.atomic
def revenue_income_add(
    *,
    actor,
    estate: Estate,
    category: str,
    period: date,
    amount,
    counterparty: str,
    voucher,
    memo: str = "",
    now: datetime | None = None,
) -> RevenueEntry:
    """Book an income of the common parts with its voucher. Where the estate's settings give
    the company a cost share in percent, its share (rounded down to the fen) is booked with it.

    Preconditions: ``actor`` enters the estate's ledger (``revenue.enter``); the category is
    one of ``Category``; the month is open (``_check_period``); the amount is a money input;
    the voucher passes the upload check. All or nothing.

    Precondition: ``actor`` holds ``revenue.enter`` on ``estate`` (checked by the view's
    gate; ``actor=None`` is the portal itself: the worker, the demo).
    """
    now = now or timezone.now()
    estate = _lock(estate)
    if category not in Category.values:
        raise RevenueError(_("Choose the kind of income."), field="category")
    period = _check_period(estate, period, timezone.localdate(now))
    value = money(amount)
    if not (counterparty or "").strip():
        raise RevenueError(_("Name the counterparty or the contract."), field="counterparty")
    file = _voucher(voucher, required=True)
    entry = _book(
        actor=actor,
        estate=estate,
        kind=EntryKind.INCOME,
        category=category,
        period=period,
        amount=value,
        now=now,
        voucher=file,
        counterparty=counterparty.strip()[:200],
        memo=(memo or "").strip()[:200],
    )
    percent = selectors.settings_of(estate).cost_share_percent
    share = rules.cost_share(to_fen(value), str(percent)) if percent is not None else 0
    if share:
        _book(
            actor=actor,
            estate=estate,
            kind=EntryKind.COST,
            period=period,
            amount=-from_fen(share),
            now=now,
            source=entry,
        )
    log_event(
        actor=actor,
        action="revenue.income_added",
        obj=estate,
        details={"entry": entry.pk, "amount": str(value), "category": category},
    )
    return entry


@transaction.atomic
def revenue_cost_add(
    *,
    actor,
    estate: Estate,
    period: date,
    amount,
    memo: str,
    voucher=None,
    now: datetime | None = None,
) -> RevenueEntry:
    """Book one of the company's costs, where the estate has no agreed percentage.

    Precondition: ``actor`` holds ``revenue.enter`` on ``estate`` (checked by the view's
    gate; ``actor=None`` is the portal itself: the worker, the demo).
    """
    now = now or timezone.now()
    estate = _lock(estate)
    if selectors.settings_of(estate).cost_share_percent is not None:
        raise RevenueError(
            _("The committee agreed a cost share in percent: it is booked with each income."),
        )
    period = _check_period(estate, period, timezone.localdate(now))
    value = money(amount)
    if not (memo or "").strip():
        raise RevenueError(_("Say what the cost is for."), field="memo")
    _require_balance(estate, value, _("a cost"))
    entry = _book(
        actor=actor,
        estate=estate,
        kind=EntryKind.COST,
        period=period,
        amount=-value,
        now=now,
        voucher=_voucher(voucher, required=False),
        memo=memo.strip()[:200],
    )
    log_event(actor=actor, action="revenue.cost_added", obj=estate, details={"amount": str(value)})
    return entry


@transaction.atomic
def revenue_expense_add(
    *,
    actor,
    estate: Estate,
    period: date,
    amount,
    vote,
    memo: str,
    voucher=None,
    now: datetime | None = None,
) -> RevenueEntry:
    """Book an expense the owners decided: ``vote`` is a vote of the estate whose result is
    final and passed (read through voting's selectors).

    Precondition: ``actor`` holds ``revenue.enter`` on ``estate`` (checked by the view's
    gate; ``actor=None`` is the portal itself: the worker, the demo).
    """
    now = now or timezone.now()
    estate = _lock(estate)
    if vote is None or not selectors.deciding_votes(estate).filter(pk=vote.pk).exists():
        raise RevenueError(
            _("Choose the owners' vote of this estate that decided the expense (passed, final)."),
            field="vote",
        )
    period = _check_period(estate, period, timezone.localdate(now))
    value = money(amount)
    if not (memo or "").strip():
        raise RevenueError(_("Say what the expense is for."), field="memo")
    _require_balance(estate, value, _("an expense"))
    entry = _book(
        actor=actor,
        estate=estate,
        kind=EntryKind.EXPENSE,
        period=period,
        amount=-value,
        now=now,
        vote=vote,
        voucher=_voucher(voucher, required=False),
        memo=memo.strip()[:200],
    )
    log_event(
        actor=actor,
        action="revenue.expense_added",
        obj=estate,
        details={"amount": str(value), "vote": vote.pk},
    )
    return entry


@transaction.atomic
def revenue_transfer_to_fund(
    *,
    actor,
    estate: Estate,
    period: date,
    amount,
    memo: str = "",
    now: datetime | None = None,
) -> RevenueEntry:
    """Transfer ``amount`` of the ledger into the maintenance fund: one ``transfer`` entry
    here, and every unit's fund ledger credited by area (``fund_credit_by_area``: shares by
    largest remainder, summing exactly), in one transaction.

    Preconditions: the ledger holds the amount; every unit of the estate has a fund ledger.

    Precondition: ``actor`` holds ``revenue.enter`` on ``estate`` (checked by the view's
    gate; ``actor=None`` is the portal itself: the worker, the demo).
    """
    now = now or timezone.now()
    estate = _lock(estate)
    period = _check_period(estate, period, timezone.localdate(now))
    value = money(amount)
    _require_balance(estate, value, _("the transfer"))
    entry = _book(
        actor=actor,
        estate=estate,
        kind=EntryKind.TRANSFER,
        period=period,
        amount=-value,
        now=now,
        memo=(memo or "").strip()[:200] or _("Into the maintenance fund"),
    )
    try:
        fund_credit_by_area(
            actor=actor,
            estate=estate,
            amount=value,
            memo=_("Shared revenue %(month)s (entry %(entry)s)")
            % {"month": period.strftime("%Y-%m"), "entry": entry.pk},
            booked_at=now,
        )
    except FundError as exc:
        raise RevenueError(str(exc), field="amount") from None
    log_event(
        actor=actor,
        action="revenue.transferred_to_fund",
        obj=estate,
        details={"entry": entry.pk, "amount": str(value)},
    )
    return entry


@transaction.atomic
def revenue_entry_reverse(
    *, actor, entry: RevenueEntry, reason: str, now: datetime | None = None
) -> RevenueEntry:
    """Correct a mistaken entry by booking its exact opposite in the current month (the
    original stays; published statements stay as published). An income's cost share is
    reversed with it. A transfer into the fund is not reversed here (the fund's ledgers are
    corrected by the housing bureau), nor is a reversal or an automatic cost share alone.

    Precondition: ``actor`` holds ``revenue.enter`` on ``entry.estate`` (checked by the view's
    gate; ``actor=None`` is the portal itself: the worker, the demo).
    """
    now = now or timezone.now()
    estate = _lock(entry.estate)
    entry = RevenueEntry.objects.get(pk=entry.pk)
    if entry.kind == EntryKind.REVERSAL:
        raise RevenueError(_("A reversal cannot itself be reversed; book a new entry."))
    if entry.kind == EntryKind.TRANSFER:
        raise RevenueError(
            _(
                "A transfer into the maintenance fund is already on every unit's ledger; ask "
                "the housing bureau to correct the fund."
            )
        )
    if entry.source_id is not None:
        raise RevenueError(_("Reverse the income: its cost share is reversed with it."))
    if RevenueEntry.objects.filter(reverses=entry).exists():
        raise RevenueError(_("This entry has already been reversed."))
    if not (reason or "").strip():
        raise RevenueError(_("Give the reason for the correction."), field="reason")
    period = rules.month_of(timezone.localdate(now))
    if MonthFiling.objects.filter(estate=estate, period=period).exists():
        raise RevenueError(_("The current month is filed already."))
    targets = [entry, *entry.cost_shares.filter(reversed_by__isnull=True)]
    reversals = [
        _book(
            actor=actor,
            estate=estate,
            kind=EntryKind.REVERSAL,
            period=period,
            amount=-t.amount,
            now=now,
            reverses=t,
            category=t.category,
            memo=reason.strip()[:200],
        )
        for t in targets
    ]
    log_event(
        actor=actor,
        action="revenue.entry_reversed",
        obj=estate,
        details={"entry": entry.pk, "amount": str(-entry.amount)},
    )
    return reversals[0]


# ---- months and statements --------------------------------------------------------------------


@transaction.atomic
def revenue_month_file(
    *, actor, estate: Estate, period: date, now: datetime | None = None
) -> MonthFiling:
    """Say the entries of ``period`` (a month that has ended) are complete. Filed after the
    due date (the 10th of the next month) it is marked late. A filed month takes no more
    entries.

    Precondition: ``actor`` holds ``revenue.enter`` on ``estate`` (checked by the view's
    gate; ``actor=None`` is the portal itself: the worker, the demo).
    """
    now = now or timezone.now()
    estate = _lock(estate)
    today = timezone.localdate(now)
    if not isinstance(period, date):
        raise RevenueError(_("Choose the month to file."), field="period")
    period = rules.month_of(period)
    if period >= rules.month_of(today):
        raise RevenueError(_("A month can be filed once it has ended."), field="period")
    if period < start_month():
        raise RevenueError(
            _("The ledger starts in %(month)s.") % {"month": start_month().strftime("%Y-%m")},
            field="period",
        )
    if MonthFiling.objects.filter(estate=estate, period=period).exists():
        raise RevenueError(_("This month is filed already."), field="period")
    late = rules.is_late(period, filed_on=today, today=today, due_day=setting("REVENUE_DUE_DAY"))
    filing = MonthFiling.objects.create(
        estate=estate, period=period, filed_at=now, filed_by=_by(actor), late=late
    )
    log_event(
        actor=actor,
        action="revenue.month_filed",
        obj=estate,
        details={"month": period.strftime("%Y-%m"), "late": late},
    )
    return filing


@transaction.atomic
def revenue_statement_publish(
    *, actor, estate: Estate, half: rules.HalfYear, now: datetime | None = None
) -> Statement:
    """Publish the statement of a half-year that has ended, every month of it filed: its
    figures are frozen, it is posted in the estate for ``REVENUE_POSTING_DAYS`` days, and the
    estate's owners, committee and company are told.

    Precondition: ``actor`` holds ``revenue.publish`` on ``estate`` (checked by the view's
    gate; ``actor=None`` is the portal itself: the worker, the demo).
    """
    now = now or timezone.now()
    estate = _lock(estate)
    today = timezone.localdate(now)
    if not half.ended(today):
        raise RevenueError(_("A half-year's statement is published once the half-year has ended."))
    if Statement.objects.filter(estate=estate, period=str(half)).exists():
        raise RevenueError(_("This statement is published already."))
    months = [m for m in half.months() if m >= start_month()]
    filed = set(
        MonthFiling.objects.filter(estate=estate, period__in=months).values_list(
            "period", flat=True
        )
    )
    missing = [m.strftime("%Y-%m") for m in months if m not in filed]
    if missing:
        raise RevenueError(
            _("File every month of the half-year first; not filed: %(months)s.")
            % {"months": ", ".join(missing)}
        )
    figures = selectors.half_year_figures(estate, half)
    statement = Statement.objects.create(
        estate=estate,
        period=str(half),
        figures=figures,
        published_at=now,
        posted_until=now + timedelta(days=int(setting("REVENUE_POSTING_DAYS"))),
        published_by=_by(actor),
    )
    until = timezone.localdate(statement.posted_until).isoformat()
    notifications.tell(
        "statement_posted",
        [
            *notifications.owners(estate),
            *notifications.committee(estate),
            *notifications.enterers(estate),
        ],
        url=reverse("revenue:statement", args=[estate.code, str(half)]),
        now=now,
        estate=estate.name,
        period=str(half),
        until=until,
        income=figures["income_total"],
        balance=figures["closing"],
    )
    log_event(
        actor=actor,
        action="revenue.statement_published",
        obj=estate,
        details={"period": str(half), "closing": figures["closing"]},
    )
    return statement


# ---- objections -------------------------------------------------------------------------------


@transaction.atomic
def revenue_objection_file(
    *, actor, entry: RevenueEntry, text: str, now: datetime | None = None
) -> EntryObjection:
    """An owner of the estate objects to an entry; the committee answers within
    ``REVENUE_OBJECTION_ANSWER_DAYS`` days. Both are told.

    Precondition: ``actor`` holds ``revenue.object`` on ``entry`` (checked by the view's
    gate; ``actor=None`` is the portal itself: the worker, the demo).
    """
    now = now or timezone.now()
    text = objection_clean_text(
        text,
        error=RevenueError,
        empty=_("Write what you object to."),
        too_long=_("Keep the objection to 2,000 characters."),
        limit=2000,
    )
    due = timezone.localdate(now) + timedelta(days=int(setting("REVENUE_OBJECTION_ANSWER_DAYS")))
    objection = EntryObjection.objects.create(
        entry=entry, filed_by=actor, text=text, filed_at=now, answer_due=due
    )
    estate = entry.estate
    params = {"estate": estate.name, "entry": _entry_label(entry), "due": due.isoformat()}
    url = reverse("revenue:estate", args=[estate.code]) + f"#entry-{entry.pk}"
    notifications.tell(
        "objection_filed", notifications.committee(estate), url=url, now=now, **params
    )
    notifications.tell("objection_received", [actor], url=url, now=now, **params)
    log_event(
        actor=actor, action="revenue.objection_filed", obj=estate, details={"entry": entry.pk}
    )
    return objection


@transaction.atomic
def revenue_objection_answer(
    *, actor, objection: EntryObjection, answer: str, now: datetime | None = None
) -> EntryObjection:
    """The committee answers an objection (once); the owner and the ledger's keepers are told.

    Precondition: ``actor`` holds ``revenue.answer_objection`` on ``objection`` (checked by the view's
    gate; ``actor=None`` is the portal itself: the worker, the demo).
    """
    now = now or timezone.now()
    objection = EntryObjection.objects.select_for_update().get(pk=objection.pk)
    objection_require_open(
        objection, error=RevenueError, message=_("This objection is answered already.")
    )
    answer = objection_clean_text(
        answer, error=RevenueError, empty=_("Write the answer."), field="answer"
    )
    objection_record_answer(
        objection,
        actor=_by(actor),
        answer=answer[:4000],
        status=ObjectionStatus.ANSWERED,
        at=now,
    )
    entry = objection.entry
    estate = entry.estate
    notifications.tell(
        "objection_answered",
        [objection.filed_by, *notifications.enterers(estate)],
        url=reverse("revenue:estate", args=[estate.code]) + f"#entry-{entry.pk}",
        now=now,
        estate=estate.name,
        entry=_entry_label(entry),
    )
    log_event(
        actor=actor,
        action="revenue.objection_answered",
        obj=estate,
        details={"objection": objection.pk},
    )
    return objection


def _entry_label(entry: RevenueEntry) -> str:
    return f"{entry.period:%Y-%m} {entry.describe()} {entry.amount:,.2f}"


# ---- reminders (the worker) -------------------------------------------------------------------


@transaction.atomic
def revenue_due_remind(*, estate: Estate, today: date, now: datetime | None = None) -> int:
    """Remind the ledger's keepers of the last month while it is not filed (the worker calls
    this on the 1st and a few days before the due date); returns how many were told."""
    period = rules.month_of(today - timedelta(days=today.day))
    if period < start_month() or MonthFiling.objects.filter(estate=estate, period=period).exists():
        return 0
    due = rules.due_date(period, due_day=setting("REVENUE_DUE_DAY"))
    people = notifications.enterers(estate)
    notifications.tell(
        "month_due",
        people,
        url=reverse("revenue:enter", args=[estate.code, "income"]),
        now=now,
        estate=estate.name,
        month=period.strftime("%Y-%m"),
        due=due.isoformat(),
    )
    return len(people)
