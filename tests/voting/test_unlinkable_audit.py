"""Issue 18 ("No link"): what street, district and city staff can read in the audit log, with
the public export, names no board entry of any party (docs/board.md, "Who can learn what").

Ballots are cast over an hour, in an order that is not the parties' order; after the close and
the count every audit event an officer's audit page lists is taken, with the public export, and
nothing in them puts a party or person to a board entry: no entry number, receipt, entry hash
or pseudonym; no event per cast (so no time or order that follows the board's); the one record
of who took part lists the parties by id, not in the board's order, with no time but the
close's."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from portal.audit.models import AuditEvent
from portal.organisations.models import OrgKind
from portal.permissions import scope_q
from tests.factories import add_units, staff
from tests.voting.factories import link_user, open_vote, party
from voting import services, tasks
from voting.models import BoardElector, BoardEntry

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 32


@pytest.fixture
def estate(world):
    e = world.estates[0]
    add_units(
        e,
        [
            ("1-101", "100.00", "A"),
            ("1-102", "90.00", "B"),
            ("1-103", "80.00", "C"),
            ("1-104", "70.00", "D"),
            ("1-105", "60.00", "E"),
        ],
    )
    return e


def _officers(world):
    return {
        "street": staff(OrgKind.STREET_OFFICE, world.streets[0]),
        "district": staff(OrgKind.BUREAU, world.districts[0]),
        "city": staff(OrgKind.BUREAU, world.city),
    }


def _visible(officer):
    """The rows the officer's audit page lists (``AuditIndexView.get_base_queryset``)."""
    return AuditEvent.objects.filter(scope_q(officer, "jurisdiction_path"))


def _text(event: AuditEvent) -> str:
    """Everything the audit page shows of one event (list and inspect views)."""
    return json.dumps(
        [
            event.at.isoformat(),
            event.get_actor_label_display(),
            event.action,
            event.object_type,
            event.object_id,
            event.get_object_repr_display(),
            event.jurisdiction_path,
            event.details,
        ],
        ensure_ascii=False,
    )


@pytest.fixture
def counted(world, estate):
    """Online casts by E, B (changed later) and A, a paper ballot for C entered by a committee
    member, D not voting: board order E, C, B, A, B; party order A, B, C, E."""
    vote = open_vote(estate)
    t0 = vote.opened_at
    voters = {label: link_user(party(estate, label)) for label in ("A", "B", "E")}
    clerk = staff(OrgKind.OWNERS_COMMITTEE, world.estate_nodes[0], organisation=world.committees[0])
    before = AuditEvent.objects.count()

    def cast(label, choice, minutes, channel="online", actor=None):
        services.ballot_cast(
            actor=actor or voters[label],
            vote=vote,
            party=party(estate, label),
            choice=choice,
            channel=channel,
            scan=ContentFile(PNG, name="ballot.png") if channel == "paper" else None,
            now=t0 + timedelta(minutes=minutes),
        )

    cast("E", "agree", 3)
    cast("C", "oppose", 11, channel="paper", actor=clerk)
    cast("B", "agree", 17)
    cast("A", "abstain", 29)
    cast("B", "oppose", 47)  # changed
    written_while_casting = AuditEvent.objects.count() - before
    moved = tasks.advance_votes(now=vote.closes_at)  # close (+ closing head), count, publicise
    assert moved["closed"] == moved["counted"] == 1
    vote.refresh_from_db()
    return {
        "vote": vote,
        "voters": voters,
        "clerk": clerk,
        "written_while_casting": written_while_casting,
    }


def _secrets(vote) -> list[str]:
    """What would put a party to a board entry: receipts, entry hashes, pseudonyms."""
    out = []
    for receipt, digest in BoardEntry.objects.filter(vote=vote).values_list(
        "receipt", "entry_hash"
    ):
        out += [receipt, digest]
    out += list(BoardElector.objects.filter(vote=vote).values_list("pseudonym", flat=True))
    assert out and None not in out
    return out


def test_no_audit_event_per_cast(counted):
    """Casting (online, paper, a change) writes nothing to the audit log: there is no event
    whose time or order could follow the board's entries."""
    vote = counted["vote"]
    assert counted["written_while_casting"] == 0
    assert not AuditEvent.objects.filter(action="voting.ballot_cast").exists()
    assert BoardEntry.objects.filter(vote=vote).count() == 5


def test_officers_audit_names_no_entry_and_no_voter(world, counted):
    """Every event a street, district or city officer can read: no receipt, entry hash or
    pseudonym; no voter as actor; no detail that is an entry number or a time."""
    vote = counted["vote"]
    secrets = _secrets(vote)
    voter_labels = {str(u) for u in counted["voters"].values()}
    for who, officer in _officers(world).items():
        events = list(_visible(officer))
        assert any(e.action == "voting.casts" for e in events), who  # they do see who took part
        for event in events:
            text = _text(event)
            assert not [s for s in secrets if s in text], (who, event.action)
            assert event.get_actor_label_display() not in voter_labels, (who, event.action)
            assert not {"entry", "n", "receipt", "time", "pseudonym"} & set(event.details)


def test_who_took_part_is_listed_once_by_party_not_by_board_order(world, counted):
    """One ``voting.casts`` event, written at the close: the parties whose ballot counts,
    ordered by party id, which here is not the order their ballots reached the board; the
    committee member who entered the paper ballot, with how many."""
    vote = counted["vote"]
    (event,) = AuditEvent.objects.filter(action="voting.casts", object_id=str(vote.pk))
    closed = AuditEvent.objects.get(action="voting.closed", object_id=str(vote.pk))
    assert event.pk > closed.pk  # written by the close, after the casts
    parties = event.details["parties"]
    # The board's order of first casts, known from the fixture: the count erased every link.
    first_casts = [party(vote.estate, label).pk for label in ("E", "C", "B", "A")]
    assert sorted(parties) == sorted(first_casts)
    assert parties == sorted(parties)
    assert parties != first_casts  # the crafted case: board order E, C, B, A differs
    assert party(vote.estate, "D").pk not in parties
    assert event.details["paper_entered_by"] == {str(counted["clerk"].pk): 1}
    assert event.details["entries_by_channel"] == {"online": 4, "paper": 1}


def test_audit_page_and_export_show_no_link(client, world, counted):
    """What the street officer's audit page shows and what the public export holds: neither
    names a voter next to anything of the board, and the page lists no cast."""
    vote = counted["vote"]
    officer = _officers(world)["street"]
    client.force_login(officer)
    page = client.get("/admin/audit/?action=voting.casts").content.decode()
    assert "voting.casts" in page and "voting.ballot_cast" not in page
    assert not [s for s in _secrets(vote) if s in page]
    client.logout()
    response = client.get(reverse("voting:board_json", args=[vote.pk]))
    assert response.status_code == 200
    export = b"".join(response.streaming_content).decode()
    names = [str(u) for u in counted["voters"].values()] + [str(counted["clerk"])]
    names += [u.phone for u in counted["voters"].values()]
    names += [p.label for p in vote.estate.parties.all()]
    names += [m.name for p in vote.estate.parties.all() for m in p.members.all()]
    assert not [n for n in names if n and f'"{n}"' in export]


def test_dispute_events_name_the_dispute_not_the_entry(world, estate):
    """Filing and deciding a dispute of a paper ballot audits the dispute, not its entry."""
    vote = open_vote(estate)
    clerk = staff(OrgKind.OWNERS_COMMITTEE, world.estate_nodes[0], organisation=world.committees[0])
    owner = link_user(party(estate, "C"))
    entry = services.ballot_cast(
        actor=clerk,
        vote=vote,
        party=party(estate, "C"),
        choice="agree",
        channel="paper",
        scan=ContentFile(PNG, name="ballot.png"),
    )
    dispute = services.ballot_dispute_file(
        actor=owner, vote=vote, entry=entry, party=party(estate, "C"), statement="不是我填的"
    )
    services.ballot_dispute_decide(
        actor=_officers(world)["street"], dispute=dispute, uphold=True, reason="核实"
    )
    events = AuditEvent.objects.filter(action__startswith="voting.ballot_dispute")
    assert {e.action for e in events} == {
        "voting.ballot_disputed",
        "voting.ballot_dispute_upheld",
    }
    for e in events:
        assert e.details == {"dispute": dispute.pk}
        assert entry.receipt not in _text(e) and entry.entry_hash not in _text(e)
