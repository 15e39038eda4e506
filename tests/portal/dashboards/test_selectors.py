"""Dashboard figures against records built in the test (issue 9: the numbers match the records)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal import indicators
from portal.dashboards import selectors
from property.registry.indicators import public_estate_rows
from tests.factories import add_units, make_owner

pytestmark = pytest.mark.django_db


def registry(figures: dict) -> dict:
    """The registry figures of a dashboard row (the domain ones are tested separately)."""
    keys = ("estates", "managed_estates", "units", "area", "parties", "verified_parties")
    return {k: figures[k] for k in (*keys, "verified_share")}


def test_city_figures_sum_the_whole_tree(city):
    """The city's figures are those of every estate under it; ratios are recomputed, not summed."""
    board = selectors.node_dashboard(city.world.city)
    assert registry(board.total) == city.expected[city.world.city.code]


def test_children_rows_drill_down_one_level(city):
    """The city's rows are its districts, each with its own subtree's figures."""
    board = selectors.node_dashboard(city.world.city)
    # children come in tree order (by code, treebeard's node_order_by)
    assert [r.node for r in board.children] == sorted(city.world.districts, key=lambda n: n.code)
    for row in board.children:
        assert registry(row.figures) == city.expected[row.node.code]


@pytest.mark.parametrize("level", ["districts", "streets", "communities", "estate_nodes"])
def test_every_level_has_its_subtree_figures(city, level):
    """District, street, community and estate dashboards show the figures of their subtree."""
    for node in getattr(city.world, level):
        board = selectors.node_dashboard(node)
        assert registry(board.total) == city.expected[node.code]


def test_estate_dashboard_has_no_children(city):
    board = selectors.node_dashboard(city.world.estate_nodes[0])
    assert board.children == []


def test_sold_unit_counts_the_new_holder_only(city):
    """A party whose ownership ended is no longer a head (DOMAIN §1 heads = current parties)."""
    board = selectors.node_dashboard(city.world.estate_nodes[0])
    assert board.total["parties"] == 5


def test_verified_share_is_undefined_without_parties(world):
    """0/0 is shown as undefined, not as 0%."""
    board = selectors.node_dashboard(world.city)
    assert board.total["parties"] == 0
    assert board.total["verified_share"] is None


def test_query_count_does_not_grow_with_estates(city):
    """Figures are aggregated by path prefix: adding estates and units adds no query."""

    def count():
        with CaptureQueriesContext(connection) as ctx:
            selectors.node_dashboard(city.world.city)
        return len(ctx.captured_queries)

    count()  # the voting figures cached on the votes' version: compare warm with warm
    before = count()
    add_units(city.world.estates[1], [(f"9-{i}", "50.00", f"P{i}") for i in range(20)])
    make_owner(city.world.estates[0], "9-999")
    assert count() == before
    assert before <= 16


def test_estate_figures_per_estate(city):
    """The company dashboard and the staff API use per-estate figures: same numbers."""
    estates = city.world.estates
    figures = indicators.estate_figures(estates)
    assert registry(figures[estates[0].pk]) == city.expected[city.world.estate_nodes[0].code]
    assert registry(figures[estates[1].pk]) == city.expected[city.world.estate_nodes[1].code]


def test_public_estate_rows(city):
    rows = {r["code"]: r for r in public_estate_rows()}
    e0 = city.world.estates[0]
    assert rows[e0.code]["units"] == 6
    assert str(rows[e0.code]["area"]) == "450.50"
    assert rows[e0.code]["district"] == city.world.districts[0].name
    assert rows[city.world.estates[1].code]["company"] is None
