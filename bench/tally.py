"""Benchmark voting.tally on a large estate: `.venv/bin/python bench/tally.py`.

Generates 100,000 owner parties (about 110,000 units, some parties holding several) with
random areas from a fixed seed, 80% of them voting, and prints the median time of
`party_areas` and `tally` against the 0.5 s target. Reports only; asserts nothing.
"""

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from voting.tally import Choice, party_areas, tally  # noqa: E402

PARTIES = 100_000
TARGET = 0.5
REPEATS = 7


def make_estate(seed: int = 278):
    rnd = random.Random(seed)
    units = [(f"P{i}", rnd.randint(3_000, 20_000)) for i in range(PARTIES)]
    # Multi-unit buyers and the developer: about 10% extra units for existing parties.
    units += [(f"P{rnd.randrange(PARTIES)}", rnd.randint(1_000, 15_000)) for _ in range(10_000)]
    rnd.shuffle(units)
    choices = list(Choice)
    ballots = {f"P{i}": str(rnd.choice(choices)) for i in range(PARTIES) if rnd.random() < 0.8}
    return units, ballots


def median_seconds(fn) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(label: str, seconds: float) -> None:
    print(
        f"{label}: {seconds:.3f} s median of {REPEATS} "
        f"(target {TARGET} s, {TARGET / seconds:.1f}x headroom)"
    )


def main() -> None:
    units, ballots = make_estate()
    electorate = party_areas(units)
    result = tally(1, electorate, ballots)
    print(
        f"{len(units)} units, {len(electorate)} parties, {len(ballots)} ballots: "
        f"{result.outcome} (participating {result.participating.heads} heads)"
    )
    report(f"party_areas {len(units)} units", median_seconds(lambda: party_areas(units)))
    report(
        f"tally {len(electorate)} parties", median_seconds(lambda: tally(1, electorate, ballots))
    )


if __name__ == "__main__":
    main()
