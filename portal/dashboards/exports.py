"""A dashboard as tables: the same figures as the page, for CSV and XLSX (tablib) downloads.

Every cell goes through ``portal.core.cells.safe_cell``: a place or a heading that looks like a
formula is written as inert text; figures stay numbers."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

import tablib
from django.utils.translation import gettext as _

from portal.core.cells import safe_cell, safe_row

from .selectors import NodeDashboard, visible_indicators


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list]


def cell(value) -> str | int:
    """Exact figures: integers stay integers, Decimals keep their places, None is empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return str(value)
    return value


def dashboard_tables(dash: NodeDashboard) -> list[Table]:
    """The node's figures and its children's, then each breakdown (chart) table."""
    indicators = visible_indicators()
    headers = [_("Level"), _("Code"), _("Place")] + [str(i.label) for i in indicators]
    rows = [
        [dash.node.get_level_display(), dash.node.code, dash.node.name]
        + [cell(dash.total.get(i.key)) for i in indicators]
    ]
    for row in dash.children:
        rows.append(
            [row.node.get_level_display(), row.node.code, row.node.name]
            + [cell(row.figures.get(i.key)) for i in indicators]
        )
    tables = [Table(str(_("Indicators")), headers, rows)]
    for chart in dash.breakdowns.values():
        tables.append(
            Table(
                str(chart["title"]),
                [str(h) for h in chart["headers"]],
                [[cell(v) for v in r] for r in chart["rows"]],
            )
        )
    return tables


def to_csv(tables: list[Table]) -> str:
    """All tables one after another, each under its title, separated by an empty line."""
    out = io.StringIO()
    writer = csv.writer(out)
    for i, table in enumerate(tables):
        if i:
            writer.writerow([])
        writer.writerow([safe_cell(table.title)])
        writer.writerow(safe_row(table.headers))
        writer.writerows(safe_row(r) for r in table.rows)
    return out.getvalue()


def to_xlsx(tables: list[Table]) -> bytes:
    """One sheet per table (sheet titles cut to Excel's 31 characters)."""
    book = tablib.Databook()
    for i, table in enumerate(tables):
        data = tablib.Dataset(
            *[tuple(safe_row(r)) for r in table.rows], headers=safe_row(table.headers)
        )
        data.title = f"{i + 1} {table.title}"[:31]
        book.add_sheet(data)
    return book.export("xlsx")
