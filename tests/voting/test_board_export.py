"""The bulletin board end to end (DOMAIN.md §1, Verifiability): signed heads while open and at
close, receipts proven by inclusion, the public export verified by the standalone verifier, and
tampering with the stored board or result caught."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from tests.factories import add_units, make_user
from tests.voting.factories import open_vote, party
from voting import board, services, tasks
from voting.models import BoardEntry, TreeHead, Vote, VoteStatus
from voting.verify import verify_export

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 32
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def estate(world):
    e = world.estates[0]
    add_units(
        e,
        [
            ("1-101", "100.00", "A"),
            ("1-102", "120.50", "A"),
            ("1-103", "90.00", "B+C"),
            ("1-104", "80.00", None),
            ("1-105", "60.00", "D"),
            ("1-106", "75.25", "E"),
        ],
    )
    return e


def _cast(vote, estate, label, choice, channel="online", when=None, actor=None):
    scan = ContentFile(PNG, name="ballot.png") if channel == "paper" else None
    return services.ballot_cast(
        actor=actor,
        vote=vote,
        party=party(estate, label),
        choice=choice,
        channel=channel,
        scan=scan,
        now=when,
    )


@pytest.fixture
def counted(estate):
    """A vote run through the services and the worker: online, paper and a changed ballot,
    heads signed while open by the every-minute task and at close by advance_votes."""
    vote = open_vote(estate)
    t0 = vote.opened_at
    clerk = make_user()
    a1 = _cast(vote, estate, "A", "oppose", when=t0 + timedelta(minutes=1))
    _cast(vote, estate, "B+C", "agree", when=t0 + timedelta(minutes=1))
    assert board.sign_tree_heads(now=t0 + timedelta(minutes=2)) == 1
    assert board.sign_tree_heads(now=t0 + timedelta(minutes=3)) == 0  # unchanged: no new head
    _cast(vote, estate, "D", "agree", channel="paper", when=t0 + timedelta(minutes=4), actor=clerk)
    a2 = _cast(vote, estate, "A", "agree", when=t0 + timedelta(minutes=5))  # changed ballot
    _cast(vote, estate, "E", "abstain", when=t0 + timedelta(minutes=5))
    assert board.sign_tree_heads(now=t0 + timedelta(minutes=6)) == 1
    moved = tasks.advance_votes(now=vote.closes_at)  # close (+ closing head), count, publicise
    assert moved["closed"] == moved["counted"] == 1
    vote.refresh_from_db()
    return {"vote": vote, "first": a1, "changed": a2}


def _export(client, vote) -> dict:
    response = client.get(reverse("voting:board_json", args=[vote.pk]))
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))


def test_heads_signed_while_open_and_at_close(counted):
    """A head every minute only when the board grew, one at close covering every entry, and the
    count's final head over the same entries."""
    vote = counted["vote"]
    sizes = list(TreeHead.objects.filter(vote=vote).values_list("size", "final"))
    # the closing head found nothing new after minute 6; the count signed the final head
    assert sizes == [(2, False), (5, False), (5, True)]
    assert vote.status == VoteStatus.PUBLICISED
    assert board.board_head_sign(vote=vote) is None  # idempotent
    for head in TreeHead.objects.filter(vote=vote):
        assert board.head_signature_valid(head)
        assert head.head["manifest"] == vote.manifest


def test_closing_head_signed_by_advance_votes(estate):
    """Closing signs the head covering the ballots cast since the last minute's head."""
    vote = open_vote(estate)
    _cast(vote, estate, "A", "agree")
    tasks.advance_votes(now=vote.closes_at)
    heads = list(TreeHead.objects.filter(vote=vote))
    assert [(h.size, h.final) for h in heads] == [(1, False), (1, True)]  # closed, then counted
    vote.refresh_from_db()
    assert heads[0].time >= vote.closed_at - timedelta(seconds=1)


def test_export_verifies_and_receipts_prove_inclusion(client, counted, tmp_path):
    """The published export passes the standalone verifier (python -m voting.verify and
    manage.py verify_vote) and the recount equals the stored result; each receipt is found."""
    vote = counted["vote"]
    data = _export(client, vote)
    report = verify_export(data, signing_key=board.keys.signing_public_key_bytes())
    assert report.ok, report.problems
    assert report.summary["entries"] == 5 and report.summary["ballots"] == 4
    assert report.summary["result"] == vote.result
    assert data["heads"] == [h.head for h in TreeHead.objects.filter(vote=vote)]
    path = tmp_path / "board.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "voting.verify", str(path), "--receipt", counted["changed"].receipt],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("OK:") and "counted ballot" in proc.stdout
    out = StringIO()
    call_command("verify_vote", str(path), stdout=out)  # exits 0: no SystemExit


def test_verify_receipt_command(counted):
    """manage.py verify_receipt prints the entry, the head and the supersession; exit 1 if not
    found."""
    vote, first = counted["vote"], counted["first"]
    out = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("verify_receipt", str(vote.pk), first.receipt.lower(), stdout=out)
    assert exc.value.code == 0
    text = out.getvalue()
    assert text.startswith("OK:") and "inclusion proof" in text
    assert f"superseded by entry {counted['changed'].n}" in text
    with pytest.raises(SystemExit) as exc:
        call_command("verify_receipt", str(vote.pk), "00000-00000", stdout=StringIO())
    assert exc.value.code == 1


def _fails(client, vote, needle: str, tmp_path) -> str:
    # The stored board was changed before the export file was written (the file, once
    # written, is what is served; it is written again here from the changed rows).
    vote.refresh_from_db()
    board.board_export_publish(vote=vote, replace=True)
    data = _export(client, vote)
    report = verify_export(data)
    assert not report.ok
    assert needle in report.problems[0], report.problems[0]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        call_command("verify_vote", str(path), stdout=StringIO())
    assert exc.value.code == 1
    return report.problems[0]


def test_tampered_entry_fails(client, counted, tmp_path):
    """One byte changed in a stored board entry: the signed root no longer matches."""
    entry = BoardEntry.objects.get(vote=counted["vote"], n=1)
    changed = dict(entry.entry)
    sealed = changed["sealed_choice"]
    changed["sealed_choice"] = sealed[:10] + ("A" if sealed[10] != "A" else "B") + sealed[11:]
    BoardEntry.objects.filter(pk=entry.pk).update(entry=changed)
    problem = _fails(client, counted["vote"], "root", tmp_path)
    assert "signed head" in problem


def test_deleted_entry_fails(client, counted, tmp_path):
    """An entry deleted from the board: the numbering shows the gap."""
    first = counted["first"]  # superseded, so no current ballot points at it
    BoardEntry.objects.filter(pk=first.pk).delete()
    _fails(client, counted["vote"], "removed", tmp_path)


def test_changed_result_fails(client, counted, tmp_path):
    """A stored result that differs from the recount is named."""
    vote = counted["vote"]
    result = dict(vote.result)
    result["agree"] = {**result["agree"], "heads": result["agree"]["heads"] + 1}
    Vote.objects.filter(pk=vote.pk).update(result=result)
    problem = _fails(client, vote, "recount", tmp_path)
    assert "agree.heads" in problem


def test_export_refused_before_count(client, estate):
    """No export (404) while the vote is open or closed but not counted."""
    vote = open_vote(estate)
    _cast(vote, estate, "A", "agree")
    url = reverse("voting:board_json", args=[vote.pk])
    assert client.get(url).status_code == 404
    services.vote_close(vote=vote, now=vote.closes_at)
    assert client.get(url).status_code == 404


def test_ensure_schedules_registers_head_signing():
    """The worker start-up registers sign_tree_heads every minute, once."""
    from django_q.models import Schedule

    from portal.core.schedules import ensure_schedules

    ensure_schedules()
    ensure_schedules()
    s = Schedule.objects.get(name="voting.sign_tree_heads")
    assert s.func == "voting.board.sign_tree_heads" and s.minutes == 1
    assert Schedule.objects.filter(name="voting.sign_tree_heads").count() == 1


def test_receipt_check_detects_tampered_entry(counted):
    """A receipt whose stored entry was altered no longer verifies under the signed head."""
    vote, entry = counted["vote"], counted["changed"]
    assert board.check_receipt(vote, entry.receipt).status == "included"
    BoardEntry.objects.filter(pk=entry.pk).update(entry_hash="0" * 64)
    assert board.check_receipt(vote, "0" * 64).status == "broken"
