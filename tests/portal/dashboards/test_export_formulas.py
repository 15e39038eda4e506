"""Issue 14, finding 8 in the dashboards' CSV/XLSX exports: a place named like a formula comes
back as inert text; figures, negative ones included, stay numbers."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from portal.dashboards.exports import Table, to_csv, to_xlsx
from portal.organisations.models import Jurisdiction, OrgKind
from property.registry.models import Estate
from tests.factories import staff

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("https://evil.example/","点击")'


def poison(city):
    node = city.world.estate_nodes[0]
    Jurisdiction.objects.filter(pk=node.pk).update(name=HYPERLINK)
    Estate.objects.filter(pk=city.world.estates[0].pk).update(name="@SUM(1,2)")
    Jurisdiction.objects.filter(pk=city.world.communities[0].pk).update(name="+1+2")


def test_dashboard_csv_export_is_inert(client, city):
    poison(city)
    client.force_login(staff(OrgKind.BUREAU, city.world.city))
    code = city.world.communities[0].code
    body = client.get(reverse("dashboards:export_csv", args=[code])).content.decode("utf-8-sig")
    cells = [v for row in csv.reader(io.StringIO(body)) for v in row]
    assert "'" + HYPERLINK in cells and "'+1+2" in cells
    assert not [v for v in cells if v[:1] in {"=", "+", "@", "\t", "\r"}]


def test_dashboard_xlsx_export_has_no_formula(client, city):
    poison(city)
    client.force_login(staff(OrgKind.BUREAU, city.world.city))
    code = city.world.communities[0].code
    content = client.get(reverse("dashboards:export_xlsx", args=[code])).content
    book = openpyxl.load_workbook(io.BytesIO(content))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "'" + HYPERLINK in [c.value for c in cells]


def test_negative_figures_stay_numbers():
    tables = [Table("=t", ["=h", "n"], [["a", -5], ["x", Decimal("-3.50")], ["y", "-3.50"]])]
    rows = list(csv.reader(io.StringIO(to_csv(tables))))
    assert rows == [["'=t"], ["'=h", "n"], ["a", "-5"], ["x", "-3.50"], ["y", "-3.50"]]
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(tables)))
    ws = book.worksheets[0]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[1][1] == -5 and ws["B2"].data_type == "n"
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
