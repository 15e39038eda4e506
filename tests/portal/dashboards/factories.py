"""A small city with known figures, for the dashboard and API tests.

Built on ``tests.factories.make_world`` (city → 2 districts → street → community → estate):

estate 0 (district 0): units 1-101 (100.00, A), 1-102 (50.00, A), 1-103 (80.00, developer),
    1-104 (70.50, co-owners B+C), 2-101 (90.00, a verified owner), 1-105 (60.00, sold: D held
    it until 2024, E holds it now) → 6 units, 450.50 m², parties A, developer, B+C, owner, E
    (D no longer holds anything) = 5, verified 1.
estate 1 (district 1): two verified owners (3-101 95.25, 3-102 104.75) → 2 units, 200.00 m²,
    2 parties, 2 verified. Its company is removed: not under management.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from property.registry.models import Estate, OwnerParty, Ownership
from tests.factories import World, add_units, make_owner, make_person, make_world


@dataclass
class City:
    world: World
    owners: list
    expected: dict  # jurisdiction code -> indicator figures


def build_city() -> City:
    world = make_world()
    e0, e1 = world.estates
    add_units(
        e0,
        [
            ("1-101", "100.00", "A"),
            ("1-102", "50.00", "A"),
            ("1-103", "80.00", None),
            ("1-104", "70.50", "B+C"),
            ("1-105", "60.00", "D"),
        ],
    )
    # D sold 1-105 to E: D's ownership ended, E holds it now.
    sold = Ownership.objects.get(unit__estate=e0, unit__code="1-105")
    sold.end = date(2024, 6, 30)
    sold.save()
    buyer = make_person("E")
    e_party = OwnerParty.objects.create(
        estate=e0, label="E", key=OwnerParty.key_for(identity_hashes=[buyer.identity_hash])
    )
    e_party.members.set([buyer])
    Ownership.objects.create(unit=sold.unit, party=e_party, start=date(2024, 7, 1))
    owner0, _ = make_owner(e0, "2-101", "90.00")
    owner1, _ = make_owner(e1, "3-101", "95.25")
    owner2, _ = make_owner(e1, "3-102", "104.75")
    Estate.objects.filter(pk=e1.pk).update(company=None)

    e0_fig = dict(
        estates=1,
        managed_estates=1,
        units=6,
        area=Decimal("450.50"),
        parties=5,
        verified_parties=1,
        verified_share=Decimal("20.0"),
    )
    e1_fig = dict(
        estates=1,
        managed_estates=0,
        units=2,
        area=Decimal("200.00"),
        parties=2,
        verified_parties=2,
        verified_share=Decimal("100.0"),
    )
    city_fig = dict(
        estates=2,
        managed_estates=1,
        units=8,
        area=Decimal("650.50"),
        parties=7,
        verified_parties=3,
        verified_share=Decimal("42.9"),
    )
    expected = {world.city.code: city_fig}
    for i, fig in enumerate((e0_fig, e1_fig)):
        for n in (world.districts[i], world.streets[i], world.communities[i]):
            expected[n.code] = fig
        expected[world.estate_nodes[i].code] = fig
    return City(world=world, owners=[owner0, owner1, owner2], expected=expected)
