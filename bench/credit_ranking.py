"""Bench: the daily credit recompute from the database and the public ranking page.

* recompute_ratings(as_of) for 5,000 companies x 50 records each, read from the DB, scored with
  score_many and written back as 5,000 Rating rows (target < 10 s);
* the public ranked list /credit/ (latest published quarter, first page of 50) through the
  Django test client: median latency over 30 requests, unfiltered and filtered by district
  (target < 100 ms).

Runs on a throwaway SQLite test database (created and destroyed here); prints figures and
ratios to the targets, asserts nothing. ``.venv/bin/python bench/credit_ranking.py``
"""

import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

COMPANIES = 5_000
RECORDS_EACH = 50
ESTATES = 200
TARGET_RECOMPUTE_S = 10.0
TARGET_PAGE_MS = 100.0
REQUESTS = 30
AS_OF = date(2026, 6, 30)


def build(rng: random.Random) -> None:
    from stdnum.cn import uscc

    from portal.organisations.models import Jurisdiction, Level, Organisation, OrgKind
    from property.credit.models import CatalogueItem, ChecklistEntry, ChecklistItem, CreditRecord
    from property.registry.models import Estate

    city = Jurisdiction.add_root(code="bench-city", name="城市", level=Level.CITY)
    orgs = []
    for c in range(COMPANIES):
        body = f"913402{c:010d}"[:16] + "M"
        orgs.append(
            Organisation(
                name=f"物业公司{c:05d}",
                kind=OrgKind.PROPERTY_COMPANY,
                jurisdiction=city,
                credit_code=body + uscc.calc_check_digit(body),
            )
        )
    Organisation.objects.bulk_create(orgs, batch_size=1000)
    companies = list(
        Organisation.objects.filter(kind=OrgKind.PROPERTY_COMPANY).values_list("pk", flat=True)
    )
    city = Jurisdiction.objects.get(pk=city.pk)
    for d in range(5):
        district = city.add_child(code=f"d{d}", name=f"区{d}", level=Level.DISTRICT)
        street = district.add_child(code=f"s{d}", name=f"街道{d}", level=Level.STREET)
        community = street.add_child(code=f"c{d}", name=f"社区{d}", level=Level.COMMUNITY)
        for e in range(ESTATES // 5):
            n = d * (ESTATES // 5) + e
            node = Jurisdiction.objects.get(pk=community.pk).add_child(
                code=f"e{n}", name=f"小区{n}", level=Level.ESTATE
            )
            Estate.objects.create(
                jurisdiction=node, code=f"e{n}", name=f"小区{n}", company_id=companies[n * 7]
            )
    items = list(CatalogueItem.objects.all())
    checklist = list(ChecklistItem.objects.all())
    entries = [
        ChecklistEntry(
            company_id=pk,
            year=2026,
            item=it,
            points=(it.max_points * Decimal(rng.randrange(50, 101)) / 100).quantize(
                Decimal("0.01")
            ),
        )
        for pk in companies
        for it in checklist
    ]
    ChecklistEntry.objects.bulk_create(entries, batch_size=2000)
    start = date(2024, 1, 1)
    records = []
    for pk in companies:
        for _ in range(RECORDS_EACH):
            it = rng.choice(items)
            notified = start + timedelta(days=rng.randrange(0, 900))
            status = rng.choices(("effective", "pending", "revoked"), (90, 7, 3))[0]
            records.append(
                CreditRecord(
                    company_id=pk,
                    item=it,
                    kind=it.kind,
                    points=it.points,
                    validity_days=it.validity_days,
                    serious=it.serious and rng.random() < 0.05,
                    occurred_on=notified,
                    summary="bench",
                    status=status,
                    notified_on=notified,
                    objection_deadline=notified + timedelta(days=14),
                    effective=notified + timedelta(days=15) if status == "effective" else None,
                )
            )
    CreditRecord.objects.bulk_create(records, batch_size=5000)


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from django.test import Client

        from portal.organisations.models import Jurisdiction
        from property.credit.services import credit_quarter_publish
        from property.credit.tasks import recompute_ratings

        t0 = time.perf_counter()
        build(random.Random(20260630))
        print(
            f"built {COMPANIES} companies x {RECORDS_EACH} records in {time.perf_counter() - t0:.1f} s"
        )

        timings = []
        for _ in range(3):
            t0 = time.perf_counter()
            written = recompute_ratings(AS_OF)
            timings.append(time.perf_counter() - t0)
        best = min(timings)
        print(
            f"recompute_ratings: {written} ratings, best of 3 {best:.2f} s "
            f"(runs {', '.join(f'{t:.2f}' for t in timings)}); target {TARGET_RECOMPUTE_S:.0f} s, "
            f"ratio {best / TARGET_RECOMPUTE_S:.2f}"
        )

        credit_quarter_publish(actor=None, year=2026, quarter=2, today=AS_OF)
        client = Client()
        district = Jurisdiction.objects.get(code="d2")
        for label, params in (("all", {}), ("district", {"district": district.pk})):
            client.get("/credit/", params)  # warm up
            samples = []
            for _ in range(REQUESTS):
                t0 = time.perf_counter()
                response = client.get("/credit/", params)
                samples.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200
            median = statistics.median(samples)
            print(
                f"/credit/ ({label}): median {median:.1f} ms, max {max(samples):.1f} ms over "
                f"{REQUESTS}; target {TARGET_PAGE_MS:.0f} ms, ratio {median / TARGET_PAGE_MS:.2f}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
