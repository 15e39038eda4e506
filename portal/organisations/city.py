"""City generator, layer 1: the jurisdiction tree, the organisations and the known accounts.

The tree is planned first (``plan_tree``: estate sizes of 200-4,000 units summing exactly to
``ctx.units``, 1-5 estates a community, 3-8 communities a street, 5-12 streets a district)
and written with ``bulk_create`` (materialised paths computed here, as treebeard would).
Organisations: the city and district housing bureaus, a street office per street, a
residents' committee per community, an owners' committee for about 40% of the estates, 300
property companies and 20 developers at the city node.

Known accounts (password ``DEMO_PASSWORD``, staff with the demo TOTP secret) for the city bench
and for people to look around: ``city.officer``, ``city.approver``, ``district.officer``,
``district.approver`` (the first district), ``street.officer`` (its first street),
``community.officer``, ``committee`` (owners' committee of the first estate), ``company``
(the first estate's property company) and ``owner`` (a verified owner of two units of the
first estate, made by the registry generator), all ``@demo.gongzhi.cn``.
"""

from __future__ import annotations

from portal.accounts.models import User
from portal.core import demo as core_demo
from portal.core.city import CityContext
from portal.organisations.models import Jurisdiction, Level, Membership, Organisation, OrgKind, Role

COMPANIES = 300
DEVELOPERS = 20
COMMITTEE_SHARE = 0.4
MIN_ESTATE, MAX_ESTATE = 200, 4000

CITY = ("city", "江城市")
DISTRICT_NAMES = [
    "镜湖区", "弋江区", "鸠江区", "湾沚区", "繁昌区", "三山区", "江北区", "高新区",
    "经开区", "滨湖区", "新城区", "东城区", "西城区", "南湖区", "北岸区", "长江区",
]  # fmt: skip
WORDS = [
    "范罗", "赭山", "中南", "澛港", "湾里", "官陡", "神山", "汀棠", "天门", "吉和", "弋矶",
    "方村", "大桥", "清水", "白马", "马塘", "火龙", "花津", "银湖", "凤鸣", "荆山", "峨桥",
    "三元", "滨江", "长虹", "绿地", "南瑞", "九华", "梦溪", "江岸", "文津", "龙湖", "翠微",
    "金桥", "碧桂", "桃源", "柳岸", "春晓", "和平", "利民", "新芜", "雨耕", "青弋", "荷塘",
]  # fmt: skip
ESTATE_SUFFIXES = ["花园", "小区", "家园", "新村", "雅苑", "佳苑", "公馆", "名城", "华府", "苑"]
COMPANY_WORDS = ["安居", "江城", "徽邻", "恒信", "万家", "佳园", "和美", "长江", "鸠兹", "诚信"]


def plan_tree(ctx: CityContext) -> list[dict]:
    """The districts, each {code, name, streets: [{code, name, communities: [{code, name,
    estates: [{code, name, units}]}]}]}; unit counts sum exactly to ``ctx.units``."""
    rng = ctx.rng("tree")
    if ctx.units < MIN_ESTATE:
        raise ValueError(f"a city needs at least {MIN_ESTATE} units")
    sizes: list[int] = []
    left = ctx.units
    while left > 0:
        size = int(min(MAX_ESTATE, max(MIN_ESTATE, rng.lognormvariate(6.55, 0.65))))
        if left - size < MIN_ESTATE:
            size = left if left <= MAX_ESTATE else left - MIN_ESTATE
        sizes.append(size)
        left -= size
    estates = [
        {
            "code": f"e{i + 1:05d}",
            "name": f"{rng.choice(WORDS)}{rng.choice(ESTATE_SUFFIXES)}",
            "units": size,
        }
        for i, size in enumerate(sizes)
    ]

    def chunks(items: list, low: int, high: int) -> list[list]:
        out, i = [], 0
        while i < len(items):
            k = rng.randint(low, high)
            out.append(items[i : i + k])
            i += k
        return out

    communities = chunks(estates, 1, 5)
    streets = chunks(communities, 3, 8)
    districts = chunks(streets, 5, 12)
    tree = []
    for d, dstreets in enumerate(districts, start=1):
        dcode = f"d{d:02d}"
        district = {
            "code": dcode,
            "name": DISTRICT_NAMES[(d - 1) % len(DISTRICT_NAMES)]
            + ("" if d <= len(DISTRICT_NAMES) else str(d)),
            "streets": [],
        }
        for s, scomms in enumerate(dstreets, start=1):
            scode = f"{dcode}s{s:02d}"
            street = {"code": scode, "name": f"{rng.choice(WORDS)}街道", "communities": []}
            for c, cestates in enumerate(scomms, start=1):
                street["communities"].append(
                    {
                        "code": f"{scode}c{c:02d}",
                        "name": f"{rng.choice(WORDS)}社区",
                        "estates": cestates,
                    }
                )
            district["streets"].append(street)
        tree.append(district)
    return tree


def _nodes(tree: list[dict]) -> list[Jurisdiction]:
    """Every node with its materialised path, depth and number of children (treebeard's
    MP_Node fields, steplen 4), parents before children."""

    def node(path, code, name, level, children):
        return Jurisdiction(
            path=path, depth=len(path) // 4, numchild=children, code=code, name=name, level=level
        )

    path = Jurisdiction._get_path("", 1, 1)
    out = [node(path, CITY[0], CITY[1], Level.CITY, len(tree))]
    for d, district in enumerate(tree, start=1):
        dpath = Jurisdiction._get_path(path, 2, d)
        out.append(
            node(
                dpath, district["code"], district["name"], Level.DISTRICT, len(district["streets"])
            )
        )
        for s, street in enumerate(district["streets"], start=1):
            spath = Jurisdiction._get_path(dpath, 3, s)
            out.append(
                node(
                    spath, street["code"], street["name"], Level.STREET, len(street["communities"])
                )
            )
            for c, community in enumerate(street["communities"], start=1):
                cpath = Jurisdiction._get_path(spath, 4, c)
                out.append(
                    node(
                        cpath,
                        community["code"],
                        community["name"],
                        Level.COMMUNITY,
                        len(community["estates"]),
                    )
                )
                for e, estate in enumerate(community["estates"], start=1):
                    out.append(
                        node(
                            Jurisdiction._get_path(cpath, 5, e),
                            estate["code"],
                            estate["name"],
                            Level.ESTATE,
                            0,
                        )
                    )
    return out


def company_code(i: int) -> str:
    """A valid unified social credit code for the generated company ``i``."""
    return core_demo.company_code(100_000 + i)


def build(ctx: CityContext) -> None:
    tree = plan_tree(ctx)
    ctx.tree = tree
    nodes = _nodes(tree)
    bar = ctx.progress("jurisdictions", len(nodes))
    Jurisdiction.objects.bulk_create(nodes, batch_size=2000)
    bar.update(len(nodes))
    bar.close()
    by_code = dict(Jurisdiction.objects.values_list("code", "pk"))
    rng = ctx.rng("organisations")
    orgs = [
        Organisation(
            name="江城市住房和城乡建设局", kind=OrgKind.BUREAU, jurisdiction_id=by_code["city"]
        )
    ]
    committees = []
    for district in tree:
        orgs.append(
            Organisation(
                name=f"{district['name']}住房和城乡建设局",
                kind=OrgKind.BUREAU,
                jurisdiction_id=by_code[district["code"]],
            )
        )
        for street in district["streets"]:
            orgs.append(
                Organisation(
                    name=f"{street['name']}办事处",
                    kind=OrgKind.STREET_OFFICE,
                    jurisdiction_id=by_code[street["code"]],
                )
            )
            for community in street["communities"]:
                orgs.append(
                    Organisation(
                        name=f"{community['name']}居民委员会",
                        kind=OrgKind.RESIDENTS_COMMITTEE,
                        jurisdiction_id=by_code[community["code"]],
                    )
                )
                for estate in community["estates"]:
                    # The first estate always has a committee (the bench signs in as it).
                    if estate["code"] == "e00001" or rng.random() < COMMITTEE_SHARE:
                        committees.append(estate["code"])
                        orgs.append(
                            Organisation(
                                name=f"{estate['name']}业主委员会",
                                kind=OrgKind.OWNERS_COMMITTEE,
                                jurisdiction_id=by_code[estate["code"]],
                            )
                        )
    for i in range(1, COMPANIES + 1):
        orgs.append(
            Organisation(
                name=f"江城{rng.choice(COMPANY_WORDS)}{rng.choice(WORDS)}物业服务有限公司{i}",
                kind=OrgKind.PROPERTY_COMPANY,
                jurisdiction_id=by_code["city"],
                credit_code=company_code(i),
                phone=f"0553-{3000000 + i}",
                address=f"江城市长江路{i}号",
            )
        )
    for i in range(1, DEVELOPERS + 1):
        orgs.append(
            Organisation(
                name=f"江城{rng.choice(WORDS)}房地产开发有限公司{i}",
                kind=OrgKind.DEVELOPER,
                jurisdiction_id=by_code["city"],
            )
        )
    Organisation.objects.bulk_create(orgs, batch_size=2000)
    ctx.committee_estates = set(committees)
    _known_accounts(tree)


def _known_accounts(tree: list[dict]) -> None:
    """The staff accounts of the module doc (with the demo TOTP secret) and one committee
    member account per owners' committee (it enters the paper ballots)."""

    district, street = tree[0], tree[0]["streets"][0]
    community = street["communities"][0]

    def org(kind, code):
        return Organisation.objects.get(kind=kind, jurisdiction__code=code)

    staff = [
        ("city.officer", "市住建局干部", org(OrgKind.BUREAU, "city"), Role.OFFICER),
        ("city.approver", "市住建局审核", org(OrgKind.BUREAU, "city"), Role.APPROVER),
        ("district.officer", "区住建局干部", org(OrgKind.BUREAU, district["code"]), Role.OFFICER),
        ("district.approver", "区住建局审核", org(OrgKind.BUREAU, district["code"]), Role.APPROVER),
        ("street.officer", "街道干部", org(OrgKind.STREET_OFFICE, street["code"]), Role.OFFICER),
        (
            "community.officer",
            "居委会干部",
            org(OrgKind.RESIDENTS_COMMITTEE, community["code"]),
            Role.OFFICER,
        ),
        ("committee", "业委会委员", org(OrgKind.OWNERS_COMMITTEE, "e00001"), Role.MEMBER),
    ]
    for local, name, organisation, role in staff:
        user = core_demo.ensure_user(local, name, staff=True)
        Membership.objects.create(user=user, organisation=organisation, role=role)
    # One account per other owners' committee, without a second factor (nobody signs in).
    password = core_demo.password_hash()
    others = list(
        Organisation.objects.filter(kind=OrgKind.OWNERS_COMMITTEE)
        .exclude(jurisdiction__code="e00001")
        .select_related("jurisdiction")
        .order_by("jurisdiction__code")
    )
    users = User.objects.bulk_create(
        [
            User(
                username=f"committee.{o.jurisdiction.code}",
                email=core_demo.email(f"committee.{o.jurisdiction.code}"),
                password=password,
                display_name=f"{o.jurisdiction.name}业委会委员",
            )
            for o in others
        ],
        batch_size=2000,
    )
    Membership.objects.bulk_create(
        [
            Membership(user=u, organisation=o, role=Role.MEMBER)
            for u, o in zip(users, others, strict=True)
        ],
        batch_size=2000,
    )


def company_account(company: Organisation):
    """The ``company`` known account, member of ``company`` (called by the registry generator
    once it knows the first estate's company)."""
    user = core_demo.ensure_user("company", "物业公司经理", staff=True)
    Membership.objects.get_or_create(user=user, organisation=company, role=Role.OFFICER)
    return user
