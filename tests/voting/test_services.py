"""Services of voting: lifecycle, frozen electorate, sealed ballots, the board, one ballot per
party (DOMAIN.md §1), through the database."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from portal.audit.models import AuditEvent
from property.registry.models import Ownership, Unit
from tests.factories import add_units, make_user
from tests.voting.factories import developer, draft_vote, finish, link_user, open_vote, party
from voting import keys, services, signals
from voting.board_format import (
    build_export,
    committed_electorate_json,
    entry_hash,
    make_head,
)
from voting.merkle import MerkleTree
from voting.models import Ballot, BoardElector, BoardEntry, Vote, VoteElector, VoteStatus
from voting.sealing import ballot_context, open_choice
from voting.verify import verify_export

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 32


@pytest.fixture
def estate(world):
    e = world.estates[0]
    add_units(
        e,
        [
            ("1-101", "100.00", "A"),
            ("1-102", "120.50", "A"),  # A holds two units: one head, 220.50 m²
            ("1-103", "90.00", "B+C"),  # co-owners: one party
            ("1-104", "80.00", None),  # the developer's unsold units: one head together
            ("1-105", "70.00", None),
            ("1-106", "60.00", "D"),
        ],
    )
    return e


def test_lifecycle_to_final_sends_signal(estate):
    """draft → scheduled → open → closed → counted → publicised → final; vote_finalised is sent
    once with the outcome, and every transition is in the audit log."""
    vote = draft_vote(estate)
    assert vote.status == VoteStatus.DRAFT and vote.rule == "ordinary"
    services.vote_schedule(actor=None, vote=vote)
    with pytest.raises(services.VoteError):
        services.vote_open(vote=vote)  # not yet time
    services.vote_open(vote=vote, now=vote.opens_at)
    for label, choice in [("A", "agree"), ("D", "agree"), ("B+C", "oppose")]:
        services.ballot_cast(
            actor=None, vote=vote, party=party(estate, label), choice=choice, now=vote.opens_at
        )
    got = []

    def receiver(sender, vote, outcome, **kw):
        got.append((sender, vote.pk, outcome))

    signals.vote_finalised.connect(receiver)
    try:
        with pytest.raises(services.VoteError):
            services.vote_close(vote=vote, now=vote.closes_at - timedelta(seconds=1))
        vote = finish(vote)
        assert vote.status == VoteStatus.PUBLICISED
        with pytest.raises(services.VoteError):
            services.vote_finalise(vote=vote, now=vote.publicity_ends_at - timedelta(seconds=1))
        services.vote_finalise(vote=vote, now=vote.publicity_ends_at)
    finally:
        signals.vote_finalised.disconnect(receiver)
    assert got == [(Vote, vote.pk, "passed")]
    actions = set(
        AuditEvent.objects.filter(object_id=str(vote.pk)).values_list("action", flat=True)
    )
    assert {
        "voting.created",
        "voting.scheduled",
        "voting.opened",
        "voting.closed",
        "voting.casts",
        "voting.counted",
        "voting.publicised",
        "voting.finalised",
    } <= actions


def test_notice_period_enforced(estate, settings):
    """The vote must open at least VOTE_NOTICE_DAYS after its notice is published."""
    settings.GONGZHI = {**settings.GONGZHI, "VOTE_NOTICE_DAYS": 7}
    vote = draft_vote(estate, opens_in=timedelta(days=6, hours=23))
    with pytest.raises(services.VoteError):
        services.vote_schedule(actor=None, vote=vote)
    ok = draft_vote(estate, opens_in=timedelta(days=7, minutes=1))
    assert services.vote_schedule(actor=None, vote=ok).status == VoteStatus.SCHEDULED


def test_create_refuses_bad_input(estate):
    """Matter outside 1..9, no channel, or closing before opening is refused; nothing written."""
    now = timezone.now()
    for kwargs in (
        {"matter": 10},
        {"matter": 1, "channels": []},
        {"matter": 1, "closes_at": now},
    ):
        with pytest.raises(services.VoteError):
            services.vote_create(
                actor=None,
                estate=estate,
                title="t",
                motion="m",
                opens_at=now + timedelta(days=1),
                closes_at=kwargs.pop("closes_at", now + timedelta(days=2)),
                **kwargs,
            )
    assert not Vote.objects.exists()


def test_cancel_needs_reason_and_must_precede_opening(estate):
    """A vote can be cancelled with a reason before it opens, not after."""
    vote = draft_vote(estate)
    with pytest.raises(services.VoteError):
        services.vote_cancel(actor=None, vote=vote, reason=" ")
    services.vote_cancel(actor=None, vote=vote, reason="重新询价")
    assert vote.status == VoteStatus.CANCELLED
    opened = open_vote(estate)
    with pytest.raises(services.VoteError):
        services.vote_cancel(actor=None, vote=opened, reason="太晚")


def test_extension_limit(estate, settings):
    """Extensions, once or more, add at most VOTE_MAX_EXTENSION_DAYS in total."""
    settings.GONGZHI = {**settings.GONGZHI, "VOTE_MAX_EXTENSION_DAYS": 92}
    vote = open_vote(estate)
    original = vote.closes_at
    services.vote_extend(actor=None, vote=vote, closes_at=original + timedelta(days=60))
    services.vote_extend(actor=None, vote=vote, closes_at=original + timedelta(days=92))
    assert vote.extensions == 2
    with pytest.raises(services.VoteError):
        services.vote_extend(
            actor=None, vote=vote, closes_at=original + timedelta(days=92, seconds=1)
        )
    with pytest.raises(services.VoteError):
        services.vote_extend(actor=None, vote=vote, closes_at=original)  # not later


def test_electorate_frozen_at_open(estate):
    """Heads and areas are frozen at open: the developer is one head, a multi-unit owner one
    head with summed area, co-owners one head; later registry changes do not touch the vote."""
    vote = open_vote(estate)
    assert vote.total_heads == 4  # A, B+C, developer, D
    assert vote.total_units == 6
    assert vote.total_area_centi == 52050
    areas = {e.party.label: e.area_centi for e in VoteElector.objects.select_related("party")}
    assert areas["A"] == 22050 and areas["开发商"] == 15000 and areas["B+C"] == 9000
    # The registry changes: D's unit grows and the developer sells a unit to D.
    Unit.objects.filter(code="1-106").update(area=Decimal("600.00"))
    sold = Ownership.objects.get(unit__code="1-105", end__isnull=True)
    sold.end = timezone.now().date()
    sold.save()
    Ownership.objects.create(unit=sold.unit, party=party(estate, "D"), start=timezone.now().date())
    services.ballot_cast(actor=None, vote=vote, party=party(estate, "D"), choice="agree")
    vote.refresh_from_db()
    assert vote.total_area_centi == 52050
    assert Ballot.objects.get(vote=vote).area_centi == 6000
    vote = finish(vote)
    assert vote.result["total"] == {"heads": 4, "area": "520.50"}
    assert vote.result["agree"] == {"heads": 1, "area": "60.00"}


def test_one_ballot_per_party_across_channels(estate, world):
    """A party votes once: a paper or proxy ballot after an online one is refused with a clear
    message; a change through the same channel follows the vote's setting."""
    vote = open_vote(estate)
    a = party(estate, "A")
    services.ballot_cast(actor=None, vote=vote, party=a, choice="agree")
    committee = make_user()
    with pytest.raises(services.VoteError) as exc:
        services.ballot_cast(
            actor=committee,
            vote=vote,
            party=a,
            choice="oppose",
            channel="paper",
            scan=ContentFile(PNG, name="s.png"),
        )
    assert exc.value.code == "already_cast"
    services.ballot_cast(actor=None, vote=vote, party=a, choice="oppose")  # change, online
    assert Ballot.objects.filter(vote=vote, party=a).count() == 1
    entries = list(BoardEntry.objects.filter(vote=vote).order_by("n"))
    assert [e.n for e in entries] == [0, 1]
    assert entries[1].entry["supersedes"] == 0 and entries[0].entry["supersedes"] is None
    assert Ballot.objects.get(vote=vote, party=a).entry_id == entries[1].pk

    strict = open_vote(estate, allow_change=False, title="不可更改")
    services.ballot_cast(actor=None, vote=strict, party=a, choice="agree")
    with pytest.raises(services.VoteError):
        services.ballot_cast(actor=None, vote=strict, party=a, choice="oppose")
    assert BoardEntry.objects.filter(vote=strict).count() == 1


def test_changed_ballot_latest_counts(estate):
    """The latest ballot of a party counts; every ballot stays on the board."""
    vote = open_vote(estate)
    a = party(estate, "A")
    services.ballot_cast(actor=None, vote=vote, party=a, choice="oppose")
    services.ballot_cast(actor=None, vote=vote, party=a, choice="agree")
    for label in ("D", "B+C"):
        services.ballot_cast(actor=None, vote=vote, party=party(estate, label), choice="agree")
    vote = finish(vote)
    assert vote.result["agree"]["heads"] == 3 and vote.result["oppose"]["heads"] == 0
    assert BoardEntry.objects.filter(vote=vote).count() == 4


def test_proxy_needs_approved_authorization(estate):
    """A proxy casts for a party only with an approved written authorization for that vote."""
    vote = open_vote(estate)
    owner = link_user(party(estate, "D"))
    proxy = make_user()
    d = party(estate, "D")
    with pytest.raises(services.VoteError):
        services.ballot_cast(actor=proxy, vote=vote, party=d, choice="agree", channel="proxy")
    auth = services.proxy_request(
        actor=owner, vote=vote, party=d, proxy_user=proxy, document=ContentFile(PNG, name="a.png")
    )
    with pytest.raises(services.VoteError):  # a second live authorization
        services.proxy_request(
            actor=owner,
            vote=vote,
            party=d,
            proxy_user=proxy,
            document=ContentFile(PNG, name="b.png"),
        )
    with pytest.raises(services.VoteError):
        services.ballot_cast(actor=proxy, vote=vote, party=d, choice="agree", channel="proxy")
    services.proxy_decide(actor=make_user(), authorization=auth, approve=True)
    services.ballot_cast(actor=proxy, vote=vote, party=d, choice="agree", channel="proxy")
    with pytest.raises(services.VoteError):  # the owner online after the proxy
        services.ballot_cast(actor=owner, vote=vote, party=d, choice="oppose")
    assert Ballot.objects.get(vote=vote, party=d).channel == "proxy"


def test_not_in_electorate_or_closed_refused(estate, world):
    """Only parties of the frozen electorate vote, and only while the vote is open."""
    vote = open_vote(estate)
    other = world.estates[1]
    add_units(other, [("9-901", "50.00", "Z")])
    with pytest.raises(services.VoteError):
        services.ballot_cast(actor=None, vote=vote, party=party(other, "Z"), choice="agree")
    with pytest.raises(services.VoteError):
        services.ballot_cast(actor=None, vote=vote, party=party(estate, "A"), choice="maybe")
    services.vote_close(vote=vote, now=vote.closes_at)
    with pytest.raises(services.VoteError):
        services.ballot_cast(actor=None, vote=vote, party=party(estate, "A"), choice="agree")


def test_database_dump_reveals_no_choice_while_open(estate):
    """While open, choices exist only sealed: a dump of every table has no plain choice, and the
    vote's private key is stored only wrapped."""
    vote = open_vote(estate)
    for label, choice in [("A", "agree"), ("D", "oppose"), ("B+C", "abstain")]:
        services.ballot_cast(actor=None, vote=vote, party=party(estate, label), choice=choice)
    out = StringIO()
    call_command("dumpdata", "voting", "audit", stdout=out)
    dump = out.getvalue()
    for word in ("agree", "oppose", "abstain"):
        assert word not in dump
    vote.refresh_from_db()
    assert vote.private_key is None and vote.private_key_wrapped
    # Each sealed choice opens only with the unwrapped key and its own context.
    from voting.sealing import unwrap_private_key

    key = unwrap_private_key(
        bytes(vote.private_key_wrapped), keys.wrapping_key(), context=f"vote:{vote.pk}".encode()
    )
    b = Ballot.objects.get(vote=vote, party=party(estate, "A"))
    assert (
        open_choice(bytes(b.sealed_choice), key, context=ballot_context(str(vote.pk), b.pseudonym))
        == "agree"
    )


def test_board_export_verifies(estate):
    """The board entries are exactly what voting.verify expects: an export assembled from the
    models (signed head, published key, stored result) passes the public verifier, and each
    stored entry hash is the voter's receipt."""
    import base64

    vote = open_vote(estate)
    for label, choice in [("A", "agree"), ("D", "agree"), ("B+C", "oppose"), ("A", "abstain")]:
        services.ballot_cast(actor=None, vote=vote, party=party(estate, label), choice=choice)
    vote = finish(vote)
    entries = [e.entry for e in BoardEntry.objects.filter(vote=vote).order_by("n")]
    for e in BoardEntry.objects.filter(vote=vote):
        assert entry_hash(e.entry).hex() == e.entry_hash
    tree = MerkleTree(entry_hash(e) for e in entries)
    # The count cut the links: the published electorate has no party.
    electors = list(BoardElector.objects.filter(vote=vote).order_by("pseudonym"))
    # Format 6: each party's area commitment, the total area and the sum of the openings.
    assert all(e.area_centi is None and len(bytes(e.commitment)) == 33 for e in electors)
    electorate = committed_electorate_json(
        ((e.pseudonym, bytes(e.commitment)) for e in electors),
        vote.total_area_centi,
        int(vote.area_opening, 16),
    )
    from voting.board_format import (
        manifest_hash,
    )

    manifest = manifest_hash(
        vote.board_vote_json(),
        electorate,
        base64.b64encode(bytes(vote.public_key)).decode(),
        **vote.board_trustees,
    )
    assert manifest == vote.manifest
    heads = [
        make_head(
            keys.signing_key(),
            vote_id=vote.board_id,
            tree=tree,
            size=len(entries),
            time=services.board_time(at),
            manifest=manifest,
            final=final,
            result=vote.result if final else None,
        )
        for at, final in ((vote.closed_at, False), (vote.counted_at, True))
    ]
    export = build_export(
        vote=vote.board_vote_json(),
        electorate=electorate,
        signing_key=keys.signing_public_key_bytes(),
        vote_public_key=bytes(vote.public_key),
        vote_private_key=bytes(vote.private_key),
        entries=entries,
        heads=heads,
        result=vote.result,
        **vote.board_trustees,
    )
    report = verify_export(json.loads(json.dumps(export)))
    assert report.ok, report.problems
    assert report.summary["ballots"] == 3 and report.summary["superseded"] == 1


def test_developer_and_multi_unit_heads_in_result(estate):
    """The developer's units are one head, a multi-unit owner one head with all its area."""
    vote = open_vote(estate)
    services.ballot_cast(actor=None, vote=vote, party=developer(estate), choice="agree")
    services.ballot_cast(actor=None, vote=vote, party=party(estate, "A"), choice="oppose")
    vote = finish(vote)
    assert vote.result["agree"] == {"heads": 1, "area": "150.00"}
    assert vote.result["oppose"] == {"heads": 1, "area": "220.50"}


def test_objection_only_during_publicity(estate):
    """Objections are recorded during the publicity period only."""
    vote = open_vote(estate)
    user = link_user(party(estate, "A"))
    with pytest.raises(services.VoteError):
        services.objection_file(actor=user, vote=vote, text="x")
    vote = finish(vote)
    services.objection_file(actor=user, vote=vote, text="计票有误")
    with pytest.raises(services.VoteError):
        services.objection_file(
            actor=user, vote=vote, text="晚了", now=vote.publicity_ends_at + timedelta(seconds=1)
        )
    assert vote.objections.count() == 1


def test_vote_tally_command(tmp_path):
    """manage.py vote_tally reads JSON (file or stdin) and prints the tally JSON; bad input is a
    one-line CommandError."""
    from django.core.management.base import CommandError

    data = {
        "matter": 1,
        "units": [{"unit": "1", "area": "100.00", "party": "P1"}],
        "ballots": [{"party": "P1", "choice": "agree"}],
    }
    f = tmp_path / "in.json"
    f.write_text(json.dumps(data))
    out = StringIO()
    call_command("vote_tally", str(f), stdout=out)
    assert json.loads(out.getvalue())["outcome"] == "passed"
    f.write_text(json.dumps({**data, "matter": 12}))
    with pytest.raises(CommandError, match="unknown matter"):
        call_command("vote_tally", str(f))
    with pytest.raises(CommandError):
        call_command("vote_tally", str(tmp_path / "missing.json"))


def test_vote_tally_command_stdin(monkeypatch):
    """``-`` reads standard input."""
    data = {"matter": 6, "units": [{"unit": "1", "area": "1.00", "party": "P"}], "ballots": []}
    monkeypatch.setattr("sys.stdin", StringIO(json.dumps(data)))
    out = StringIO()
    call_command("vote_tally", "-", stdout=out)
    assert json.loads(out.getvalue())["outcome"] == "invalid"


def test_count_streams_in_small_chunks(estate, monkeypatch):
    """Counting streams the ballots in chunks; one row per round trip gives the same figures."""
    vote = open_vote(estate)
    for label, choice in [("A", "agree"), ("D", "oppose"), ("B+C", "abstain")]:
        services.ballot_cast(actor=None, vote=vote, party=party(estate, label), choice=choice)
    monkeypatch.setattr(services, "COUNT_CHUNK", 1)
    vote = finish(vote)
    assert vote.result["agree"] == {"heads": 1, "area": "220.50"}
    assert vote.result["oppose"] == {"heads": 1, "area": "60.00"}
    assert vote.result["abstain"] == {"heads": 1, "area": "90.00"}


def _stale_first_read(monkeypatch, stale):
    """Make the cast's first (unlocked) read return ``stale``, as if another request cast for the
    party right after it; later reads are real."""
    real = services._elector_and_ballot
    calls = []

    def read(vote, party, *rest):
        calls.append(1)
        return stale if len(calls) == 1 else real(vote, party, *rest)

    monkeypatch.setattr(services, "_elector_and_ballot", read)
    return calls


def test_change_read_before_another_change_supersedes_the_latest(estate, monkeypatch):
    """A change decided on a ballot that another request replaced meanwhile is written against
    the current one: every entry is superseded at most once."""
    vote = open_vote(estate)
    a = party(estate, "A")
    services.ballot_cast(actor=None, vote=vote, party=a, choice="agree")
    stale = services._elector_and_ballot(vote, a)
    services.ballot_cast(actor=None, vote=vote, party=a, choice="oppose")
    calls = _stale_first_read(monkeypatch, stale)
    entry = services.ballot_cast(actor=None, vote=vote, party=a, choice="abstain")
    assert len(calls) == 2  # the stale write was rolled back and decided again under the lock
    board = list(BoardEntry.objects.filter(vote=vote).order_by("n"))
    assert [e.entry["supersedes"] for e in board] == [None, 0, 1]
    assert Ballot.objects.get(vote=vote).entry_id == entry.pk
    assert Ballot.objects.get(vote=vote).changes == 2


def test_first_ballot_read_before_another_cast_becomes_a_change_or_is_refused(estate, monkeypatch):
    """Two co-owners cast at once: the later one is a change where changes are allowed, and is
    refused where they are not; never two current ballots, never a gap on the board."""
    vote = open_vote(estate)
    a = party(estate, "A")
    stale = services._elector_and_ballot(vote, a)
    services.ballot_cast(actor=None, vote=vote, party=a, choice="agree")
    _stale_first_read(monkeypatch, stale)
    services.ballot_cast(actor=None, vote=vote, party=a, choice="oppose")
    assert [e.entry["supersedes"] for e in BoardEntry.objects.filter(vote=vote).order_by("n")] == [
        None,
        0,
    ]

    strict = open_vote(estate, allow_change=False)
    stale = services._elector_and_ballot(strict, a)
    services.ballot_cast(actor=None, vote=strict, party=a, choice="agree")
    _stale_first_read(monkeypatch, stale)
    with pytest.raises(services.VoteError):
        services.ballot_cast(actor=None, vote=strict, party=a, choice="oppose")
    assert BoardEntry.objects.filter(vote=strict).count() == 1
    assert Ballot.objects.filter(vote=strict).count() == 1
