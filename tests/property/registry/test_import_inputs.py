"""Issue 14, findings 8 and 11: what the registry import refuses.

- Cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR).
- A 99,999,999.99 m² flat (published by the open-data API, dominating every area majority):
  areas are bounded per unit use (``settings.REGISTRY_AREA_LIMITS``).
- An identity number born in 2090 (or in 1850, or on 30 February).
- A NUL in a unit code, a right-to-left override in a name: control and bidirectional
  formatting characters in any text cell.

Each refuses the whole file with a row-numbered message and writes nothing."""

from decimal import Decimal

import pytest
from django.utils import translation
from stdnum.cn import ric

from property.registry import services
from property.registry.importer import plan_import, read_table
from property.registry.models import Unit, identity_number_problem
from tests.factories import identity_number
from tests.property.registry.factories import csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages asserted below are the English ones."""
    with translation.override("en"):
        yield


A, B = identity_number(501), identity_number(502)
COLUMNS = {
    "building": 0,
    "unit": 1,
    "use": 2,
    "area": 3,
    "area_source": 4,
    "owners": 5,
    "identity_numbers": 6,
    "developer": 7,
}


def rows():
    return [
        ["1", "1-1-0101", "residential", "88.50", "registered", "张三", A, "no"],
        ["P", "P-001", "parking", "12.30", "registered", "李四", B, "no"],
    ]


def plan(estate, table):
    headers, data = read_table(csv_bytes(table), "registry.csv")
    return plan_import(estate, headers, data)


def refused(estate, table, line=2):
    """The file is refused at ``line`` and importing it writes nothing; the messages."""
    p = plan(estate, table)
    assert p.errors, "accepted"
    assert p.errors[0].line == line
    with pytest.raises(services.ImportRejected):
        services.registry_import(actor=None, plan=p)
    assert not Unit.objects.filter(estate=estate).exists()
    return " ".join(e.message for e in p.errors)


def born(yyyymmdd: str, seq: str = "123") -> str:
    body = f"340202{yyyymmdd}{seq}"
    return body + ric.calc_check_digit(body + "0")


FORMULAS = ["=1+2", "+1+2", "-2+3", "@SUM(1,2)", "\t=1+2", "\r=1+2", '=HYPERLINK("http://x")']


@pytest.mark.parametrize("column", ["building", "unit", "owners"])
@pytest.mark.parametrize("value", FORMULAS)
def test_formula_cells_refused(world, column, value):
    table = rows()
    table[0][COLUMNS[column]] = value
    message = refused(world.estates[0], table)
    assert "formula" in message


def test_quoted_formula_from_an_old_export_is_still_refused(world):
    """An export neutralised ``=1+2`` as ``'=1+2``; imported back it is refused, not renamed."""
    table = rows()
    table[0][5] = "'=1+2"
    assert "formula" in refused(world.estates[0], table)


def test_flat_of_a_hundred_million_square_metres_refused(world):
    table = rows()
    table[0][3] = "99999999.99"
    message = refused(world.estates[0], table)
    assert "2,000.00" in message, message


def test_area_bounds_follow_the_use_and_the_setting(world, settings):
    estate = world.estates[0]
    table = rows()
    table[1][3] = "250.00"  # a parking space of 250 m²
    assert "parking" in refused(estate, table, line=3).lower() or "车位" in refused(
        estate, table, line=3
    )
    settings.REGISTRY_AREA_LIMITS = {
        **settings.REGISTRY_AREA_LIMITS,
        "parking": ("1.00", "300.00"),
    }
    p = plan(estate, table)
    assert p.ok, p.errors
    services.registry_import(actor=None, plan=p)
    assert Unit.objects.get(code="P-001").area == Decimal("250.00")


def test_tiny_area_refused(world):
    table = rows()
    table[0][3] = "0.01"
    refused(world.estates[0], table)


@pytest.mark.parametrize(
    ("number", "why"),
    [
        (born("20900101"), "future"),
        (born("18500101"), "1900"),
        (born("19900230"), "date"),
    ],
)
def test_impossible_birth_dates_refused(world, number, why):
    table = rows()
    table[0][6] = number
    message = refused(world.estates[0], table)
    assert "birth" in message, message
    assert identity_number_problem(number) is not None


CONTROL = {
    "NUL": "\x00",
    "bell": "\x07",
    "escape": "\x1b",
    "DEL": "\x7f",
    "C1 control": "\x85",
    "right-to-left override": "\u202e",
    "left-to-right embedding": "\u202a",
    "right-to-left isolate": "\u2067",
    "right-to-left mark": "\u200f",
    "line separator": "\u2028",
}


@pytest.mark.parametrize(
    "column", ["building", "unit", "use", "area_source", "owners", "developer"]
)
@pytest.mark.parametrize("char", sorted(CONTROL))
def test_control_and_bidi_characters_refused_in_every_text_cell(world, column, char):
    """The attack: a NUL in a unit code, a right-to-left override in a name."""
    table = rows()
    cell = table[0][COLUMNS[column]]
    table[0][COLUMNS[column]] = cell[:1] + CONTROL[char] + cell[1:]
    refused(world.estates[0], table)


def test_right_to_left_override_in_a_co_owner_name(world):
    table = rows()
    table[0][5] = "张三;王\u202e五"
    table[0][6] = f"{A};{identity_number(503)}"
    message = refused(world.estates[0], table)
    assert "character" in message
