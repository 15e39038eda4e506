"""The staff page of an estate stays fast with hundreds of parties (issue 15: 1.7 s with 512
parties on one page): the party and unit tables are paginated, 50 rows a page each, with the
project's pager (上一页 · 第 n 页，共 m 页 · 下一页), and each pager keeps the other table's page."""

import re

import pytest
from django.urls import reverse

from portal.organisations.models import OrgKind
from tests.factories import add_units, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_estate(world):
    estate = world.estates[0]
    add_units(estate, [(f"1-{n:03d}", "80.00", f"业主{n:03d}") for n in range(1, 131)])
    return estate


def _rows(page: str, table_id: str) -> list[str]:
    table = page.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr><td>([^<]+)</td>", table)


def test_estate_page_shows_fifty_parties_and_units_a_page(client, world, big_estate):
    client.force_login(staff(OrgKind.STREET_OFFICE, world.streets[0]))
    url = reverse("registry:estate_detail", args=[big_estate.code])
    page = client.get(url).content.decode()
    assert len(_rows(page, "parties")) == 50 and len(_rows(page, "units")) == 50
    assert page.count("第 1 页，共 3 页") == 2
    assert "130" in page  # the totals still count every unit and party
    page = client.get(url, {"parties": 3, "units": 2}).content.decode()
    assert len(_rows(page, "parties")) == 30
    assert _rows(page, "units")[0] == "1-051"
    assert "第 3 页，共 3 页" in page and "第 2 页，共 3 页" in page
    assert "?parties=2&amp;units=2#parties" in page  # previous parties page keeps units' page
    assert "?parties=3&amp;units=3#units" in page  # next units page keeps parties' page
    assert client.get(url, {"parties": "x", "units": 99}).status_code == 200


def test_estate_page_is_still_refused_to_owners(client, world, big_estate):
    from tests.factories import make_owner

    owner, _ = make_owner(big_estate, "9-999")
    client.force_login(owner)
    url = reverse("registry:estate_detail", args=[big_estate.code])
    assert client.get(url, {"parties": 2}).status_code == 403
