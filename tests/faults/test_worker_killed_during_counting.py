"""The worker is killed (SIGKILL) while counting a vote, started again, and counts it exactly once.

Rule (DOMAIN.md, voting; docs/voting.md): counting is one transaction (``vote_count``): a count
cut short leaves the vote closed with nothing written, and the next run of ``advance_votes``
counts it; the vote lock and the status check make a second count impossible.

On the test's own PostgreSQL server: one closed vote of sealed ballots with known figures
(bench/_closed_vote.py), then the real worker as the Procfile starts it (``ensure_schedules``,
then ``qcluster``; ORM broker, no Redis) in a process group of its own. Counting is fast (well
under a second here), so the test holds the ballot table locked (``LOCK TABLE ... ACCESS
EXCLUSIVE`` in a transaction of its own) while the worker starts: the worker takes the vote's
lock, unwraps the key and then waits, mid-count, to read the ballots. As soon as it is seen
there, the whole group is killed and the table released. The vote must still be closed; a new
worker must then count it once, right.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
BALLOTS = 40_000

pytestmark = pytest.mark.postgres


def _env(url: str, key_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        DEBUG="false",
        REDIS_URL="",  # django-q2's ORM broker, locmem cache
        BOARD_KEY_DIR=str(key_dir),
        LOG_LEVEL="INFO",
    )
    return env


def _start_worker(env: dict, log: Path) -> subprocess.Popen:
    """The worker as the Procfile starts it, leading a process group of its own."""
    py = sys.executable
    with log.open("a") as out:
        return subprocess.Popen(
            ["sh", "-c", f"{py} manage.py ensure_schedules && exec {py} manage.py qcluster"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)


def _group_alive(pgid: int, wait: float = 0) -> bool:
    """Whether any process of the group is left (after up to ``wait`` seconds for the kernel to
    finish off and reap the killed children)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        if time.monotonic() >= deadline:
            return True
        time.sleep(0.1)


def _group_ps(pgid: int) -> str:
    out = subprocess.run(
        ["ps", "-e", "-o", "pgid=,pid=,stat=,cmd="], capture_output=True, text=True
    )
    return "".join(line for line in out.stdout.splitlines(True) if line.split()[0] == str(pgid))


def _counting(conn, vote_id: int) -> bool:
    """True while another session has the vote locked and reads (or waits to read) its ballots in that transaction
    (``vote_count``: lock, then count and stream the ballots)."""
    reading = conn.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL "
        "AND (query ILIKE '%\"voting_ballot\"%' OR query ILIKE 'FETCH FORWARD %')"
    ).fetchone()[0]
    if not reading:
        return False
    with conn.transaction():  # the probe holds the lock, if it gets it, only for this moment
        locked = (
            conn.execute(
                "SELECT id FROM voting_vote WHERE id = %s FOR UPDATE SKIP LOCKED", [vote_id]
            ).fetchone()
            is None
        )
        raise psycopg.Rollback()
    return locked


def _vote(conn, vote_id: int) -> tuple:
    return conn.execute(
        "SELECT status, result, counted_at, private_key IS NOT NULL FROM voting_vote WHERE id = %s",
        [vote_id],
    ).fetchone()


def _events(conn, vote_id: int, action: str) -> int:
    return conn.execute(
        "SELECT count(*) FROM audit_auditevent WHERE object_type = 'voting.vote' "
        "AND object_id = %s AND action = %s",
        [str(vote_id), action],
    ).fetchone()[0]


def _rows(conn, vote_id: int) -> tuple[int, int]:
    ballots = conn.execute("SELECT count(*) FROM voting_ballot WHERE vote_id = %s", [vote_id])
    entries = conn.execute("SELECT count(*) FROM voting_boardentry WHERE vote_id = %s", [vote_id])
    return ballots.fetchone()[0], entries.fetchone()[0]


def test_worker_killed_while_counting_counts_exactly_once_after_restart(pg_cluster, tmp_path):
    url = pg_cluster.createdb("gongzhi_faults")
    env = _env(url, tmp_path / "keys")
    log = tmp_path / "worker.log"

    built = subprocess.run(
        [sys.executable, "bench/_closed_vote.py", "--migrate", "--ballots", str(BALLOTS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-4000:]
    info = json.loads(built.stdout.strip().splitlines()[-1])
    vote_id, expected = info["vote"], info["expected"]

    conn = psycopg.connect(url, autocommit=True)
    blocker = psycopg.connect(url)  # holds the ballot table until the worker is killed
    blocker.execute("LOCK TABLE voting_ballot IN ACCESS EXCLUSIVE MODE")
    started = time.monotonic()
    worker = _start_worker(env, log)
    try:
        # 1. Wait until the worker is counting, then kill it with all its processes.
        deadline = time.monotonic() + 150
        while not _counting(conn, vote_id):
            assert worker.poll() is None, log.read_text()[-4000:]
            assert _vote(conn, vote_id)[0] == "closed", "counted before it could be interrupted"
            assert time.monotonic() < deadline, (
                "the worker never started counting\n" + (log.read_text()[-4000:])
            )
            time.sleep(0.1)
        _kill_group(worker)
        blocker.rollback()
        print(f"worker killed while counting, {time.monotonic() - started:.0f} s after its start")
        assert not _group_alive(worker.pid, wait=30), _group_ps(worker.pid)

        status, result, counted_at, key_published = _vote(conn, vote_id)
        assert (status, result, counted_at, key_published) == ("closed", None, None, False)
        assert _events(conn, vote_id, "voting.counted") == 0
        assert _rows(conn, vote_id) == (BALLOTS, BALLOTS)

        # 2. A new worker counts the vote (and publicises it, in the same run).
        restarted = time.monotonic()
        worker = _start_worker(env, log)
        deadline = restarted + 180
        while _vote(conn, vote_id)[0] != "publicised":
            assert worker.poll() is None, log.read_text()[-4000:]
            assert time.monotonic() < deadline, (
                "not counted after the restart\n" + (log.read_text()[-4000:])
            )
            time.sleep(0.5)

        print(f"counted and publicised {time.monotonic() - restarted:.0f} s after the restart")
        status, result, counted_at, key_published = _vote(conn, vote_id)
        assert counted_at is not None and key_published
        for choice in ("agree", "oppose", "abstain"):
            heads, area_centi = expected[choice]
            area = f"{area_centi // 100}.{area_centi % 100:02d}"
            assert result[choice] == {"heads": heads, "area": area}, (choice, result)
        assert result["participating"]["heads"] == BALLOTS
        assert _events(conn, vote_id, "voting.counted") == 1
        assert _events(conn, vote_id, "voting.publicised") == 1
        assert _rows(conn, vote_id) == (BALLOTS, BALLOTS)
    finally:
        if worker.poll() is None or _group_alive(worker.pid):
            _kill_group(worker)
        blocker.close()
        conn.close()
