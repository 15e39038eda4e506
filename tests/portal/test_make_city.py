"""``manage.py make_city`` (portal/core/management/commands/make_city.py, docs/city.md).

The generator needs PostgreSQL (it bulk-loads with COPY): its tests are marked ``postgres``, so
they run in the PostgreSQL pass of CI and are deselected on SQLite, where only the refusal runs. A city of 2,000 units with two years of history.
"""

import hashlib
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

ARGS = ["make_city", "--units", "2000", "--years", "2", "--seed", "1", "--quiet"]


def _make():
    out = io.StringIO()
    call_command(*ARGS, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def digest() -> list[str]:
    """The generated rows by their natural keys (codes, not database ids: a second run in the
    same database draws new ids from the sequences for the rows the services create), leaving
    out only what is random by design: vote keys, sealed choices and the hashes over them,
    the area openings of a result (board format 6), encrypted identity numbers."""
    queries = [
        "SELECT path, code, name, level, numchild FROM organisations_jurisdiction ORDER BY path",
        "SELECT o.name, o.kind, j.code, coalesce(o.credit_code, '') FROM organisations_organisation o"
        " JOIN organisations_jurisdiction j ON j.id = o.jurisdiction_id ORDER BY 1, 2, 3",
        "SELECT e.code, e.name, e.address, c.credit_code, e.contract_start, e.assembly_holds_fund"
        " FROM registry_estate e JOIN organisations_organisation c ON c.id = e.company_id"
        " ORDER BY e.code",
        "SELECT e.code, u.code, u.use, u.area, u.area_source, b.code FROM registry_unit u"
        " JOIN registry_estate e ON e.id = u.estate_id JOIN registry_building b"
        " ON b.id = u.building_id ORDER BY 1, 2",
        "SELECT e.code, p.kind, p.label, p.key FROM registry_ownerparty p"
        " JOIN registry_estate e ON e.id = p.estate_id ORDER BY 1, 4",
        "SELECT name, identity_hash, identity_masked, phone FROM registry_person ORDER BY 2",
        "SELECT e.code, u.code, p.key, o.start, o.end FROM registry_ownership o"
        " JOIN registry_unit u ON u.id = o.unit_id JOIN registry_ownerparty p"
        " ON p.id = o.party_id JOIN registry_estate e ON e.id = u.estate_id ORDER BY 1, 2, 4, 3",
        "SELECT e.code, u.code, l.kind, l.amount, l.booked_at, l.memo FROM fund_ledgerentry l"
        " JOIN fund_fundaccount a ON a.id = l.account_id JOIN registry_unit u ON u.id = a.unit_id"
        " JOIN registry_estate e ON e.id = l.estate_id ORDER BY 1, 2, 5, 3, 4",
        "SELECT e.code, u.code, a.first_deposit, a.balance, a.refill_due FROM fund_fundaccount a"
        " JOIN registry_unit u ON u.id = a.unit_id JOIN registry_estate e ON e.id = a.estate_id"
        " ORDER BY 1, 2",
        "SELECT e.code, r.title, r.scope, r.estimated_cost, r.final_cost, r.submitted_at"
        " FROM fund_fundrequest r JOIN registry_estate e ON e.id = r.estate_id ORDER BY 1, 6",
        "SELECT e.code, v.title, v.matter, v.status, v.opens_at, v.closes_at, v.total_heads,"
        " v.total_area_centi, v.outcome, (v.result - 'openings')::text,"
        " (SELECT count(*) FROM voting_ballot b WHERE b.vote_id = v.id)"
        " FROM voting_vote v JOIN registry_estate e ON e.id = v.estate_id ORDER BY 1, 5",
    ]
    out = []
    with connection.cursor() as cur:
        for sql in queries:
            h = hashlib.sha256()
            cur.execute(sql)
            for row in cur.fetchall():
                h.update(repr(row).encode())
            out.append(f"{h.hexdigest()[:16]} {sql[:60]}")
    return out


@pytest.mark.postgres
@pytest.mark.django_db
def test_make_city_builds_a_deterministic_city_that_reconciles_and_verifies():
    from portal.organisations.models import Jurisdiction, Level, Organisation, OrgKind
    from property.fund.management.commands.fund_reconcile import reconcile
    from property.registry.models import Estate, OwnerParty, PartyKind, Unit
    from voting import board
    from voting.models import RESULT_STATUSES, Vote, VoteStatus
    from voting.verify import (
        verify_export,
    )

    with transaction.atomic():  # the first run, rolled back after its digest
        _make()
        first = digest()
        transaction.set_rollback(True)
    assert not Unit.objects.exists()
    report = _make()
    assert digest() == first, "two runs with one seed gave different rows"
    assert "City of 2,000 units" in report

    # The tree: one city, every level below it, each estate a leaf with its estate row.
    assert Jurisdiction.objects.filter(level=Level.CITY).count() == 1
    for level in (Level.DISTRICT, Level.STREET, Level.COMMUNITY):
        assert Jurisdiction.objects.filter(level=level).exists()
    estates = Estate.objects.count()
    assert Jurisdiction.objects.filter(level=Level.ESTATE).count() == estates >= 1
    assert Unit.objects.count() == 2000
    for e in Estate.objects.all():
        n = Unit.objects.filter(estate=e).count()
        assert 200 <= n <= 4000, (e.code, n)
        assert e.company.kind == OrgKind.PROPERTY_COMPANY
    assert Organisation.objects.filter(kind=OrgKind.PROPERTY_COMPANY).count() == 300
    # Every unit has exactly one current holder; developers and co-owners exist.
    assert Unit.objects.filter(ownerships__end__isnull=True).distinct().count() == 2000
    assert OwnerParty.objects.filter(kind=PartyKind.CO_OWNERS).exists()
    assert Unit.objects.filter(area__lte=Decimal("0")).count() == 0

    # The fund reconciles exactly, with disbursed projects among the movements.
    figures, problems = reconcile()
    assert problems == []
    assert figures["ledgers"] == 2000 and figures["city_total"] > 0

    # Counted votes whose public board verifies with the project's own verifier.
    counted = Vote.objects.filter(status__in=RESULT_STATUSES)
    assert counted.exists()
    vote = counted.order_by("pk").first()
    result = verify_export(board.board_export(vote))
    assert result.ok, result.problems
    assert Vote.objects.filter(status=VoteStatus.OPEN, estate__code="e00001").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_fund_built_beside_the_votes_gives_the_same_city():
    """Run on its own (no caller's transaction), the command builds the fund in a second
    process while the voting stage runs, and the area commitments on a pool of processes; the
    rows are those of the one-process run (which a caller's transaction forces)."""
    from property.fund.models import LedgerEntry
    from voting import commitments
    from voting.models import VoteElector

    with transaction.atomic():  # one process: the rows below are in this transaction
        report = _make()
        one = digest()
        transaction.set_rollback(True)
    assert "beside voting" not in report
    report = _make()
    assert "fund:" in report and "beside voting" in report, report
    assert digest() == one, "the fund built beside the votes gave other rows"
    assert LedgerEntry.objects.exists()
    # The open vote's electors' commitments, made by the pool, open to their areas.
    checked = 0
    for c, area, opening in VoteElector.objects.exclude(opening=None).values_list(
        "commitment", "area_centi", "opening"
    )[:50]:
        assert bytes(c) == commitments.commit(area, int.from_bytes(bytes(opening), "big"))
        checked += 1
    assert checked == 50


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_stage_that_fails_beside_another_fails_the_command(monkeypatch):
    """The fund's process reports its error; the command stops with it, naming the stage."""
    from property.fund import city as fund_city

    def broken(ctx):
        raise RuntimeError("the fund stage broke")

    monkeypatch.setattr(fund_city, "build", broken)
    with pytest.raises(
        CommandError, match=r"(?s)fund \(built beside voting\) failed.*fund stage broke"
    ):
        _make()


@pytest.mark.postgres
@pytest.mark.django_db
def test_make_city_refuses_a_database_that_is_not_empty():
    from portal.organisations.models import Jurisdiction, Level

    Jurisdiction.add_root(code="x", name="x", level=Level.CITY)
    with pytest.raises(CommandError, match="empty database"):
        _make()


@pytest.mark.django_db
def test_make_city_refuses_sqlite():
    """Without PostgreSQL (COPY), nothing is written and the message says what to do. Runs in
    the SQLite pass (the ``postgres`` tests above are deselected there)."""
    if connection.vendor == "postgresql":
        pytest.skip("this database is PostgreSQL")
    from portal.organisations.models import Jurisdiction

    with pytest.raises(CommandError, match="needs PostgreSQL"):
        _make()
    assert not Jurisdiction.objects.exists()
