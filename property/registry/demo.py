"""Demo data, layer 2: every demo estate's registry.

Each estate gets buildings and units (residential, commercial, parking), a developer holding
unsold units, multi-unit owners, co-owned units and single owners, plus a few owner accounts
linked to their person record (verified owners, each with a verified ownership claim).
滨江花园 (binjiang) also gets new resident accounts with pending claims for its owners'
committee to act on: two that match the registry, one that does not.
Every ownership of a person or co-owners carries a real-estate certificate number (不动产权证书号).
滨江花园 also has the *journey owner* (``JOURNEY_*``): a registry owner with no account yet,
whose identity and certificate numbers are printed in the README, for trying instant
verification: sign up with a phone number, claim the unit, vote in the open vote at once.
Deterministic per estate (seeded), idempotent.
"""

import csv
import io
import random
import zlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from PIL import Image
from stdnum.cn import ric

from portal.accounts.models import User
from portal.core import demo as core_demo
from portal.core.crypto import keyed_hash
from portal.organisations.models import Organisation, OrgKind

from . import importer, services
from .models import (
    AreaSource,
    Building,
    ClaimStatus,
    Estate,
    OwnerClaim,
    OwnerParty,
    Ownership,
    PartyKind,
    Person,
    Unit,
    UnitUse,
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅斌鹏飞宇浩然欣怡子涵梓萱俊杰雨轩婷建国志强海燕晓东春生秋菊冬梅"
REGIONS = ["340202", "340203", "340207", "340208", "340221", "340222"]
# The journey owner of 滨江花园 (README "Demo"): no account, one unit, not voted in the open vote.
JOURNEY_ESTATE = "binjiang"
JOURNEY_NAME = "林晓东"
JOURNEY_IDENTITY = "340202198805120367"
JOURNEY_CERTIFICATE = "皖(2021)芜湖市不动产权第0086421号"
# Owner accounts made per estate: (suffix, kind of holding) — see _link_owner_accounts.
OWNER_ACCOUNT_KINDS = ("single", "multi", "co")


def identity_number(rng: random.Random) -> str:
    born = date(1950, 1, 1).toordinal() + rng.randrange(0, 50 * 365)
    body = (
        rng.choice(REGIONS)
        + date.fromordinal(born).strftime("%Y%m%d")
        + f"{rng.randrange(0, 1000):03d}"
    )
    return body + ric.calc_check_digit(body + "0")


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _area(rng: random.Random, use: str) -> Decimal:
    low, high = {
        "residential": (5800, 14500),
        "commercial": (4000, 20000),
        "parking": (1200, 1500),
    }[use]
    return Decimal(rng.randrange(low, high)) / 100


def _unit_plan(code: str, count: int, rng: random.Random):
    """(building, stairwell, unit code, use) for ``count`` units: 90% flats, 5% shops, 5% parking."""
    shops = max(2, count // 20)
    parking = max(2, count // 20)
    flats = count - shops - parking
    per_building = 96 if count > 300 else 48
    for i in range(flats):
        b = i // per_building + 1
        k = i % per_building
        stair = k // 24 + 1
        floor = (k % 24) // 2 + 1
        room = k % 2 + 1
        yield str(b), str(stair), f"{b}-{stair}-{floor:02d}{room:02d}", UnitUse.RESIDENTIAL
    for i in range(shops):
        yield "S", "", f"S-{i + 1:03d}", UnitUse.COMMERCIAL
    for i in range(parking):
        yield "P", "", f"P-{i + 1:03d}", UnitUse.PARKING


def _certificate_number(estate_code: str, unit_code: str, start: date) -> str:
    """A certificate number in the form Anhui issues (皖(year)芜湖市不动产权第nnnnnnn号), derived
    from the estate and unit codes (no draw from the estate's random stream)."""
    serial = zlib.crc32(f"{estate_code}/{unit_code}".encode()) % 10_000_000
    return f"皖({start.year})芜湖市不动产权第{serial:07d}号"


@dataclass
class _Owner:
    """A demo owner as the registry file lists them (and as ``_link_owner_accounts`` finds them)."""

    name: str
    identity: str
    phone: str

    @property
    def identity_hash(self) -> str:
        return keyed_hash(self.identity)


@dataclass
class _Holding:
    """A party of the demo file: its members (none for the developer) and the units it holds."""

    members: list[_Owner]
    held: list[tuple[str, str, str, str, Decimal, str]]  # building, stair, unit, use, area, source

    @property
    def label(self) -> str:
        return "、".join(m.name for m in self.members)


def build_estate_registry(estate: Estate, count: int, seed: int, *, journey: bool = False) -> None:
    """The estate's buildings, units, owners and ownerships, imported as a registry file
    (``importer.plan_import`` and ``services.registry_import``, the path of the import page and
    its worker) by the city bureau's officer. What the file format has no column for is written
    beside it: the buildings' names, the developer's organisation, the units' stairwells, the
    owners' phones and the day the units were sold. With ``journey``, the last single owner of
    one unit becomes the journey owner (README): no account, the name, identity and
    certificate numbers the README gives."""
    rng = random.Random(seed)
    buildings: dict[str, Building] = {}
    units = []
    for bcode, stair, ucode, use in _unit_plan(estate.code, count, rng):
        if bcode not in buildings:
            name = {"S": "商铺", "P": "地下车库"}.get(bcode, f"{bcode}号楼")
            buildings[bcode] = Building.objects.create(estate=estate, code=bcode, name=name)
        source = rng.choices(
            [AreaSource.REGISTERED, AreaSource.SURVEYED, AreaSource.CONTRACT], [85, 10, 5]
        )[0]
        units.append((bcode, stair, ucode, use, _area(rng, use), source))
    units.sort(key=lambda u: u[2])  # the order the registry lists them in (by code)

    developer_org = Organisation.objects.get(kind=OrgKind.DEVELOPER)
    OwnerParty.objects.create(
        estate=estate,
        kind=PartyKind.DEVELOPER,
        label=developer_org.name,
        organisation=developer_org,
        key=OwnerParty.key_for(developer=True),
    )
    rng.shuffle(units)
    unsold = units[: max(3, len(units) // 16)]
    rest = units[len(unsold) :]

    def new_owner() -> _Owner:
        number = identity_number(rng)
        name = person_name(rng)
        return _Owner(name, number, f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}")

    parties: list[_Holding] = []
    i = 0
    while i < len(rest):
        roll = rng.random()
        if roll < 0.08 and i + 2 < len(rest):  # a buyer of several units: one head
            members, held = [new_owner()], rest[i : i + rng.choice((2, 3))]
        elif roll < 0.20:  # co-owners of one unit: one party
            members, held = [new_owner(), new_owner()], rest[i : i + 1]
        else:
            members, held = [new_owner()], rest[i : i + 1]
        i += len(held)
        parties.append(_Holding(members, held))

    journey_code = None
    if journey:
        party = next(p for p in reversed(parties) if len(p.members) == 1 and len(p.held) == 1)
        party.members[0].name = JOURNEY_NAME
        party.members[0].identity = JOURNEY_IDENTITY
        journey_code = party.held[0][2]
    start = date(2016 + seed % 5, 6, 1)
    _import_file(estate, developer_org.name, unsold, parties, start, journey_code)
    _beside_the_file(estate, units, parties, start)
    _link_owner_accounts(estate, parties)


def _import_file(estate: Estate, developer: str, unsold, parties, start, journey_code) -> None:
    """The registry file of the estate (unsold units first, then each party's units), checked
    and imported as a clerk of the city bureau would import it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(importer.COLUMNS)
    for bcode, _stair, ucode, use, area, source in unsold:
        writer.writerow([bcode, ucode, use, f"{area:.2f}", source, developer, "", "yes", ""])
    for party in parties:
        for bcode, _stair, ucode, use, area, source in party.held:
            certificate = (
                JOURNEY_CERTIFICATE
                if ucode == journey_code
                else _certificate_number(estate.code, ucode, start)
            )
            writer.writerow(
                [
                    bcode,
                    ucode,
                    use,
                    f"{area:.2f}",
                    source,
                    ";".join(m.name for m in party.members),
                    ";".join(m.identity for m in party.members),
                    "no",
                    certificate,
                ]
            )
    table = importer.open_table(io.BytesIO(out.getvalue().encode("utf-8")), f"{estate.code}.csv")
    plan = importer.plan_import(estate, table.headers, table.rows)
    if not plan.ok:
        raise RuntimeError(f"demo registry of {estate.code}: {[str(e) for e in plan.errors]}")
    clerk = User.objects.get(email=core_demo.email("city.officer"))
    services.registry_import(actor=clerk, plan=plan)


def _beside_the_file(estate: Estate, units, parties, start: date) -> None:
    """What the import format has no column for: the units' stairwells, the owners' phones and
    the day the estate's units were sold (an import records a holding from the day it runs)."""
    by_stair: dict[str, list[str]] = {}
    for _bcode, stair, ucode, *_rest in units:
        by_stair.setdefault(stair, []).append(ucode)
    for stair, codes in by_stair.items():
        if stair:
            for chunk in range(0, len(codes), 900):
                Unit.objects.filter(estate=estate, code__in=codes[chunk : chunk + 900]).update(
                    stairwell=stair
                )
    phones = {m.identity_hash: m.phone for p in parties for m in p.members}
    persons = list(Person.objects.filter(parties__estate=estate).distinct())
    for person in persons:
        person.phone = phones[person.identity_hash]
    Person.objects.bulk_update(persons, ["phone"], batch_size=1000)
    Ownership.objects.filter(unit__estate=estate, end__isnull=True).update(start=start)


def _link_owner_accounts(estate: Estate, parties: list[_Holding]) -> None:
    """Demo owner accounts: a single-unit owner, a multi-unit owner and a co-owner per estate."""
    wanted = {
        "single": next(p for p in parties if len(p.members) == 1 and len(p.held) == 1),
        "multi": next(p for p in parties if len(p.held) > 1),
        "co": next(p for p in parties if len(p.members) > 1),
    }
    for n, kind in enumerate(OWNER_ACCOUNT_KINDS, start=1):
        holding = wanted[kind]
        person = Person.objects.get(identity_hash=holding.members[0].identity_hash)
        phone = f"+86139{zlib.crc32(estate.code.encode()) % 10000:04d}{n:04d}"
        local = f"owner{n}.{estate.code}"
        user = core_demo.ensure_user(local, person.name, phone=phone)
        Person.objects.filter(pk=person.pk).update(user=user, phone=phone)
        units = ", ".join(code for _b, _s, code, *_rest in holding.held)
        core_demo.ACCOUNTS.append(
            (core_demo.email(local), person.name, f"owner of {units} in {estate.name}")
        )


def load(stdout=None) -> None:
    companies = core_demo.companies()
    for n, (code, name, count, _community) in enumerate(core_demo.estates()):
        node = core_demo.node(code)
        estate, _ = Estate.objects.get_or_create(
            code=code,
            defaults={
                "jurisdiction": node,
                "name": name,
                "address": f"芜湖市{node.get_parent().get_parent().get_parent().name}{name}",
                "company": companies[n % len(companies)],
                "contract_start": date(2023, 1, 1),
                "contract_end": date(2027, 12, 31),
                "assembly_holds_fund": n % 3 == 0,
            },
        )
        if not estate.units.exists():
            build_estate_registry(estate, count, seed=n + 1, journey=code == JOURNEY_ESTATE)
    _demo_claims()
    journey = Ownership.objects.filter(
        end__isnull=True, party__members__identity_hash=keyed_hash(JOURNEY_IDENTITY)
    ).first()
    if stdout and journey:
        stdout.write(
            f"  registry: journey owner {JOURNEY_NAME} (no account) of {journey.unit.code} in "
            f"{journey.unit.estate.name}: identity {JOURNEY_IDENTITY}, "
            f"certificate {JOURNEY_CERTIFICATE}"
        )
    if stdout:
        stdout.write(
            f"  registry: {OwnerClaim.objects.count()} claims, {Estate.objects.count()} estates, {Unit.objects.count()} units, "
            f"{OwnerParty.objects.count()} parties"
        )


def journey_party_ids() -> set[int]:
    """The journey owner's party (the voting demo leaves it out of the ballots it casts)."""
    return set(
        OwnerParty.objects.filter(members__identity_hash=keyed_hash(JOURNEY_IDENTITY)).values_list(
            "pk", flat=True
        )
    )


def _proof_png(text: str) -> ContentFile:
    """A small PNG standing in for a photo of a property certificate."""

    buffer = io.BytesIO()
    Image.new("RGB", (64, 40), (200, 40 + zlib.crc32(text.encode()) % 200, 60)).save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="certificate.png")


PENDING_RESIDENTS = 3  # binjiang: new residents with pending claims (the last one mismatched)


def _demo_claims() -> None:
    """Verified claims for the demo owner accounts; pending claims in 滨江花园 (binjiang)."""

    for estate in Estate.objects.exclude(claims__isnull=False).order_by("code"):
        committee = User.objects.filter(email=core_demo.email(f"committee.{estate.code}")).first()
        owners = (
            Person.objects.filter(user__isnull=False, parties__estate=estate)
            .select_related("user")
            .distinct()
            .order_by("pk")
        )
        for person in owners:
            units = list(
                Unit.objects.filter(
                    estate=estate, ownerships__end__isnull=True, ownerships__party__members=person
                )
            )
            claim = services.claim_submit(
                user=person.user,
                estate=estate,
                units=units,
                name=person.name,
                identity_number=person.identity_number(),
                proof=_proof_png(person.name),
            )
            services.claim_verify(actor=committee, claim=claim)
        if estate.code == "binjiang":
            _pending_claims(estate)


def _pending_claims(estate: Estate) -> None:

    rng = random.Random(20261124)
    candidates = list(
        OwnerParty.objects.filter(
            estate=estate, kind=PartyKind.PERSON, members__user__isnull=True
        ).order_by("pk")[:PENDING_RESIDENTS]
    )
    for n, party in enumerate(candidates, start=1):
        person = party.members.get()
        units = list(Unit.objects.filter(ownerships__party=party, ownerships__end__isnull=True))
        local = f"resident{n}.{estate.code}"
        phone = f"+86138{zlib.crc32(local.encode()) % 10000:04d}{n:04d}"
        user = core_demo.ensure_user(local, person.name, phone=phone)
        mismatched = n == PENDING_RESIDENTS
        number = identity_number(rng) if mismatched else person.identity_number()
        services.claim_submit(
            user=user,
            estate=estate,
            units=units,
            name=person.name,
            identity_number=number,
            proof=_proof_png(local),
        )
        what = "does not match the registry" if mismatched else "matches the registry"
        core_demo.ACCOUNTS.append(
            (
                core_demo.email(local),
                person.name,
                f"resident with a pending claim for {units[0].code} in {estate.name} ({what})",
            )
        )
    assert OwnerClaim.objects.filter(estate=estate, status=ClaimStatus.PENDING).exists()
