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

import io
import random
import zlib
from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from PIL import Image
from stdnum.cn import ric

from portal.accounts.models import User
from portal.core import demo as core_demo
from portal.core.crypto import encrypt_text, keyed_hash
from portal.organisations.models import Organisation, OrgKind

from . import services
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
    mask_identity,
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


def demo_certificate(estate: Estate, unit: Unit, start: date) -> str:
    """A certificate number in the form Anhui issues (皖(year)芜湖市不动产权第nnnnnnn号), derived
    from the estate and unit codes (no draw from the estate's random stream)."""
    serial = zlib.crc32(f"{estate.code}/{unit.code}".encode()) % 10_000_000
    return f"皖({start.year})芜湖市不动产权第{serial:07d}号"


def build_estate_registry(estate: Estate, count: int, seed: int, *, journey: bool = False) -> None:
    """The estate's buildings, units, owners and ownerships, bulk loaded; with ``journey``,
    the last single owner of one unit becomes the journey owner (README): no account, the
    name, identity and certificate numbers the README gives."""
    rng = random.Random(seed)
    buildings: dict[str, Building] = {}
    units: list[Unit] = []
    for bcode, stair, ucode, use in _unit_plan(estate.code, count, rng):
        if bcode not in buildings:
            name = {"S": "商铺", "P": "地下车库"}.get(bcode, f"{bcode}号楼")
            buildings[bcode] = Building.objects.create(estate=estate, code=bcode, name=name)
        source = rng.choices(
            [AreaSource.REGISTERED, AreaSource.SURVEYED, AreaSource.CONTRACT], [85, 10, 5]
        )[0]
        units.append(
            Unit(
                estate=estate,
                building=buildings[bcode],
                code=ucode,
                stairwell=stair,
                use=use,
                area=_area(rng, use),
                area_source=source,
            )
        )
    Unit.objects.bulk_create(units)
    units = list(Unit.objects.filter(estate=estate).order_by("code"))

    developer_org = Organisation.objects.get(kind=OrgKind.DEVELOPER)
    developer = OwnerParty.objects.create(
        estate=estate,
        kind=PartyKind.DEVELOPER,
        label=developer_org.name,
        organisation=developer_org,
        key="developer",
    )
    rng.shuffle(units)
    unsold = units[: max(3, len(units) // 16)]
    rest = units[len(unsold) :]

    persons: list[Person] = []
    parties: list[tuple[OwnerParty, list[Person], list[Unit]]] = []

    def new_person() -> Person:
        number = identity_number(rng)
        p = Person(
            name=person_name(rng),
            identity_encrypted=encrypt_text(number),
            identity_hash=keyed_hash(number),
            identity_masked=mask_identity(number),
            phone=f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}",
        )
        persons.append(p)
        return p

    i = 0
    while i < len(rest):
        roll = rng.random()
        if roll < 0.08 and i + 2 < len(rest):  # a buyer of several units: one head
            members, held = [new_person()], rest[i : i + rng.choice((2, 3))]
        elif roll < 0.20:  # co-owners of one unit: one party
            members, held = [new_person(), new_person()], rest[i : i + 1]
        else:
            members, held = [new_person()], rest[i : i + 1]
        i += len(held)
        party = OwnerParty(
            estate=estate,
            kind=PartyKind.CO_OWNERS if len(members) > 1 else PartyKind.PERSON,
            label="、".join(m.name for m in members),
        )
        parties.append((party, members, held))

    journey_held = None
    if journey:
        party, members, held = next(
            t for t in reversed(parties) if len(t[1]) == 1 and len(t[2]) == 1
        )
        person, journey_held = members[0], held[0]
        person.name = party.label = JOURNEY_NAME
        person.identity_encrypted = encrypt_text(JOURNEY_IDENTITY)
        person.identity_hash = keyed_hash(JOURNEY_IDENTITY)
        person.identity_masked = mask_identity(JOURNEY_IDENTITY)
    # Guarantee the account kinds exist: first multi-unit party, first co-owned party, first single.
    Person.objects.bulk_create(persons, batch_size=1000)
    for party, members, _ in parties:
        party.key = OwnerParty.key_for(identity_hashes=[m.identity_hash for m in members])
    OwnerParty.objects.bulk_create([p for p, _, _ in parties], batch_size=1000)
    Through = OwnerParty.members.through
    Through.objects.bulk_create(
        [Through(ownerparty_id=p.pk, person_id=m.pk) for p, members, _ in parties for m in members],
        batch_size=2000,
    )
    start = date(2016 + seed % 5, 6, 1)
    ownerships = [Ownership(unit=u, party=developer, start=start) for u in unsold]
    ownerships += [Ownership(unit=u, party=p, start=start) for p, _, held in parties for u in held]
    for ownership in ownerships:
        if ownership.unit is journey_held:
            ownership.set_certificate(JOURNEY_CERTIFICATE)
        elif ownership.party is not developer:
            ownership.set_certificate(demo_certificate(estate, ownership.unit, start))
    Ownership.objects.bulk_create(ownerships, batch_size=2000)
    _link_owner_accounts(estate, parties)


def _link_owner_accounts(estate: Estate, parties) -> None:
    """Demo owner accounts: a single-unit owner, a multi-unit owner and a co-owner per estate."""
    wanted = {
        "single": next(p for p in parties if len(p[1]) == 1 and len(p[2]) == 1),
        "multi": next(p for p in parties if len(p[2]) > 1),
        "co": next(p for p in parties if len(p[1]) > 1),
    }
    for n, kind in enumerate(OWNER_ACCOUNT_KINDS, start=1):
        _party, members, held = wanted[kind]
        person = members[0]
        phone = f"+86139{zlib.crc32(estate.code.encode()) % 10000:04d}{n:04d}"
        local = f"owner{n}.{estate.code}"
        user = core_demo.ensure_user(local, person.name, phone=phone)
        Person.objects.filter(pk=person.pk).update(user=user, phone=phone)
        units = ", ".join(u.code for u in held)
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
