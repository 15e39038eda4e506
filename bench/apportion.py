"""Bench: apportion a maintenance-fund cost among 100,000 units (target < 1 s).

Run from the repository root: ``.venv/bin/python bench/apportion.py``. Prints figures and
the ratio to the target; asserts nothing.
"""

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from property.fund.apportion import apportion, apportion_json, from_fen  # noqa: E402

UNITS = 100_000
TARGET_S = 1.0
REPEATS = 5


def main() -> None:
    rng = random.Random(165)
    # Areas 30.00 .. 250.00 m² in hundredths, many equal (as in real estates) to exercise ties.
    weights = [
        (f"{b}-{u:04d}", rng.choice((8950, 8950, 12000, 14325)) + rng.randrange(0, 3) * 100)
        for b, u in ((i // 2000 + 1, i % 2000 + 1) for i in range(UNITS))
    ]
    total = 987_654_321  # 9,876,543.21 yuan

    timings = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        shares = apportion(total, weights)
        timings.append(time.perf_counter() - t0)
    exact = sum(shares) == total

    data = {
        "amount": str(from_fen(total)),
        "basis": "area",
        "units": [{"unit": c, "weight": str(from_fen(w))} for c, w in weights],
    }
    t0 = time.perf_counter()
    apportion_json(data)
    json_s = time.perf_counter() - t0

    best, worst = min(timings), max(timings)
    print(f"apportion: {UNITS:,} units, total {from_fen(total)} yuan, exact sum: {exact}")
    print(f"  best {best * 1000:.1f} ms, worst {worst * 1000:.1f} ms over {REPEATS} runs")
    print(
        f"  ratio to target ({TARGET_S:.0f} s): best {best / TARGET_S:.3f}, worst {worst / TARGET_S:.3f}"
    )
    print(
        f"apportion_json (parse + apportion + format): {json_s * 1000:.1f} ms, ratio {json_s / TARGET_S:.3f}"
    )


if __name__ == "__main__":
    main()
