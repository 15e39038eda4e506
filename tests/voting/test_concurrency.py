"""One ballot per party under concurrency (DOMAIN.md §1): 20 threads at once, on PostgreSQL
(SQLite serialises writers anyway). Runs when DATABASE_URL is PostgreSQL, as in CI."""

import threading

import pytest
from django.db import connection

from tests.factories import add_units
from tests.voting.factories import open_vote, party
from voting import services
from voting.models import Ballot, BoardEntry, Vote

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
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


def test_cast_waiting_for_the_close_is_refused(world, monkeypatch):
    """A cast that reaches the board lock while the close holds it is refused once the close
    commits: no entry lands after close (PostgreSQL does not re-read the joined vote row of a
    locked row, so the close marks the lock row itself)."""
    from datetime import timedelta

    from django.db import connection as conn

    estate = world.estates[0]
    add_units(estate, [("1-101", "100.00", "A")])
    vote = open_vote(estate)
    a = party(estate, "A")
    before_close = vote.closes_at - timedelta(seconds=1)
    real_log_event = services.log_event
    waiting = threading.Event()

    def log_event(**kwargs):
        if kwargs.get("action") == "voting.closed":
            # The close holds the board lock here; wait until the cast blocks on it.
            for _ in range(200):
                with conn.cursor() as cursor:
                    cursor.execute("SELECT pg_stat_clear_snapshot()")  # fresh, in a transaction
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid() "
                        # this worker's test database only: another pytest-xdist worker's
                        # lock wait let the close commit before the cast had read the vote
                        "AND datname = current_database()"
                    )
                    if cursor.fetchone()[0]:
                        waiting.set()
                        break
                threading.Event().wait(0.05)
        return real_log_event(**kwargs)

    monkeypatch.setattr(services, "log_event", log_event)
    outcome = {}

    def close():
        try:
            mine = Vote.objects.get(pk=vote.pk)
            services.vote_close(vote=mine, now=mine.closes_at + timedelta(seconds=1))
        except Exception as exc:  # noqa: BLE001 - asserted below
            outcome["close_error"] = exc
        finally:
            connection.close()

    def cast():
        try:
            # As the cast view does: the vote as loaded before the close commits (still open).
            mine = Vote.objects.get(pk=vote.pk)
            assert mine.status == "open"
            outcome["entry"] = services.ballot_cast(
                actor=None, vote=mine, party=a, choice="agree", now=before_close
            )
        except services.VoteError as exc:
            outcome["error"] = exc
        finally:
            connection.close()

    closer = threading.Thread(target=close)
    caster = threading.Thread(target=cast)
    closer.start()
    threading.Event().wait(0.3)  # the close takes the lock first
    caster.start()
    closer.join()
    caster.join()
    assert "close_error" not in outcome, outcome
    assert waiting.is_set(), f"the cast never waited for the close's lock: {outcome}"
    assert "error" in outcome and outcome["error"].code == "closed"
    assert not BoardEntry.objects.filter(vote=vote).exists()
    assert not Ballot.objects.filter(vote=vote).exists()
