"""Bench: finding the owner party when entering a paper ballot, in an estate of 3,000 parties
(target < 50 ms per search, as the entry form searches as you type).

Run from the repository root: ``.venv/bin/python bench/paper_search.py [--parties 3000]``.
Creates a throwaway PostgreSQL database (bench/_django.py), an estate of ``--parties`` owner
parties (one unit each, in 30 buildings; every tenth name shared by two parties), opens a vote
(the electorate is frozen), enters paper ballots for one party in ten, then times
``voting.selectors.paper_search`` by unit code, code prefix, building and room, name and a
shared name, ``--repeats`` times each. Prints figures and the ratio to the target; asserts
nothing.
"""

from __future__ import annotations

import argparse
import statistics
import time

from _django import throwaway_database

TARGET_MS = 50.0


def build(parties: int):
    from datetime import date, timedelta
    from decimal import Decimal

    from django.core.files.base import ContentFile
    from django.utils import timezone
    from stdnum.cn import ric

    from property.registry.models import (
        Building,
        OwnerParty,
        Ownership,
        PartyKind,
        Person,
        Unit,
    )
    from tests.factories import make_world
    from voting import services

    world = make_world()
    estate = world.estates[0]
    buildings = [Building.objects.create(estate=estate, code=str(b + 1)) for b in range(30)]
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    for i in range(parties):
        b = buildings[i % 30]
        room = f"{i // 30 // 4 + 1}{(i // 30) % 4 + 1:02d}"
        code = f"{b.code}-{i % 3 + 1}-{room}"
        unit = Unit.objects.create(
            estate=estate, building=b, code=code, area=Decimal(f"{70 + i % 60}.{i % 100:02d}")
        )
        # every tenth name is shared with the party before it
        n = i - 1 if i % 10 == 9 else i
        name = surnames[n % 20] + "某" + str(n)
        body = f"340202{1960 + i // 1000 % 40}0101{i % 1000:03d}"
        person = Person(name=name, phone=f"+86139{i:08d}")
        person.set_identity(body + ric.calc_check_digit(body + "0"))
        person.save()
        party = OwnerParty.objects.create(
            estate=estate,
            kind=PartyKind.PERSON,
            label=name,
            key=OwnerParty.key_for(identity_hashes=[person.identity_hash]),
        )
        party.members.set([person])
        Ownership.objects.create(unit=unit, party=party, start=date(2020, 1, 1))
    now = timezone.now()
    vote = services.vote_create(
        actor=None,
        estate=estate,
        title="关于续聘物业服务企业的表决",
        matter=4,
        motion="是否同意续聘现物业服务企业三年。",
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=7),
        channels=["online", "paper"],
    )
    from django.conf import settings as django_settings
    from django.test import override_settings

    # Load-test data: the vote key held by the server, as before trustees were required.
    trustees_off = {**django_settings.GONGZHI, "VOTE_ONLINE_NEEDS_TRUSTEES": False}
    with override_settings(GONGZHI=trustees_off):
        services.vote_schedule(actor=None, vote=vote, now=now - timedelta(days=10))
    services.vote_open(vote=vote, now=now, notify=False)
    from tests.factories import make_user

    clerk = make_user()
    for i, p in enumerate(OwnerParty.objects.filter(estate=estate).order_by("pk")):
        if i % 10 == 0:
            services.ballot_cast(
                actor=clerk,
                vote=vote,
                party=p,
                choice="agree",
                channel="paper",
                scan=ContentFile(b"\x89PNG\r\n\x1a\n" + b"\0" * 37, name="scan.png"),
            )
    return vote


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parties", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    with throwaway_database("bench_paper_search"):
        from voting import selectors

        t = time.perf_counter()
        vote = build(args.parties)
        print(f"set-up: {args.parties} parties, vote open in {time.perf_counter() - t:.1f} s")
        queries = {
            "unit code": "17-2-2503",
            "code prefix": "17-2-",
            "building and room": "17栋2503",
            "room alone": "2503",
            "name": "王某100",
            "shared name": "李某1",
        }
        worst = 0.0
        for label, q in queries.items():
            times, found = [], 0
            for _ in range(args.repeats):
                t = time.perf_counter()
                found = len(selectors.paper_search(vote, q))
                times.append((time.perf_counter() - t) * 1000)
            worst = max(worst, statistics.median(times))
            print(
                f"{label:18} {q!r:14} {found:3} found: median {statistics.median(times):6.1f} ms, "
                f"worst {max(times):6.1f} ms"
            )
        print(f"target < {TARGET_MS:.0f} ms: worst median/target = {worst / TARGET_MS:.2f}")


if __name__ == "__main__":
    main()
