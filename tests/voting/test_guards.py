"""Registry guard: no area change while a vote of the estate is open (DOMAIN.md §1)."""

import pytest

from property.registry import guards
from tests.factories import add_units
from tests.voting.factories import finish, open_vote

pytestmark = pytest.mark.django_db


def test_area_change_refused_while_open(world):
    """While a vote is open the registry's area guard refuses; after close it allows."""
    estate = world.estates[0]
    add_units(estate, [("1-101", "100.00", "A")])
    assert guards.area_change_refusals(estate=estate, unit_codes=["1-101"]) == []
    vote = open_vote(estate)
    assert guards.area_change_refusals(estate=estate, unit_codes=["1-101"])
    finish(vote)
    assert guards.area_change_refusals(estate=estate, unit_codes=["1-101"]) == []
