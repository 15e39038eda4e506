"""Small builders for tests: a jurisdiction tree, organisations, staff, estates with units.

Used by every app's tests (``from tests.factories import ...``); each returns saved objects.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from allauth.mfa.totp.internal.auth import TOTP
from stdnum.cn import ric

from portal.accounts.models import User
from portal.organisations.models import Jurisdiction, Level, Membership, Organisation, OrgKind, Role
from portal.permissions import forget_grants
from property.registry.models import (
    Building,
    Estate,
    OwnerParty,
    Ownership,
    PartyKind,
    Person,
    Unit,
)

_seq = itertools.count(1)
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def identity_number(n: int | None = None) -> str:
    n = next(_seq) if n is None else n
    body = f"34020219{90 + n % 10:02d}0101{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_user(name: str | None = None, *, mfa: bool = False, **extra) -> User:
    n = next(_seq)
    user = User.objects.create_user(
        username=f"user{n}",
        email=extra.pop("email", f"user{n}@example.cn"),
        password="pw-Gongzhi-2026",
        display_name=name or f"User {n}",
        phone=extra.pop("phone", f"+8613{n:09d}"),
        phone_verified=True,
        **extra,
    )
    if mfa:
        TOTP.activate(user, TOTP_SECRET)
    return user


def node(parent: Jurisdiction | None, level: str, name: str | None = None) -> Jurisdiction:
    n = next(_seq)
    kwargs = {"code": f"{level}-{n}", "name": name or f"{level} {n}", "level": level}
    if parent is None:
        return Jurisdiction.add_root(**kwargs)
    return Jurisdiction.objects.get(pk=parent.pk).add_child(**kwargs)


def org(kind: str, where: Jurisdiction, name: str | None = None, **extra) -> Organisation:
    n = next(_seq)
    if kind == OrgKind.PROPERTY_COMPANY and "credit_code" not in extra:
        from stdnum.cn import uscc

        body = f"9134020{n:09d}"[:16] + "M"
        extra["credit_code"] = body + uscc.calc_check_digit(body)
    return Organisation.objects.create(
        kind=kind, jurisdiction=where, name=name or f"{kind} {n}", **extra
    )


def staff(
    kind: str, where: Jurisdiction, role: str = Role.OFFICER, *, organisation=None, mfa=True
) -> User:
    user = make_user(mfa=mfa)
    Membership.objects.create(user=user, organisation=organisation or org(kind, where), role=role)
    forget_grants(user)
    return user


@dataclass
class World:
    """city → 2 districts → a street each → a community each → an estate each."""

    city: Jurisdiction
    districts: list[Jurisdiction]
    streets: list[Jurisdiction]
    communities: list[Jurisdiction]
    estate_nodes: list[Jurisdiction]
    estates: list[Estate] = field(default_factory=list)
    companies: list[Organisation] = field(default_factory=list)
    committees: list[Organisation] = field(default_factory=list)
    bureau: Organisation | None = None


def make_world() -> World:
    city = node(None, Level.CITY, "测试市")
    districts, streets, communities, estate_nodes = [], [], [], []
    for i in range(2):
        d = node(city, Level.DISTRICT, f"第{i + 1}区")
        s = node(d, Level.STREET, f"第{i + 1}街道")
        c = node(s, Level.COMMUNITY, f"第{i + 1}社区")
        e = node(c, Level.ESTATE, f"第{i + 1}小区")
        districts.append(d), streets.append(s), communities.append(c), estate_nodes.append(e)
    world = World(city, districts, streets, communities, estate_nodes)
    world.bureau = org(OrgKind.BUREAU, city, "测试市住建局")
    for i, en in enumerate(estate_nodes):
        company = org(OrgKind.PROPERTY_COMPANY, city, f"物业公司{i + 1}")
        world.companies.append(company)
        world.committees.append(org(OrgKind.OWNERS_COMMITTEE, en, f"第{i + 1}小区业委会"))
        world.estates.append(
            Estate.objects.create(jurisdiction=en, code=en.code, name=en.name, company=company)
        )
    return world


def add_units(estate: Estate, specs: list[tuple[str, str, str | None]]) -> dict[str, Unit]:
    """specs: (unit code, area, party label or None for the developer). Parties with the same
    label are one party (one person holding several units); label "A+B" makes co-owners."""
    building, _ = Building.objects.get_or_create(estate=estate, code="1")
    parties: dict[str, OwnerParty] = {}
    units = {}
    for code, area, label in specs:
        unit = Unit.objects.create(estate=estate, building=building, code=code, area=Decimal(area))
        units[code] = unit
        key = label or "developer"
        if key not in parties:
            if label is None:
                party = OwnerParty.objects.create(
                    estate=estate, kind=PartyKind.DEVELOPER, label="开发商", key="developer"
                )
            else:
                names = label.split("+")
                persons = [make_person(nm) for nm in names]
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


def make_person(name: str = "张三", user: User | None = None) -> Person:
    person = Person(name=name, user=user)
    person.set_identity(identity_number())
    person.save()
    return person


def make_owner(estate: Estate, code: str = "1-101", area: str = "100.00") -> tuple[User, Unit]:
    """A verified owner (a user linked to the person holding one unit) of a new unit."""
    user = make_user()
    units = add_units(estate, [(code, area, f"owner-{user.pk}")])
    party = OwnerParty.objects.get(estate=estate, label=f"owner-{user.pk}")
    Person.objects.filter(pk=party.members.first().pk).update(user=user)
    return user, units[code]
