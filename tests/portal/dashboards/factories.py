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
    # treebeard keeps siblings ordered by code and may have moved nodes created earlier: fetch
    # every node again so that the world's objects carry their current paths.
    from portal.organisations.models import Jurisdiction

    fresh = Jurisdiction.objects.in_bulk()
    world.city = fresh[world.city.pk]
    for name in ("districts", "streets", "communities", "estate_nodes"):
        setattr(world, name, [fresh[n.pk] for n in getattr(world, name)])
    for estate in world.estates:
        estate.refresh_from_db()

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


def add_domain_data(city: City) -> dict:
    """Votes, fund ledgers and requests, ratings and notices with known figures (see
    ``DOMAIN_EXPECTED``). Rows are written directly: this builds test records, it is not a flow.

    estate 0: an open vote, a final passed vote (4 of 5 heads, 380.50 of 450.50 m²) and a counted
    failed one (3 heads, 300.00 m²) closed this month, a draft; 6 ledgers (5 x 1,000.10 and one
    of 10.00 due for a refill); an emergency request awaiting review and one approved 2 days
    after it was filed; its company rated C and blacklisted in a published quarter; a notice to
    the estate and one to its district. Plus a notice to the whole city (no target).
    estate 1: nothing of the kind, and no company.
    """
    from datetime import timedelta

    from django.utils import timezone

    from cms.demo import ensure_home
    from cms.models import NoticePage
    from portal.organisations.models import OrgKind
    from property.credit.models import Publication, Rating
    from property.fund.models import FundAccount, FundRequest, RequestKind, Status
    from property.registry.models import Unit
    from tests.factories import make_user, org
    from voting.models import Vote, VoteStatus

    w = city.world
    e0 = w.estates[0]
    now = timezone.now()

    def result(part_heads, part_area, agree_heads, agree_area, outcome):
        return {
            "rule": "ordinary",
            "total": {"heads": 5, "area": "450.50"},
            "participating": {"heads": part_heads, "area": part_area},
            "agree": {"heads": agree_heads, "area": agree_area},
            "oppose": {"heads": part_heads - agree_heads, "area": "0.00"},
            "abstain": {"heads": 0, "area": "0.00"},
            "participation_met": True,
            "approved": outcome == "passed",
            "outcome": outcome,
        }

    def vote(title, status, **extra):
        return Vote.objects.create(
            estate=e0,
            title=title,
            matter=1,
            motion="motion",
            status=status,
            opens_at=now - timedelta(days=20),
            closes_at=extra.pop("closes_at", now - timedelta(hours=1)),
            channels=["online"],
            **extra,
        )

    votes = {
        "open": vote("开放中的表决", VoteStatus.OPEN, closes_at=now + timedelta(days=5)),
        "final": vote(
            "已生效的表决",
            VoteStatus.FINAL,
            result=result(4, "380.50", 3, "300.00", "passed"),
            outcome="passed",
            finalised_at=now,
        ),
        "counted": vote(
            "已计票的表决",
            VoteStatus.COUNTED,
            result=result(3, "300.00", 1, "100.00", "failed"),
            outcome="failed",
        ),
        "draft": vote("草稿表决", VoteStatus.DRAFT, closes_at=now + timedelta(days=30)),
    }
    for i, unit in enumerate(Unit.objects.filter(estate=e0).order_by("code")):
        low = i == 0
        FundAccount.objects.create(
            unit=unit,
            estate=e0,
            first_deposit=Decimal("1000.10"),
            balance=Decimal("10.00") if low else Decimal("1000.10"),
            refill_due=low,
        )
    filer = make_user()
    common = dict(
        estate=e0,
        kind=RequestKind.EMERGENCY,
        description="d",
        scope="estate",
        estimated_cost=Decimal("5000.00"),
        contractor="某维修公司",
        applicant=w.companies[0],
        created_by=filer,
    )
    FundRequest.objects.create(title="电梯抢修", status=Status.SUBMITTED, **common)
    FundRequest.objects.create(
        title="屋面渗漏",
        status=Status.APPROVED,
        submitted_at=now - timedelta(days=2),
        decided_at=now,
        **common,
    )
    as_of = timezone.localdate() - timedelta(days=30)
    Rating.objects.create(
        company=w.companies[0], as_of=as_of, score=Decimal("50.00"), grade="C", blacklisted=True
    )
    Rating.objects.create(company=w.companies[1], as_of=as_of, score=Decimal("88.00"), grade="AAA")
    Publication.objects.create(year=as_of.year, quarter=3, as_of=as_of, published_at=now)
    home = ensure_home()
    issuer = org(OrgKind.BUREAU, w.city, "发布机关")
    for title, target in (
        ("小区通知", w.estate_nodes[0]),
        ("区通知", w.districts[0]),
        ("全市通知", None),
    ):
        home.add_child(
            instance=NoticePage(
                title=title,
                slug=f"n-{title}-{next_slug()}",
                organisation=issuer,
                jurisdiction=target,
                publication_date=timezone.localdate(),
                summary="摘要",
            )
        )
    return votes


_slugs = iter(range(1, 10**6))


def next_slug() -> int:
    return next(_slugs)


# Domain figures expected from add_domain_data, for estate 0's chain and the city.
DOMAIN_EXPECTED_E0 = dict(
    votes_open=1,
    votes_counted=2,
    votes_passed=1,
    turnout_area=Decimal("75.5"),  # (380.50 + 300.00) / (2 x 450.50)
    fund_balance=Decimal("5010.50"),
    fund_accounts=6,
    refill_due=1,
    fund_requests_open=2,
    emergency_pending=1,
    companies=1,
    companies_blacklisted=1,
)
