"""Registry import and export: one row per unit, CSV or XLSX.

``open_table(fileobj, filename)`` reads a file as a stream (CSV row by row, XLSX through
openpyxl's read-only mode) after checking its size; ``plan_import(estate, headers, rows)``
validates every row against the file and the registry and returns an :class:`ImportPlan` (what
would change) with its row-by-row ``errors``; it writes nothing, so it serves the dry run and
is testable without HTTP. The write side is ``property.registry.services.registry_import``,
all-or-nothing; large files go through the worker (``property.registry.import_jobs``).

Limits (settings, docs/registry.md): ``REGISTRY_IMPORT_MAX_BYTES`` per file,
``REGISTRY_IMPORT_MAX_ROWS`` rows (reading stops one row past it), ``REGISTRY_IMPORT_MAX_ERRORS``
errors listed (the rest are counted), ``REGISTRY_AREA_LIMITS`` the area range of each use.
Every text cell is refused when a spreadsheet could run it as a formula
(``portal.core.cells``) or when it holds a control or text-direction character
(``portal.core.text``); identity numbers must carry a possible birth date.

File format (the header row names the columns, in any order; Chinese headers are accepted):

=================  =========  ==========================================================
column             Chinese    value
=================  =========  ==========================================================
building           楼栋        building code, e.g. ``3``
unit               房号        unit code, unique in the file, e.g. ``3-2-1501``
use                用途        residential / commercial / parking (住宅 / 商业 / 车位)
area               面积        exclusive-part area in m², > 0, at most 2 decimal places
area_source        面积来源    registered / surveyed / contract (登记 / 实测 / 合同)
owners             业主        owner names, co-owners separated by ``;``
identity_numbers   身份证号    identity numbers in the same order, separated by ``;``
developer          开发商持有  yes / no (是 / 否, 1 / 0): the unit is held by the developer
certificate        不动产权证书号  optional: the real-estate certificate number of the
                               current ownership (masked from an export: kept as it is)
=================  =========  ==========================================================
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import openpyxl
import tablib
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.cn import ric

from portal.core.cells import is_formula, safe_row, unquote
from portal.core.crypto import decrypt_text, keyed_hash
from portal.core.text import text_problem

from . import guards
from .models import (
    AreaSource,
    Estate,
    OwnerParty,
    Ownership,
    PartyKind,
    Person,
    Unit,
    UnitUse,
    certificate_hash,
    certificate_problem,
    compact_certificate,
    identity_number_problem,
    mask_identity,
)

COLUMNS = [
    "building",
    "unit",
    "use",
    "area",
    "area_source",
    "owners",
    "identity_numbers",
    "developer",
    "certificate",
]
HEADER = list(COLUMNS)
REQUIRED = {"building", "unit", "area"}
ALIASES = {
    "楼栋": "building",
    "房号": "unit",
    "用途": "use",
    "面积": "area",
    "面积来源": "area_source",
    "业主": "owners",
    "身份证号": "identity_numbers",
    "开发商持有": "developer",
    "不动产权证书号": "certificate",
}
USE_VALUES = {
    **{u.value: u.value for u in UnitUse},
    "住宅": UnitUse.RESIDENTIAL,
    "商业": UnitUse.COMMERCIAL,
    "车位": UnitUse.PARKING,
}
SOURCE_VALUES = {
    **{s.value: s.value for s in AreaSource},
    "登记": AreaSource.REGISTERED,
    "实测": AreaSource.SURVEYED,
    "合同": AreaSource.CONTRACT,
}
TRUE_VALUES = {"yes", "y", "true", "1", "是", "x"}
FALSE_VALUES = {"", "no", "n", "false", "0", "否"}
SEPARATORS = (";", "；")
# What an export for anyone but the housing bureau holds instead of a number (mask_identity).
MASKED = re.compile(r"\d{4}\*{10}[\dX]{4}")
MAX_CELL = 1000  # characters: every column's values are far shorter
PROGRESS_EVERY = 1000  # rows between two progress reports


# The columns as the import page explains them: (name, Chinese header, what, accepted values).
COLUMN_GUIDE = [
    ("building", "楼栋", gettext_lazy("Building code (required)."), ()),
    ("unit", "房号", gettext_lazy("Unit code, once per file (required)."), ()),
    (
        "use",
        "用途",
        gettext_lazy("Use; empty means residential."),
        ("residential", "commercial", "parking", "住宅", "商业", "车位"),
    ),
    ("area", "面积", gettext_lazy("Exclusive-part area in m², at most 2 decimals (required)."), ()),
    (
        "area_source",
        "面积来源",
        gettext_lazy("Where the area comes from; empty means registered."),
        ("registered", "surveyed", "contract", "登记", "实测", "合同"),
    ),
    ("owners", "业主", gettext_lazy("Owner names; co-owners separated by ;"), ()),
    (
        "identity_numbers",
        "身份证号",
        gettext_lazy(
            "Identity numbers in the same order. A masked number from an export stands for "
            "the unit's current owner of that name."
        ),
        (),
    ),
    ("developer", "开发商持有", gettext_lazy("Held by the developer."), ("yes", "no", "是", "否")),
    (
        "certificate",
        "不动产权证书号",
        gettext_lazy(
            "Real-estate certificate number of the current ownership (optional; empty keeps the "
            "one recorded). A masked number from an export keeps the one recorded."
        ),
        (),
    ),
]


def limit(name: str) -> int:
    """An import limit from the settings: ``REGISTRY_IMPORT_MAX_BYTES``, ``_MAX_ROWS`` or
    ``_MAX_ERRORS`` (docs/registry.md)."""
    return int(getattr(settings, name))


def area_limits(use: str) -> tuple[Decimal, Decimal]:
    """(smallest, largest) exclusive-part area of a unit of this use, in m²
    (``settings.REGISTRY_AREA_LIMITS``; a use it does not name takes its ``default``)."""
    limits = settings.REGISTRY_AREA_LIMITS
    low, high = limits.get(use) or limits["default"]
    return Decimal(str(low)), Decimal(str(high))


class ImportFileError(ValueError):
    """The file cannot be read as a table at all (wrong type, not UTF-8, empty, too large)."""


@dataclass(frozen=True, slots=True)
class RowError:
    line: int  # line of the file (the header is line 1)
    message: str

    def __str__(self):
        return _("Row %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass(slots=True)
class OwnerCell:
    """One owner of a row: a clear identity number, or a masked one (from an export made for
    someone other than the bureau) resolved against the unit's current holder."""

    name: str
    number: str  # compact clear number; "" when masked
    masked: str
    hash: str  # keyed hash; "" until a masked number is resolved


@dataclass(slots=True)
class UnitRow:
    line: int
    building: str
    code: str
    use: str
    area: Decimal
    area_source: str
    owners: list[OwnerCell]  # empty for the developer
    developer: bool
    developer_label: str = ""
    certificate: str = ""  # compact clear certificate number, "" when none or masked
    certificate_masked: str = ""  # a masked number from an export (kept if it is the one recorded)

    def party_key(self) -> str:
        if self.developer:
            return OwnerParty.key_for(developer=True)
        return OwnerParty.key_for(identity_hashes=[o.hash for o in self.owners])

    def party_label(self) -> str:
        if self.developer:
            return self.developer_label or _("Developer")
        return "、".join(o.name for o in self.owners)


@dataclass
class ImportPlan:
    estate: Estate
    rows: list[UnitRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)  # the first REGISTRY_IMPORT_MAX_ERRORS
    error_count: int = 0  # all of them
    registry_version: int | None = None  # the estate's registry as compared (services)
    new_buildings: list[str] = field(default_factory=list)
    new_units: list[UnitRow] = field(default_factory=list)
    # (unit id, row, list of changed field names)
    changed_units: list[tuple[int, UnitRow, list[str]]] = field(default_factory=list)
    # (unit code, old holder label or "", new holder label)
    owner_changes: list[tuple[str, str, str]] = field(default_factory=list)
    new_persons: dict[str, tuple[str, str]] = field(default_factory=dict)  # hash -> (name, no.)
    new_parties: dict[str, tuple[str, str, list[str]]] = field(default_factory=dict)
    # (unit id, unit code, certificate number) for a current holder keeping the unit
    certificate_updates: list[tuple[int, str, str]] = field(default_factory=list)
    unchanged: int = 0
    not_in_file: list[str] = field(default_factory=list)
    max_errors: int = field(default_factory=lambda: limit("REGISTRY_IMPORT_MAX_ERRORS"))

    @property
    def ok(self) -> bool:
        return not self.error_count

    @property
    def more_errors(self) -> int:
        """Errors found but not listed."""
        return self.error_count - len(self.errors)

    def add_error(self, line: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < self.max_errors:
            self.errors.append(RowError(line, message))

    def summary(self) -> dict[str, int]:
        return {
            "rows": len(self.rows),
            "new_units": len(self.new_units),
            "changed_units": len(self.changed_units),
            "owner_changes": len(self.owner_changes),
            "new_persons": len(self.new_persons),
            "new_parties": len(self.new_parties),
            "certificates": len(self.certificate_updates),
            "unchanged": self.unchanged,
            "not_in_file": len(self.not_in_file),
        }

    def change_lines(self, limit: int = 200) -> list[str]:
        """Human-readable changes (no identity numbers), at most ``limit`` lines."""
        lines = [_("New unit %(code)s") % {"code": r.code} for r in self.new_units[:limit]]
        for _uid, row, fields in self.changed_units[:limit]:
            lines.append(
                _("Unit %(code)s changes: %(fields)s")
                % {"code": row.code, "fields": ", ".join(fields)}
            )
        for code, old, new in self.owner_changes[:limit]:
            lines.append(
                _("Unit %(code)s holder: %(old)s → %(new)s")
                % {"code": code, "old": old or "—", "new": new}
            )
        for _uid, code, _number in self.certificate_updates[:limit]:
            lines.append(_("Unit %(code)s: certificate number recorded") % {"code": code})
        return lines[:limit]


# ---- reading files ------------------------------------------------------------------------


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[list]
    estimated_rows: int | None  # for progress; None when the file does not say


def _size(fileobj) -> int:
    position = fileobj.tell()
    fileobj.seek(0, io.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(position)
    return size


def _check_size(size: int) -> None:
    most = limit("REGISTRY_IMPORT_MAX_BYTES")
    if size > most:
        raise ImportFileError(
            _("The file is too large (at most %(limit)s).") % {"limit": filesizeformat(most)}
        )
    if size == 0:
        raise ImportFileError(_("The file is empty."))


def _count_lines(fileobj) -> int:
    lines = 0
    for chunk in iter(lambda: fileobj.read(1 << 20), b""):
        lines += chunk.count(b"\n")
    fileobj.seek(0)
    return lines


def open_table(fileobj, filename: str) -> Table:
    """The header row and a lazy iterator over the other rows of a CSV (UTF-8, with or without
    BOM) or XLSX file, read as a stream from the binary, seekable ``fileobj``.

    Raises ``ImportFileError`` for a file of the wrong type, too large (also once unpacked, for
    XLSX), empty, or unreadable; the row iterator raises it too when a later part of the file
    turns out unreadable.
    """
    name = (filename or "").lower()
    fileobj.seek(0)
    if name.endswith(".xlsx"):
        return _open_xlsx(fileobj)
    if name.endswith(".csv"):
        return _open_csv(fileobj)
    raise ImportFileError(_("Only CSV and XLSX files can be imported."))


def _open_csv(fileobj) -> Table:
    _check_size(_size(fileobj))
    estimated = _count_lines(fileobj)
    text = io.TextIOWrapper(fileobj, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    not_utf8 = _("The CSV file must be encoded in UTF-8.")
    try:
        headers = next(reader, None)
    except UnicodeDecodeError as exc:
        raise ImportFileError(not_utf8) from exc
    except csv.Error as exc:
        raise ImportFileError(_("The header row cannot be read as CSV.")) from exc
    if headers is None:
        raise ImportFileError(_("The file is empty."))

    def rows() -> Iterator[list]:
        try:
            yield from reader
        except UnicodeDecodeError as exc:
            raise ImportFileError(not_utf8) from exc
        except csv.Error as exc:
            raise ImportFileError(
                _("Row %(line)s cannot be read as CSV (a cell too long or a stray quote).")
                % {"line": reader.line_num}
            ) from exc

    return Table([str(h).strip() for h in headers], rows(), max(estimated - 1, 0))


def _open_xlsx(fileobj) -> Table:

    size = _size(fileobj)
    _check_size(size)
    unreadable = _("The file is not a readable XLSX workbook.")
    try:
        with zipfile.ZipFile(fileobj) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(unreadable) from exc
    if unpacked > 10 * limit("REGISTRY_IMPORT_MAX_BYTES"):
        raise ImportFileError(
            _("The workbook is too large once unpacked (at most %(limit)s).")
            % {"limit": filesizeformat(10 * limit("REGISTRY_IMPORT_MAX_BYTES"))}
        )
    fileobj.seek(0)
    try:
        # Formulas are read as their text (data_only=False) so that they are refused.
        book = openpyxl.load_workbook(fileobj, read_only=True, data_only=False)
        sheet = book.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        headers = next(values, None)
    except Exception as exc:  # openpyxl raises many kinds
        raise ImportFileError(unreadable) from exc
    if headers is None:
        book.close()
        raise ImportFileError(_("The file is empty."))
    estimated = (sheet.max_row - 1) if sheet.max_row else None

    def rows() -> Iterator[list]:
        try:
            for row in values:
                yield list(row)
        except ImportFileError:
            raise
        except Exception as exc:
            raise ImportFileError(unreadable) from exc
        finally:
            book.close()

    return Table([_cell(h) for h in headers], rows(), estimated)


def read_table(content: bytes, filename: str) -> tuple[list[str], list[list]]:
    """(headers, rows) of a whole file given as bytes (small files, tests, the export)."""
    table = open_table(io.BytesIO(content), filename)
    return table.headers, list(table.rows)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):  # XLSX numbers: go through their shortest decimal text
        value = repr(value)
        if value.endswith(".0"):
            value = value[:-2]
    return str(value).strip()


def _shown(value: str, width: int = 40) -> str:
    """A cell's text as it may be echoed in a message: invisible characters named, cut short."""
    shown = "".join(
        ch if text_problem(ch) is None else f"<U+{ord(ch):04X}>" for ch in value[: width + 1]
    )
    return shown[:width] + "…" if len(shown) > width else shown


def _split(text: str) -> list[str]:
    for sep in SEPARATORS[1:]:
        text = text.replace(sep, SEPARATORS[0])
    return [p.strip() for p in text.split(SEPARATORS[0]) if p.strip()]


# ---- planning -----------------------------------------------------------------------------


def plan_import(
    estate: Estate,
    headers: list[str],
    rows: Iterable[list],
    *,
    progress: Callable[[int], None] | None = None,
) -> ImportPlan:
    """Validate the rows and compare them with the estate's registry. Writes nothing.

    ``rows`` is consumed lazily and only up to one row past ``REGISTRY_IMPORT_MAX_ROWS``. Any
    error (unknown or missing column, too many rows, bad area or one outside its use's range,
    bad identity number, duplicate unit, formula-like or control characters in a cell, area
    change refused by a guard such as an open vote) is reported with its file line; at most
    ``REGISTRY_IMPORT_MAX_ERRORS`` are listed, ``error_count`` counts them all.
    ``progress(rows_read)`` is called every ``PROGRESS_EVERY`` rows.
    """
    plan = ImportPlan(estate=estate)
    columns = _read_headers(headers, plan)
    if not plan.ok:
        return plan
    read = _read_rows(plan, columns, rows, progress)
    if read is None or not plan.ok:
        return plan  # too many rows (the rest of the file is never read), or row errors
    if read == 0 or not plan.rows:
        plan.add_error(2, _("The file has no unit rows."))
        return plan
    _compare_with_registry(plan)
    return plan


def _read_headers(headers: list[str], plan: ImportPlan) -> list[str]:
    """The column keys of the header row; unknown, repeated and missing columns are errors."""
    columns = []
    for h in headers:
        key = ALIASES.get(h, h.lower().replace(" ", "_"))
        if key not in COLUMNS:
            plan.add_error(1, _("Unknown column “%(column)s”.") % {"column": _shown(h)})
        elif key in columns:
            plan.add_error(1, _("Column “%(column)s” appears twice.") % {"column": h})
        columns.append(key)
    for missing in sorted(REQUIRED - set(columns)):
        plan.add_error(1, _("Missing column “%(column)s”.") % {"column": missing})
    return columns


def _read_rows(
    plan: ImportPlan,
    columns: list[str],
    rows: Iterable[list],
    progress: Callable[[int], None] | None,
) -> int | None:
    """Parse the rows into ``plan.rows`` (errors into the plan) and return how many were read;
    None when the file has more than ``REGISTRY_IMPORT_MAX_ROWS``, read no further."""
    most = limit("REGISTRY_IMPORT_MAX_ROWS")
    seen_codes: dict[str, int] = {}
    names_by_number: dict[str, str] = {}
    index = -1
    for index, raw in enumerate(rows):
        line = index + 2
        if index >= most:
            plan.add_error(
                line,
                _(
                    "The file has more than %(max)s unit rows: split it into several files "
                    "(for example one per building) and import them one after another."
                )
                % {"max": f"{most:,}"},
            )
            return None
        if progress and index and index % PROGRESS_EVERY == 0:
            progress(index)
        row = _read_row(plan, line, columns, raw, names_by_number)
        if row is None:
            continue
        if row.code in seen_codes:
            plan.add_error(
                line,
                _("Unit %(code)s appears twice (also on row %(other)s).")
                % {"code": row.code, "other": seen_codes[row.code]},
            )
            continue
        seen_codes[row.code] = line
        plan.rows.append(row)
    if progress:
        progress(index + 1)
    return index + 1


def _read_row(plan: ImportPlan, line: int, columns: list[str], raw: list, names_by_number):
    """One row as a ``UnitRow``, or None (a blank line, or errors added to the plan)."""
    values = dict(zip(columns, (_cell(v) for v in raw), strict=False))
    if len(raw) > len(columns) and any(_cell(v) for v in raw[len(columns) :]):
        plan.add_error(line, _("The row has more cells than the header."))
        return None
    if not any(values.values()):
        return None  # blank line
    if not _cells_are_plain(line, raw, columns, plan):
        return None
    return _parse_row(line, values, plan, names_by_number)


COLUMN_LABELS = {
    "building": "楼栋 building",
    "unit": "房号 unit",
    "use": "用途 use",
    "area": "面积 area",
    "area_source": "面积来源 area_source",
    "owners": "业主 owners",
    "identity_numbers": "身份证号 identity_numbers",
    "developer": "开发商持有 developer",
    "certificate": "不动产权证书号 certificate",
}


def _cells_are_plain(line: int, raw: list, columns: list[str], plan: ImportPlan) -> bool:
    """Refuse text a spreadsheet could run as a formula, control and text-direction characters
    and overlong cells, in every cell of the row (names one by one). True when all are plain."""
    ok = True
    for column, value in zip(columns, raw, strict=False):
        if value is None or isinstance(value, int | float | Decimal):
            continue  # XLSX numbers (a negative one is refused as an area, not a formula)
        text = str(value)
        label = COLUMN_LABELS[column]
        if len(text) > MAX_CELL:
            plan.add_error(
                line,
                _("The %(column)s cell is longer than %(max)s characters.")
                % {"column": label, "max": MAX_CELL},
            )
            ok = False
            continue
        parts = _split(text) if column == "owners" else [text]
        if any(is_formula(unquote(p.lstrip(" "))) or is_formula(unquote(p.strip())) for p in parts):
            plan.add_error(
                line,
                _(
                    "The %(column)s cell “%(value)s” would run as a formula in a spreadsheet: "
                    "a cell may not start with = + - @ (or a tab or line break)."
                )
                % {"column": label, "value": _shown(text.strip())},
            )
            ok = False
            continue
        problem = text_problem(text.strip(" \u3000"))
        if problem:
            plan.add_error(
                line,
                _(
                    "The %(column)s cell contains an invisible control or text-direction "
                    "character (%(char)s)."
                )
                % {"column": label, "char": problem},
            )
            ok = False
    return ok


IDENTITY_MESSAGES = {
    "checksum": lambda: _("Identity number %(n)s (owner %(name)s): wrong check digit."),
    "birth_date": lambda: _("Identity number %(n)s (owner %(name)s) has an impossible birth date."),
    "birth_future": lambda: _(
        "Identity number %(n)s (owner %(name)s) has a birth date in the future."
    ),
}


def _parse_row(line, values, plan: ImportPlan, names_by_number) -> UnitRow | None:
    """A row's cells as a ``UnitRow``; every problem of the row is added to the plan in the
    order of its columns (place, use, area source, area, developer, certificate, owners)."""
    problems: list[str] = []
    building, code = _parse_place(values, problems)
    use = _parse_choice(values, "use", UnitUse.RESIDENTIAL, USE_VALUES, problems)
    source = _parse_choice(values, "area_source", AreaSource.REGISTERED, SOURCE_VALUES, problems)
    area = _parse_area(values.get("area", ""), use, problems)
    developer = _parse_developer(values, problems)
    certificate, certificate_masked = _parse_certificate(values.get("certificate", ""), problems)
    names = _split(values.get("owners", ""))
    numbers = _split(values.get("identity_numbers", ""))
    owners = _parse_owners(names, numbers, developer, names_by_number, problems)
    for message in problems:
        plan.add_error(line, message)
    if problems:
        return None
    return UnitRow(
        line=line,
        building=building,
        code=code,
        use=use,
        area=area,
        area_source=source,
        owners=owners,
        developer=developer,
        developer_label=", ".join(names) if developer else "",
        certificate=certificate,
        certificate_masked=certificate_masked,
    )


def _parse_place(values: dict, problems: list[str]) -> tuple[str, str]:
    building = values.get("building", "")
    code = values.get("unit", "")
    if not building:
        problems.append(_("The building is missing."))
    if not code:
        problems.append(_("The unit code is missing."))
    elif len(code) > 30:
        problems.append(_("The unit code is longer than 30 characters."))
    if len(building) > 20:
        problems.append(_("The building code is longer than 20 characters."))
    return building, code


def _parse_choice(values: dict, column: str, default: str, choices: dict, problems: list[str]):
    """The use or the area source: its value, or None with the problem added."""
    text = values.get(column, "") or default
    value = choices.get(text.lower())
    if value is None:
        message = (
            _("Unknown use “%(value)s”.")
            if column == "use"
            else _("Unknown area source “%(value)s”.")
        )
        problems.append(message % {"value": _shown(text)})
    return value


def _parse_area(area_text: str, use: str | None, problems: list[str]) -> Decimal | None:
    """A positive area in m² to 2 places, inside the range of the unit's use."""
    try:
        area = Decimal(area_text)
        if not area.is_finite() or area <= 0:
            raise InvalidOperation
        rounded = area.quantize(Decimal("0.01"))  # raises for a number too large to hold
    except (InvalidOperation, ValueError):
        problems.append(
            _("The area “%(value)s” is not a positive number of m².") % {"value": _shown(area_text)}
        )
        return None
    if area != rounded:
        problems.append(
            _("The area “%(value)s” has more than 2 decimal places.") % {"value": _shown(area_text)}
        )
    area = rounded
    if use is not None:
        low, high = area_limits(use)
        if not low <= area <= high:
            problems.append(
                _(
                    "The area %(value)s m² is outside the range for a unit of use "
                    "“%(use)s”: %(low)s to %(high)s m²."
                )
                % {
                    "value": f"{area:,.2f}",
                    "use": UnitUse(use).label,
                    "low": f"{low:,.2f}",
                    "high": f"{high:,.2f}",
                }
            )
    return area


def _parse_developer(values: dict, problems: list[str]) -> bool:
    dev_text = values.get("developer", "").lower()
    developer = dev_text in TRUE_VALUES
    if not developer and dev_text not in FALSE_VALUES:
        problems.append(
            _("The developer flag “%(value)s” must be yes or no.")
            % {"value": _shown(values["developer"])}
        )
    return developer


def _parse_certificate(text: str, problems: list[str]) -> tuple[str, str]:
    """(certificate, masked certificate): a masked number stands for the recorded one."""
    if not text:
        return "", ""
    if "*" in text:
        return "", compact_certificate(text)
    if certificate_problem(text):
        problems.append(
            _("The certificate number “%(value)s” is not valid.") % {"value": _shown(text)}
        )
        return "", ""
    return compact_certificate(text), ""


def _parse_owners(
    names: list[str], numbers: list[str], developer: bool, names_by_number, problems: list[str]
) -> list[OwnerCell]:
    """The owners of a row: one identity number per name (none for the developer)."""
    if developer:
        if numbers:
            problems.append(_("A unit held by the developer has no owners' identity numbers."))
        return []
    if not names:
        problems.append(_("The owner is missing (or mark the unit as held by the developer)."))
        return []
    if len(names) != len(numbers):
        problems.append(
            _("%(names)s owner name(s) but %(numbers)s identity number(s).")
            % {"names": len(names), "numbers": len(numbers)}
        )
        return []
    owners: list[OwnerCell] = []
    for position, (name, number) in enumerate(zip(names, numbers, strict=True), start=1):
        owner = _parse_owner(position, name, number, names_by_number, problems)
        if owner is not None:
            owners.append(owner)
    if len({(o.masked, o.number or o.name) for o in owners}) != len(owners):
        problems.append(_("The same identity number is listed twice for one unit."))
    return owners


def _parse_owner(position: int, name: str, number: str, names_by_number, problems: list[str]):
    """One owner's name and identity number (full, or masked to be resolved against the
    registry), or None with the problem added."""
    if len(name) > 60:
        problems.append(_("Owner name %(n)s is too long.") % {"n": position})
        return None
    if MASKED.fullmatch(number.upper()):
        return OwnerCell(name=name, number="", masked=number.upper(), hash="")
    problem = identity_number_problem(number)
    if problem:
        message = IDENTITY_MESSAGES.get(
            problem, lambda: _("Identity number %(n)s (owner %(name)s) is not valid.")
        )()
        problems.append(message % {"n": position, "name": name})
        return None
    compact = ric.compact(number)
    if names_by_number.setdefault(compact, name) != name:
        problems.append(
            _("Identity number %(n)s is given for two different names.") % {"n": position}
        )
        return None
    return OwnerCell(
        name=name, number=compact, masked=mask_identity(compact), hash=keyed_hash(compact)
    )


def _chunks(items: list, size: int = 900):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _resolve_masked(plan: ImportPlan) -> None:
    """Give each masked owner the keyed hash of the member of the unit's current holder with
    that masked number and name; a masked number that matches none is an error."""
    masked_rows = [r for r in plan.rows if any(not o.hash for o in r.owners)]
    if not masked_rows:
        return
    members: dict[str, list[tuple[str, str, str]]] = {}
    current = Ownership.objects.filter(
        unit__estate=plan.estate,
        unit__code__in=[r.code for r in masked_rows],
        end__isnull=True,
    )
    for code, name, masked, identity_hash in current.values_list(
        "unit__code",
        "party__members__name",
        "party__members__identity_masked",
        "party__members__identity_hash",
    ):
        if identity_hash:
            members.setdefault(code, []).append((name, masked, identity_hash))
    for row in masked_rows:
        for position, owner in enumerate(row.owners, start=1):
            if owner.hash:
                continue
            found = [
                h
                for name, masked, h in members.get(row.code, [])
                if (name, masked) == (owner.name, owner.masked)
            ]
            if len(found) == 1:
                owner.hash = found[0]
            else:
                plan.add_error(
                    row.line,
                    _(
                        "Identity number %(n)s (owner %(name)s) is masked and is not that of a "
                        "current owner of unit %(code)s: give the full number."
                    )
                    % {"n": position, "name": owner.name, "code": row.code},
                )


@dataclass
class _Registry:
    """What the estate's registry holds, read once for a comparison."""

    units: dict  # code -> (pk, building code, use, area, area source)
    holders: dict  # unit pk -> (party key, party label) of the current holder
    certificates: dict  # unit pk -> (certificate hash, masked certificate)
    party_keys: set
    buildings: set


def _read_registry(estate: Estate) -> _Registry:
    units = {
        code: (pk, bcode, use, area, source)
        for pk, code, bcode, use, area, source in Unit.objects.filter(estate=estate).values_list(
            "pk", "code", "building__code", "use", "area", "area_source"
        )
    }
    holders, certificates = {}, {}
    for unit_id, key, label, cert_hash, cert_masked in Ownership.objects.filter(
        unit__estate=estate, end__isnull=True
    ).values_list(
        "unit_id", "party__key", "party__label", "certificate_hash", "certificate_masked"
    ):
        holders[unit_id] = (key, label)
        certificates[unit_id] = (cert_hash, cert_masked)
    return _Registry(
        units=units,
        holders=holders,
        certificates=certificates,
        party_keys=set(OwnerParty.objects.filter(estate=estate).values_list("key", flat=True)),
        buildings=set(estate.buildings.values_list("code", flat=True)),
    )


def _compare_with_registry(plan: ImportPlan) -> None:
    estate = plan.estate
    # Read first: an import written after this point changes the version, and the write
    # (services.registry_import) refuses a plan compared with an older registry.
    plan.registry_version = (
        Estate.objects.filter(pk=estate.pk).values_list("registry_version", flat=True).get()
    )
    _resolve_masked(plan)
    if not plan.ok:
        return
    registry = _read_registry(estate)
    _find_new_persons(plan)
    area_changed: dict[str, int] = {}
    for row in plan.rows:
        _plan_places_and_party(plan, row, registry)
        found = registry.units.get(row.code)
        if found is None:
            plan.new_units.append(row)
            plan.owner_changes.append((row.code, "", row.party_label()))
            _masked_certificate_error(plan, row, None)
        else:
            _compare_unit(plan, row, found, registry, area_changed)
    in_file = {r.code for r in plan.rows}
    plan.not_in_file = sorted(c for c in registry.units if c not in in_file)
    _refuse_area_changes(plan, area_changed)


def _find_new_persons(plan: ImportPlan) -> None:
    """The identity numbers of the file that no person of the registry holds yet."""
    hashes = {}
    for row in plan.rows:
        for owner in row.owners:
            if owner.number:
                hashes.setdefault(owner.hash, (owner.name, owner.number))
    known = set()
    for chunk in _chunks(list(hashes)):
        known.update(
            Person.objects.filter(identity_hash__in=chunk).values_list("identity_hash", flat=True)
        )
    plan.new_persons = {h: v for h, v in hashes.items() if h not in known}


def _plan_places_and_party(plan: ImportPlan, row: UnitRow, registry: _Registry) -> None:
    """The row's building and owner party, added to the plan when the registry lacks them."""
    if row.building not in registry.buildings and row.building not in plan.new_buildings:
        plan.new_buildings.append(row.building)
    key = row.party_key()
    if key not in registry.party_keys and key not in plan.new_parties:
        kind = (
            PartyKind.DEVELOPER
            if row.developer
            else PartyKind.CO_OWNERS
            if len(row.owners) > 1
            else PartyKind.PERSON
        )
        plan.new_parties[key] = (kind, row.party_label(), [o.hash for o in row.owners])


def _compare_unit(plan, row: UnitRow, found, registry: _Registry, area_changed: dict) -> None:
    """A unit already in the registry: its changed fields, holder and certificate."""
    pk, bcode, use, area, source = found
    changed = [
        name
        for name, differs in (
            ("building", bcode != row.building),
            ("use", use != row.use),
            ("area", area != row.area),
            ("area_source", source != row.area_source),
        )
        if differs
    ]
    if "area" in changed:
        area_changed[row.code] = row.line
    holder = registry.holders.get(pk)
    keeps = holder is not None and holder[0] == row.party_key()
    recorded_hash, recorded_masked = registry.certificates.get(pk, ("", ""))
    certificate_changed = False
    if not keeps:
        plan.owner_changes.append((row.code, holder[1] if holder else "", row.party_label()))
        _masked_certificate_error(plan, row, None)
    elif row.certificate_masked:
        _masked_certificate_error(plan, row, recorded_masked)
    elif row.certificate and recorded_hash != certificate_hash(row.certificate):
        plan.certificate_updates.append((pk, row.code, row.certificate))
        certificate_changed = True
    if changed:
        plan.changed_units.append((pk, row, changed))
    elif keeps and not certificate_changed:
        plan.unchanged += 1


def _refuse_area_changes(plan: ImportPlan, area_changed: dict[str, int]) -> None:
    """Areas may not change while a guard forbids it (an open vote, a fund sharing, ...)."""
    refusals = guards.area_change_refusals(estate=plan.estate, unit_codes=area_changed)
    if not refusals:
        return
    for code, line in sorted(area_changed.items(), key=lambda item: item[1]):
        for message in refusals:
            plan.add_error(
                line,
                _("The area of unit %(code)s cannot change now: %(reason)s")
                % {"code": code, "reason": message},
            )


def _masked_certificate_error(plan: ImportPlan, row: UnitRow, recorded: str | None) -> None:
    """A masked certificate number stands for the one recorded for the unit's current holder:
    refused for a new unit, a new holder, or when it is not the recorded one's mask."""
    if row.certificate_masked and row.certificate_masked != recorded:
        plan.add_error(
            row.line,
            _(
                "The certificate number of unit %(code)s is masked and is not the one recorded "
                "for its current owner: give the full number."
            )
            % {"code": row.code},
        )


# ---- export -------------------------------------------------------------------------------


def export_rows(estate: Estate, *, clear_identity: bool) -> tuple[list[str], list[list[str]]]:
    """The estate's registry in the import format. Identity and certificate numbers are decrypted only with
    ``clear_identity`` (the housing bureau: handle the file as personal data); otherwise each is
    masked (``3402**********1234``), which an import resolves against the current holder.
    Every cell is made inert for spreadsheets (``portal.core.cells``)."""
    members: dict[int, list[tuple[str, str]]] = {}
    # Members in the order the people were registered (the through rows' own order follows a
    # set's iteration when Django adds several at once, which differs between databases).
    through = OwnerParty.members.through.objects.filter(ownerparty__estate=estate).order_by(
        "ownerparty_id", "person_id"
    )
    number_field = "person__identity_encrypted" if clear_identity else "person__identity_masked"
    for party_id, name, number in through.values_list(
        "ownerparty_id", "person__name", number_field
    ):
        members.setdefault(party_id, []).append(
            (name, decrypt_text(number) if clear_identity else number)
        )
    cert_field = "certificate_encrypted" if clear_identity else "certificate_masked"
    holders = {
        unit_id: (party_id, kind, label, cert)
        for unit_id, party_id, kind, label, cert in Ownership.objects.filter(
            unit__estate=estate, end__isnull=True
        ).values_list("unit_id", "party_id", "party__kind", "party__label", cert_field)
    }
    rows = []
    for pk, code, bcode, use, area, source in (
        Unit.objects.filter(estate=estate)
        .order_by("code")
        .values_list("pk", "code", "building__code", "use", "area", "area_source")
    ):
        party_id, kind, label, cert = holders.get(pk, (None, "", "", ""))
        if cert and clear_identity:
            cert = decrypt_text(cert)
        developer = kind == PartyKind.DEVELOPER
        people = members.get(party_id, []) if party_id else []
        rows.append(
            safe_row(
                [
                    bcode,
                    code,
                    use,
                    f"{area:.2f}",
                    source,
                    label if developer else ";".join(n for n, _ in people),
                    "" if developer else ";".join(i for _, i in people),
                    "yes" if developer else "no",
                    cert or "",
                ]
            )
        )
    return list(COLUMNS), rows


def export_bytes(estate: Estate, fmt: str, *, clear_identity: bool) -> bytes:
    headers, rows = export_rows(estate, clear_identity=clear_identity)
    if fmt == "xlsx":
        data = tablib.Dataset(*rows, headers=headers, title=estate.code[:31])
        return data.export("xlsx")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
