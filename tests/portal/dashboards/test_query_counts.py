"""Every level's dashboard page stays under the city bench's 20 queries (issue 21: the city,
district and street dashboards took 21 and 22 on a generated city). Session, user, grants and
second factor included, as the bench counts them.

What brought them under: the companies of a place and their places read in two queries, not
three (credit ``company_places``); the city's notices to the whole city counted in the grouped
notice query, not in a second one; the breadcrumb's ancestors read with the children, in one
query (``family_of``)."""

import pytest
from django.urls import reverse

from portal.dashboards import selectors
from portal.organisations.models import OrgKind
from tests.factories import org, staff

from .factories import add_domain_data

pytestmark = pytest.mark.django_db

MAX_QUERIES = 19


@pytest.fixture
def data(city):
    """The domain data of the dashboards' tests (votes, ledgers, requests, a rated and
    blacklisted company, notices to an estate, a district and the whole city), plus companies
    registered in each district, so every level has several rows of each kind."""
    for i, district in enumerate(city.world.districts):
        for k in range(3):
            org(OrgKind.PROPERTY_COMPANY, district, f"区{i + 1}物业{k + 1}")
    return add_domain_data(city)


@pytest.mark.parametrize("level", ["city", "districts", "streets", "communities", "estate_nodes"])
def test_each_level_s_page_stays_under_twenty_queries(
    client, city, data, level, django_assert_max_num_queries
):
    w = city.world
    node = w.city if level == "city" else getattr(w, level)[0]
    client.force_login(staff(OrgKind.BUREAU, w.city))
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("dashboards:node", args=[node.code]))
    assert response.status_code == 200


def test_breadcrumb_lists_the_ancestors_root_first_each_linked_if_allowed(client, city):
    """The ancestors read with the children: the street's page names the city and the district
    in that order, linking only those the viewer may open."""
    w = city.world
    client.force_login(staff(OrgKind.BUREAU, w.districts[0]))
    html = client.get(reverse("dashboards:node", args=[w.streets[0].code])).content.decode()
    crumbs = html.split('aria-current="page"', 1)[0].rsplit("<nav", 1)[1]
    assert crumbs.index(w.city.name) < crumbs.index(w.districts[0].name)
    assert f'href="{reverse("dashboards:node", args=[w.city.code])}"' not in crumbs
    assert f'href="{reverse("dashboards:node", args=[w.districts[0].code])}"' in crumbs
    board = selectors.node_dashboard(w.streets[0])
    assert board.ancestors == [w.city, w.districts[0]]
    assert [r.node for r in board.children] == [w.communities[0]]
    assert selectors.node_dashboard(w.city).ancestors == []
    assert selectors.node_dashboard(w.estate_nodes[0]).children == []


def test_companies_of_a_place_are_credits_one_definition(city, data):
    """``company_places`` (two queries) has exactly the companies of ``companies_of_place``:
    registered under the place or managing an estate there; every company for the city."""
    from property.credit.selectors import companies_of_place, company_places

    w = city.world
    for node in (w.city, w.districts[0], w.districts[1], w.streets[0], w.estate_nodes[0]):
        expected = set(companies_of_place(node.path).values_list("pk", flat=True))
        assert set(company_places(node.path)) == expected, node
    places = company_places(w.districts[0].path)
    assert places[w.companies[0].pk] == {w.estate_nodes[0].path}  # registered at the city
