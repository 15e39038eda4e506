"""The open-data list of vote results is cached on the votes' version (issue 21: cached for
60 s, one request in 30 recomputed it, 300 ms at 1.3 million units): computed once per change
of a vote, shown the moment a vote becomes final, and never listing an interim vote."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import add_units
from tests.voting.factories import open_vote, party
from voting import services
from voting.models import VoteStatus

pytestmark = pytest.mark.django_db

URL = "/api/v1/votes/results/"


def listed(client) -> list[int]:
    response = client.get(URL)
    assert response.status_code == 200
    return [row["id"] for row in response.json()["results"]]


def test_only_final_votes_are_listed_and_at_once(client, world, settings):
    settings.OPEN_DATA_CACHE_SECONDS = 60
    estate = world.estates[0]
    add_units(estate, [("1-101", "100.00", "A"), ("1-102", "100.00", "B"), ("1-103", "90", "D")])
    vote = open_vote(estate)
    services.ballot_cast(actor=None, vote=vote, party=party(estate, "A"), choice="agree")
    assert listed(client) == []  # open
    later = vote.closes_at + timedelta(seconds=1)
    services.vote_close(vote=vote, now=later)
    assert listed(client) == []  # closed, not counted
    services.vote_count(vote=vote, now=later)
    assert listed(client) == []  # counted, not yet publicised
    services.vote_publicise(vote=vote, now=later)
    assert listed(client) == []  # in its objection period
    services.vote_finalise(vote=vote, now=vote.publicity_ends_at + timedelta(minutes=1))
    assert listed(client) == [vote.pk]  # final: listed at once, no 60 s wait
    assert vote.status == VoteStatus.FINAL


def test_a_warm_list_costs_one_query(client, world, settings, django_assert_num_queries):
    settings.OPEN_DATA_CACHE_SECONDS = 60
    listed(client)
    with django_assert_num_queries(1):  # the version
        listed(client)


def test_no_cache_computes_each_time(client, world, settings, django_assert_max_num_queries):
    """``OPEN_DATA_CACHE_SECONDS = 0`` caches nothing, results included (no version read)."""
    settings.OPEN_DATA_CACHE_SECONDS = 0
    with django_assert_max_num_queries(1):
        assert listed(client) == []


def test_pickled_rows_read_like_a_list():
    """The cached rows (one pickle each) page like the list they were made from."""
    from portal.api.views import PickledRows

    rows = [{"id": n, "result": {"total": {"heads": n}}} for n in range(7)]
    kept = PickledRows(rows)
    assert len(kept) == 7 and kept[3] == rows[3] and kept[2:5] == rows[2:5]
    assert list(kept) == rows
