"""The public record of a vote's trustees (issue 18): a format 5 export names them (role, masked
name, public key, k of n), every head signs them through the manifest, the verifier reports
them and fails when one is changed; a vote without trustees says why; each trustee's act is in
the audit log. Exports made before (formats 2 to 4) still verify: test_board_fixtures."""

from __future__ import annotations

import base64
import copy
import json
from datetime import timedelta

import pytest

from portal.audit.models import AuditEvent
from portal.core.masking import mask_name
from tests.voting import test_trustee_flow as flow
from tests.voting.factories import draft_vote
from tests.voting.test_trustee_flow import (
    PASSPHRASES,
    _cast_and_close,
    _draft_with_trustees,
    _open,
    _trustee,
)
from voting import board, services, tasks, trustee_services
from voting.board_format import FORMAT, FORMAT_4, FORMAT_5
from voting.sealing import generate_vote_keypair
from voting.verify import main, verify_export

pytestmark = pytest.mark.django_db

setup = flow.setup  # the trustee flow's estate, committee, street office and owners


def _counted_trustee_vote(setup):
    vote, files = _draft_with_trustees(setup)
    _open(vote)
    _cast_and_close(setup, vote)
    for number, who in ((1, "committee"), (3, "owner_a")):
        trustee_services.trustee_open(
            actor=setup[who],
            trustee=_trustee(vote, number),
            key_file=files[number],
            passphrase=PASSPHRASES[number - 1],
        )
    vote.refresh_from_db()
    return vote


@pytest.fixture
def counted(setup):
    vote = _counted_trustee_vote(setup)
    return vote, board.board_export(vote)


def _run(tmp_path, capsys, data) -> tuple[int, str]:
    path = tmp_path / "board.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code = main([str(path)])
    return code, capsys.readouterr().out


def test_format_5_export_names_the_trustees_and_verifies(setup, counted, tmp_path, capsys):
    vote, data = counted
    assert data["format"] == FORMAT == "gongzhi-board/6"  # format 6 names them as 5 did
    assert data["no_trustees"] is None
    rows = list(vote.trustees.select_related("user").order_by("number"))
    assert data["trustees"] == {
        "k": 2,
        "n": 3,
        "list": [
            {
                "number": t.number,
                "role": t.kind,
                "name": mask_name(t.user.display_name or t.user.get_full_name()),
                "public_key": base64.b64encode(bytes(t.public_key)).decode(),
            }
            for t in rows
        ],
    }
    assert [t["role"] for t in data["trustees"]["list"]] == ["committee", "street", "scrutineer"]
    report = verify_export(data, signing_key=board.keys.signing_public_key_bytes())
    assert report.ok, report.problems
    assert report.summary["trustees"] == data["trustees"] and report.summary["final"] is True
    code, out = _run(tmp_path, capsys, data)
    assert code == 0
    first = data["trustees"]["list"][0]
    assert "trustees: 2 of 3 were needed to open the count (#1 committee " in out
    assert f"#1 committee {first['name']}" in out and "NOTE" not in out


def test_a_tampered_trustee_key_fails(counted, tmp_path, capsys):
    _vote, data = counted
    bad = copy.deepcopy(data)
    # A key of the tamperer's own, well formed: only the signed manifest can tell.
    _private, public = generate_vote_keypair()
    bad["trustees"]["list"][1]["public_key"] = base64.b64encode(public).decode()
    report = verify_export(bad)
    assert not report.ok
    assert "signs another vote setup" in report.problems[0]
    assert "trustees" in report.problems[0]
    code, out = _run(tmp_path, capsys, bad)
    assert code == 1 and out.startswith("FAIL: signed head 0")


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["trustees"].update(k=3),  # a higher threshold than the one signed
        lambda d: d["trustees"]["list"][2].update(role="committee"),
        lambda d: d["trustees"]["list"][0].update(name="王*"),
        lambda d: d.update(trustees=None, no_trustees="none"),  # hiding the trustees
    ],
    ids=["k", "role", "name", "hidden"],
)
def test_any_change_to_the_signed_trustees_fails(counted, change):
    _vote, data = counted
    bad = copy.deepcopy(data)
    change(bad)
    report = verify_export(bad)
    assert not report.ok and "signs another vote setup" in report.problems[0]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d.pop("trustees"), "has no 'trustees'"),
        (lambda d: d["trustees"]["list"].pop(), "trustees.n is 3 but the list has 2"),
        (lambda d: d.update(no_trustees="none"), "also says it has none"),
        (lambda d: d["trustees"]["list"][0].update(public_key="AAAA"), "32-byte raw key"),
        (lambda d: d.update(format=FORMAT_4), "unknown key 'no_trustees'"),
    ],
    ids=["no-key", "cut-list", "both", "short-key", "as-format-4"],
)
def test_a_truncated_or_malformed_trustee_record_fails(counted, change, words):
    _vote, data = counted
    bad = copy.deepcopy(data)
    change(bad)
    report = verify_export(bad)
    assert not report.ok and words in report.problems[0], report.problems


def test_passing_format_6_off_as_format_5_or_4_fails(counted):
    """Calling the export format 5, or dropping the trustees and calling it format 4: its
    electorate is a format 6 one (commitments), and the heads signed format 6."""
    _vote, data = counted
    bad = copy.deepcopy(data)
    bad["format"] = FORMAT_5
    report = verify_export(bad)
    assert not report.ok and "electorate has an unknown key 'opening'" in report.problems
    del bad["trustees"], bad["no_trustees"]
    bad["format"] = FORMAT_4
    report = verify_export(bad)
    assert not report.ok and "electorate has an unknown key 'opening'" in report.problems


def test_a_truncated_export_file_fails(counted, tmp_path, capsys):
    _vote, data = counted
    path = tmp_path / "board.json"
    text = json.dumps(data, ensure_ascii=False)
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    assert main([str(path)]) == 1
    assert capsys.readouterr().out.startswith("FAIL: the file is not UTF-8 JSON")


def test_the_record_is_fixed_at_open(setup):
    """A trustee who renames their account after open does not change the export: the masked
    names were recorded with the manifest."""
    vote, files = _draft_with_trustees(setup)
    _open(vote)
    committee = setup["committee"]
    before = mask_name(committee.display_name or committee.get_full_name())
    committee.display_name = "欧阳新名"
    committee.save()
    _cast_and_close(setup, vote)
    for number, who in ((1, "committee"), (2, "street")):
        trustee_services.trustee_open(
            actor=setup[who],
            trustee=_trustee(vote, number),
            key_file=files[number],
            passphrase=PASSPHRASES[number - 1],
        )
    vote.refresh_from_db()
    data = board.board_export(vote)
    assert data["trustees"]["list"][0]["name"] == before != mask_name("欧阳新名")
    assert verify_export(data).ok


def test_a_vote_without_online_channel_says_it_has_no_trustees(setup, tmp_path, capsys):
    vote = draft_vote(setup["estate"], channels=["paper"])
    trustee_services.trustees_name(actor=setup["committee"], vote=vote, k=None, named=[])
    _open(vote)
    services.vote_close(vote=vote, now=vote.closes_at)
    tasks.advance_votes(now=vote.closes_at + timedelta(minutes=1))
    vote.refresh_from_db()
    data = board.board_export(vote)
    assert data["format"] == FORMAT
    assert data["trustees"] is None and data["no_trustees"] == "no_online_channel"
    code, out = _run(tmp_path, capsys, data)
    assert code == 0
    assert "no trustees: the vote had no online channel, so none were named" in out
    bad = copy.deepcopy(data)
    bad["no_trustees"] = "none"
    assert "signs another vote setup" in verify_export(bad).problems[0]
    bad["no_trustees"] = "lost"
    assert 'no_trustees is "lost"' in verify_export(bad).problems[0]


def test_each_trustee_act_is_in_the_audit_log(setup):
    vote = _counted_trustee_vote(setup)
    events = AuditEvent.objects.filter(object_id=str(vote.pk), action__startswith="voting.trustee")
    details = {e.action: [] for e in events}
    for e in events:
        details[e.action].append(e.details)
    assert details["voting.trustees_named"] == [
        {"n": 3, "k": 2, "kinds": ["committee", "street", "scrutineer"]}
    ]
    assert sorted(d["trustee"] for d in details["voting.trustee_key_made"]) == [1, 2, 3]
    assert details["voting.trustee_shares_sealed"] == [{"k": 2, "trustees": [1, 2, 3]}]
    assert sorted(d["trustee"] for d in details["voting.trustee_opened"]) == [1, 3]
    assert details["voting.trustee_shares_erased"] == [{"shares": 3}]
