"""voting.verify: the public verifier of a vote's bulletin board (DOMAIN.md section 1,
Verifiability), on exports built with the same producer helpers the Django side uses. These
boards are format 5 (areas in the clear), whose rules format 6 shares but for the areas;
format 6's own checks are in ``test_area_commitments``."""

from __future__ import annotations

import base64
import copy
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from voting import tally
from voting.board_format import (
    FORMAT_5,
    build_export,
    electorate_json,
    entry_hash,
    make_entry,
    make_head,
    manifest_hash,
    seal_for_entry,
)
from voting.merkle import MerkleTree
from voting.sealing import (
    generate_vote_keypair,
    party_pseudonym,
    sign_tree_head,
    signing_public_key,
)
from voting.verify import (
    check_receipt,
    main,
    receipt_for_entry,
    verify_export,
)

SECRET = b"pseudonym secret for the tests!!"
VOTE = {"id": "v-2026-017", "estate": "翠苑小区", "title": "电梯维修使用维修资金", "matter": 5}
# (party, area in centi-m²)
PARTIES = [
    ("developer", 100000),
    ("p1", 9812),
    ("p2", 10000),
    ("p3", 30000),
    ("p4", 8850),
    ("p5", 12000),
    ("p6", 9000),
]
# (party, choice, channel, supersedes-the-party's-previous-ballot?)
BALLOTS = [
    ("p1", "agree", "online"),
    ("p2", "oppose", "paper"),
    ("developer", "agree", "online"),
    ("p3", "abstain", "proxy"),
    ("p2", "agree", "online"),  # p2 changes its ballot: supersedes entry 1
    ("p4", "agree", "online"),
    ("p5", "oppose", "online"),
]
HEAD_SIZES = [2, 5, 6, 7]


def pseudo(party, vote_id=VOTE["id"]):
    return party_pseudonym(SECRET, vote_id, party)


def build_board(
    ballots=BALLOTS,
    head_sizes=HEAD_SIZES,
    *,
    supersedes=None,
    area_override=None,
    heads_override=None,
    seal_override=None,
    phantom_parties=(),
    closed=True,
):
    """Build an export the way the producer does, possibly as a dishonest producer would
    (the overrides), with every head correctly signed over what it builds."""
    signing = Ed25519PrivateKey.generate()
    private, public = generate_vote_keypair()
    areas = {pseudo(p): a for p, a in PARTIES}
    for p, a in phantom_parties:
        areas[pseudo(p)] = a
    electorate = electorate_json(areas.items())
    manifest = manifest_hash(
        VOTE,
        electorate,
        base64.b64encode(public).decode(),
        format=FORMAT_5,
        no_trustees="no_online_channel",
    )
    entries, last = [], {}
    for n, (party, choice, channel) in enumerate(ballots):
        ps = pseudo(party)
        sup = last.get(ps)
        if supersedes and n in supersedes:
            sup = supersedes[n]
        seal_ps = (seal_override or {}).get(n, ps)
        entry = make_entry(
            n=n,
            pseudonym=ps,
            area=(area_override or {}).get(n, areas[ps]),
            sealed_choice=seal_for_entry(choice, public, VOTE["id"], seal_ps),
            channel=channel,
            time=f"2026-11-24T10:{n:02d}:00+08:00",
            supersedes=sup,
        )
        if heads_override and n in heads_override:
            entry["heads"] = heads_override[n]
        entries.append(entry)
        last[ps] = n
    tree = MerkleTree(entry_hash(e) for e in entries)
    heads = [
        make_head(
            signing,
            vote_id=VOTE["id"],
            tree=tree,
            size=size,
            time=f"2026-11-24T11:{i:02d}:00+08:00",
            manifest=manifest,
            final=False,
        )
        for i, size in enumerate(head_sizes)
    ]
    counted = {}
    for e, (_, choice, _) in zip(entries, ballots, strict=True):
        counted[e["pseudonym"]] = choice
    base_areas = {pseudo(p): a for p, a in PARTIES}
    for p, a in phantom_parties:
        base_areas[pseudo(p)] = a
    result = tally.result_to_json(tally.tally(VOTE["matter"], base_areas, counted))
    if closed:  # the count's final head over the closing board, signing the result
        heads.append(
            make_head(
                signing,
                vote_id=VOTE["id"],
                tree=tree,
                size=head_sizes[-1],
                time="2026-11-24T12:00:00+08:00",
                manifest=manifest,
                final=True,
                result=result,
            )
        )
    export = build_export(
        vote=VOTE,
        electorate=electorate,
        signing_key=signing_public_key(signing),
        vote_public_key=public,
        vote_private_key=private if closed else None,
        entries=entries,
        heads=heads,
        result=result if closed else None,
        format=FORMAT_5,
        no_trustees="no_online_channel",
    )
    return export, signing


@pytest.fixture(scope="module")
def board():
    return build_board()


def first_problem(export):
    report = verify_export(export)
    assert not report.ok, "the verifier accepted a tampered board"
    return report.problems[0]


def resign(export, signing):
    """A dishonest operator re-signing every head over the (tampered) entries."""
    tree = MerkleTree(entry_hash(e) for e in export["entries"])
    for head in export["heads"]:
        head["root"] = tree.root(head["size"]).hex()
        head.pop("signature")
        head["signature"] = sign_tree_head(signing, head)


# --- the honest board ---


def test_honest_board_verifies(board):
    """All eight rules of the export format hold for an honestly produced board, and the recount
    equals the tally of the counted (latest) ballots."""
    export, _ = board
    report = verify_export(export)
    assert report.ok, report.problems
    s = report.summary
    assert s["entries"] == 7 and s["ballots"] == 6 and s["superseded"] == 1
    assert s["channels"] == {"online": 5, "paper": 0, "proxy": 1, "void": 0}
    assert s["result"] == export["result"]
    assert s["result"]["agree"]["heads"] == 4  # p1, developer, p2 (changed), p4


def test_export_is_plain_json(board):
    """The export is JSON text: it survives a dump/load round trip and still verifies."""
    export, _ = board
    assert verify_export(json.loads(json.dumps(export, ensure_ascii=False))).ok


def test_open_board_verifies_without_key():
    """While the vote is open (private key and result null) everything but decryption and the
    recount is checked."""
    export, _ = build_board(closed=False)
    report = verify_export(export)
    assert report.ok, report.problems
    assert report.summary["closed"] is False and "result" not in report.summary


# --- a stored entry changed after signing (rule 3) ---


@pytest.mark.parametrize(
    "field,value",
    [("area", "98.13"), ("channel", "paper"), ("time", "2026-11-24T10:06:01+08:00")],
)
def test_changed_entry_field_detected(board, field, value):
    """RFC 9162 tree: one byte changed in a stored entry no longer matches the signed root."""
    export = copy.deepcopy(board[0])
    export["entries"][6][field] = value
    assert first_problem(export).startswith("entry 6: tree root does not match signed head 3")


def test_changed_sealed_choice_detected(board):
    """RFC 9162 tree: a swapped sealed choice (one base64 character) breaks the signed root, and
    the range of suspect entries is named."""
    export = copy.deepcopy(board[0])
    sealed = export["entries"][3]["sealed_choice"]
    export["entries"][3]["sealed_choice"] = ("B" if sealed[0] != "B" else "C") + sealed[1:]
    problem = first_problem(export)
    assert problem.startswith("signed head 1 (size 5)")
    assert "an entry among 2-4 was changed" in problem


def test_removed_entry_detected(board):
    """Entry numbering (rule 1): removing an entry leaves a gap in n."""
    export = copy.deepcopy(board[0])
    del export["entries"][3]
    assert "entry at position 3 is numbered 4" in first_problem(export)


def test_removed_and_renumbered_entry_detected(board):
    """RFC 9162 tree (rule 3): removing an entry and renumbering the rest breaks the roots, and
    the last head covers more entries than remain."""
    export = copy.deepcopy(board[0])
    del export["entries"][6]
    assert first_problem(export).startswith(
        "signed head 3 covers 7 entries but the board has only 6"
    )
    export = copy.deepcopy(board[0])
    del export["entries"][0]
    for n, e in enumerate(export["entries"]):
        e["n"] = n
        if e["supersedes"] is not None:
            e["supersedes"] -= 1
    assert first_problem(export).startswith("signed head 0 (size 2)")


def test_reordered_entries_detected(board):
    """Entries are in board order: a swap shows in n, and a swap with renumbering in the root."""
    export = copy.deepcopy(board[0])
    e = export["entries"]
    e[3], e[4] = e[4], e[3]
    assert "entry at position 3 is numbered 4" in first_problem(export)
    e[3]["n"], e[4]["n"] = 3, 4
    assert "an entry among 2-4 was changed, removed, inserted or reordered" in first_problem(export)


def test_entries_not_covered_by_a_head(board):
    """Rule 3: the last signed head must cover every entry (no unsigned additions)."""
    export = copy.deepcopy(board[0])
    extra = copy.deepcopy(export["entries"][-1])
    extra["n"] = 7
    extra["supersedes"] = 6
    export["entries"].append(extra)
    assert first_problem(export) == (
        "entries 7-7 are not covered by any signed head (the last signed head has size 7)"
    )


# --- the published result (rule 8) ---


def test_changed_result_detected(board):
    """Recount: the published result must equal voting.tally over the decrypted ballots."""
    export = copy.deepcopy(board[0])
    export["result"]["agree"]["area"] = "9999.99"
    assert first_problem(export) == (
        'the published result differs from the recount: agree.area is "9999.99" in the export '
        f'but "{board[0]["result"]["agree"]["area"]}" in the recount'
    )
    export = copy.deepcopy(board[0])
    export["result"]["outcome"] = (
        "passed" if board[0]["result"]["outcome"] != "passed" else "failed"
    )
    assert "outcome is" in first_problem(export)


# --- signed heads (rule 2) ---


def test_forged_head_signature_detected(board):
    """Ed25519 signed tree head: a changed root or signature, or a head signed by another key,
    does not verify."""
    export = copy.deepcopy(board[0])
    export["heads"][1]["root"] = "00" * 32
    assert first_problem(export) == (
        "signed head 1 (size 5): the signature does not verify with the published signing key"
    )
    export = copy.deepcopy(board[0])
    sig = bytearray(base64.b64decode(export["heads"][0]["signature"]))
    sig[10] ^= 1
    export["heads"][0]["signature"] = base64.b64encode(bytes(sig)).decode()
    assert first_problem(export).startswith("signed head 0 (size 2): the signature")
    export = copy.deepcopy(board[0])
    export["heads"][3]["signature"] = sign_tree_head(
        Ed25519PrivateKey.generate(), {k: v for k, v in export["heads"][3].items()}
    )
    assert first_problem(export).startswith("signed head 3 (size 7): the signature")


def test_pinned_signing_key(board):
    """--key: an export signed by a key other than the portal's published one is refused, even
    if it is internally consistent."""
    export, signing = board
    assert verify_export(export, signing_key=signing_public_key(signing)).ok
    other = signing_public_key(Ed25519PrivateKey.generate())
    report = verify_export(export, signing_key=other)
    assert not report.ok and "another key" in report.problems[0]


def test_changed_electorate_detected(board):
    """Manifest in every signed head: a party added to the electorate after the vote opened
    (e.g. to defeat the 2/3 participation rule) breaks every head."""
    export = copy.deepcopy(board[0])
    export["electorate"]["parties"].append({"pseudonym": "ghost", "area": "5000.00"})
    export["electorate"]["heads"] += 1
    assert first_problem(export).startswith("signed head 0 (size 2) signs another vote setup")
    export = copy.deepcopy(board[0])
    export["vote"]["matter"] = 7  # a special matter needs 3/4
    assert "signs another vote setup" in first_problem(export)


# --- consistency proofs (rule 4) ---


def test_bad_consistency_proof_detected(board):
    """RFC 9162 s2.1.4.2: a consistency proof with a changed hash does not verify."""
    export = copy.deepcopy(board[0])
    proof = export["consistency"][1]["proof"]
    proof[0] = ("0" if proof[0][0] != "0" else "1") + proof[0][1:]
    assert first_problem(export) == (
        "consistency proof 1 from signed head 1 (size 5) to 2 (size 6) does not verify: the "
        "later head does not extend the earlier one"
    )


def test_missing_or_misplaced_consistency_proof(board):
    """Rule 4: one proof per consecutive pair of heads, in order."""
    export = copy.deepcopy(board[0])
    del export["consistency"][1]
    assert first_problem(export) == "no consistency proof from signed head 1 (size 5) to 2 (size 6)"
    export = copy.deepcopy(board[0])
    export["consistency"].reverse()
    assert first_problem(export) == (
        "consistency proof 2 (size 2 to 5) is out of order: it should be proof 0, between "
        "signed heads 0 and 1"
    )
    export = copy.deepcopy(board[0])
    export["consistency"].append({"from": 0, "to": 7, "proof": []})
    assert first_problem(export) == (
        "consistency proof 3 (size 0 to 7) does not join two consecutive signed heads"
    )


# --- supersedes chains (rule 6) ---


def test_supersedes_another_party_detected():
    """One ballot per party: an entry may only supersede its own party's earlier ballot."""
    export, _ = build_board(supersedes={5: 3})
    assert first_problem(export) == ("entry 5 supersedes entry 3, which is another party's ballot")


def test_supersedes_later_entry_detected():
    """Changed ballots: the superseded entry is an earlier one."""
    ballots = BALLOTS + [("p1", "oppose", "online")]
    export, _ = build_board(ballots, [2, 5, 8], supersedes={0: 7, 7: None})
    assert first_problem(export) == "entry 0 supersedes entry 7, which is not an earlier entry"


def test_second_ballot_without_supersedes_detected():
    """One ballot per party across channels: a second ballot that does not supersede the first
    would count twice."""
    export, _ = build_board(supersedes={4: None})
    assert first_problem(export).startswith(
        "entry 4: its party already has ballot 1 that nothing supersedes"
    )


def test_forked_chain_detected():
    """Changed ballots form one chain: no entry is superseded twice."""
    ballots = BALLOTS + [("p2", "abstain", "paper")]
    export, _ = build_board(ballots, [2, 5, 8], supersedes={7: 1})
    assert first_problem(export) == "entry 7 supersedes entry 1, already superseded by 4"


def test_superseded_chain_forged_after_signing(board):
    """A supersedes link edited in the stored board (to count the old ballot) breaks the tree."""
    export = copy.deepcopy(board[0])
    export["entries"][4]["supersedes"] = None
    assert first_problem(export).startswith("signed head 1 (size 5)")


# --- weights and decryption (rules 5, 7) ---


def test_entry_weight_must_match_electorate():
    """SPC interpretation Art. 8-9: a ballot weighs its party's frozen area and one head."""
    export, _ = build_board(area_override={2: 200000})
    assert first_problem(export) == (
        "entry 2: area 2000.00 does not match the electorate's 1000.00 for its party"
    )
    export, _ = build_board(heads_override={2: 10})
    assert first_problem(export) == "entry 2: heads is 10, but a party is one head"


def test_sealed_choice_moved_between_parties_detected():
    """HPKE info binds vote id + pseudonym: a choice sealed for another party does not open."""
    export, _ = build_board(seal_override={3: pseudo("p6")})
    assert first_problem(export) == (
        "entry 3: the sealed choice does not open with the vote key for this vote and pseudonym"
    )


def test_wrong_private_key_detected(board):
    """The published private key must be the vote key's."""
    export = copy.deepcopy(board[0])
    export["vote_private_key"] = base64.b64encode(generate_vote_keypair()[0]).decode()
    assert first_problem(export) == (
        "the published vote private key does not belong to the vote public key"
    )


# --- format (rule 1) ---


@pytest.mark.parametrize(
    "mutate,expected",
    [
        (lambda d: d.update(format="gongzhi-board/0"), "format is"),
        (lambda d: d.pop("heads"), "the export has no 'heads'"),
        (lambda d: d.update(extra=1), "unknown key 'extra'"),
        (lambda d: d["entries"][0].update(area=98.12), "entry 0: area 98.12 is not an area"),
        (lambda d: d["entries"][0].update(area="98.1"), 'entry 0: area "98.1" is not'),
        (lambda d: d["entries"][0].update(channel="fax"), 'entry 0: channel "fax"'),
        (lambda d: d["entries"][0].update(time="2026-11-24 10:00"), "entry 0: time"),
        (lambda d: d["heads"][0].update(root="AB" * 32), "signed head 0: root is not"),
        (lambda d: d.update(result=None), "both be null"),
        (lambda d: d["entries"][0].update(pseudonym="\ud800"), "canonical JSON"),
    ],
)
def test_format_problems(board, mutate, expected):
    """Rule 1: the export's shape, types and canonical spellings are checked first."""
    export = copy.deepcopy(board[0])
    mutate(export)
    assert expected in first_problem(export)


# --- receipts ---


def test_receipt_check(board):
    """Receipt (DOMAIN s1): the code or entry hash finds the entry, an RFC 9162 inclusion proof
    puts it under the last signed head, and the voter learns whether it is the counted ballot."""
    export, _ = board
    receipt = receipt_for_entry(export["entries"][1])
    found, message = check_receipt(export, receipt["code"].lower())
    assert (
        found
        and "entry 1" in message
        and "replaced by the party's later ballot, entry 4" in message
    )
    found, message = check_receipt(export, receipt_for_entry(export["entries"][4])["entry_hash"])
    assert found and "counted ballot" in message
    found, message = check_receipt(export, "00000-00000")
    assert not found and "no entry" in message
    assert not check_receipt(export, "nonsense")[0]


# --- command line ---


def test_main_ok_and_fail(board, tmp_path, capsys):
    """`python -m voting.verify FILE`: exit 0 with "OK: ..." or 1 with "FAIL: <first problem>";
    2 if the file cannot be read."""
    export, signing = board
    good = tmp_path / "board.json"
    good.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    assert main([str(good)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "OK: vote v-2026-017 (电梯维修使用维修资金): 7 entries, 6 ballots counted"
    )
    assert "result " in out

    key = base64.b64encode(signing_public_key(signing)).decode()
    code = receipt_for_entry(export["entries"][2])["code"]
    assert main([str(good), "--key", key, "--receipt", code]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith(f"OK: receipt {code}: entry 2 (online")

    bad_export = copy.deepcopy(export)
    bad_export["entries"][6]["area"] = "1.00"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(bad_export), encoding="utf-8")
    assert main([str(bad)]) == 1
    assert capsys.readouterr().out == (
        "FAIL: entry 6: tree root does not match signed head 3 (size 7); the entry was changed, "
        "inserted or reordered after it was signed\n"
    )

    assert main([str(good), "--receipt", "ZZZZZ-ZZZZZ"]) == 1
    assert capsys.readouterr().out.splitlines()[1].startswith("FAIL: receipt ZZZZZ-ZZZZZ")

    junk = tmp_path / "junk.json"
    junk.write_text("{not json", encoding="utf-8")
    assert main([str(junk)]) == 1
    assert capsys.readouterr().out.startswith("FAIL: the file is not UTF-8 JSON")
    assert main([str(tmp_path / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_module_runs_standalone(board, tmp_path):
    """The verifier runs as `python -m voting.verify` with no Django settings."""
    import os
    import subprocess
    import sys

    export, _ = board
    path = tmp_path / "board.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    done = subprocess.run(
        [sys.executable, "-m", "voting.verify", str(path)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("OK: ")
    assert "django" not in done.stderr.lower()
