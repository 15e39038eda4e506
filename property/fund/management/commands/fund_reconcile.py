"""Prove that the fund's totals reconcile exactly with the unit ledgers' journal entries.

Recomputes, from the immutable entries alone: every unit ledger's balance, every estate's
total and the city total, and compares them with the cached balances (``FundAccount.balance``)
and with each other; checks that each entry belongs to its ledger's estate, that the refill
flags follow the rule, and that every disbursed project debited exactly its publicised shares
and its final cost.

Then the cash (DOMAIN.md §2 "Bounds"): the money paid out of each estate's fund (advances and
settlements, ``Disbursement``) against the money booked into it (deposits, refills, interest
and their corrections):

* replayed in time order, no payment ever overdrew the estate's fund;
* every disbursed project paid out exactly its final cost (advance + settlement), its advance
  before its settlement; no project not yet disbursed has paid more than an advance, and no
  advance exceeds its estimate;
* what each estate has paid out equals what its ledgers were charged for disbursed projects
  plus the advances not yet settled.

Prints the figures; exits with status 1 on any mismatch.
"""

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import F

from property.fund.apportion import refill_due, to_fen
from property.fund.bounds import cash_overdrafts
from property.fund.models import (
    Disbursement,
    DisbursementKind,
    EntryKind,
    FundAccount,
    FundRequest,
    LedgerEntry,
    Status,
)
from property.fund.selectors import fen_sum, yuan

ZERO = Decimal("0.00")


def reconcile() -> tuple[dict, list[str]]:
    """(figures, problems): problems is empty when everything reconciles."""
    problems: list[str] = []
    sums = dict(
        LedgerEntry.objects.order_by()
        .values("account_id")
        .annotate(s=fen_sum())
        .values_list("account_id", "s")
    )
    limit = Decimal(str(settings.GONGZHI["FUND_REFILL_THRESHOLD"]))
    cached_by_estate: dict[int, Decimal] = defaultdict(lambda: ZERO)
    accounts = 0
    for pk, estate_id, balance, first, flag in FundAccount.objects.values_list(
        "pk", "estate_id", "balance", "first_deposit", "refill_due"
    ).iterator(chunk_size=20000):
        accounts += 1
        computed = yuan(sums.pop(pk, 0))
        if computed != balance:
            problems.append(f"ledger {pk}: cached balance {balance} != sum of entries {computed}")
        if refill_due(balance, first, threshold=limit) != flag:
            problems.append(f"ledger {pk}: refill flag {flag} is wrong for balance {balance}")
        cached_by_estate[estate_id] += balance
    for pk in sums:
        problems.append(f"entries point at unknown ledger {pk}")
    stray = LedgerEntry.objects.exclude(estate_id=F("account__estate_id")).count()
    if stray:
        problems.append(f"{stray} entries are booked to another estate than their ledger's")
    entry_by_estate = dict(
        LedgerEntry.objects.order_by()
        .values("estate_id")
        .annotate(s=fen_sum())
        .values_list("estate_id", "s")
    )
    for estate_id in sorted(set(entry_by_estate) | set(cached_by_estate)):
        a, b = yuan(entry_by_estate.get(estate_id)), cached_by_estate.get(estate_id, ZERO)
        if a != b:
            problems.append(f"estate {estate_id}: entries {a} != ledgers {b}")
    city_entries = yuan(sum(entry_by_estate.values(), 0))
    city_ledgers = sum(cached_by_estate.values(), ZERO)
    if city_entries != city_ledgers:
        problems.append(f"city: entries {city_entries} != ledgers {city_ledgers}")
    debits = dict(
        LedgerEntry.objects.filter(kind=EntryKind.DEBIT)
        .order_by()
        .values("request_id")
        .annotate(s=fen_sum())
        .values_list("request_id", "s")
    )
    projects = 0
    for req in FundRequest.objects.filter(status=Status.DISBURSED).annotate(
        shared_fen=fen_sum("shares__amount")
    ):
        projects += 1
        debited = -yuan(debits.get(req.pk))
        shared = yuan(req.shared_fen)
        if not (req.final_cost == shared == debited):
            problems.append(
                f"project {req.pk}: final cost {req.final_cost}, shares {shared}, debited {debited}"
            )
    payments = check_cash(problems, debits)
    figures = {
        "ledgers": accounts,
        "entries": LedgerEntry.objects.count(),
        "estates": len(cached_by_estate),
        "city_total": city_ledgers,
        "projects": projects,
        "payments": payments,
    }
    return figures, problems


def _by_time(entries):
    """Fen per booking time, in time order."""
    return entries.order_by("booked_at").values("booked_at").annotate(s=fen_sum())


def check_cash(problems: list[str], debits: dict) -> int:
    """The cash checks of the module doc; appends to ``problems``, returns the payments seen.

    ``debits``: fen debited per project (kind ``debit``). Corrections of debits count as
    charges too (a reversed debit leaves cash paid that no ledger carries)."""
    by_request: dict[int, list] = defaultdict(list)
    by_estate: dict[int, list] = defaultdict(list)
    payments = 0
    for d in (
        Disbursement.objects.select_related("request")
        .order_by("paid_at", "pk")
        .iterator(chunk_size=5000)
    ):
        payments += 1
        by_request[d.request_id].append(d)
        by_estate[d.request.estate_id].append((d.paid_at, to_fen(d.amount), d))
    reversed_debits = dict(
        LedgerEntry.objects.filter(kind=EntryKind.REVERSAL, reverses__kind=EntryKind.DEBIT)
        .order_by()
        .values("request_id")
        .annotate(s=fen_sum())
        .values_list("request_id", "s")
    )
    charged_by_estate: dict[int, int] = defaultdict(int)
    outstanding_by_estate: dict[int, int] = defaultdict(int)
    for request_id, paid in by_request.items():
        req = paid[0].request
        kinds = defaultdict(list)
        for d in paid:
            kinds[d.kind].append(d)
        advance = sum(to_fen(d.amount) for d in kinds[DisbursementKind.ADVANCE])
        settlement = sum(to_fen(d.amount) for d in kinds[DisbursementKind.SETTLEMENT])
        if advance > to_fen(req.estimated_cost):
            problems.append(
                f"project {request_id}: advance {yuan(advance)} exceeds its estimate "
                f"{req.estimated_cost}"
            )
        if req.status == Status.DISBURSED:
            charged = -(debits.get(request_id) or 0) - (reversed_debits.get(request_id) or 0)
            charged_by_estate[req.estate_id] += charged
            if advance + settlement != to_fen(req.final_cost or 0):
                problems.append(
                    f"project {request_id}: paid {yuan(advance + settlement)} (advance "
                    f"{yuan(advance)} + settlement {yuan(settlement)}), final cost {req.final_cost}"
                )
            last_advance = max((d.paid_at for d in kinds[DisbursementKind.ADVANCE]), default=None)
            first_settlement = min(
                (d.paid_at for d in kinds[DisbursementKind.SETTLEMENT]), default=None
            )
            if last_advance and first_settlement and last_advance > first_settlement:
                problems.append(
                    f"project {request_id}: advance paid {last_advance:%Y-%m-%d %H:%M} after its "
                    f"settlement {first_settlement:%Y-%m-%d %H:%M}"
                )
        else:
            outstanding_by_estate[req.estate_id] += advance
            if settlement:
                problems.append(
                    f"project {request_id}: settlement {yuan(settlement)} paid while “{req.status}”"
                )
    for estate_id, paid in sorted(by_estate.items()):
        # Money in: every entry but the debits, less the corrections of debits (few; kept out
        # of the big grouped scan).
        entries = LedgerEntry.objects.filter(estate_id=estate_id)
        money_in = list(
            _by_time(entries.exclude(kind=EntryKind.DEBIT)).values_list("booked_at", "s")
        )
        money_in += [
            (when, -fen)
            for when, fen in _by_time(
                entries.filter(kind=EntryKind.REVERSAL, reverses__kind=EntryKind.DEBIT)
            ).values_list("booked_at", "s")
        ]
        for when, fen, held, d in cash_overdrafts(money_in, [(w, f, d) for w, f, d in paid]):
            problems.append(
                f"estate {estate_id}: {when:%Y-%m-%d %H:%M} paid out {yuan(fen)} "
                f"({d.kind} of project {d.request_id}) while the fund held "
                f"{yuan(held)}"
            )
        out = sum(f for _, f, _ in paid)
        charged = charged_by_estate.get(estate_id, 0)
        outstanding = outstanding_by_estate.get(estate_id, 0)
        if out != charged + outstanding:
            problems.append(
                f"estate {estate_id}: paid out {yuan(out)}, but ledgers were charged "
                f"{yuan(charged)} and advances to settle are {yuan(outstanding)}"
            )
    return payments


class Command(BaseCommand):
    help = (
        "Check that unit ledgers, estate and city totals reconcile exactly, and the cash paid "
        "out against the fund (exit 1 if not)."
    )

    def handle(self, *args, **options):
        figures, problems = reconcile()
        self.stdout.write(
            "{ledgers} ledgers, {entries} entries, {estates} estates, "
            "{projects} disbursed projects, {payments} payments; city total {city_total}".format(
                **figures
            )
        )
        if problems:
            for p in problems[:50]:
                self.stderr.write(p)
            raise CommandError(f"{len(problems)} mismatches")
        self.stdout.write(
            self.style.SUCCESS(
                "Reconciled: every total matches the unit ledgers, and the cash paid out "
                "matches the fund."
            )
        )
