"""A counted vote's stored ballots by channel (``CountedVoteBallots``) are dropped when one of
its ballots is written through the ORM; casting in an open vote, which cannot have that row,
does not ask the database (the DELETE ran inside the board lock on every ballot)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.dashboards.models import CountedVoteBallots
from property.registry.models import OwnerParty
from tests.factories import make_owner
from tests.voting.factories import finish, open_vote
from voting import services
from voting.models import Ballot

pytestmark = pytest.mark.django_db


def test_casting_in_an_open_vote_does_not_touch_the_counted_ballots(world):
    estate = world.estates[0]
    user, unit = make_owner(estate, "1-101")
    party = OwnerParty.objects.get(ownerships__unit=unit)
    vote = open_vote(estate)
    with CaptureQueriesContext(connection) as ctx:
        services.ballot_cast(actor=user, vote=vote, party=party, choice="agree")
        services.ballot_cast(actor=user, vote=vote, party=party, choice="oppose")  # a change
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert not [s for s in sqls if "dashboards_countedvoteballots" in s], sqls
    assert Ballot.objects.get(vote=vote, party=party).changes == 1


def test_a_ballot_written_in_a_counted_vote_drops_its_row(world):
    estate = world.estates[0]
    user, unit = make_owner(estate, "1-101")
    party = OwnerParty.objects.get(ownerships__unit=unit)
    vote = open_vote(estate)
    services.ballot_cast(actor=user, vote=vote, party=party, choice="agree")
    vote = finish(vote)
    CountedVoteBallots.objects.create(vote=vote, counts={"online": 1})
    ballot = Ballot.objects.get(vote=vote)  # its vote not loaded: the row is dropped
    ballot.save()
    assert not CountedVoteBallots.objects.filter(vote=vote).exists()
    CountedVoteBallots.objects.create(vote=vote, counts={"online": 1})
    ballot = Ballot.objects.select_related("vote").get(vote=vote)  # loaded, counted: dropped
    ballot.save()
    assert not CountedVoteBallots.objects.filter(vote=vote).exists()
