"""One ballot per party under concurrency (DOMAIN.md §1): 20 threads at once, on PostgreSQL
(SQLite serialises writers anyway). Runs when DATABASE_URL is PostgreSQL, as in CI."""

import threading

import pytest
from django.db import connection

from tests.factories import add_units
from tests.voting.factories import open_vote, party
from voting import services
from voting.models import Ballot, BoardEntry

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

THREADS = 20


def _race(fn):
    barrier = threading.Barrier(THREADS)
    results = [None] * THREADS

    def run(i):
        try:
            barrier.wait()
            results[i] = fn(i)
        except Exception as exc:  # noqa: BLE001 - recorded and asserted on
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_same_party_twenty_threads_one_ballot(world):
    """20 simultaneous ballots of one party in a no-change vote: exactly one lands."""
    estate = world.estates[0]
    add_units(estate, [("1-101", "100.00", "A")])
    vote = open_vote(estate, allow_change=False)
    a = party(estate, "A")
    results = _race(lambda i: services.ballot_cast(actor=None, vote=vote, party=a, choice="agree"))
    ok = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, services.VoteError)]
    assert len(ok) == 1 and len(refused) == THREADS - 1
    assert Ballot.objects.filter(vote=vote).count() == 1
    assert BoardEntry.objects.filter(vote=vote).count() == 1


def test_same_party_changes_chain(world):
    """20 simultaneous changes: one current ballot; the board holds all 20 in a supersedes chain."""
    estate = world.estates[0]
    add_units(estate, [("1-101", "100.00", "A")])
    vote = open_vote(estate)
    a = party(estate, "A")
    results = _race(lambda i: services.ballot_cast(actor=None, vote=vote, party=a, choice="agree"))
    assert not [r for r in results if isinstance(r, Exception)]
    entries = list(BoardEntry.objects.filter(vote=vote).order_by("n"))
    assert [e.n for e in entries] == list(range(THREADS))
    assert [e.entry["supersedes"] for e in entries] == [None] + list(range(THREADS - 1))
    assert Ballot.objects.get(vote=vote).entry_id == entries[-1].pk


def test_many_parties_at_once(world):
    """20 parties casting at once all land, with board positions 0..19 and no gap."""
    estate = world.estates[0]
    add_units(estate, [(f"1-{i}", "100.00", f"P{i}") for i in range(THREADS)])
    vote = open_vote(estate)
    parties = [party(estate, f"P{i}") for i in range(THREADS)]
    results = _race(
        lambda i: services.ballot_cast(actor=None, vote=vote, party=parties[i], choice="agree")
    )
    assert not [r for r in results if isinstance(r, Exception)]
    assert sorted(BoardEntry.objects.filter(vote=vote).values_list("n", flat=True)) == list(
        range(THREADS)
    )
    assert Ballot.objects.filter(vote=vote).count() == THREADS
