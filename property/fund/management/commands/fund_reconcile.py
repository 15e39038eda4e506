"""Prove that the fund's totals reconcile exactly with the unit ledgers' journal entries.

Recomputes, from the immutable entries alone: every unit ledger's balance, every estate's
total and the city total, and compares them with the cached balances (``FundAccount.balance``)
and with each other; checks that each entry belongs to its ledger's estate, that the refill
flags follow the rule, and that every disbursed project debited exactly its publicised shares
and its final cost. Prints the figures; exits with status 1 on any mismatch.
"""

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import F

from property.fund.apportion import refill_due
from property.fund.models import EntryKind, FundAccount, FundRequest, LedgerEntry, Status
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
    figures = {
        "ledgers": accounts,
        "entries": LedgerEntry.objects.count(),
        "estates": len(cached_by_estate),
        "city_total": city_ledgers,
        "projects": projects,
    }
    return figures, problems


class Command(BaseCommand):
    help = "Check that unit ledgers, estate and city totals reconcile exactly (exit 1 if not)."

    def handle(self, *args, **options):
        figures, problems = reconcile()
        self.stdout.write(
            "{ledgers} ledgers, {entries} entries, {estates} estates, "
            "{projects} disbursed projects; city total {city_total}".format(**figures)
        )
        if problems:
            for p in problems[:50]:
                self.stderr.write(p)
            raise CommandError(f"{len(problems)} mismatches")
        self.stdout.write(self.style.SUCCESS("Reconciled: every total matches the unit ledgers."))
