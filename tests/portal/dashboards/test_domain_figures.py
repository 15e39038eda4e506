"""Dashboard figures from voting, the fund, credit and the CMS against records built in the
test (issue 9: the numbers match the underlying records)."""

from decimal import Decimal

import pytest

from portal import indicators
from portal.dashboards import selectors
from property.fund.indicators import public_fund_rows

from .factories import DOMAIN_EXPECTED_E0, add_domain_data

pytestmark = pytest.mark.django_db

EMPTY = dict(
    votes_open=0,
    votes_counted=0,
    votes_passed=0,
    turnout_area=None,
    fund_balance=Decimal("0.00"),
    fund_accounts=0,
    refill_due=0,
    fund_requests_open=0,
    emergency_pending=0,
    companies=0,
    companies_blacklisted=0,
)


@pytest.fixture
def data(city):
    return add_domain_data(city)


def subset(figures, keys):
    return {k: figures[k] for k in keys}


def test_domain_figures_of_every_level(city, data):
    """Votes (open, counted, passed, turnout by area), fund (balance, ledgers, refills, open
    and pending emergency requests) and companies (counted once, blacklisted) per level."""
    w = city.world
    for node in (w.estate_nodes[0], w.communities[0], w.streets[0], w.districts[0]):
        total = selectors.node_dashboard(node).total
        assert subset(total, DOMAIN_EXPECTED_E0) == DOMAIN_EXPECTED_E0, node
    # The city counts every property company of the city, also the one managing no estate
    # (credit's companies_of_place, as the public ranking does).
    total = selectors.node_dashboard(w.city).total
    assert subset(total, DOMAIN_EXPECTED_E0) == {**DOMAIN_EXPECTED_E0, "companies": 2}
    for node in (w.estate_nodes[1], w.districts[1]):
        total = selectors.node_dashboard(node).total
        assert subset(total, EMPTY) == EMPTY, node


def test_city_children_rows_split_the_figures(city, data):
    board = selectors.node_dashboard(city.world.city)
    rows = {r.node.code: r.figures for r in board.children}
    assert subset(rows[city.world.districts[0].code], DOMAIN_EXPECTED_E0) == DOMAIN_EXPECTED_E0
    assert subset(rows[city.world.districts[1].code], EMPTY) == EMPTY


def test_notices_counted_where_targeted(city, data):
    """A notice counts in its target's subtree; city-wide notices on the city's dashboard."""
    w = city.world
    counts = {
        n: selectors.node_dashboard(n).total["notices"]
        for n in (w.estate_nodes[0], w.streets[0], w.districts[0], w.districts[1], w.city)
    }
    assert counts == {
        w.estate_nodes[0]: 1,
        w.streets[0]: 1,
        w.districts[0]: 2,
        w.districts[1]: 0,
        w.city: 3,
    }


def test_breakdowns_match_the_records(city, data):
    """Outcomes by month, emergency requests by state and by days to decide, credit grades."""
    board = selectors.node_dashboard(city.world.city)
    b = board.breakdowns
    this_month = b["vote_outcomes"]["rows"][-1]
    assert this_month[1:] == [1, 1, 0]  # passed, failed, invalid
    assert b["vote_turnout"]["rows"][-1][1] == Decimal("75.5")
    states = dict(b["emergency_states"]["rows"])
    assert sum(states.values()) == 2
    days = dict(b["emergency_days"]["rows"])
    assert days["2"] == 1 and sum(days.values()) == 1
    grades = dict(b["grades"]["rows"])
    assert grades["C"] == 1 and grades["AAA"] == 1 and sum(grades.values()) == 2
    blacklist = [lst for lst in board.lists if lst["template"] == "dashboards/_blacklist.html"]
    assert [r.company for r in blacklist[0]["items"]] == [city.world.companies[0]]


def test_estate_figures_hold_the_domain_figures(city, data):
    figures = indicators.estate_figures(city.world.estates)
    e0 = figures[city.world.estates[0].pk]
    assert subset(e0, DOMAIN_EXPECTED_E0) == DOMAIN_EXPECTED_E0


def test_public_fund_rows(city, data):
    rows = {r["estate"]: r for r in public_fund_rows()}
    e0 = rows[city.world.estates[0].code]
    assert (e0["accounts"], e0["balance"], e0["refill_due"], e0["open_requests"]) == (
        6,
        Decimal("5010.50"),
        1,
        2,
    )
    assert rows[city.world.estates[1].code]["accounts"] == 0
