"""A dashboard as tables: the same figures as the page, for CSV and XLSX (openpyxl) downloads.

Every cell goes through ``portal.core.cells.safe_cell``: a place or a heading that looks like a
formula is written as inert text; figures stay numbers."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from portal.core.cells import safe_cell, safe_row
from portal.indicators import visible_indicators
from voting.models import Channel

from .selectors import NodeDashboard


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
    headers = [_("Level"), pgettext("jurisdiction code", "Code"), _("Place")] + [
        str(i.label) for i in indicators
    ]
    rows = [
        [dash.node.get_level_display(), dash.node.code, dash.node.name]
        + [dash.total.get(i.key) for i in indicators]
    ]
    for row in dash.children:
        rows.append(
            [row.node.get_level_display(), row.node.code, row.node.name]
            + [row.figures.get(i.key) for i in indicators]
        )
    tables = [Table(str(_("Indicators")), headers, rows), adoption_table(dash)]
    for chart in dash.breakdowns.values():
        tables.append(
            Table(
                str(chart["title"]),
                [str(h) for h in chart["headers"]],
                [list(r) for r in chart["rows"]],
            )
        )
    return tables


def adoption_table(dash: NodeDashboard) -> Table:
    """The adoption indicators (``adoption.Adoption``) of the node and of each child."""
    channels = [c for c, _n, _p in dash.adoption.channels]
    headers = [
        _("Level"),
        pgettext("jurisdiction code", "Code"),
        _("Place"),
        _("Estates"),
        _("On the platform"),
        _("Estates that reached a valid decision"),
        _("Votes counted"),
        _("Valid decisions (participation met)"),
        _("Votes failed for lack of participation"),
        _("Median turnout by heads (%)"),
        _("Median turnout by area (%)"),
    ]
    for c in channels:
        label = Channel(c).label
        headers += [
            _("%(channel)s: ballots") % {"channel": label},
            _("%(channel)s: share (%%)") % {"channel": label},
        ]

    def row(node, a) -> list:
        values = [
            node.get_level_display(),
            node.code,
            node.name,
            a.estates,
            a.estates_on_platform,
            a.estates_with_decision,
            a.votes_counted,
            a.valid_decisions,
            a.failed_participation,
            a.median_turnout_heads,
            a.median_turnout_area,
        ]
        for _c, n, pct in a.channels:
            values += [n, pct]
        return values

    rows = [row(dash.node, dash.adoption)]
    rows += [row(r.node, dash.children_adoption[r.node.path]) for r in dash.children]
    return Table(str(_("Adoption of the platform")), [str(h) for h in headers], rows)


def to_csv(tables: list[Table]) -> str:
    """All tables one after another, each under its title, separated by an empty line."""
    out = io.StringIO()
    writer = csv.writer(out)
    for i, table in enumerate(tables):
        if i:
            writer.writerow([])
        writer.writerow([safe_cell(table.title)])
        writer.writerow(safe_row(table.headers))
        writer.writerows(safe_row(cell(v) for v in row) for row in table.rows)
    return out.getvalue()


# Excel number formats by the figure's places: counts whole, money and areas to the fen and
# the hundredth of a m², shares to one place (the same places as on the page).
NUMBER_FORMATS = {0: "#,##0", 1: "0.0", 2: "#,##0.00"}


def xlsx_cell(value):
    """(value, number format) for a spreadsheet cell: figures stay numbers (a Decimal keeps its
    exact value and shows its places), everything else is the CSV text."""
    if isinstance(value, Decimal):
        places = max(0, -int(value.as_tuple().exponent))
        return value, NUMBER_FORMATS.get(places, "#,##0.00")
    if isinstance(value, int) and not isinstance(value, bool):
        return value, NUMBER_FORMATS[0]
    text = cell(value)
    return safe_cell(str(text) if isinstance(text, Promise) else text), None


def to_xlsx(tables: list[Table]) -> bytes:
    """One sheet per table (sheet titles cut to Excel's 31 characters), header row first;
    figures are numbers with number formats, so Excel sums and sorts them (openpyxl)."""
    book = Workbook()
    book.remove(book.active)
    for i, table in enumerate(tables):
        sheet = book.create_sheet(f"{i + 1} {table.title}"[:31])
        sheet.append(safe_row(str(h) for h in table.headers))
        for row in table.rows:
            values = [xlsx_cell(v) for v in row]
            sheet.append([v for v, _f in values])
            for target, (_v, number_format) in zip(sheet[sheet.max_row], values, strict=True):
                if number_format:
                    target.number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
