"""One definition of each credit indicator (issue 15: the city dashboard said 0 blacklisted
companies while the public ranking showed one).

The companies a place counts are ``property.credit.selectors.companies_of_place``: those
registered at or under it and those managing an estate under it (the whole city: every
company). The dashboards, the public ranking and the API all count through it, so on the demo
city they agree: the company on the blacklist manages no estate, and is still the city's.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

from portal.dashboards.selectors import node_dashboard
from portal.organisations.models import Jurisdiction, Level
from property.credit import selectors as credit

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    """The demo city's organisations, registry and credit ratings (not its votes, fund or pages:
    the credit figures need none of them)."""
    from portal.core import demo as core_demo
    from property.credit import demo as credit_demo
    from property.registry import demo as registry_demo

    settings.OPEN_DATA_CACHE_SECONDS = 0
    cache.clear()
    core_demo.load()
    registry_demo.load()
    credit_demo.load()
    return Jurisdiction.objects.get(level=Level.CITY)


def _blacklist_of(board) -> set[str]:
    (items,) = [x["items"] for x in board.lists if x["template"] == "dashboards/_blacklist.html"]
    return {r.company.name for r in items}


def test_dashboard_ranking_and_api_agree_on_the_demo_city(client, demo):
    board = node_dashboard(demo)
    ranking = list(credit.public_ranking(credit.latest_publication()))
    api = client.get("/api/v1/ratings/").json()["results"]

    ranked_black = {r.company.name for r in ranking if r.blacklisted}
    api_black = {r["company"] for r in api if r["blacklisted"]}
    assert ranked_black, "the demo city has a blacklisted company"
    assert board.total["companies_blacklisted"] == len(ranked_black) == len(api_black)
    assert _blacklist_of(board) == ranked_black == api_black
    assert board.total["companies"] == len(ranking) == len(api)

    client.cookies["django_language"] = "zh-hans"
    page = client.get("/credit/").content.decode()
    assert all(name in page for name in ranked_black)
    assert f"{len(ranking)} 家企业参评" in page and f"{len(ranked_black)} 家列入黑名单" in page


def test_district_dashboard_and_district_ranking_agree(demo):
    """A district counts the companies managing its estates (and any registered in it), in the
    dashboard as in the ranking filtered by that district."""
    publication = credit.latest_publication()
    for district in Jurisdiction.objects.filter(level=Level.DISTRICT):
        board = node_dashboard(district)
        ranking = list(credit.public_ranking(publication, district=district))
        assert board.total["companies"] == len(ranking), district.name
        assert board.total["companies_blacklisted"] == sum(r.blacklisted for r in ranking)


def test_companies_of_place(demo):
    """The city: every company; a district: those managing its estates or registered in it."""
    everyone = set(credit.companies().values_list("pk", flat=True))
    assert set(credit.companies_of_place(demo.path).values_list("pk", flat=True)) == everyone
    district = Jurisdiction.objects.filter(level=Level.DISTRICT).order_by("path").first()
    managing = set(
        district.path
        and credit.Estate.objects.filter(jurisdiction__path__startswith=district.path).values_list(
            "company_id", flat=True
        )
    )
    assert set(credit.companies_of_place(district.path).values_list("pk", flat=True)) == managing
