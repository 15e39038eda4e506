"""Benchmark the registry import: `.venv/bin/python bench/registry_import.py [UNITS]`.

Builds a throw-away SQLite database (migrated first, not timed), generates a 50,000-unit
estate file (CSV, UTF-8: 6% developer-held, 8% multi-unit owners, 12% co-owned units, shops
and parking) from a fixed seed, then times reading + validating (the dry run) and the real
all-or-nothing import, and prints rows per second, peak memory (max RSS) and the ratio to the
30 s target. Reports only; asserts nothing.
"""

import os
import random
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

UNITS = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
TARGET = 30.0
TMP = tempfile.mkdtemp(prefix="gongzhi-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from stdnum.cn import ric  # noqa: E402

from portal.organisations.models import Jurisdiction, Level  # noqa: E402
from property.registry import services  # noqa: E402
from property.registry.importer import plan_import, read_table  # noqa: E402
from property.registry.models import Estate, OwnerParty, Person, Unit  # noqa: E402
from property.registry.selectors import estate_totals  # noqa: E402


def identity(rnd: random.Random, n: int) -> str:
    born = date(1950, 1, 1).toordinal() + rnd.randrange(0, 50 * 365)
    body = f"340202{date.fromordinal(born):%Y%m%d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_file(units: int, seed: int = 2026) -> bytes:
    rnd = random.Random(seed)
    lines = ["building,unit,use,area,area_source,owners,identity_numbers,developer"]
    used: set[str] = set()

    def person() -> tuple[str, str]:
        while True:
            number = identity(rnd, rnd.randrange(10**6))
            if number not in used:
                used.add(number)
                return f"业主{len(used)}", number

    i = 0
    while i < units:
        b = i // 200 + 1
        code = f"{b}-{(i % 200) // 100 + 1}-{(i % 100) // 4 + 1:02d}{i % 4 + 1:02d}"
        use = "parking" if i % 20 == 19 else "commercial" if i % 20 == 18 else "residential"
        roll = rnd.random()
        if roll < 0.06:
            owners, dev, held = [], "yes", 1
        elif roll < 0.14:
            owners, dev, held = [person()], "no", rnd.choice((2, 3))
        elif roll < 0.26:
            owners, dev, held = [person(), person()], "no", 1
        else:
            owners, dev, held = [person()], "no", 1
        for k in range(min(held, units - i)):
            j = i + k
            b = j // 200 + 1
            code = f"{b}-{(j % 200) // 100 + 1}-{(j % 100) // 4 + 1:02d}{j % 4 + 1:02d}"
            area = f"{rnd.randrange(5800, 14500) / 100:.2f}"
            names = ";".join(n for n, _ in owners)
            numbers = ";".join(x for _, x in owners)
            lines.append(f"{b},{code},{use},{area},registered,{names},{numbers},{dev}")
        i += held
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    call_command("migrate", verbosity=0)
    city = Jurisdiction.add_root(code="bench-city", name="芜湖市", level=Level.CITY)
    node = city
    for level in (Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.ESTATE):
        node = Jurisdiction.objects.get(pk=node.pk).add_child(
            code=f"bench-{level}", name=f"bench {level}", level=level
        )
    estate = Estate.objects.create(jurisdiction=node, code="bench", name="基准小区")
    content = make_file(UNITS)
    print(f"file: {UNITS:,} units, {len(content) / 1e6:.1f} MB CSV")

    started = time.perf_counter()
    headers, rows = read_table(content, "bench.csv")
    plan = plan_import(estate, headers, rows)
    planned = time.perf_counter()
    assert plan.ok, plan.errors[:5]
    summary = services.registry_import(actor=None, plan=plan)
    done = time.perf_counter()

    total = done - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    totals = estate_totals(estate)
    print(f"dry run (read + validate + compare): {planned - started:6.2f} s")
    print(f"write (bulk, one transaction):       {done - planned:6.2f} s")
    print(f"total:                               {total:6.2f} s")
    print(f"rows per second: {len(rows) / total:,.0f}")
    print(f"peak memory (max RSS): {peak_mb:,.0f} MB")
    print(
        f"target {TARGET:.0f} s: ratio {total / TARGET:.2f} ({'OK' if total < TARGET else 'SLOW'})"
    )
    print(
        f"registry: {Unit.objects.count():,} units, {Person.objects.count():,} persons, "
        f"{OwnerParty.objects.count():,} parties; heads {totals.heads:,}, area {totals.area} m²"
    )
    print(f"summary: {summary}")


if __name__ == "__main__":
    try:
        main()
    finally:
        import shutil

        shutil.rmtree(TMP, ignore_errors=True)
