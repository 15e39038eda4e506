"""Bench: the daily credit recompute, score_many for 5,000 companies x 50 records (target < 10 s).

Run from the repository root: ``.venv/bin/python bench/credit_scoring.py``. Prints figures
and the ratio to the target; asserts nothing.
"""

import random
import sys
import time
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from property.credit.scoring import Record, score_many  # noqa: E402

COMPANIES = 5_000
RECORDS_EACH = 50
TARGET_S = 10.0
REPEATS = 3
AS_OF = date(2025, 6, 30)


def make_companies(rng: random.Random) -> dict:
    companies = {}
    start = date(2022, 1, 1)
    for c in range(COMPANIES):
        records = []
        for r in range(RECORDS_EACH):
            kind = "good" if rng.random() < 0.5 else "bad"
            records.append(
                Record(
                    kind=kind,
                    points=Decimal(rng.choice(("0.5", "1", "2", "3", "5", "10"))),
                    effective=start + timedelta(days=rng.randrange(0, 1400)),
                    validity_days=rng.choice((365, 730, 1095)),
                    serious=kind == "bad" and rng.random() < 0.01,
                    status=rng.choices(("effective", "pending", "revoked"), (90, 7, 3))[0],
                    code=f"{kind[0].upper()}-{r:02d}",
                )
            )
        checklist = Decimal(rng.randrange(3000, 6001)) / 100
        satisfaction = Decimal(rng.randrange(0, 10001)) / 10000
        companies[f"913706{c:012d}"] = (checklist, satisfaction, records)
    return companies


def main() -> None:
    rng = random.Random(20250630)
    t0 = time.perf_counter()
    companies = make_companies(rng)
    build_s = time.perf_counter() - t0

    timings = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        result = score_many(companies, AS_OF)
        timings.append(time.perf_counter() - t0)

    best, worst = min(timings), max(timings)
    grades = Counter(str(b.grade) for b in result.values())
    total_records = COMPANIES * RECORDS_EACH
    print(
        f"score_many: {COMPANIES:,} companies x {RECORDS_EACH} records = {total_records:,} records"
    )
    print(
        f"  generating the data and building the validated Records (not in the timing below): {build_s:.2f} s"
    )
    print(f"  best {best:.3f} s, worst {worst:.3f} s over {REPEATS} runs")
    print(
        f"  ratio to target ({TARGET_S:.0f} s): best {best / TARGET_S:.3f}, worst {worst / TARGET_S:.3f}"
    )
    print(f"  per record: {best / total_records * 1e6:.2f} us")
    print(f"  grades: {dict(sorted(grades.items()))}")
    print(f"  blacklisted: {sum(b.blacklisted for b in result.values()):,}")


if __name__ == "__main__":
    main()
