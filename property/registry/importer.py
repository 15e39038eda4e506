"""Registry import and export: one row per unit, CSV or XLSX.

``plan_import(estate, headers, rows)`` validates every row against the file and the registry
and returns an :class:`ImportPlan` (what would change) with its row-by-row ``errors``; it
writes nothing, so it serves the dry run and is testable without HTTP. The write side is
``property.registry.services.registry_import``, all-or-nothing.

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
=================  =========  ==========================================================
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import tablib
from django.utils.translation import gettext as _
from stdnum.cn import ric

from portal.core.crypto import decrypt_text, keyed_hash

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
    identity_number_problem,
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
]
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
MAX_AREA = Decimal("99999999.99")
SEPARATORS = (";", "；")


class ImportFileError(ValueError):
    """The file cannot be read as a table at all (wrong type, not UTF-8, empty)."""


@dataclass(frozen=True, slots=True)
class RowError:
    line: int  # line of the file (the header is line 1)
    message: str

    def __str__(self):
        return _("Row %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass(slots=True)
class UnitRow:
    line: int
    building: str
    code: str
    use: str
    area: Decimal
    area_source: str
    owners: list[tuple[str, str]]  # (name, identity number); empty for the developer
    developer: bool
    developer_label: str = ""

    def party_key(self) -> str:
        if self.developer:
            return OwnerParty.key_for(developer=True)
        return OwnerParty.key_for(identity_hashes=[keyed_hash(n) for _, n in self.owners])

    def party_label(self) -> str:
        if self.developer:
            return self.developer_label or _("Developer")
        return "、".join(name for name, _ in self.owners)


@dataclass
class ImportPlan:
    estate: Estate
    rows: list[UnitRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    new_buildings: list[str] = field(default_factory=list)
    new_units: list[UnitRow] = field(default_factory=list)
    # (unit id, row, list of changed field names)
    changed_units: list[tuple[int, UnitRow, list[str]]] = field(default_factory=list)
    # (unit code, old holder label or "", new holder label)
    owner_changes: list[tuple[str, str, str]] = field(default_factory=list)
    new_persons: dict[str, tuple[str, str]] = field(default_factory=dict)  # hash -> (name, no.)
    new_parties: dict[str, tuple[str, str, list[str]]] = field(default_factory=dict)
    unchanged: int = 0
    not_in_file: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> dict[str, int]:
        return {
            "rows": len(self.rows),
            "new_units": len(self.new_units),
            "changed_units": len(self.changed_units),
            "owner_changes": len(self.owner_changes),
            "new_persons": len(self.new_persons),
            "new_parties": len(self.new_parties),
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
        return lines[:limit]


# ---- reading files ------------------------------------------------------------------------


def read_table(content: bytes, filename: str) -> tuple[list[str], list[list]]:
    """(headers, rows) from CSV (UTF-8, with or without BOM) or XLSX bytes."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        try:
            data = tablib.Dataset().load(io.BytesIO(content), format="xlsx")
        except Exception as exc:  # openpyxl raises many kinds
            raise ImportFileError(_("The file is not a readable XLSX workbook.")) from exc
        headers = [str(h or "").strip() for h in (data.headers or [])]
        return headers, [list(r) for r in data]
    if name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("The CSV file must be encoded in UTF-8.")) from exc
        reader = csv.reader(io.StringIO(text))
        all_rows = [r for r in reader]
        if not all_rows:
            raise ImportFileError(_("The file is empty."))
        return [h.strip() for h in all_rows[0]], all_rows[1:]
    raise ImportFileError(_("Only CSV and XLSX files can be imported."))


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):  # XLSX numbers: go through their shortest decimal text
        value = repr(value)
        if value.endswith(".0"):
            value = value[:-2]
    return str(value).strip()


def _split(text: str) -> list[str]:
    for sep in SEPARATORS[1:]:
        text = text.replace(sep, SEPARATORS[0])
    return [p.strip() for p in text.split(SEPARATORS[0]) if p.strip()]


# ---- planning -----------------------------------------------------------------------------


def plan_import(estate: Estate, headers: list[str], rows: list[list]) -> ImportPlan:
    """Validate the rows and compare them with the estate's registry. Writes nothing.

    Any error (unknown or missing column, bad area, bad identity checksum, duplicate unit,
    area change refused by a guard such as an open vote) is reported with its file line.
    """
    plan = ImportPlan(estate=estate)
    columns = []
    for h in headers:
        key = ALIASES.get(h, h.lower().replace(" ", "_"))
        if key not in COLUMNS:
            plan.errors.append(RowError(1, _("Unknown column “%(column)s”.") % {"column": h}))
        elif key in columns:
            plan.errors.append(RowError(1, _("Column “%(column)s” appears twice.") % {"column": h}))
        columns.append(key)
    for missing in sorted(REQUIRED - set(columns)):
        plan.errors.append(RowError(1, _("Missing column “%(column)s”.") % {"column": missing}))
    if plan.errors:
        return plan
    if not rows:
        plan.errors.append(RowError(2, _("The file has no unit rows.")))
        return plan

    seen_codes: dict[str, int] = {}
    names_by_number: dict[str, str] = {}
    for index, raw in enumerate(rows):
        line = index + 2
        values = dict(zip(columns, (_cell(v) for v in raw), strict=False))
        if len(raw) > len(columns) and any(_cell(v) for v in raw[len(columns) :]):
            plan.errors.append(RowError(line, _("The row has more cells than the header.")))
            continue
        if not any(values.values()):
            continue  # blank line
        row = _parse_row(line, values, plan.errors, names_by_number)
        if row is None:
            continue
        if row.code in seen_codes:
            plan.errors.append(
                RowError(
                    line,
                    _("Unit %(code)s appears twice (also on row %(other)s).")
                    % {"code": row.code, "other": seen_codes[row.code]},
                )
            )
            continue
        seen_codes[row.code] = line
        plan.rows.append(row)
    if plan.errors:
        return plan
    _compare_with_registry(plan)
    return plan


def _parse_row(line, values, errors, names_by_number) -> UnitRow | None:
    problems: list[str] = []
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

    use_text = values.get("use", "") or UnitUse.RESIDENTIAL
    use = USE_VALUES.get(use_text.lower())
    if use is None:
        problems.append(_("Unknown use “%(value)s”.") % {"value": use_text})
    source_text = values.get("area_source", "") or AreaSource.REGISTERED
    source = SOURCE_VALUES.get(source_text.lower())
    if source is None:
        problems.append(_("Unknown area source “%(value)s”.") % {"value": source_text})

    area = None
    area_text = values.get("area", "")
    try:
        area = Decimal(area_text)
        if not area.is_finite() or area <= 0 or area > MAX_AREA:
            raise InvalidOperation
        if area != area.quantize(Decimal("0.01")):
            problems.append(
                _("The area “%(value)s” has more than 2 decimal places.") % {"value": area_text}
            )
        area = area.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        problems.append(
            _("The area “%(value)s” is not a positive number of m².") % {"value": area_text}
        )

    dev_text = values.get("developer", "").lower()
    developer = dev_text in TRUE_VALUES
    if not developer and dev_text not in FALSE_VALUES:
        problems.append(
            _("The developer flag “%(value)s” must be yes or no.") % {"value": values["developer"]}
        )

    names = _split(values.get("owners", ""))
    numbers = _split(values.get("identity_numbers", ""))
    owners: list[tuple[str, str]] = []
    if developer:
        if numbers:
            problems.append(_("A unit held by the developer has no owners' identity numbers."))
    elif not names:
        problems.append(_("The owner is missing (or mark the unit as held by the developer)."))
    elif len(names) != len(numbers):
        problems.append(
            _("%(names)s owner name(s) but %(numbers)s identity number(s).")
            % {"names": len(names), "numbers": len(numbers)}
        )
    else:
        for position, (name, number) in enumerate(zip(names, numbers, strict=True), start=1):
            if len(name) > 60:
                problems.append(_("Owner name %(n)s is too long.") % {"n": position})
                continue
            problem = identity_number_problem(number)
            if problem:
                problems.append(
                    (
                        _("Identity number %(n)s (owner %(name)s): wrong check digit.")
                        if problem == "checksum"
                        else _("Identity number %(n)s (owner %(name)s) is not valid.")
                    )
                    % {"n": position, "name": name}
                )
                continue
            compact = ric.compact(number)
            if names_by_number.setdefault(compact, name) != name:
                problems.append(
                    _("Identity number %(n)s is given for two different names.") % {"n": position}
                )
                continue
            owners.append((name, compact))
        if len({n for _, n in owners}) != len(owners):
            problems.append(_("The same identity number is listed twice for one unit."))
    for message in problems:
        errors.append(RowError(line, message))
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
    )


def _chunks(items: list, size: int = 900):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _compare_with_registry(plan: ImportPlan) -> None:
    estate = plan.estate
    existing = {
        code: (pk, bcode, use, area, source)
        for pk, code, bcode, use, area, source in Unit.objects.filter(estate=estate).values_list(
            "pk", "code", "building__code", "use", "area", "area_source"
        )
    }
    holders = {
        unit_id: (key, label)
        for unit_id, key, label in Ownership.objects.filter(
            unit__estate=estate, end__isnull=True
        ).values_list("unit_id", "party__key", "party__label")
    }
    party_keys = set(OwnerParty.objects.filter(estate=estate).values_list("key", flat=True))
    buildings = set(estate.buildings.values_list("code", flat=True))

    hashes = {}
    for row in plan.rows:
        for name, number in row.owners:
            hashes.setdefault(keyed_hash(number), (name, number))
    known = set()
    for chunk in _chunks(list(hashes)):
        known.update(
            Person.objects.filter(identity_hash__in=chunk).values_list("identity_hash", flat=True)
        )
    plan.new_persons = {h: v for h, v in hashes.items() if h not in known}

    area_changed: dict[str, int] = {}
    for row in plan.rows:
        if row.building not in buildings and row.building not in plan.new_buildings:
            plan.new_buildings.append(row.building)
        key = row.party_key()
        if key not in party_keys and key not in plan.new_parties:
            kind = (
                PartyKind.DEVELOPER
                if row.developer
                else PartyKind.CO_OWNERS
                if len(row.owners) > 1
                else PartyKind.PERSON
            )
            plan.new_parties[key] = (
                kind,
                row.party_label(),
                [keyed_hash(n) for _, n in row.owners],
            )
        found = existing.get(row.code)
        if found is None:
            plan.new_units.append(row)
            plan.owner_changes.append((row.code, "", row.party_label()))
            continue
        pk, bcode, use, area, source = found
        changed = []
        if bcode != row.building:
            changed.append("building")
        if use != row.use:
            changed.append("use")
        if area != row.area:
            changed.append("area")
            area_changed[row.code] = row.line
        if source != row.area_source:
            changed.append("area_source")
        holder = holders.get(pk)
        if holder is None or holder[0] != key:
            plan.owner_changes.append((row.code, holder[1] if holder else "", row.party_label()))
        if changed:
            plan.changed_units.append((pk, row, changed))
        elif holder is not None and holder[0] == key:
            plan.unchanged += 1
    in_file = {r.code for r in plan.rows}
    plan.not_in_file = sorted(c for c in existing if c not in in_file)

    refusals = guards.area_change_refusals(estate=estate, unit_codes=area_changed)
    if refusals:
        for code, line in sorted(area_changed.items(), key=lambda item: item[1]):
            for message in refusals:
                plan.errors.append(
                    RowError(
                        line,
                        _("The area of unit %(code)s cannot change now: %(reason)s")
                        % {"code": code, "reason": message},
                    )
                )


# ---- export -------------------------------------------------------------------------------


def export_rows(estate: Estate) -> tuple[list[str], list[list[str]]]:
    """The estate's registry in the import format (identity numbers decrypted: handle the
    file as personal data)."""
    members: dict[int, list[tuple[str, str]]] = {}
    through = OwnerParty.members.through.objects.filter(ownerparty__estate=estate).order_by("pk")
    for party_id, name, token in through.values_list(
        "ownerparty_id", "person__name", "person__identity_encrypted"
    ):
        members.setdefault(party_id, []).append((name, decrypt_text(token)))
    holders = {
        unit_id: (party_id, kind, label)
        for unit_id, party_id, kind, label in Ownership.objects.filter(
            unit__estate=estate, end__isnull=True
        ).values_list("unit_id", "party_id", "party__kind", "party__label")
    }
    rows = []
    for pk, code, bcode, use, area, source in (
        Unit.objects.filter(estate=estate)
        .order_by("code")
        .values_list("pk", "code", "building__code", "use", "area", "area_source")
    ):
        party_id, kind, label = holders.get(pk, (None, "", ""))
        developer = kind == PartyKind.DEVELOPER
        people = members.get(party_id, []) if party_id else []
        rows.append(
            [
                bcode,
                code,
                use,
                f"{area:.2f}",
                source,
                label if developer else ";".join(n for n, _ in people),
                "" if developer else ";".join(i for _, i in people),
                "yes" if developer else "no",
            ]
        )
    return list(COLUMNS), rows


def export_bytes(estate: Estate, fmt: str) -> bytes:
    headers, rows = export_rows(estate)
    if fmt == "xlsx":
        data = tablib.Dataset(*rows, headers=headers, title=estate.code[:31])
        return data.export("xlsx")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
