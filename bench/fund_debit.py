"""Bench: debit a 10,000-unit project in one transaction (target < 10 s) and reconcile
1,000,000 journal entries (target < 10 s), on PostgreSQL.

Run from the repository root: ``.venv/bin/python bench/fund_debit.py``. Uses the server of
``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/postgres``) to create a
throwaway database, migrates it, runs, and drops it. Prints figures and ratios; asserts nothing.
"""

import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UNITS = 10_000
ENTRIES = 1_000_000
TARGET_DEBIT_S = 10.0
TARGET_RECONCILE_S = 10.0


def main() -> None:
    import psycopg

    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not server.startswith("postgres"):
        print("DATABASE_URL is not PostgreSQL; skipping (this bench needs PostgreSQL)")
        return
    name = f"gongzhi_bench_fund_{os.getpid()}"
    parts = urlparse(server)
    admin_url = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunparse(parts._replace(path=f"/{name}"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    try:
        run()
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(f"dropped database {name}")


def run() -> None:
    import django

    django.setup()
    from datetime import timedelta
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - t0:.1f} s")

    from portal.organisations.models import Membership, OrgKind, Role
    from property.fund import services
    from property.fund.management.commands.fund_reconcile import reconcile
    from property.fund.models import EntryKind, FundAccount, LedgerEntry, Scope
    from property.registry.models import Building, Unit
    from tests.factories import make_world, staff

    world = make_world()
    estate = world.estates[0]
    building = Building.objects.create(estate=estate, code="1")
    Unit.objects.bulk_create(
        [
            Unit(
                estate=estate,
                building=building,
                code=f"1-{i // 100 + 1}-{i % 100 + 1:04d}",
                area=Decimal(8000 + (i * 37) % 7000) / 100,
            )
            for i in range(UNITS)
        ],
        batch_size=5000,
    )
    accounts = [
        FundAccount(unit=u, estate=estate, first_deposit=u.area * 100, balance=u.area * 100)
        for u in Unit.objects.filter(estate=estate)
    ]
    FundAccount.objects.bulk_create(accounts, batch_size=5000)
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(account=a, estate=estate, kind=EntryKind.DEPOSIT, amount=a.balance)
            for a in accounts
        ],
        batch_size=5000,
    )
    from tests.factories import make_user

    company = make_user()
    Membership.objects.create(user=company, organisation=world.companies[0], role=Role.OFFICER)
    street = staff(OrgKind.STREET_OFFICE, world.streets[0])

    req = services.fund_request_submit(
        actor=company,
        estate=estate,
        title="bench",
        description="bench",
        category="facade",
        scope=Scope.ESTATE,
        estimated_cost=Decimal("2000000.00"),
        contractor="bench",
    )
    services.fund_request_approve(actor=street, request=req)
    services.fund_repair_accept(
        actor=company, request=req, final_cost=Decimal("1987654.32"), invoice_number="1"
    )
    t0 = time.perf_counter()
    services.fund_publicise(actor=company, request=req, now=timezone.now() - timedelta(days=5))
    publicise_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    services.fund_disburse(actor=street, request=req)
    debit_s = time.perf_counter() - t0
    debited = LedgerEntry.objects.filter(request=req, kind=EntryKind.DEBIT).count()
    print(f"publicise (apportion + {UNITS:,} shares): {publicise_s:.2f} s")
    print(
        f"disburse: debited {debited:,} ledgers in one transaction in {debit_s:.2f} s "
        f"(target {TARGET_DEBIT_S:.0f} s, ratio {debit_s / TARGET_DEBIT_S:.3f})"
    )

    # Fill the journal to 1,000,000 entries (interest of 0.01..0.99 yuan), keeping the cached
    # balances consistent, with set-based SQL (the bench measures reconcile, not loading).
    have = LedgerEntry.objects.count()
    extra = ENTRIES - have
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT min(id), max(id) FROM fund_fundaccount")
        lo, hi = cur.fetchone()
        cur.execute(
            """
            INSERT INTO fund_ledgerentry (account_id, estate_id, kind, amount, booked_at, memo)
            SELECT %s + (g %% (%s - %s + 1)), %s, 'interest', ((g %% 99) + 1) / 100.0, now(), ''
            FROM generate_series(1, %s) AS g
            """,
            [lo, hi, lo, estate.pk, extra],
        )
        cur.execute(
            """
            UPDATE fund_fundaccount a SET balance = s.total
            FROM (SELECT account_id, sum(amount) AS total FROM fund_ledgerentry GROUP BY account_id) s
            WHERE s.account_id = a.id
            """
        )
        cur.execute("ANALYZE fund_ledgerentry")
    print(f"loaded {extra:,} more entries in {time.perf_counter() - t0:.1f} s")
    total = LedgerEntry.objects.count()

    t0 = time.perf_counter()
    figures, problems = reconcile()
    reconcile_s = time.perf_counter() - t0
    print(
        f"fund_reconcile over {total:,} entries, {figures['ledgers']:,} ledgers: {reconcile_s:.2f} s "
        f"(target {TARGET_RECONCILE_S:.0f} s, ratio {reconcile_s / TARGET_RECONCILE_S:.3f}); "
        f"{len(problems)} mismatches (refill flags after the SQL load may differ: "
        f"{sum('refill flag' in p for p in problems)})"
    )


if __name__ == "__main__":
    main()
