"""Bench: the signed result announcement PDF of a vote in an estate of 2,000 units (target < 5 s),
and, for information, the closing tree head and the public export of its board.

Run from the repository root: ``.venv/bin/python bench/vote_result_pdf.py [--units 2000]``.
Creates a throwaway PostgreSQL database (bench/_django.py), an estate of ``--units`` units (one
owner party each), opens a vote, casts a ballot for 3 parties in 4 (sealed, through
``voting.services.ballot_cast``), closes and counts it, then times
``voting.board_views.result_pdf_bytes`` (render + sign) ``--repeats`` times. Prints figures and
the ratio to the target; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import time

from _django import throwaway_database

TARGET_S = 5.0


def build(units: int):
    from datetime import timedelta

    from django.utils import timezone
    from stdnum.cn import ric

    import tests.factories as shared
    from property.registry.models import OwnerParty
    from tests.factories import add_units, make_world
    from voting import services

    counter = iter(range(10**6))

    def identity_number(n=None):  # unique valid numbers (the test helper repeats after 1,000)
        i = next(counter)
        body = f"340202{1983 + i // 1000 % 20}0101{i % 1000:03d}"
        return body + ric.calc_check_digit(body + "0")

    shared.identity_number = identity_number

    world = make_world()
    estate = world.estates[0]
    specs = [
        (f"{i // 100 + 1}-{i % 100 + 101}", f"{80 + i % 50}.{i % 100:02d}", f"业主{i:04d}")
        for i in range(units)
    ]
    add_units(estate, specs)
    now = timezone.now()
    vote = services.vote_create(
        actor=None,
        estate=estate,
        title="关于续聘物业服务企业的表决",
        matter=4,
        motion="是否同意续聘现物业服务企业三年。",
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=7),
    )
    from django.conf import settings as django_settings
    from django.test import override_settings

    # Load-test data: the vote key held by the server, as before trustees were required.
    trustees_off = {**django_settings.GONGZHI, "VOTE_ONLINE_NEEDS_TRUSTEES": False}
    with override_settings(GONGZHI=trustees_off):
        services.vote_schedule(actor=None, vote=vote, now=now - timedelta(days=10))
    services.vote_open(vote=vote, now=now, notify=False)
    parties = list(OwnerParty.objects.filter(estate=estate).order_by("pk"))
    choices = ["agree", "agree", "oppose", "abstain"]
    for i, p in enumerate(parties):
        if i % 4 != 3:
            services.ballot_cast(actor=None, vote=vote, party=p, choice=choices[i % 4])
    later = vote.closes_at + timedelta(seconds=1)
    services.vote_close(vote=vote, now=later)
    services.vote_count(vote=vote, now=later)
    vote.refresh_from_db()
    return vote


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with throwaway_database("bench_vote_pdf"):
        from django.utils import translation

        from voting import board
        from voting.board_views import result_pdf_bytes

        t = time.perf_counter()
        vote = build(args.units)
        print(
            f"set-up: {args.units} units, {vote.board.count()} ballots cast and counted "
            f"in {time.perf_counter() - t:.1f} s"
        )
        t = time.perf_counter()
        board.board_head_sign(vote=vote)
        print(
            f"closing tree head over {vote.board.count()} entries: {time.perf_counter() - t:.3f} s"
        )
        t = time.perf_counter()
        export = board.board_export(vote)
        print(f"public export ({len(export['entries'])} entries): {time.perf_counter() - t:.3f} s")
        times = []
        with translation.override("zh-hans"):
            for _ in range(args.repeats):
                t = time.perf_counter()
                pdf = result_pdf_bytes(vote, base="https://gongzhi.example.cn")
                times.append(time.perf_counter() - t)
        print(
            f"result PDF ({len(pdf) // 1024} KiB, signed): first {times[0]:.2f} s, "
            f"median {statistics.median(times):.2f} s, worst {max(times):.2f} s"
        )
        print(f"target < {TARGET_S:.0f} s: worst/target = {max(times) / TARGET_S:.2f}")


if __name__ == "__main__":
    main()
