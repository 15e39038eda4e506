"""Bench of the vote bulletin board: Merkle tree, proofs, and the public verifier at 100,000 ballots.

Run from the repository root: ``.venv/bin/python bench/board.py [--ballots N]``.
Prints each figure with its target and the ratio figure/target (below 1 meets the target); it
asserts nothing.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from voting import tally  # noqa: E402
from voting.board_format import (  # noqa: E402
    FORMAT_5,
    build_export,
    electorate_json,
    entry_hash,
    make_entry,
    make_head,
    manifest_hash,
    seal_for_entry,
)
from voting.merkle import (  # noqa: E402
    MerkleTree,
    leaf_hash,
    root,
    verify_consistency,
    verify_inclusion,
)
from voting.sealing import (  # noqa: E402
    generate_vote_keypair,
    party_pseudonym,
    signing_public_key,
)
from voting.verify import (  # noqa: E402
    verify_export,
)


def line(name: str, seconds: float, target: float | None = None) -> None:
    shown = f"{seconds * 1000:10.3f} ms" if seconds < 1 else f"{seconds:10.3f} s "
    if target is None:
        print(f"  {name:<52}{shown}")
    else:
        print(f"  {name:<52}{shown}   target {target:g} s   ratio {seconds / target:.3f}")


def bench_tree(n: int, rng: random.Random) -> None:
    print(f"Merkle tree (RFC 9162), {n:,} leaves")
    hashes = [leaf_hash(i.to_bytes(8, "big")) for i in range(n)]
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        root(hashes)
        runs.append(time.perf_counter() - t)
    line("root over all leaf hashes (median of 5)", statistics.median(runs), 1.0)
    t = time.perf_counter()
    tree = MerkleTree()
    for h in hashes:
        tree.append(h)
    line("growing the tree by append, leaf by leaf", time.perf_counter() - t)

    samples, verifies = [], []
    for _ in range(2000):
        size = rng.randint(1, n)
        index = rng.randrange(size)
        t = time.perf_counter()
        proof = tree.inclusion_proof(index, size)
        samples.append(time.perf_counter() - t)
        r = tree.root(size)
        t = time.perf_counter()
        ok = verify_inclusion(hashes[index], index, size, proof, r)
        verifies.append(time.perf_counter() - t)
        assert ok
    line("inclusion proof, any size (median of 2000)", statistics.median(samples), 0.010)
    line("inclusion proof, worst of 2000", max(samples), 0.010)
    line("inclusion proof verification (median)", statistics.median(verifies))

    samples, verifies = [], []
    for _ in range(2000):
        new = rng.randint(2, n)
        old = rng.randint(1, new - 1)
        t = time.perf_counter()
        proof = tree.consistency_proof(old, new)
        samples.append(time.perf_counter() - t)
        r1, r2 = tree.root(old), tree.root(new)
        t = time.perf_counter()
        ok = verify_consistency(old, new, r1, r2, proof)
        verifies.append(time.perf_counter() - t)
        assert ok
    line("consistency proof, any sizes (median of 2000)", statistics.median(samples), 0.010)
    line("consistency proof verification (median)", statistics.median(verifies))


def generate_export(n: int, rng: random.Random) -> dict:
    """A closed vote with ``n`` board entries: about 2% are changed ballots superseding an
    earlier one; the rest are one ballot per party. Heads every n/10 entries."""
    vote = {"id": "bench-vote", "estate": "基准小区", "title": "基准表决", "matter": 5}
    secret = b"bench pseudonym secret, 32 bytes"
    changed = n // 50
    parties = n - changed
    areas = [
        (party_pseudonym(secret, vote["id"], f"party-{i}"), rng.randint(3000, 30000))
        for i in range(parties)
    ]
    area_of = dict(areas)
    electorate = electorate_json(areas)
    private, public = generate_vote_keypair()
    signing = Ed25519PrivateKey.generate()
    manifest = manifest_hash(  # format 5 (areas in the clear): the verifier's common path
        vote, electorate, base64.b64encode(public).decode(), format=FORMAT_5, no_trustees="none"
    )
    choices = ("agree", "oppose", "abstain")
    channels = ("online", "online", "online", "paper", "proxy")
    order = [p for p, _ in areas] + [areas[rng.randrange(parties)][0] for _ in range(changed)]
    entries, last, counted = [], {}, {}
    for k, pseudonym in enumerate(order):
        choice = rng.choice(choices)
        entries.append(
            make_entry(
                n=k,
                pseudonym=pseudonym,
                area=area_of[pseudonym],
                sealed_choice=seal_for_entry(choice, public, vote["id"], pseudonym),
                channel=rng.choice(channels),
                time=f"2026-11-{24 + k * 5 // n:02d}T10:00:00+08:00",
                supersedes=last.get(pseudonym),
            )
        )
        last[pseudonym] = k
        counted[pseudonym] = choice
    tree = MerkleTree(entry_hash(e) for e in entries)
    sizes = sorted({max(1, n * i // 10) for i in range(1, 11)})
    heads = [
        make_head(
            signing,
            vote_id=vote["id"],
            tree=tree,
            size=size,
            time="2026-11-30T12:00:00+08:00",
            manifest=manifest,
            final=False,
        )
        for size in sizes
    ]
    result = tally.result_to_json(tally.tally(vote["matter"], area_of, counted))
    # The count's final head: the whole board, signing the result (format 4 and later).
    heads.append(
        make_head(
            signing,
            vote_id=vote["id"],
            tree=tree,
            size=sizes[-1],
            time="2026-11-30T12:01:00+08:00",
            manifest=manifest,
            final=True,
            result=result,
        )
    )
    return build_export(
        vote=vote,
        electorate=electorate,
        signing_key=signing_public_key(signing),
        vote_public_key=public,
        vote_private_key=private,
        entries=entries,
        heads=heads,
        result=result,
        format=FORMAT_5,
        no_trustees="none",
    )


def bench_verifier(n: int, rng: random.Random) -> None:
    print(f"Public verifier, {n:,}-entry export")
    t = time.perf_counter()
    export = generate_export(n, rng)
    line("generating the export (sealing every ballot)", time.perf_counter() - t)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "board.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(export, f, ensure_ascii=False)
        print(f"  {'export file size':<52}{os.path.getsize(path) / 1e6:10.1f} MB")
        t0 = time.perf_counter()
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        t1 = time.perf_counter()
        report = verify_export(data)
        t2 = time.perf_counter()
    line("reading the JSON file", t1 - t0)
    line("verify_export (all 8 rules)", t2 - t1)
    line("read + verify, as `python -m voting.verify` does", t2 - t0, 30.0)
    outcome = report.summary.get("result", {}).get("outcome")
    print(
        f"  verdict: {'OK' if report.ok else 'FAIL: ' + report.problems[0]}; "
        f"{report.summary.get('ballots')} ballots counted, outcome {outcome}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leaves", type=int, default=100_000)
    parser.add_argument("--ballots", type=int, default=100_000)
    args = parser.parse_args()
    rng = random.Random(20261124)
    bench_tree(args.leaves, rng)
    bench_verifier(args.ballots, rng)


if __name__ == "__main__":
    main()
