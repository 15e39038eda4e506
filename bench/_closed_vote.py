"""A closed vote of N sealed ballots, built quickly with bulk inserts (shared by benches and tests).

``build_closed_vote(n)`` (Django set up, database migrated) creates one estate of ``n`` owner
parties, opens a vote the way ``vote_open`` leaves it (key pair, wrapped private key, frozen
electorate, board counter), seals one ballot per party with its board entry, and leaves the vote
closed with its closing tree head, ready for ``voting.services.vote_count``. Choices and areas come from a seeded random
generator; it returns the vote and the figures a correct count must give:
``{"agree": (heads, area_centi), "oppose": ..., "abstain": ...}``.

As a script it builds into the database of ``DATABASE_URL`` (settings from
``DJANGO_SETTINGS_MODULE``) and prints one JSON line, ``{"vote": pk, "expected": {...}}``:
``.venv/bin/python bench/_closed_vote.py --ballots 30000 [--migrate]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

CHOICES = ("agree", "oppose", "abstain")


def build_closed_vote(n: int, *, seed: int = 7, code: str = "bench", verbose: bool = True):
    from django.utils import timezone

    from portal.organisations.models import Jurisdiction, Level
    from property.registry.models import Estate, OwnerParty
    from voting import board, keys, services
    from voting.board_format import (
        FORMAT_5,
        b64,
        electorate_json,
        entry_hash,
        make_entry,
        manifest_hash,
        seal_for_entry,
    )
    from voting.models import Ballot, BoardCounter, BoardEntry, Vote, VoteElector, VoteStatus
    from voting.sealing import (
        generate_vote_keypair,
        party_pseudonym,
        receipt_code,
        wrap_private_key,
    )

    node = Jurisdiction.add_root(code=f"{code}-city", name="Bench", level=Level.CITY)
    for level in (Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.ESTATE):
        node = node.add_child(code=f"{code}-{level}", name=level, level=level)
    estate = Estate.objects.create(jurisdiction=node, code=code, name="Bench estate")
    OwnerParty.objects.bulk_create(
        [OwnerParty(estate=estate, label=f"P{i}", key=f"k{i}") for i in range(n)], batch_size=5000
    )
    party_ids = list(OwnerParty.objects.filter(estate=estate).values_list("pk", flat=True))
    now = timezone.now()
    vote = Vote.objects.create(
        estate=estate,
        title="bench",
        matter=1,
        motion="bench",
        status=VoteStatus.CLOSED,
        opens_at=now - timedelta(days=2),
        closes_at=now - timedelta(days=1),
        closed_at=now,
        channels=["online"],
    )
    private, public = generate_vote_keypair()
    vote.public_key = public
    vote.private_key_wrapped = wrap_private_key(
        private, keys.wrapping_key(), context=f"vote:{vote.pk}".encode()
    )
    rng = random.Random(seed)
    secret = keys.pseudonym_key()
    expected = {c: [0, 0] for c in CHOICES}
    electors, entries, sealed_rows = [], [], []
    t0 = time.perf_counter()
    for i, pid in enumerate(party_ids):
        pseudonym = party_pseudonym(secret, str(vote.pk), str(pid))
        area = rng.randrange(5000, 15000)
        electors.append(
            VoteElector(vote=vote, party_id=pid, pseudonym=pseudonym, area_centi=area, units=1)
        )
        choice = rng.choices(CHOICES, [6, 3, 1])[0]
        expected[choice][0] += 1
        expected[choice][1] += area
        sealed = seal_for_entry(choice, public, str(vote.pk), pseudonym)
        entry = make_entry(
            n=i,
            pseudonym=pseudonym,
            area=area,
            sealed_choice=sealed,
            channel="online",
            time=services.board_time(now - timedelta(days=1, seconds=n - i)),
        )
        digest = entry_hash(entry)
        entries.append(
            BoardEntry(
                vote=vote,
                n=i,
                entry=entry,
                entry_hash=digest.hex(),
                receipt=receipt_code(digest),
                channel="online",
                time=now,
            )
        )
        sealed_rows.append((pid, pseudonym, area, sealed))
    if verbose:
        print(f"  sealed {n} ballots in {time.perf_counter() - t0:.1f} s (set-up, not timed)")
    vote.total_heads = n
    vote.total_area_centi = sum(e.area_centi for e in electors)
    vote.board_format = FORMAT_5  # areas in the clear: this bench times the count, not commitments
    electorate = electorate_json(sorted((e.pseudonym, e.area_centi) for e in electors))
    vote.board_trustees = {"trustees": None, "no_trustees": "none"}  # the portal holds the key
    vote.manifest = manifest_hash(
        vote.board_vote_json(), electorate, b64(public), format=FORMAT_5, **vote.board_trustees
    )
    vote.save()
    BoardCounter.objects.create(vote=vote, next_n=n, closed=True)
    VoteElector.objects.bulk_create(electors, batch_size=5000)
    BoardEntry.objects.bulk_create(entries, batch_size=5000)
    entry_ids = dict(BoardEntry.objects.filter(vote=vote).values_list("n", "pk"))
    Ballot.objects.bulk_create(
        [
            Ballot(
                vote=vote,
                party_id=pid,
                pseudonym=ps,
                area_centi=area,
                channel="online",
                sealed_choice=sealed,
                entry_id=entry_ids[i],
                cast_at=now,
            )
            for i, (pid, ps, area, sealed) in enumerate(sealed_rows)
        ],
        batch_size=5000,
    )
    board.board_head_sign(vote=vote, now=now)  # the closing head, as vote_close signs it
    return vote, {c: tuple(v) for c, v in expected.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ballots", type=int, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--migrate", action="store_true", help="migrate the database first")
    args = parser.parse_args()
    import django

    django.setup()
    if args.migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    vote, expected = build_closed_vote(args.ballots, seed=args.seed, verbose=False)
    print(json.dumps({"vote": vote.pk, "expected": expected}))


if __name__ == "__main__":
    main()
