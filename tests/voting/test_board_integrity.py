"""The count and the receipt read the board; a board cannot be cut back (issue 18).

- The count opens the sealed choices of the board's current entries and cross-checks the
  ``Ballot`` table and the closing head: a ballot row or an entry changed before the close is
  caught, nothing is counted, and the refusal is audited once.
- The receipt check recomputes the entry's hash from the stored entry.
- The count signs a final head (format 4) over the closing board with the result's digest; the
  verifier requires it, so an export cut back to an earlier head fails, even re-counted.
- A vote opened with format 3 still counts and exports, and verifies with a note.
"""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest

from portal.audit.models import AuditEvent
from tests.factories import add_units
from tests.voting.factories import open_vote, party
from voting import board, services, tally
from voting.board_format import FORMAT, FORMAT_3, read_board, result_digest, seal_for_entry
from voting.models import Ballot, BoardEntry, TreeHead, VoteStatus
from voting.sealing import ChoiceOpener, ballot_context, sign_tree_head
from voting.verify import PREDATES_FINAL_HEADS, main, verify_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(world):
    e = world.estates[0]
    add_units(
        e,
        [
            ("1-101", "100.00", "A"),
            ("1-102", "90.00", "B"),
            ("1-103", "80.00", "C"),
            ("1-104", "60.00", "D"),
        ],
    )
    return e


def _cast(vote, estate, label, choice):
    return services.ballot_cast(actor=None, vote=vote, party=party(estate, label), choice=choice)


def _close(vote):
    later = vote.closes_at + timedelta(seconds=1)
    services.vote_close(vote=vote, now=later)
    return later


def _sealed_for(vote, label, choice) -> bytes:
    ballot = Ballot.objects.get(vote=vote, party__label=label)
    return seal_for_entry(choice, bytes(vote.public_key), vote.board_id, ballot.pseudonym)


def _refused(vote):
    return AuditEvent.objects.filter(action="voting.count_refused", object_id=str(vote.pk))


# --- the count reads the board --------------------------------------------------------------


def test_count_tallies_the_board_entries(estate):
    vote = open_vote(estate)
    _cast(vote, estate, "A", "oppose")
    _cast(vote, estate, "B", "agree")
    _cast(vote, estate, "A", "agree")  # changed: the latest counts
    later = _close(vote)
    services.vote_count(vote=vote, now=later, queue_export=False)
    vote.refresh_from_db()
    assert vote.status == VoteStatus.COUNTED
    assert vote.result["agree"]["heads"] == 2 and vote.result["oppose"]["heads"] == 0
    assert not _refused(vote).exists()


def test_ballot_row_changed_before_close_is_caught_at_the_count(estate):
    """Replacing one ``Ballot`` row's sealed choice (a well-formed "agree" for B's pseudonym)
    while the board says "oppose": the count refuses, counts nothing, and audits it once."""
    vote = open_vote(estate)
    _cast(vote, estate, "A", "agree")
    _cast(vote, estate, "B", "oppose")
    Ballot.objects.filter(vote=vote, party__label="B").update(
        sealed_choice=_sealed_for(vote, "B", "agree")
    )
    later = _close(vote)
    for _ in range(2):  # the worker tries again every minute
        with pytest.raises(services.VoteError) as exc:
            services.vote_count(vote=vote, now=later, queue_export=False)
        assert exc.value.code == "board_mismatch"
    vote.refresh_from_db()
    assert vote.status == VoteStatus.CLOSED and not vote.result and vote.private_key is None
    assert not TreeHead.objects.filter(vote=vote, final=True).exists()
    events = list(_refused(vote))
    assert len(events) == 1  # once per reason
    assert "differs from its counted board entry" in events[0].details["reason"]


def test_missing_ballot_row_is_caught_at_the_count(estate):
    vote = open_vote(estate)
    _cast(vote, estate, "A", "agree")
    _cast(vote, estate, "B", "oppose")
    Ballot.objects.filter(vote=vote, party__label="B").delete()
    later = _close(vote)
    with pytest.raises(services.VoteError) as exc:
        services.vote_count(vote=vote, now=later, queue_export=False)
    assert exc.value.code == "board_mismatch"
    assert "the ballot table holds 1" in _refused(vote).get().details["reason"]


def test_entry_and_ballot_changed_together_are_caught_by_the_closing_head(estate):
    """Both the entry and the ballot row changed to the same new choice (stored hash column
    untouched): the entries' tree no longer has the closing head's root."""
    vote = open_vote(estate)
    _cast(vote, estate, "A", "agree")
    entry = _cast(vote, estate, "B", "oppose")
    forged = _sealed_for(vote, "B", "agree")
    data = dict(entry.entry, sealed_choice=base64.b64encode(forged).decode())
    BoardEntry.objects.filter(pk=entry.pk).update(entry=data)
    Ballot.objects.filter(vote=vote, party__label="B").update(sealed_choice=forged)
    later = _close(vote)
    with pytest.raises(services.VoteError):
        services.vote_count(vote=vote, now=later, queue_export=False)
    assert "closing head's root" in _refused(vote).get().details["reason"]


def test_count_refuses_a_board_without_its_closing_head(estate, monkeypatch):
    vote = open_vote(estate)
    _cast(vote, estate, "A", "agree")
    monkeypatch.setattr(board, "board_head_sign", lambda **kw: None)
    later = _close(vote)
    monkeypatch.undo()
    with pytest.raises(services.VoteError):
        services.vote_count(vote=vote, now=later, queue_export=False)
    assert "no closing head" in _refused(vote).get().details["reason"]


def test_read_board_follows_changed_ballots_and_refuses_a_fork():
    def e(n, p, sup=None, channel="online", sealed="YQ=="):
        return {
            "n": n,
            "pseudonym": p,
            "area": "1.00",
            "heads": 1,
            "sealed_choice": sealed,
            "channel": channel,
            "time": "2026-11-24T10:00:00+08:00",
            "supersedes": sup,
        }

    hashes, current = read_board([e(0, "a"), e(1, "b"), e(2, "a", 0), e(3, "b", 1, "void", "")])
    assert len(hashes) == 4 and current["a"]["n"] == 2 and current["b"]["channel"] == "void"
    with pytest.raises(ValueError, match="not its party's previous entry"):
        read_board([e(0, "a"), e(1, "a")])  # a second ballot that supersedes nothing
    with pytest.raises(ValueError, match="numbered"):
        read_board([e(0, "a"), e(2, "b")])


# --- the receipt check recomputes the hash ----------------------------------------------------


def test_edited_entry_fails_the_receipt_check(estate):
    vote = open_vote(estate)
    entry = _cast(vote, estate, "A", "agree")
    _cast(vote, estate, "B", "oppose")
    board.sign_tree_heads()
    assert board.check_receipt(vote, entry.receipt).status == "included"
    edited = dict(entry.entry, channel="paper")  # the hash and receipt columns kept
    BoardEntry.objects.filter(pk=entry.pk).update(entry=edited)
    assert board.check_receipt(vote, entry.receipt).status == "broken"
    assert board.check_receipt(vote, entry.entry_hash).status == "broken"


# --- the final head ------------------------------------------------------------------------------


@pytest.fixture
def counted(estate):
    vote = open_vote(estate)
    _cast(vote, estate, "A", "agree")
    _cast(vote, estate, "B", "oppose")
    board.sign_tree_heads()
    _cast(vote, estate, "C", "oppose")
    _cast(vote, estate, "D", "oppose")
    later = _close(vote)
    services.vote_count(vote=vote, now=later, queue_export=False)
    vote.refresh_from_db()
    return vote


def test_the_count_signs_the_final_head_with_the_result(counted):
    heads = list(board.heads_of(counted))
    assert [(h.size, h.final) for h in heads] == [(2, False), (4, False), (4, True)]
    final = heads[-1]
    assert final.head["final"] is True and final.head["result"] == result_digest(counted.result)
    assert all(h.head["final"] is False and h.head["result"] is None for h in heads[:-1])
    assert board.head_signature_valid(final) and board.latest_head(counted) == final
    assert final.root == heads[1].root and final.time >= heads[1].time
    data = board.board_export(counted)
    assert data["format"] == FORMAT
    report = verify_export(data, signing_key=board.keys.signing_public_key_bytes())
    assert report.ok, report.problems
    assert report.summary["final"] is True


def _recount(data) -> dict:
    """What a forger recomputes for a cut-back board: the latest ballot of each party."""
    opener = ChoiceOpener(base64.b64decode(data["vote_private_key"]))
    latest = {e["pseudonym"]: e for e in data["entries"]}
    choices = {
        p: opener.open(
            base64.b64decode(e["sealed_choice"]), context=ballot_context(data["vote"]["id"], p)
        )
        for p, e in latest.items()
    }
    if data["format"] == FORMAT:  # format 6: areas are hidden, so the forger recounts heads only
        forged = json.loads(json.dumps(data["result"]))
        for choice in ("agree", "oppose", "abstain"):
            forged[choice]["heads"] = sum(1 for c in choices.values() if c == choice)
        return forged
    areas = {p["pseudonym"]: tally.parse_area(p["area"]) for p in data["electorate"]["parties"]}
    return tally.result_to_json(tally.tally(data["vote"]["matter"], areas, choices))


def test_export_cut_back_to_an_earlier_head_fails_even_pinned(counted, tmp_path, capsys):
    data = board.board_export(counted)
    cut = json.loads(json.dumps(data))
    cut["entries"] = cut["entries"][:2]
    cut["heads"] = cut["heads"][:1]
    cut["consistency"] = []
    cut["result"] = _recount(cut)
    assert cut["result"] != data["result"]  # A agree, B oppose: failed becomes a tie
    key = board.keys.signing_public_key_bytes()
    report = verify_export(cut, signing_key=key)
    assert not report.ok
    assert "is not the final head signed at the count" in report.problems[0]
    path = tmp_path / "cut.json"
    path.write_text(json.dumps(cut), encoding="utf-8")
    assert main([str(path), "--key", board.signing_key_b64()]) == 1
    assert "cut back to an earlier signed head" in capsys.readouterr().out
    # Keeping the final head does not help: it covers entries that are gone.
    cut["heads"] = [data["heads"][0], data["heads"][-1]]
    assert not verify_export(cut, signing_key=key).ok


def test_final_head_must_sign_the_exported_result(counted):
    """A final head re-signed (with the key) over another result is caught after the recount,
    and a final head that is not last is refused."""
    data = board.board_export(counted)
    signer = board.keys.signing_key()
    forged = json.loads(json.dumps(data))
    final = forged["heads"][-1]
    final["result"] = result_digest({"outcome": "passed"})
    final.pop("signature")
    final["signature"] = sign_tree_head(signer, final)
    report = verify_export(forged)
    assert not report.ok and "signs another result" in report.problems[0]
    early = json.loads(json.dumps(data))
    early["heads"] = [early["heads"][-1], *early["heads"][:-1]]
    assert not verify_export(early).ok


def test_board_export_refuses_a_format_4_board_without_its_final_head(counted):
    TreeHead.objects.filter(vote=counted, final=True).delete()
    with pytest.raises(ValueError, match="final head"):
        board.board_export(counted)


def test_vote_opened_with_format_3_still_counts_exports_and_verifies(
    estate, monkeypatch, tmp_path, capsys
):
    """A vote opened before format 4 keeps its format: no final flag in its heads, no final head
    at the count; the new verifier accepts its export and notes that it predates final heads."""
    monkeypatch.setattr(services, "FORMAT", FORMAT_3)
    vote = open_vote(estate)
    monkeypatch.undo()
    assert vote.export_format == FORMAT_3
    _cast(vote, estate, "A", "agree")
    later = _close(vote)
    services.vote_count(vote=vote, now=later, queue_export=False)
    vote.refresh_from_db()
    assert [h.final for h in board.heads_of(vote)] == [False]
    assert "final" not in board.latest_head(vote).head
    data = board.board_export(vote)
    assert data["format"] == FORMAT_3
    report = verify_export(data, signing_key=board.keys.signing_public_key_bytes())
    assert report.ok, report.problems
    assert report.summary["final"] is None
    path = tmp_path / "board.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main([str(path)]) == 0
    note = capsys.readouterr().out.splitlines()[-1]
    assert note == "NOTE: " + PREDATES_FINAL_HEADS.format(format=FORMAT_3)
