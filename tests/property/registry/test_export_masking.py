"""Issue 14, finding 2 (masking): clear identity numbers leave the portal only to the housing
bureau (DOMAIN.md §1 "Conflicts of interest"). The estate's company and the street office get
them masked in every export (CSV and XLSX); the masked export still round-trips."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from portal.audit.models import AuditEvent
from portal.organisations.models import OrgKind
from property.registry.importer import plan_import, read_table
from property.registry.models import Person, mask_identity
from tests.factories import add_units, identity_number, org, staff
from tests.property.registry.factories import company_staff, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages asserted below are the English ones."""
    with translation.override("en"):
        yield


def registry(estate):
    """Three units: one owner, two co-owners, the developer. Returns the clear numbers."""
    add_units(
        estate,
        [("1-101", "88.50", "张三"), ("1-102", "70.00", "李四+王五"), ("1-103", "60.00", None)],
    )
    return sorted(p.identity_number() for p in Person.objects.all())


def cells(response, fmt) -> list[list[str]]:
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [
        ["" if v is None else str(v) for v in row]
        for row in book.active.iter_rows(values_only=True)
    ]


def download(client, user, estate, fmt):
    client.force_login(user)
    response = client.post(reverse("registry:estate_export", args=[estate.code, fmt]))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("who", ["company", "street"])
def test_company_and_street_office_get_masked_numbers(client, world, fmt, who):
    """The attack: a company account downloads /my/estates/<estate>/export.csv and gets every
    owner's identity number in clear. Now every number is masked (3402**********1234)."""
    estate = world.estates[0]
    numbers = registry(estate)
    user = (
        company_staff(world, 0)
        if who == "company"
        else staff(OrgKind.STREET_OFFICE, world.streets[0])
    )
    response = download(client, user, estate, fmt)
    flat = "\n".join(";".join(row) for row in cells(response, fmt))
    for number in numbers:
        assert number not in flat
        assert mask_identity(number) in flat
    event = AuditEvent.objects.filter(action="registry.exported").latest("pk")
    assert event.details["identity"] == "masked"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_housing_bureau_gets_clear_numbers(client, world, fmt):
    """The city bureau and the district bureau over the estate get the numbers in clear."""
    estate = world.estates[0]
    numbers = registry(estate)
    district_bureau = org(OrgKind.BUREAU, world.districts[0], "第1区住建局")
    for user in (
        staff(OrgKind.BUREAU, world.city, organisation=world.bureau),
        staff(OrgKind.BUREAU, world.districts[0], organisation=district_bureau),
    ):
        flat = "\n".join(";".join(row) for row in cells(download(client, user, estate, fmt), fmt))
        assert all(number in flat for number in numbers)
    event = AuditEvent.objects.filter(action="registry.exported").latest("pk")
    assert event.details["identity"] == "clear"


def test_masked_export_round_trips(client, world):
    """The company can edit its masked export and import it back: a masked number is resolved
    against the unit's current holder, so nothing but the edited area changes."""
    estate = world.estates[0]
    registry(estate)
    response = download(client, company_staff(world, 0), estate, "csv")
    headers, rows = read_table(response.content, "registry.csv")
    plan = plan_import(estate, headers, rows)
    assert plan.ok, plan.errors
    assert plan.summary()["unchanged"] == 3 and not plan.owner_changes and not plan.new_persons
    rows[0][3] = "89.00"
    plan = plan_import(estate, headers, rows)
    assert plan.ok, plan.errors
    assert [fields for _pk, _row, fields in plan.changed_units] == [["area"]]
    assert not plan.owner_changes


def test_masked_number_cannot_name_someone_new(world):
    """A masked number only keeps a member of the unit's current holder: for a new unit, or a
    number that matches no current member, the full number is required."""
    estate = world.estates[0]
    registry(estate)
    stranger = mask_identity(identity_number(777))
    rows = [
        ["1", "1-101", "residential", "88.50", "registered", "张三", stranger, "no"],
        ["1", "1-999", "residential", "50.00", "registered", "赵六", stranger, "no"],
    ]
    headers, table = read_table(csv_bytes(rows), "r.csv")
    plan = plan_import(estate, headers, table)
    assert [e.line for e in plan.errors] == [2, 3]
    assert all("full" in e.message for e in plan.errors)


def test_export_command_masks_on_request(world, tmp_path):
    """The server operator's command writes clear numbers, or masked ones with --masked."""
    from django.core.management import call_command

    estate = world.estates[0]
    numbers = registry(estate)
    clear, masked = tmp_path / "clear.csv", tmp_path / "masked.csv"
    call_command("export_registry", estate.code, str(clear))
    call_command("export_registry", estate.code, str(masked), "--masked")
    assert all(n in clear.read_text("utf-8-sig") for n in numbers)
    text = masked.read_text("utf-8-sig")
    assert not any(n in text for n in numbers)
    assert all(mask_identity(n) in text for n in numbers)
