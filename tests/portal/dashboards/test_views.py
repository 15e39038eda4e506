"""Dashboard pages: landing by role, jurisdiction scoping, drill-down links, exports."""

import csv
import io
import re

import pytest
import tablib
from django.urls import reverse

from portal.organisations.models import OrgKind
from tests.factories import make_owner, make_user, staff

pytestmark = pytest.mark.django_db


def url(node, name="node"):
    return reverse(f"dashboards:{name}", args=[node.code])


def test_anonymous_is_sent_to_sign_in(client, city):
    for name in ("node", "export_csv", "export_xlsx"):
        response = client.get(url(city.world.city, name))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    for path in ("/dashboard/", "/dashboard/me/", "/dashboard/company/"):
        assert "/accounts/login/" in client.get(path)["Location"]


def test_staff_land_on_their_highest_governed_node(client, city):
    """A staff member lands on the dashboard of their highest governed node."""
    officer = staff(OrgKind.BUREAU, city.world.districts[0])
    client.force_login(officer)
    response = client.get("/dashboard/")
    assert response["Location"] == url(city.world.districts[0])
    city_officer = staff(OrgKind.BUREAU, city.world.city)
    client.force_login(city_officer)
    assert client.get("/dashboard/")["Location"] == url(city.world.city)


def test_landing_for_company_committee_and_owner(client, city):
    company = staff(OrgKind.PROPERTY_COMPANY, city.world.city, organisation=city.world.companies[0])
    client.force_login(company)
    assert client.get("/dashboard/")["Location"] == reverse("dashboards:company")
    committee = staff(
        OrgKind.OWNERS_COMMITTEE, city.world.estate_nodes[0], organisation=city.world.committees[0]
    )
    client.force_login(committee)
    assert client.get("/dashboard/")["Location"] == url(city.world.estate_nodes[0])
    client.force_login(city.owners[0])
    assert client.get("/dashboard/")["Location"] == reverse("dashboards:me")


def test_district_officer_sees_district_and_drills_down_to_estate(client, city):
    """Done-when: a district officer sees their district's figures and drills down to an estate;
    every level's page links to the next one."""
    w = city.world
    client.force_login(staff(OrgKind.BUREAU, w.districts[0]))
    chain = [w.districts[0], w.streets[0], w.communities[0], w.estate_nodes[0]]
    for parent, child in zip(chain, chain[1:], strict=False):
        page = client.get(url(parent)).content.decode()
        assert f'href="{url(child)}"' in page
    page = client.get(url(w.estate_nodes[0])).content.decode()
    assert '<dd class="figure" data-key="units">6</dd>' in page
    assert '<dd class="figure" data-key="area">450.50</dd>' in page
    assert '<dd class="figure" data-key="verified_share">20.0%</dd>' in page


def test_city_officer_sees_all_districts(client, city):
    """Done-when: a city officer sees all districts with their figures."""
    client.force_login(staff(OrgKind.BUREAU, city.world.city))
    page = client.get(url(city.world.city)).content.decode()
    for district in city.world.districts:
        assert f'href="{url(district)}"' in page
    assert '<dd class="figure" data-key="units">8</dd>' in page
    assert '<dd class="figure" data-key="verified_share">42.9%</dd>' in page


@pytest.mark.parametrize("kind", [OrgKind.BUREAU, OrgKind.STREET_OFFICE])
def test_scope_refuses_nodes_outside(client, city, kind):
    """Every node dashboard and export is refused (403) outside the user's subtree."""
    w = city.world
    where = w.districts[0] if kind == OrgKind.BUREAU else w.streets[0]
    client.force_login(staff(kind, where))
    inside = [n for n in (w.districts[0], w.streets[0], w.communities[0], w.estate_nodes[0])]
    inside = [n for n in inside if n.path.startswith(where.path)]
    outside = [w.city, w.districts[1], w.streets[1], w.communities[1], w.estate_nodes[1]]
    if kind == OrgKind.STREET_OFFICE:
        outside.append(w.districts[0])
    for node in inside:
        for name in ("node", "export_csv", "export_xlsx"):
            assert client.get(url(node, name)).status_code == 200
    for node in outside:
        for name in ("node", "export_csv", "export_xlsx"):
            assert client.get(url(node, name)).status_code == 403


def test_owner_company_and_committee_cannot_open_government_dashboards(client, city):
    w = city.world
    client.force_login(city.owners[0])
    assert client.get(url(w.estate_nodes[0])).status_code == 403
    client.force_login(staff(OrgKind.PROPERTY_COMPANY, w.city, organisation=w.companies[0]))
    assert client.get(url(w.estate_nodes[0])).status_code == 403
    committee = staff(OrgKind.OWNERS_COMMITTEE, w.estate_nodes[0], organisation=w.committees[0])
    client.force_login(committee)
    assert client.get(url(w.estate_nodes[0])).status_code == 200
    assert client.get(url(w.estate_nodes[1])).status_code == 403
    assert client.get(url(w.communities[0])).status_code == 403


def test_unknown_node_is_404(client, city):
    client.force_login(staff(OrgKind.BUREAU, city.world.city))
    assert client.get("/dashboard/no-such-node/").status_code == 404


def test_csv_export_has_the_page_figures(client, city):
    """The CSV holds the same figures as the page: the node, then each child."""
    client.force_login(staff(OrgKind.BUREAU, city.world.city))
    response = client.get(url(city.world.city, "export_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[1]
    body = {r[1]: dict(zip(header, r, strict=True)) for r in rows[2:5]}
    city_row = body[city.world.city.code]
    assert city_row[header[3]] == "2"  # estates
    units_col = header[5]
    assert city_row[units_col] == "8"
    assert body[city.world.districts[0].code][units_col] == "6"
    assert body[city.world.districts[1].code][header[6]] == "200.00"  # area
    assert city_row[header[9]] == "42.9"  # owners verified (%)


def test_xlsx_export_has_the_page_figures(client, city):
    client.force_login(staff(OrgKind.BUREAU, city.world.districts[1]))
    response = client.get(url(city.world.districts[1], "export_xlsx"))
    assert response.status_code == 200
    book = tablib.Databook()
    book.load(response.content, "xlsx")
    sheet = book.sheets()[0]
    assert sheet[0][1] == city.world.districts[1].code
    assert sheet[0][5] == 2  # units
    assert sheet[0][6] == 200  # area, a number (not the text "200.00")


def test_xlsx_export_stores_numbers_as_numbers(client, city):
    """Issue 15: the XLSX stored numbers as text (no sums, no sorting in Excel). Counts are
    whole numbers, money and areas numbers shown with two decimals, shares with one."""
    from decimal import Decimal

    import openpyxl

    client.force_login(staff(OrgKind.BUREAU, city.world.city))
    response = client.get(url(city.world.city, "export_xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    city_row = sheet[2]
    by_title = dict(zip(header, city_row, strict=True))
    units, area = by_title[header[5]], by_title[header[6]]
    share = by_title[header[9]]  # owners verified (%)
    money = next(c for h, c in by_title.items() if "(yuan)" in h or "（元）" in h)
    assert (units.data_type, units.value) == ("n", 8)
    from portal.dashboards.selectors import node_dashboard

    expected = node_dashboard(city.world.city).total["area"]
    assert area.data_type == "n" and Decimal(str(area.value)).quantize(expected) == expected
    assert area.number_format == "#,##0.00"
    assert money.data_type == "n" and money.number_format == "#,##0.00"
    assert share.data_type == "n" and share.number_format == "0.0"
    assert units.number_format in ("#,##0", "0")
    texts = [c for c in city_row if c.data_type == "s"]
    assert [c.value for c in texts] == [c.value for c in city_row[:3]]  # level, code, place


def test_charts_have_data_blocks_and_no_inline_script(client, city):
    """Charts read JSON data blocks (not executed); every <script> has a src or is JSON."""
    client.force_login(staff(OrgKind.BUREAU, city.world.city))
    page = client.get(url(city.world.city)).content.decode()
    assert 'type="application/json"' in page
    assert "default/dashboards/charts.js" in page
    assert "default/vendor/echarts.min.js" in page
    import re

    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_resident_dashboard_lists_own_units_only(client, city):
    client.force_login(city.owners[1])
    page = client.get("/dashboard/me/").content.decode()
    assert "3-101" in page
    assert "3-102" not in page
    assert "2-101" not in page


def test_company_dashboard_lists_own_estates_only(client, city):
    w = city.world
    company_user = staff(OrgKind.PROPERTY_COMPANY, w.city, organisation=w.companies[0])
    client.force_login(company_user)
    page = client.get("/dashboard/company/").content.decode()
    assert w.estates[0].name in page
    assert w.estates[1].name not in page
    client.force_login(make_user())
    assert client.get("/dashboard/company/").status_code == 403


def test_resident_notices_name_the_place_they_are_addressed_to_once(client, city):
    """Issue 15: the owner's dashboard tagged a district notice and a city-wide notice with the
    owner's estate ("· 滨江花园"), as if addressed to it, and listed a notice once per estate of
    the owner. Each notice names the place it is addressed to (none for the whole city), once,
    with its date written as on the portal's other pages (2026-11-26, not 2026年11月26日)."""
    from datetime import date

    from property.registry.models import OwnerParty, Person
    from tests.cms.factories import make_notice, make_site
    from tests.factories import add_units

    w = city.world
    site = make_site(w)
    make_notice(
        site.district_sections[0],
        "第一区停水通知",
        jurisdiction=w.districts[0],
        publication_date=date(2026, 11, 26),
    )
    make_notice(site.notices, "全市燃气安全通知", publication_date=date(2026, 11, 20))
    owner, _ = make_owner(w.estates[0], "8-101", "90.00")
    # The same owner holds a unit in the other estate too.
    add_units(w.estates[1], [("8-201", "60.00", f"second-{owner.pk}")])
    party = OwnerParty.objects.get(estate=w.estates[1], label=f"second-{owner.pk}")
    party.members.set([Person.objects.get(user=owner)])
    client.force_login(owner)
    page = client.get("/dashboard/me/").content.decode()

    def item(title):
        found = re.findall(rf"{title}</a>(.*?)</li>", page, re.S)
        assert len(found) == 1, f"{title} listed {len(found)} times"
        return found[0]

    district = item("第一区停水通知")
    assert w.districts[0].name in district
    assert w.estates[0].name not in district
    assert "2026-11-26" in district and "2026年" not in district
    citywide = item("全市燃气安全通知")
    assert w.estates[0].name not in citywide and w.estates[1].name not in citywide


def test_company_dashboard_signs_the_points_of_its_records(client, city):
    """Issue 15 (seen on the company dashboard): a bad record awaiting the objection window was
    listed with its points unsigned ("3.00"), as if they were won. Bad points read −3.00."""
    from tests.property.credit.factories import add_record

    w = city.world
    add_record(w, code="B-RECTIFY")
    client.force_login(staff(OrgKind.PROPERTY_COMPANY, w.city, organisation=w.companies[0]))
    page = client.get("/dashboard/company/").content.decode()
    detail = re.search(
        r"</a>\s*<span class=\"muted\"> · ([^<]*)</span>", page.split("dashboard-items")[-1]
    )
    assert detail and "−" in detail.group(1), detail and detail.group(1)
