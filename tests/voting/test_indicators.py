"""The voting figures of a scope are cached on the votes' version (issue 21: walking every
counted vote of the city took 250 ms a request at 1.3 million units). A cached figure changes
as soon as a vote changes status, in any process; an interim count (a vote open, or closed and
not counted) is never among the results; a warm call costs one query, the version's."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.core.indicators import ESTATE_DEPTH, STEP, Extras
from portal.indicators import node_figures, scope_under
from tests.factories import add_units
from tests.voting.factories import open_vote, party
from voting import indicators, services
from voting.models import Vote, VotingVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(world):
    estate = world.estates[0]
    add_units(estate, [("1-101", "100.00", "A"), ("1-102", "100.00", "B"), ("1-103", "90", "D")])
    return estate


def city_figures(world) -> tuple[dict, Extras]:
    extras = Extras()
    return node_figures(world.city, extras).total, extras


def voting(total: dict) -> tuple:
    return (total["votes_open"], total["votes_counted"], total["votes_passed"])


def test_a_cached_figure_changes_as_soon_as_a_vote_moves(world, estate):
    """Open, closed, counted, publicised, final: each step shows at once, with no cache cleared;
    an interim vote adds nothing to the counted figures or the adoption rows."""
    vote = open_vote(estate)
    for label in ("A", "B"):
        services.ballot_cast(actor=None, vote=vote, party=party(estate, label), choice="agree")
    total, extras = city_figures(world)
    assert voting(total) == (1, 0, 0) and extras.adoption_votes == []
    assert voting(city_figures(world)[0]) == (1, 0, 0)  # cached, the same
    later = vote.closes_at + timedelta(seconds=1)
    services.vote_close(vote=vote, now=later)
    total, extras = city_figures(world)
    assert voting(total) == (0, 0, 0) and extras.adoption_votes == []  # closed: still interim
    services.vote_count(vote=vote, now=later)
    total, extras = city_figures(world)
    assert voting(total) == (0, 1, 1)
    assert total["turnout_part"] == 20000 and total["turnout_total"] == 29000
    assert [(v.estate, v.heads) for v in extras.adoption_votes] == [(estate.pk, 2)]
    services.vote_publicise(vote=vote, now=later)
    assert voting(city_figures(world)[0]) == (0, 1, 1)
    # Changed behind the services' back (a bulk update): the query set moves the version too.
    Vote.objects.filter(pk=vote.pk).update(outcome="failed")
    assert voting(city_figures(world)[0]) == (0, 1, 0)


def test_a_warm_call_reads_nothing(world, estate):
    """The scope's own query reads the votes' version (``estate_annotations``): cached, the
    figures cost no query; computed, one (the votes)."""
    vote = open_vote(estate)
    services.vote_close(vote=vote, now=vote.closes_at + timedelta(seconds=1))
    scope = scope_under(world.city.path, (world.city.depth + 1) * STEP)
    assert indicators.scope_version(scope) == VotingVersion.current()
    cold = Extras()
    with CaptureQueriesContext(connection) as ctx:
        first = indicators.voting_figures(scope, cold)
    assert len(ctx.captured_queries) == 1
    warm = Extras()
    with CaptureQueriesContext(connection) as ctx:
        again = indicators.voting_figures(scope, warm)
    assert len(ctx.captured_queries) == 0
    assert again == first and warm.breakdowns == cold.breakdowns
    assert warm.adoption_votes == cold.adoption_votes
    # A scope without estates read no version: it reads its own.
    empty = scope_under("zz", STEP)
    with CaptureQueriesContext(connection) as ctx:
        assert indicators.voting_figures(empty, Extras()) == {}
    assert "voting_votingversion" in ctx.captured_queries[0]["sql"]


def test_a_warm_city_dashboard_reads_no_vote(world, estate):
    """Warm, the city's page reads the votes' table in no query, and one query fewer than cold."""
    from portal.dashboards.selectors import node_dashboard

    open_vote(estate)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            node_dashboard(world.city)
        return [q["sql"] for q in ctx.captured_queries]

    cold, warm = queries(), queries()
    assert len(warm) == len(cold) - 1
    assert not [q for q in warm if 'FROM "voting_vote"' in q]


def test_the_cache_is_per_scope(world, estate):
    """The city's copy is not the district's: each groups by its own children."""
    open_vote(estate)
    city = scope_under(world.city.path, (world.city.depth + 1) * STEP)
    district = world.districts[0]
    own = scope_under(district.path, (district.depth + 1) * STEP)
    assert set(indicators.voting_figures(city, Extras())) == {district.path}
    assert set(indicators.voting_figures(own, Extras())) == {world.streets[0].path}
    other = scope_under(world.districts[1].path, (world.districts[1].depth + 1) * STEP)
    assert indicators.voting_figures(other, Extras()) == {}
    # Same prefix, rolled up to the estates: its own copy, keyed by its grouping.
    by_estate = scope_under(world.city.path, ESTATE_DEPTH * STEP)
    assert set(indicators.voting_figures(by_estate, Extras())) == {estate.jurisdiction.path}


def test_the_months_move_with_the_calendar(world, estate, monkeypatch):
    """The 12 months of the charts end with this month (Asia/Shanghai): a copy made last month
    is not shown next month."""
    open_vote(estate)
    scope = scope_under(world.city.path, (world.city.depth + 1) * STEP)
    extras = Extras()
    indicators.voting_figures(scope, extras)
    this_month = timezone.localdate().strftime("%Y-%m")
    assert extras.breakdowns["vote_outcomes"]["rows"][-1][0] == this_month
    today = timezone.localdate()
    next_month = date(today.year + today.month // 12, today.month % 12 + 1, 1)
    real = timezone.localdate
    monkeypatch.setattr(
        timezone, "localdate", lambda value=None, tz=None: real(value, tz) if value else next_month
    )
    extras = Extras()
    indicators.voting_figures(scope, extras)
    assert extras.breakdowns["vote_outcomes"]["rows"][-1][0] == next_month.strftime("%Y-%m")


def test_an_estate_added_to_the_scope_gets_a_copy_of_its_own(world, estate):
    """The key names the scope's estates: another estate under the same node (a new one, or
    one moved there) never reads a copy made without it."""
    vote = open_vote(estate)
    scope = scope_under(world.city.path, (world.city.depth + 1) * STEP)
    before = VotingVersion.current()
    assert indicators.voting_figures(scope, Extras())
    assert indicators.scope_key(scope) != indicators.scope_key(
        scope_under(world.districts[0].path, (world.city.depth + 1) * STEP)
    )
    smaller = scope_under(world.city.path, (world.city.depth + 1) * STEP)
    smaller.estates = [e for e in smaller.estates if e[0] != vote.estate_id]
    assert VotingVersion.current() == before
    assert indicators.voting_figures(smaller, Extras()) == {}


def test_cached_adoption_follows_the_registry_and_the_votes(world, estate):
    """The adoption indicators are cached with the votes' version and the scope's estates as
    they are on the platform: a registry imported elsewhere shows at once, with no vote moved,
    and so does a vote counted."""
    path = world.city.path

    def city_adoption():
        scope = scope_under(path, (world.city.depth + 1) * STEP)
        extras = Extras()
        indicators.voting_figures(scope, extras)
        return indicators.adoption_by_prefix(scope, extras.adoption_votes, [path])[path]

    assert (city_adoption().estates_on_platform, city_adoption().votes_counted) == (1, 0)
    add_units(world.estates[1], [("9-901", "80.00", "Z")])
    assert city_adoption().estates_on_platform == 2
    vote = open_vote(estate, closes_at=timezone.now() + timedelta(minutes=1))  # counted today
    services.ballot_cast(actor=None, vote=vote, party=party(estate, "A"), choice="agree")
    later = vote.closes_at + timedelta(seconds=1)
    services.vote_close(vote=vote, now=later)
    assert city_adoption().votes_counted == 0
    services.vote_count(vote=vote, now=later)
    assert city_adoption().votes_counted == 1
