"""Board format 3: void entries (a ballot that does not count at close), and format 2 exports
still verifying (DOMAIN.md §1: the latest ballot counts; a suspended account's ballot or a
disputed paper or proxy ballot does not)."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from voting import commitments, tally
from voting.board_format import (
    COMMITTED_FORMATS,
    FINAL_FORMATS,
    FORMAT,
    FORMAT_3,
    FORMAT_4,
    FORMAT_5,
    TRUSTEE_FORMATS,
    build_export,
    committed_electorate_json,
    electorate_json,
    entry_hash,
    make_entry,
    make_head,
    manifest_hash,
    result_with_openings,
    seal_for_entry,
)
from voting.merkle import MerkleTree
from voting.sealing import generate_vote_keypair, party_pseudonym, signing_public_key
from voting.verify import (
    check_receipt,
    verify_export,
)

VOTE = {"id": "v-9", "estate": "滨江花园", "title": "测试", "matter": 1}
AREAS = {"p1": 10000, "p2": 8000, "p3": 6000}


def ps(p):
    return party_pseudonym(b"s" * 32, VOTE["id"], p)


def build(spec, *, fmt=FORMAT, openings=None):
    """spec: (party, choice or None, channel, supersedes, reinstate-from-n or None).
    ``openings`` (format 6): each party's area opening, else random ones."""
    signing = Ed25519PrivateKey.generate()
    private, public = generate_vote_keypair()
    committed = fmt in COMMITTED_FORMATS  # format 6: areas behind commitments
    openings = openings or {p: commitments.random_opening() for p in AREAS}
    if committed:
        electorate = committed_electorate_json(
            sorted((ps(p), commitments.commit(a, openings[p])) for p, a in AREAS.items()),
            sum(AREAS.values()),
            commitments.add_openings(openings.values()),
        )
    else:
        electorate = electorate_json(sorted((ps(p), a) for p, a in AREAS.items()))
    # Format 5 says why there are no trustees (signed in the manifest).
    signed = {"no_trustees": "no_online_channel"} if fmt in TRUSTEE_FORMATS else {}
    manifest = manifest_hash(
        VOTE, electorate, base64.b64encode(public).decode(), format=fmt, **signed
    )
    entries, sealed = [], {}
    for n, (party, choice, channel, sup, reinstate) in enumerate(spec):
        if channel == "void":
            seal = sealed[reinstate] if reinstate is not None else b""
        else:
            seal = seal_for_entry(choice, public, VOTE["id"], ps(party))
        sealed[n] = seal
        entries.append(
            make_entry(
                n=n,
                pseudonym=ps(party),
                area=None if committed else AREAS[party],
                sealed_choice=seal,
                channel=channel,
                time=f"2026-11-28T10:{n:02d}:00+08:00",
                supersedes=sup,
            )
        )
    counted = {}
    for party, choice, channel, _sup, reinstate in spec:
        if channel == "void":
            counted.pop(party, None)
            if reinstate is not None:
                counted[party] = spec[reinstate][1]
        else:
            counted[party] = choice
    result = tally.result_to_json(
        tally.tally(
            VOTE["matter"],
            {ps(p): a for p, a in AREAS.items()},
            {ps(p): c for p, c in counted.items()},
        )
    )
    if committed:  # each choice's opening: the sum of its counted parties' openings
        result = result_with_openings(
            result,
            {
                c: commitments.add_openings(openings[p] for p, x in counted.items() if x == c)
                for c in ("agree", "oppose", "abstain")
            },
        )
    tree = MerkleTree(entry_hash(e) for e in entries)
    head = make_head(
        signing,
        vote_id=VOTE["id"],
        tree=tree,
        size=len(entries),
        time="2026-11-28T11:00:00+08:00",
        manifest=manifest,
        final=False if fmt in FINAL_FORMATS else None,
    )
    heads = [head]
    if fmt in FINAL_FORMATS:  # format 4: the count's final head signs the result
        heads.append(
            make_head(
                signing,
                vote_id=VOTE["id"],
                tree=tree,
                size=len(entries),
                time="2026-11-28T11:05:00+08:00",
                manifest=manifest,
                final=True,
                result=result,
            )
        )
    return build_export(
        vote=VOTE,
        electorate=electorate,
        signing_key=signing_public_key(signing),
        vote_public_key=public,
        vote_private_key=private,
        entries=entries,
        heads=heads,
        result=result,
        format=fmt,
        **signed,
    )


# p1 votes agree, an impostor changes it to oppose and is voided at close (p1's agree counts
# again); p2's paper ballot is disputed and voided with nothing to reinstate; p3 votes abstain.
HONEST = [
    ("p1", "agree", "online", None, None),
    ("p2", "oppose", "paper", None, None),
    ("p1", "oppose", "online", 0, None),
    ("p3", "abstain", "online", None, None),
    ("p1", None, "void", 2, 0),
    ("p2", None, "void", 1, None),
]


@pytest.mark.parametrize("fmt", [FORMAT, FORMAT_5, FORMAT_4, FORMAT_3])
def test_void_entries_verify_and_recount(fmt):
    report = verify_export(build(HONEST, fmt=fmt))
    assert report.ok, report.problems
    result = report.summary["result"]
    assert result["agree"]["heads"] == 1 and result["oppose"]["heads"] == 0
    assert result["participating"]["heads"] == 2  # p2 did not take part
    assert report.summary["ballots"] == 2
    assert report.summary["channels"] == {"online": 2, "paper": 0, "proxy": 0, "void": 1}


def test_void_cannot_carry_an_invented_choice():
    """A void entry may only reinstate an earlier ballot of its own chain, never a new choice."""
    spec = [*HONEST[:4], ("p1", None, "void", 2, 3)]  # p3's sealed choice: not p1's chain
    spec[3] = ("p3", "abstain", "online", None, None)
    report = verify_export(build(spec))
    assert not report.ok and "not that of an earlier ballot" in report.problems[0]


def test_void_must_supersede_an_entry():
    export = build(HONEST)
    try:
        make_entry(
            n=6,
            pseudonym=ps("p3"),
            area=None,
            sealed_choice=b"",
            channel="void",
            time="2026-11-28T10:59:00+08:00",
            supersedes=None,
        )
    except ValueError:
        pass
    else:  # pragma: no cover
        raise AssertionError("make_entry accepted a void entry superseding nothing")
    assert verify_export(export).ok


def test_format_2_exports_still_verify_and_know_no_void():
    plain = [e for e in HONEST[:4]]
    report = verify_export(build(plain, fmt="gongzhi-board/2"))
    assert report.ok, report.problems
    assert "void" not in report.summary["channels"]
    report = verify_export(build(HONEST, fmt="gongzhi-board/2"))
    assert not report.ok and "channel" in report.problems[0]


def test_format_is_signed_in_the_manifest():
    """A format 3 board relabelled format 2 (or back) no longer matches its signed heads."""
    export = build(HONEST[:4], fmt=FORMAT_3)
    export["format"] = "gongzhi-board/2"
    report = verify_export(export)
    assert not report.ok and "signs another vote setup" in report.problems[0]


def test_format_4_relabelled_3_fails():
    """Passing a format 4 board off as format 3 (which has no final heads) does not work: its
    heads carry the final flag, and the manifest signs format 4."""
    export = build(HONEST, fmt=FORMAT_4)
    export["format"] = FORMAT_3
    assert not verify_export(export).ok
    for head in export["heads"]:
        head.pop("final"), head.pop("result")
    report = verify_export(export)
    assert not report.ok and "does not verify" in report.problems[0]


def test_receipt_of_a_voided_ballot_says_it_does_not_count():
    export = build(HONEST)
    impostor = entry_hash(export["entries"][2]).hex()
    found, message = check_receipt(export, impostor)
    assert found and "does not count" in message
