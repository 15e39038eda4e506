"""Heads and area totals (DOMAIN.md §1 "Counting"): the developer is one head for all its
units, a buyer of several units is one head, co-owners of a unit are one head together."""

from decimal import Decimal

import pytest

from property.registry.selectors import estate_parties, estate_totals, is_verified_owner
from tests.factories import add_units, make_owner

pytestmark = pytest.mark.django_db


def test_domain_worked_example_89_heads(world):
    """100 units × 100 m², developer holds 10, one owner holds 3: 89 heads, 10,000 m²."""
    estate = world.estates[0]
    specs = [(f"1-{i:03d}", "100.00", None) for i in range(10)]
    specs += [(f"2-{i:03d}", "100.00", "大业主") for i in range(3)]
    specs += [(f"3-{i:03d}", "100.00", f"业主{i}") for i in range(87)]
    add_units(estate, specs)
    totals = estate_totals(estate)
    assert totals.units == 100
    assert totals.heads == 89
    assert totals.area == Decimal("10000.00")


def test_co_owners_are_one_head_and_area_sums_exactly(world):
    """Co-owners (A+B) of one unit are one party; areas sum in Decimal, 2 places."""
    estate = world.estates[0]
    add_units(
        estate,
        [
            ("1-101", "88.55", "甲+乙"),
            ("1-102", "90.10", "丙"),
            ("1-103", "70.05", None),
            ("1-104", "65.30", None),
            ("P-001", "12.50", "丙"),
        ],
    )
    totals = estate_totals(estate)
    assert (totals.units, totals.heads) == (5, 3)
    assert totals.area == Decimal("326.50")
    areas = {p.label: (p.units, p.area) for p in estate_parties(estate)}
    assert areas["甲+乙"] == (1, Decimal("88.55"))
    assert areas["丙"] == (2, Decimal("102.60"))
    assert areas["开发商"] == (2, Decimal("135.35"))


def test_totals_ignore_other_estates(world):
    """An estate's figures count its own units only."""
    add_units(world.estates[0], [("1-101", "100.00", "甲")])
    make_owner(world.estates[1], "9-901", "55.00")
    assert estate_totals(world.estates[0]).heads == 1
    assert estate_totals(world.estates[1]).area == Decimal("55.00")


def test_verified_owner_needs_a_linked_person(world):
    """Only a user linked to the person of a current holder counts as a verified owner."""
    owner, unit = make_owner(world.estates[0])
    assert is_verified_owner(owner, estate=world.estates[0])
    assert is_verified_owner(owner, unit=unit)
    assert not is_verified_owner(owner, estate=world.estates[1])
