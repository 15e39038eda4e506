"""Builders for the fund's tests: an estate with ledgers, and the people who act on it."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from stdnum.cn import ric

from portal.organisations.models import Membership, OrgKind, Role
from portal.permissions import forget_grants
from property.fund.models import EntryKind, FundAccount, LedgerEntry
from property.registry.models import (
    Building,
    Estate,
    OwnerParty,
    Ownership,
    PartyKind,
    Person,
    Unit,
)
from tests.factories import World, make_user, org, staff

_n = itertools.count(1)


def valid_identity() -> str:
    """A valid identity number. (tests.factories.identity_number makes invalid ones for birth
    years 1980-1982 in region 340202, so the fund's tests use their own.)"""
    n = next(_n)
    body = f"34020219{90 + n % 10:02d}0101{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def person(name: str) -> Person:
    p = Person(name=name)
    p.set_identity(valid_identity())
    p.save()
    return p


def add_units(estate: Estate, specs) -> dict[str, Unit]:
    """Like tests.factories.add_units (same spec format), with valid identity numbers."""
    building, _ = Building.objects.get_or_create(estate=estate, code="1")
    parties: dict[str, OwnerParty] = {}
    units = {}
    for code, area, label in specs:
        unit = Unit.objects.create(estate=estate, building=building, code=code, area=Decimal(area))
        units[code] = unit
        key = label or "developer"
        if key not in parties:
            if label is None:
                party, _ = OwnerParty.objects.get_or_create(
                    estate=estate,
                    key="developer",
                    defaults={"kind": PartyKind.DEVELOPER, "label": "开发商"},
                )
            else:
                persons = [person(nm) for nm in label.split("+")]
                party = OwnerParty.objects.create(
                    estate=estate,
                    kind=PartyKind.CO_OWNERS if len(persons) > 1 else PartyKind.PERSON,
                    label=label,
                    key=OwnerParty.key_for(identity_hashes=[p.identity_hash for p in persons]),
                )
                party.members.set(persons)
            parties[key] = party
        Ownership.objects.create(unit=unit, party=parties[key], start=date(2020, 1, 1))
    return units


def make_owner(estate: Estate, code: str, area: str):
    user = make_user()
    units = add_units(estate, [(code, area, f"owner-{user.pk}")])
    party = OwnerParty.objects.get(estate=estate, label=f"owner-{user.pk}")
    Person.objects.filter(pk=party.members.first().pk).update(user=user)
    return user, units[code]


def open_ledgers(estate: Estate, rate: Decimal = Decimal("100")) -> list[FundAccount]:
    """First deposit area × rate for every unit without a ledger (bypasses the service, which
    the service tests exercise separately)."""
    made = []
    for unit in Unit.objects.filter(estate=estate, fund_account__isnull=True):
        amount = (unit.area * rate).quantize(Decimal("0.01"))
        acc = FundAccount.objects.create(
            unit=unit, estate=estate, first_deposit=amount, balance=amount
        )
        LedgerEntry.objects.create(
            account=acc, estate=estate, kind=EntryKind.DEPOSIT, amount=amount
        )
        made.append(acc)
    return made


def member_of(organisation, role=Role.OFFICER, *, mfa=True):
    user = make_user(mfa=mfa)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    forget_grants(user)
    return user


@dataclass
class Cast:
    """Who acts on estate 0 of the world (and the wrong people)."""

    estate: Estate
    company: object  # staff of the estate's property company (the applicant)
    street: object  # street officer governing the estate (the reviewer)
    bureau: object  # city housing bureau officer
    committee: object  # owners' committee member of the estate
    owner: object  # verified owner of unit 1-1-0101
    owner_unit: Unit
    other_street: object  # street officer of the other district
    other_company: object  # staff of the company managing the other estate
    other_owner: object  # owner in the other estate


def cast(world: World) -> Cast:
    # Fresh from the database: make_world's jurisdiction codes ("street-99", "street-100") sort
    # as strings under node_order_by, so a later sibling can shift an earlier node's path and
    # leave the in-memory objects of the world with stale paths.
    estate = Estate.objects.select_related("jurisdiction").get(pk=world.estates[0].pk)
    owner, owner_unit = make_owner(estate, "1-1-0101", "89.50")
    building = Building.objects.get(estate=estate, code="1")
    Unit.objects.filter(pk=owner_unit.pk).update(building=building, stairwell="1")
    specs = [
        ("1-1-0102", "120.25", "王五"),
        ("1-1-0201", "89.50", None),  # the developer's unsold units
        ("1-1-0202", "120.25", None),
        ("1-1-0301", "89.50", "赵六+钱七"),
        ("1-2-0101", "75.00", "孙八"),
        ("1-2-0102", "75.00", "孙八"),
    ]
    units = add_units(estate, specs)
    for code, u in units.items():
        Unit.objects.filter(pk=u.pk).update(building=building, stairwell=code.split("-")[1])
    open_ledgers(estate)
    other_owner, _ = make_owner(world.estates[1], "9-9-0909", "100.00")
    open_ledgers(world.estates[1])
    return Cast(
        estate=estate,
        company=member_of(world.companies[0]),
        street=staff(OrgKind.STREET_OFFICE, world.streets[0]),
        bureau=member_of(world.bureau),
        committee=member_of(world.committees[0], Role.MEMBER),
        owner=owner,
        owner_unit=Unit.objects.get(pk=owner_unit.pk),
        other_street=staff(OrgKind.STREET_OFFICE, world.streets[1]),
        other_company=member_of(world.companies[1]),
        other_owner=other_owner,
    )


def residents_committee(world: World, i: int = 0):
    return org(OrgKind.RESIDENTS_COMMITTEE, world.communities[i])
