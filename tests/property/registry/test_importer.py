"""Registry import: a dry run reports, the real run is all or nothing; export round-trips."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from portal.audit.models import AuditEvent
from property.registry import guards, services
from property.registry.importer import export_bytes, plan_import, read_table
from property.registry.models import (
    AreaSource,
    Building,
    OwnerParty,
    Ownership,
    PartyKind,
    Person,
    Unit,
    UnitUse,
)
from property.registry.selectors import estate_totals
from tests.factories import add_units, identity_number
from tests.property.registry.factories import csv_bytes

pytestmark = pytest.mark.django_db

A, B, C, D = (identity_number(n) for n in (301, 302, 303, 304))


def good_rows():
    return [
        ["1", "1-1-0101", "residential", "88.50", "registered", "张三", A, "no"],
        ["1", "1-1-0102", "住宅", "90.25", "实测", "李四;王五", f"{B}；{C}", ""],
        ["1", "1-1-0201", "residential", "100.00", "contract", "", "", "yes"],
        ["S", "S-001", "commercial", "45.00", "registered", "张三", A, "no"],
        ["P", "P-001", "车位", "12.30", "登记", "", "", "是"],
    ]


def plan(estate, rows, header=None):
    headers, table = read_table(csv_bytes(rows, header), "registry.csv")
    return plan_import(estate, headers, table)


def snapshot(estate):
    """Everything an import could touch, to prove a refused file wrote nothing."""
    return (
        list(
            Unit.objects.filter(estate=estate).order_by("code").values_list("code", "area", "use")
        ),
        Building.objects.count(),
        Person.objects.count(),
        OwnerParty.objects.count(),
        list(Ownership.objects.order_by("pk").values_list("unit_id", "party_id", "end")),
        AuditEvent.objects.filter(action="registry.imported").count(),
    )


def test_import_creates_units_parties_and_heads(world):
    """One row per unit: co-owners form one party, the developer one party, a multi-unit owner
    one party; heads and area follow DOMAIN.md §1."""
    estate = world.estates[0]
    p = plan(estate, good_rows())
    assert p.ok, p.errors
    assert p.summary()["new_units"] == 5 and p.summary()["new_persons"] == 3
    assert Unit.objects.count() == 0  # planning writes nothing
    summary = services.registry_import(actor=None, plan=p)
    assert summary["new_parties"] == 3
    totals = estate_totals(estate)
    assert (totals.units, totals.heads, totals.area) == (5, 3, Decimal("336.05"))
    shop = Unit.objects.get(estate=estate, code="S-001")
    assert shop.use == UnitUse.COMMERCIAL and shop.building.code == "S"
    assert Unit.objects.get(code="1-1-0102").area_source == AreaSource.SURVEYED
    co = OwnerParty.objects.get(kind=PartyKind.CO_OWNERS)
    assert sorted(co.members.values_list("name", flat=True)) == ["李四", "王五"]
    assert AuditEvent.objects.filter(action="registry.imported").count() == 1


def test_reimport_is_unchanged_and_holder_change_keeps_history(world):
    """The same file again changes nothing; a new holder ends the old ownership."""
    estate = world.estates[0]
    services.registry_import(actor=None, plan=plan(estate, good_rows()))
    again = plan(estate, good_rows())
    assert again.summary()["unchanged"] == 5 and not again.change_lines()
    rows = good_rows()
    rows[2] = ["1", "1-1-0201", "residential", "100.00", "contract", "赵六", D, "no"]  # sold
    sold = plan(estate, rows)
    assert sold.summary()["owner_changes"] == 1
    services.registry_import(actor=None, plan=sold)
    history = Ownership.objects.filter(unit__code="1-1-0201").order_by("pk")
    assert history.count() == 2 and history[0].end is not None and history[1].end is None
    assert history[1].party.label == "赵六"


def test_area_change_is_planned_and_applied(world):
    estate = world.estates[0]
    services.registry_import(actor=None, plan=plan(estate, good_rows()))
    rows = good_rows()
    rows[0][3] = "89.00"
    p = plan(estate, rows)
    assert [fields for _pk, _row, fields in p.changed_units] == [["area"]]
    services.registry_import(actor=None, plan=p)
    assert Unit.objects.get(code="1-1-0101").area == Decimal("89.00")


BAD_ROWS = {
    "unknown column": (None, ["building", "unit", "use", "area", "colour"]),
    "missing column": (None, ["building", "use", "area"]),
    "bad area": ((0, 3, "八十"), None),
    "negative area": ((0, 3, "-5"), None),
    "three decimals": ((0, 3, "88.505"), None),
    "bad checksum": ((0, 6, A[:-1] + ("0" if A[-1] != "0" else "1")), None),
    "names and numbers differ": ((1, 6, B), None),
    "unknown use": ((0, 2, "office"), None),
    "unknown area source": ((0, 4, "guessed"), None),
    "developer flag": ((0, 7, "maybe"), None),
    "no owner": ((0, 5, ""), None),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_each_kind_of_bad_row_rejects_the_whole_file(world, case):
    """Any bad row refuses the whole file with its row number; nothing is written."""
    estate = world.estates[0]
    add_units(estate, [("9-9-0909", "70.00", "原业主")])
    before = snapshot(estate)
    change, header = BAD_ROWS[case]
    rows = good_rows()
    if change:
        r, c, value = change
        rows[r][c] = value
    p = plan(estate, rows, header)
    assert p.errors, case
    if change:
        assert p.errors[0].line == change[0] + 2
    with pytest.raises(services.ImportRejected):
        services.registry_import(actor=None, plan=p)
    assert snapshot(estate) == before


def test_duplicate_unit_rejected_with_both_rows(world):
    estate = world.estates[0]
    rows = good_rows() + [["1", "1-1-0101", "residential", "70.00", "registered", "赵六", D, ""]]
    p = plan(estate, rows)
    assert len(p.errors) == 1 and p.errors[0].line == 7 and "2" in p.errors[0].message
    assert "1-1-0101" in str(p.errors[0])


def test_errors_in_chinese(world, settings):
    """Row errors speak the user's language (Chinese by default)."""
    from django.utils import translation

    rows = good_rows()
    rows[0][3] = "abc"
    with translation.override("zh-hans"):
        p = plan(world.estates[0], rows)
        text = str(p.errors[0])
    assert "第 2 行" in text or "第2行" in text, text


def test_open_vote_guard_refuses_area_change_only(world):
    """A guard registered by a layer above (voting) vetoes area changes of an estate; other
    changes still go through, and nothing is written when it vetoes."""
    estate = world.estates[0]
    services.registry_import(actor=None, plan=plan(estate, good_rows()))
    calls = []

    def vote_open(*, estate, unit_codes):
        calls.append((estate.pk, unit_codes))
        if estate.pk == world.estates[0].pk:
            raise guards.RegistryChangeRefused("a vote on this estate is open")

    rows = good_rows()
    rows[0][3] = "89.00"
    with guards.area_guard(vote_open):
        before = snapshot(estate)
        p = plan(estate, rows)
        assert [e.line for e in p.errors] == [2]
        assert "a vote on this estate is open" in p.errors[0].message
        assert calls == [(estate.pk, ["1-1-0101"])]
        assert snapshot(estate) == before
        unchanged_area = good_rows()
        unchanged_area[0][4] = "surveyed"
        assert plan(estate, unchanged_area).ok
    assert plan(estate, rows).ok  # guard gone


def test_guard_asked_again_inside_the_write(world):
    """A vote opening between the dry run and the import still blocks the area change."""
    estate = world.estates[0]
    services.registry_import(actor=None, plan=plan(estate, good_rows()))
    rows = good_rows()
    rows[0][3] = "89.00"
    p = plan(estate, rows)
    assert p.ok

    def vote_open(*, estate, unit_codes):
        raise guards.RegistryChangeRefused("vote opened")

    with guards.area_guard(vote_open), pytest.raises(services.ImportRejected):
        services.registry_import(actor=None, plan=p)
    assert Unit.objects.get(code="1-1-0101").area == Decimal("88.50")


def test_export_round_trips_csv_and_xlsx(world):
    """Export writes the import format; importing it back changes nothing."""
    estate = world.estates[0]
    services.registry_import(actor=None, plan=plan(estate, good_rows()))
    for fmt in ("csv", "xlsx"):
        for clear in (True, False):
            data = export_bytes(estate, fmt, clear_identity=clear)
            headers, rows = read_table(data, f"x.{fmt}")
            p = plan_import(estate, headers, rows)
            assert p.ok, p.errors
            assert p.summary()["unchanged"] == 5 and not p.owner_changes


def test_commands_dry_run_import_and_export(world, tmp_path):
    estate = world.estates[0]
    path = tmp_path / "r.csv"
    path.write_bytes(csv_bytes(good_rows()))
    call_command("import_registry", estate.code, str(path), "--dry-run")
    assert not Unit.objects.exists()
    call_command("import_registry", estate.code, str(path))
    assert Unit.objects.filter(estate=estate).count() == 5
    out = tmp_path / "out.xlsx"
    call_command("export_registry", estate.code, str(out))
    assert out.stat().st_size > 0
    bad = tmp_path / "bad.csv"
    rows = good_rows()
    rows[3][3] = "0"
    bad.write_bytes(csv_bytes(rows))
    with pytest.raises(CommandError):
        call_command("import_registry", estate.code, str(bad))
    with pytest.raises(CommandError):
        call_command("import_registry", "no-such-estate", str(path))


def test_imported_identity_numbers_only_encrypted(world):
    estate = world.estates[0]
    services.registry_import(actor=None, plan=plan(estate, good_rows()))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, identity_encrypted, identity_hash, identity_masked FROM registry_person"
        )
        rows = cursor.fetchall()
    flat = " ".join(str(v) for row in rows for v in row)
    assert rows and not any(n in flat for n in (A, B, C))
