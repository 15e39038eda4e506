"""Bench: count a closed vote of 100,000 sealed ballots from PostgreSQL.

Run from the repository root: ``.venv/bin/python bench/voting_count.py [--ballots N]``.
Creates a throwaway database (bench/_django.py), fills it with one closed vote of N sealed
ballots (bench/_closed_vote.py: the estate, the frozen electorate, the ballots and their board
entries, bulk inserts, not timed), then times ``voting.services.vote_count`` (stream the rows, unwrap the key, open every
sealed choice, tally) and measures its peak Python memory (tracemalloc) and the process's peak
RSS. Targets: under 2 s, under 300 MB. Prints figures and ratios (below 1 meets); asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
import tracemalloc

from _closed_vote import build_closed_vote
from _django import throwaway_database


def _hwm() -> float:
    """This process's peak RSS in MB (VmHWM: reset at exec, unlike ru_maxrss on Linux)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def count_only(vote_pk: int) -> None:
    """Child process: count the closed vote and report time and this process's peak RSS."""
    import django

    django.setup()
    from voting import services
    from voting.models import Vote

    vote = Vote.objects.get(pk=vote_pk)
    rss0 = _hwm()
    t0 = time.perf_counter()
    services.vote_count(vote=vote)
    elapsed = time.perf_counter() - t0
    rss = _hwm()
    print(f"RESULT {elapsed:.3f} {rss0:.1f} {rss:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--count-only", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count_only:
        count_only(args.count_only)
        return
    with throwaway_database("bench_voting_count") as url:
        from django.db import connections

        from voting.models import Vote

        t0 = time.perf_counter()
        vote, _ = build_closed_vote(args.ballots)
        print(f"  set-up: {time.perf_counter() - t0:.1f} s (not timed)")
        connections.close_all()
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
        out = subprocess.run(
            [sys.executable, __file__, "--count-only", str(vote.pk)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        line = next(x for x in out.splitlines() if x.startswith("RESULT"))
        elapsed, rss0, rss = (float(x) for x in line.split()[1:])
        # Python allocations of the count, traced in this process on a re-opened copy.
        Vote.objects.filter(pk=vote.pk).update(status="closed", result=None)
        vote = Vote.objects.get(pk=vote.pk)
        from voting import services

        tracemalloc.start()
        services.vote_count(vote=vote)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        vote.refresh_from_db()
        r = vote.result
        print(f"voting count: {args.ballots} sealed ballots from PostgreSQL, {os.cpu_count()} CPUs")
        print(f"  outcome {r['outcome']}: agree {r['agree']}, participating {r['participating']}")
        print(f"  count time      {elapsed:7.2f} s   target 2.00 s   ratio {elapsed / 2:.2f}")
        print(f"  per ballot      {elapsed / args.ballots * 1e6:7.1f} us")
        peak_rss = rss
        print(
            f"  peak RSS        {peak_rss:7.1f} MB  target 300 MB  ratio {peak_rss / 300:.2f} "
            f"(of which {rss0:.1f} MB Django before counting)"
        )
        print(f"  Python allocations at peak (tracemalloc, one process) {peak / 2**20:.1f} MB")
        print(f"  load average while running: {os.getloadavg()[0]:.1f} (shared machine)")


if __name__ == "__main__":
    main()
