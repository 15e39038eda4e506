"""City generator, layer 2: estates, buildings, units, owner parties, persons and ownership.

Per estate (``_estate``), from its own random stream: a property company (one of the 300), a
delivery date, buildings (high-rise, mid-rise or walk-up, 1-3 stairwells, 2-4 flats a floor,
one floor plan per stairwell position), about 3% shops and 4% parking spaces, the areas
(registered for most, surveyed or contract for a few); the developer keeps 0-8% of the units
unsold (one party); about 6% of owners hold two or three units, about a third of the person
parties are co-owners (two people); persons (with valid identity numbers, encrypted like the
portal's) exist for ``PERSON_SHARE`` of the parties, the others are parties known by name
only. Some units were resold after delivery (a later ownership start).

Bulk-loaded by COPY with keys counted here (``ctx.ids``); the first estate gets the ``owner``
known account (a verified owner of two units) and its company the ``company`` account.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from stdnum.cn import ric

from portal.core import demo as core_demo
from portal.core.city import Buffer, CityContext, days_between
from portal.core.crypto import encrypt_text, keyed_hash
from portal.organisations import city as org_city
from portal.organisations.models import Jurisdiction, Organisation, OrgKind

from .models import (
    AreaSource,
    Building,
    Estate,
    OwnerParty,
    Ownership,
    PartyKind,
    Person,
    Unit,
    UnitUse,
    mask_identity,
)

PERSON_SHARE = 0.4
CO_OWNER_SHARE = 0.33
MULTI_UNIT_SHARE = 0.06
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红玉梅辉鑫波斌宇浩凯健俊帆帅旭宁龙林欣颖佳琳晨思雨子涵一诺"
REGIONS = ["340202", "340203", "340207", "340208", "340221", "340222", "340223", "340225"]


def _name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


class Identities:
    """Valid, distinct mainland identity numbers (GB 11643) drawn from a random stream."""

    def __init__(self, rng):
        self.rng, self.seen = rng, set()

    def draw(self) -> str:
        while True:
            born = date(1945, 1, 1) + timedelta(days=self.rng.randint(0, 20_000))
            body = f"{self.rng.choice(REGIONS)}{born:%Y%m%d}{self.rng.randint(0, 999):03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in self.seen:
                self.seen.add(number)
                return number


def _floor_plans(rng, kind: str) -> tuple[int, int, list[Decimal]]:
    floors = {"high": rng.randint(18, 33), "mid": rng.randint(11, 18), "walk": 6}[kind]
    stairs = rng.randint(1, 2) if kind != "walk" else rng.randint(2, 4)
    rooms = rng.randint(2, 4) if kind != "walk" else 2
    plans = [
        Decimal(f"{max(45.0, rng.gauss(98, 22)):.2f}") for _ in range(rooms)
    ]  # one area per room position, the same on every floor
    return floors, stairs, plans


def _estate_units(rng, size: int) -> list[tuple[str, str, str, str, Decimal, str]]:
    """(building code, stairwell, unit code, use, area, area source), ``size`` of them."""
    shops = max(0, int(size * rng.uniform(0.0, 0.06)))
    parking = max(0, int(size * rng.uniform(0.0, 0.08)))
    flats = size - shops - parking
    kind = rng.choices(["high", "mid", "walk"], [5, 3, 2])[0]
    out = []
    b = 0
    while len(out) < flats:
        b += 1
        floors, stairs, plans = _floor_plans(rng, kind)
        for s in range(1, stairs + 1):
            for floor in range(1, floors + 1):
                for r, area in enumerate(plans, start=1):
                    if len(out) >= flats:
                        break
                    source = rng.choices(
                        [AreaSource.REGISTERED, AreaSource.SURVEYED, AreaSource.CONTRACT],
                        [93, 5, 2],
                    )[0]
                    out.append(
                        (
                            str(b),
                            str(s),
                            f"{b}-{s}-{floor:02d}{r:02d}",
                            UnitUse.RESIDENTIAL,
                            area,
                            source,
                        )
                    )
    for i in range(1, shops + 1):
        area = Decimal(f"{rng.uniform(30, 260):.2f}")
        out.append(("S", "", f"S-{i:03d}", UnitUse.COMMERCIAL, area, AreaSource.REGISTERED))
    for i in range(1, parking + 1):
        area = Decimal(f"{rng.uniform(11.5, 16):.2f}")
        out.append(("P", "", f"P-{i:04d}", UnitUse.PARKING, area, AreaSource.REGISTERED))
    return out


class _Writers:
    def __init__(self, ctx: CityContext):
        self.buildings = Buffer(ctx, Building, ["id", "estate_id", "code", "name"])
        self.units = Buffer(
            ctx,
            Unit,
            ["id", "estate_id", "building_id", "code", "stairwell", "use", "area", "area_source"],
        )
        self.parties = Buffer(
            ctx, OwnerParty, ["id", "estate_id", "kind", "label", "organisation_id", "key"]
        )
        self.persons = Buffer(
            ctx,
            Person,
            ["id", "name", "identity_encrypted", "identity_hash", "identity_masked", "phone"],
        )
        self.members = Buffer(ctx, OwnerParty.members.through, ["id", "ownerparty_id", "person_id"])
        # No certificate numbers: a generated city is for load, not for instant verification.
        self.ownerships = Buffer(
            ctx,
            Ownership,
            ["id", "unit_id", "party_id", "start", "end"]
            + ["certificate_encrypted", "certificate_hash", "certificate_masked"],
        )

    def flush(self) -> dict:
        # Parents before children (the foreign keys are checked row by row).
        order = ["buildings", "units", "persons", "parties", "members", "ownerships"]
        return {name: getattr(self, name).flush() for name in order}


def build(ctx: CityContext) -> None:
    rng = ctx.rng("estates")
    companies = list(
        Organisation.objects.filter(kind=OrgKind.PROPERTY_COMPANY)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    developers = list(
        Organisation.objects.filter(kind=OrgKind.DEVELOPER)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    nodes = dict(Jurisdiction.objects.filter(depth=5).values_list("code", "pk"))
    plan = [
        e for d in ctx.tree for s in d["streets"] for c in s["communities"] for e in c["estates"]
    ]
    estates = []
    for e in plan:
        delivered = days_between(rng, date(1998, 1, 1), ctx.today - timedelta(days=400))
        start = days_between(rng, date(2015, 1, 1), ctx.today - timedelta(days=200))
        e["delivered"] = delivered
        e["developer"] = rng.choice(developers)
        estates.append(
            Estate(
                jurisdiction_id=nodes[e["code"]],
                code=e["code"],
                name=e["name"],
                address=f"江城市{e['name']}路{rng.randint(1, 999)}号",
                company_id=rng.choice(companies),
                contract_start=start,
                contract_end=start + timedelta(days=365 * rng.choice((3, 5))),
                assembly_holds_fund=rng.random() < 0.15,
            )
        )
    Estate.objects.bulk_create(estates, batch_size=2000)
    ids = dict(Estate.objects.values_list("code", "pk"))
    out = _Writers(ctx)
    identities = Identities(ctx.rng("identities"))
    bar = ctx.progress("units", ctx.units)
    for e in plan:
        _estate(ctx, e, ids[e["code"]], out, identities)
        bar.update(e["units"])
    out.flush()
    bar.close()
    ctx.reset_sequences()
    _known_owner(ctx)


def _estate(ctx: CityContext, e: dict, estate_id: int, out: _Writers, identities: Identities):
    rng = ctx.rng("estate", e["code"])
    units = _estate_units(rng, e["units"])
    building_ids: dict[str, int] = {}
    for code in dict.fromkeys(u[0] for u in units):
        bid = ctx.next_id(Building)
        building_ids[code] = bid
        label = {"S": "商铺", "P": "地下车库"}.get(code, f"{code}号楼")
        out.buildings.add((bid, estate_id, code, label))
    unit_ids = ctx.ids(Unit, len(units))
    for uid, (bcode, stair, code, use, area, source) in zip(unit_ids, units, strict=True):
        out.units.add((uid, estate_id, building_ids[bcode], code, stair, use, area, source))
    # Who holds what: the developer's unsold units, then owners of one to three units.
    order = list(range(len(units)))
    unsold = set(rng.sample(order, int(len(units) * rng.uniform(0.0, 0.08))))
    holdings: list[list[int]] = []
    rest = [i for i in order if i not in unsold]
    i = 0
    while i < len(rest):
        k = rng.choice((2, 3)) if rng.random() < MULTI_UNIT_SHARE else 1
        holdings.append(rest[i : i + k])
        i += k
    delivered = e["delivered"]
    if unsold:
        pid = ctx.next_id(OwnerParty)
        out.parties.add(
            (
                pid,
                estate_id,
                PartyKind.DEVELOPER,
                "开发建设单位（未售）",
                e["developer"],
                "developer",
            )
        )
        for idx in sorted(unsold):
            oid = ctx.next_id(Ownership)
            out.ownerships.add((oid, unit_ids[idx], pid, delivered, None, "", "", ""))
    for n, held in enumerate(holdings):
        co_owners = rng.random() < CO_OWNER_SHARE
        names = [_name(rng) for _ in range(2 if co_owners else 1)]
        kind = PartyKind.CO_OWNERS if co_owners else PartyKind.PERSON
        pid = ctx.next_id(OwnerParty)
        if rng.random() < PERSON_SHARE:
            hashes = []
            for name in names:
                number = identities.draw()
                person_id = ctx.next_id(Person)
                digest = keyed_hash(number)
                hashes.append(digest)
                phone = f"+86139{rng.randint(0, 10**8 - 1):08d}"
                out.persons.add(
                    (person_id, name, encrypt_text(number), digest, mask_identity(number), phone)
                )
                mid = ctx.next_id(OwnerParty.members.through)
                out.members.add((mid, pid, person_id))
            key = OwnerParty.key_for(identity_hashes=hashes)
        else:
            key = f"registry-{n}"  # known to the registry by name only (no person yet)
        out.parties.add((pid, estate_id, kind, "、".join(names), None, key))
        start = delivered
        if rng.random() < 0.15:  # resold since delivery
            start = days_between(rng, delivered, ctx.today - timedelta(days=30))
        for idx in held:
            oid = ctx.next_id(Ownership)
            out.ownerships.add((oid, unit_ids[idx], pid, start, None, "", "", ""))


def _known_owner(ctx: CityContext) -> None:
    """The ``owner`` account: a person holding two units of the first estate; and the
    ``company`` account, staff of the first estate's company."""

    estate = Estate.objects.select_related("company").get(code="e00001")
    org_city.company_account(estate.company)
    party = (
        OwnerParty.objects.filter(estate=estate, kind=PartyKind.PERSON, members__isnull=False)
        .order_by("pk")
        .first()
    )
    if party is None:
        return
    # Give it a second unit: a parking space or the developer's first unsold unit.
    spare = (
        Ownership.objects.filter(unit__estate=estate, end__isnull=True)
        .exclude(party=party)
        .filter(party__kind=PartyKind.DEVELOPER)
        .order_by("unit__code")
        .first()
    )
    if spare is not None:
        Ownership.objects.filter(pk=spare.pk).update(end=ctx.today - timedelta(days=90))
        Ownership.objects.create(unit=spare.unit, party=party, start=ctx.today - timedelta(days=90))
    user = core_demo.ensure_user("owner", party.label)
    Person.objects.filter(pk=party.members.order_by("pk").first().pk).update(user=user)
