"""Selectors of the contract (docs/contracts.md): turnout by heads and area, never by choice; the
result only once counted; scope filters."""

from decimal import Decimal

import pytest
from django.db.models import Q

from portal.organisations.models import OrgKind
from portal.permissions import scope_q
from tests.factories import add_units, staff
from tests.voting.factories import draft_vote, finish, open_vote, party
from voting import selectors, services

pytestmark = pytest.mark.django_db


def test_turnout_and_result_contract(world):
    """turnout(vote) gives heads, area, total_heads, total_area (Decimal m²); final_result is
    None until the vote is counted, then the tally JSON."""
    estate = world.estates[0]
    add_units(estate, [("1-101", "100.50", "A"), ("1-102", "99.50", "B")])
    vote = open_vote(estate)
    assert selectors.turnout(vote) == {
        "heads": 0,
        "area": Decimal("0.00"),
        "total_heads": 2,
        "total_area": Decimal("200.00"),
    }
    services.ballot_cast(actor=None, vote=vote, party=party(estate, "A"), choice="agree")
    t = selectors.turnout(vote)
    assert (t["heads"], t["area"]) == (1, Decimal("100.50"))
    assert set(t) == {"heads", "area", "total_heads", "total_area"}
    assert selectors.final_result(vote) is None
    assert list(selectors.open_votes(estate)) == [vote]
    totals = {c["channel"]: (c["heads"], c["area"]) for c in selectors.channel_totals(vote)}
    assert totals["online"] == (1, Decimal("100.50")) and totals["paper"] == (0, Decimal("0.00"))
    vote = finish(vote)
    assert selectors.final_result(vote)["outcome"] == "invalid"


def test_scope_and_estate_lists(world):
    """votes_in_scope follows the governed subtree; owners' lists leave drafts out."""
    estate, other = world.estates
    add_units(estate, [("1-101", "100.00", "A")])
    add_units(other, [("1-101", "100.00", "B")])
    mine = open_vote(estate)
    theirs = open_vote(other)
    draft = draft_vote(estate)
    officer = staff(OrgKind.STREET_OFFICE, world.streets[0])
    in_scope = set(selectors.votes_in_scope(scope_q(officer, "estate__jurisdiction__path")))
    assert mine in in_scope and draft in in_scope and theirs not in in_scope
    assert set(selectors.votes_in_scope(Q(pk__in=[]))) == set()
    assert draft not in set(selectors.votes_for_estate(estate))
    assert draft in set(selectors.votes_for_estate(estate, include_drafts=True))


def test_upcoming_votes_need_published_notice(world):
    """Scheduled votes are upcoming once their notice is published."""
    estate = world.estates[0]
    vote = draft_vote(estate)
    assert list(selectors.upcoming_votes(estate)) == []
    services.vote_schedule(actor=None, vote=vote)
    assert list(selectors.upcoming_votes(estate)) == [vote]
