"""The version of the votes' published fields (``VotingVersion``, issue 21): every service that
changes a vote's status or its published result moves it on, in the same transaction, so the
figures cached on it (``selectors.cached_on_votes``) are replaced at once and never outlive the
change; writes of nothing published leave it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from portal.organisations.models import OrgKind
from tests.factories import add_units, staff
from tests.voting.factories import draft_vote, link_user, open_vote, party
from voting import services
from voting.models import PUBLISHED_FIELDS, Vote, VoteStatus, VotingVersion

pytestmark = pytest.mark.django_db

VOTING = Path(__file__).resolve().parents[2] / "voting"


@pytest.fixture
def estate(world):
    estate = world.estates[0]
    add_units(estate, [("1-101", "100.00", "A"), ("1-102", "100.00", "B"), ("1-103", "90", "D")])
    return estate


class Moves:
    """Asserts that the block moved the version on (or, ``moved=False``, left it)."""

    def __init__(self, moved: bool = True):
        self.moved = moved

    def __enter__(self):
        self.before = VotingVersion.current()

    def __exit__(self, *exc):
        if exc[0] is None:
            after = VotingVersion.current()
            assert (after != self.before) == self.moved, (self.before, after)


def test_every_step_of_a_vote_s_life_moves_it(world, estate):
    """Created, scheduled, opened, extended, closed, counted, publicised, final: each service
    moves the version on, and the counter only grows."""
    now = timezone.now()
    with Moves():
        vote = services.vote_create(
            actor=None,
            estate=estate,
            title="测试表决",
            matter=1,
            motion="动议",
            opens_at=now - timedelta(minutes=1),
            closes_at=now + timedelta(days=7),
        )
    with Moves():
        services.vote_schedule(actor=None, vote=vote, now=now - timedelta(days=10))
    with Moves():
        services.vote_open(vote=vote, now=now)
    services.ballot_cast(actor=None, vote=vote, party=party(estate, "A"), choice="agree")
    with Moves():
        services.vote_extend(actor=None, vote=vote, closes_at=vote.closes_at + timedelta(days=1))
    later = vote.closes_at + timedelta(seconds=1)
    with Moves():
        services.vote_close(vote=vote, now=later)
    with Moves():
        services.vote_count(vote=vote, now=later)
    with Moves():
        services.vote_publicise(vote=vote, now=later)
    n = VotingVersion.objects.get().n
    with Moves():
        services.vote_finalise(vote=vote, now=vote.publicity_ends_at + timedelta(minutes=1))
    assert VotingVersion.objects.get().n == n + 1
    assert Vote.objects.get(pk=vote.pk).status == VoteStatus.FINAL


def test_cancelling_and_setting_aside_move_it(world, estate):
    with Moves():
        services.vote_cancel(actor=None, vote=draft_vote(estate), reason="议题撤回")
    vote = open_vote(estate)
    for label in ("A", "B"):
        services.ballot_cast(actor=None, vote=vote, party=party(estate, label), choice="agree")
    later = vote.closes_at + timedelta(seconds=1)
    services.vote_close(vote=vote, now=later)
    services.vote_count(vote=vote, now=later)
    services.vote_publicise(vote=vote, now=later)
    objection = services.objection_file(
        actor=link_user(party(estate, "B")), vote=vote, text="纸质票送达有误", now=later
    )
    with Moves():
        services.objection_uphold(
            actor=staff(OrgKind.STREET_OFFICE, world.streets[0]),
            objection=objection,
            reason="送达有误",
        )
    assert Vote.objects.get(pk=vote.pk).status == VoteStatus.SET_ASIDE


def test_writes_of_nothing_published_leave_it(world, estate):
    """A ballot, a reminder stamp or an edit of a non-published field changes no figure."""
    vote = open_vote(estate)
    with Moves(moved=False):
        services.ballot_cast(actor=None, vote=vote, party=party(estate, "A"), choice="agree")
        Vote.objects.filter(pk=vote.pk).update(reminder_sent_at=timezone.now())
        vote.cancel_reason = "-"
        vote.save(update_fields=["cancel_reason"])


@pytest.mark.parametrize("field", sorted(PUBLISHED_FIELDS - {"estate", "estate_id"}))
def test_bulk_writes_move_it(world, estate, field):
    """Paths that bypass ``Vote.save`` (a query set's ``update``, ``bulk_update``) move it
    too, for every published field."""
    vote = open_vote(estate)
    value = getattr(vote, field)
    with Moves():
        Vote.objects.filter(pk=vote.pk).update(**{field: value})
    with Moves():
        Vote.objects.bulk_update([vote], [field])


def test_deleting_a_vote_moves_it(world, estate):
    with Moves():
        draft_vote(estate).delete()
    draft_vote(estate)
    with Moves():
        Vote.objects.filter(estate=estate).delete()


def test_the_version_is_written_in_the_change_s_transaction(world, estate):
    """A change rolled back takes its version with it: nobody sees a version whose status was
    never committed."""
    vote = open_vote(estate)
    before = VotingVersion.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        Vote.objects.filter(pk=vote.pk).update(status=VoteStatus.CLOSED)
        assert VotingVersion.current() != before
        raise RuntimeError
    assert VotingVersion.current() == before


def test_a_flushed_row_is_made_again(world, estate):
    VotingVersion.objects.all().delete()
    assert VotingVersion.current() == "-"
    with Moves():
        draft_vote(estate)
    assert VotingVersion.objects.get().n == 1
    assert len(VotingVersion.current()) == 16  # fits its column (PostgreSQL checks)


def test_no_raw_sql_writes_votes():
    """Every write of a vote goes through the model or its query set, which move the version;
    raw SQL would not."""
    for path in VOTING.rglob("*.py"):
        text = path.read_text().lower()
        for needle in ('update "voting_vote"', "update voting_vote ", 'into "voting_vote"'):
            assert needle not in text, path
