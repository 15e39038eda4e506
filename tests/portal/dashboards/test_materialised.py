"""Materialised estate figures (issue 21): the dashboards above the estate read each estate's
unit-level figures from ``EstateFigures`` while they are fresh; every change to what they are
made of marks them stale, in the writer's transaction, and a stale estate is computed live.
So what a dashboard shows is always the live figure."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.core.signals import figures_changed
from portal.dashboards import selectors, services, tasks
from portal.dashboards.models import EstateFigures
from portal.organisations.models import OrgKind
from property.registry.models import Building, OwnerParty, Ownership, Person, Unit
from tests.factories import make_person, make_user, staff

from .factories import add_domain_data

pytestmark = pytest.mark.django_db


def boards(city) -> dict:
    """Every node's dashboard figures: its total and its children's rows."""
    w = city.world
    nodes = [w.city, *w.districts, *w.streets, *w.communities, *w.estate_nodes]
    out = {}
    for node in nodes:
        board = selectors.node_dashboard(node)
        out[node.code] = (board.total, [(r.node.code, r.figures) for r in board.children])
    return out


def live(city) -> dict:
    """The same, computed with no materialised row (as before issue 21)."""
    saved = list(EstateFigures.objects.all())
    EstateFigures.objects.all().delete()
    try:
        return boards(city)
    finally:
        EstateFigures.objects.bulk_create(saved)


def stale(estate) -> bool:
    return EstateFigures.objects.get(estate=estate).stale


@pytest.fixture
def fresh(city):
    add_domain_data(city)
    assert services.estate_figures_refresh() == len(city.world.estates)
    assert not EstateFigures.objects.filter(stale=True).exists()
    return city


def test_materialised_figures_equal_the_live_computation(fresh):
    before = live(fresh)
    assert boards(fresh) == before
    e0 = fresh.world.estates[0]
    row = EstateFigures.objects.get(estate=e0)
    assert (row.units, row.area_centi, row.parties, row.verified_parties) == (6, 45050, 5, 1)
    assert row.fund_accounts == 6 and row.refill_due == 1


def test_fresh_figures_spare_the_unit_and_ledger_queries(fresh):
    """With every estate fresh the city's page reads no unit, ownership or ledger table."""
    with CaptureQueriesContext(connection) as ctx:
        selectors.node_dashboard(fresh.world.city)
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "fund_fundaccount" not in sql
    assert "registry_ownership" not in sql
    assert sql.count('FROM "registry_unit"') == 1  # only the EXISTS of the estates' query


def _unit_area(city):
    unit = Unit.objects.get(estate=city.world.estates[0], code="1-101")
    unit.area = Decimal("120.00")
    unit.save()


def _new_ownership(city):
    e0 = city.world.estates[0]
    unit = Unit.objects.get(estate=e0, code="1-102")  # A keeps 1-101
    Ownership.objects.filter(unit=unit).update(end=date(2025, 1, 1))
    party = OwnerParty.objects.create(estate=e0, label="F", key="registry-f")
    Ownership.objects.create(unit=unit, party=party, start=date(2025, 1, 2))


def _person_verified(city):
    e0 = city.world.estates[0]
    party = OwnerParty.objects.get(estate=e0, label="B+C")
    person = party.members.order_by("pk").first()
    person.user = make_user()
    person.save()


def _member_added(city):
    e0 = city.world.estates[0]
    party = OwnerParty.objects.get(estate=e0, label="E")
    party.members.add(make_person("G", user=make_user()))


def _member_added_from_the_person(city):
    e0 = city.world.estates[0]
    party = OwnerParty.objects.get(estate=e0, label="E")
    make_person("H", user=make_user()).parties.add(party)


def _user_deleted(city):
    city.owners[0].delete()  # the estate-0 owner's person loses its account


def _fund_refill(city):
    from property.fund.models import FundAccount
    from property.fund.services import fund_refill

    bureau = staff(OrgKind.BUREAU, city.world.city)
    account = FundAccount.objects.filter(estate=city.world.estates[0]).order_by("pk").first()
    fund_refill(actor=bureau, account=account, amount=Decimal("500.00"))


def _refill_flags(city):
    from property.fund.models import FundAccount
    from property.fund.services import fund_refill_flags_recompute

    FundAccount.objects.filter(estate=city.world.estates[0]).update(refill_due=False)
    fund_refill_flags_recompute(threshold=Decimal("0.3"))


@pytest.mark.parametrize(
    "change",
    [
        _unit_area,
        _new_ownership,
        _person_verified,
        _member_added,
        _member_added_from_the_person,
        _user_deleted,
        _fund_refill,
        _refill_flags,
    ],
)
def test_a_change_marks_its_estate_stale_and_the_pages_stay_live(fresh, change):
    e0, e1 = fresh.world.estates
    before = boards(fresh)
    change(fresh)
    assert stale(e0)
    assert not stale(e1)  # the other estate keeps serving its fresh row
    after = boards(fresh)
    assert after == live(fresh)
    if change is not _refill_flags:
        assert after != before
    assert services.estate_figures_refresh() == 1
    assert not stale(e0)
    assert boards(fresh) == after


def test_bulk_writers_signal_the_estates_they_changed(fresh):
    e0, e1 = fresh.world.estates
    figures_changed(Unit, [e1.pk])
    assert stale(e1) and not stale(e0)
    figures_changed(Person, OwnerParty.objects.filter(estate=e0).values("estate_id"))
    assert stale(e0)


def test_a_change_during_a_refresh_keeps_the_row_stale(fresh, monkeypatch):
    """The refresh writes an estate's figures only if its version did not move meanwhile: a
    write committed while it computed leaves the row stale for the next run."""
    e0 = fresh.world.estates[0]
    figures_changed(Unit, [e0.pk])
    compute = services.live_unit_figures

    def racing(ids):
        figures = compute(ids)
        _unit_area(fresh)  # a write lands after the figures were read
        return figures

    monkeypatch.setattr(services, "live_unit_figures", racing)
    assert services.estate_figures_refresh() == 0
    assert stale(e0)
    monkeypatch.setattr(services, "live_unit_figures", compute)
    assert services.estate_figures_refresh() == 1
    assert boards(fresh) == live(fresh)


def test_new_estates_get_a_row_and_the_nightly_run_recomputes_all(fresh):
    e0 = fresh.world.estates[0]
    EstateFigures.objects.filter(estate=e0).delete()
    assert tasks.refresh_stale_figures() == 1
    # A missed invalidation (a raw write) is caught by the nightly full refresh.
    EstateFigures.objects.filter(estate=e0).update(units=999)
    assert tasks.refresh_all_figures() == len(fresh.world.estates)
    assert EstateFigures.objects.get(estate=e0).units == 6


def test_deleting_a_unit_marks_its_estate_stale(fresh):
    e1 = fresh.world.estates[1]
    building = Building.objects.filter(estate=e1).first()
    unit = Unit.objects.create(estate=e1, building=building, code="9-999", area=Decimal("33.00"))
    services.estate_figures_refresh()
    assert boards(fresh)[e1.jurisdiction.code][0]["units"] == 3
    unit.delete()
    assert stale(e1)
    assert boards(fresh) == live(fresh)
    assert boards(fresh)[e1.jurisdiction.code][0]["units"] == 2
