"""The database restarted (crash, no checkpoint) while owners cast: no acknowledged ballot lost.

Rule (DOMAIN.md, voting): a ballot the portal acknowledged (the 302 to "my vote" with its
receipt) is on the bulletin board and counted. Runs bench/load.py (30 voters, gunicorn) against
the test's own PostgreSQL server, which is stopped with ``pg_ctl -m immediate`` (a crash) and
started again in the middle of the run. Requests during the outage may fail; afterwards every
acknowledged receipt must be on the board and every acknowledging owner in the count.
"""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.postgres


def test_database_crash_during_casting_loses_no_acknowledged_ballot(pg_cluster):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.pop("DATABASE_URL", None)
    env["LOAD_PG"] = pg_cluster.url("").rstrip("/")
    proc = subprocess.Popen(
        [
            sys.executable,
            "bench/load.py",
            "--seconds",
            "20",
            "--voters",
            "30",
            "--workers",
            "2",
            "--port",
            str(pg_cluster.port + 1),
            "--no-redis",
            "--faults",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    started = threading.Event()

    def read():
        for line in proc.stdout:
            lines.append(line)
            if "casting and checking receipts" in line:
                started.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert started.wait(timeout=300), "".join(lines[-40:])
        time.sleep(6)  # ballots are being acknowledged now
        pg_cluster.restart(mode="immediate", down_seconds=2)
        proc.wait(timeout=400)
    finally:
        if proc.poll() is None:
            proc.kill()
    reader.join(timeout=5)
    out = "".join(lines)
    assert proc.returncode == 0, out[-4000:]
    assert "OK: every acknowledged ballot is counted" in out
    print(out[out.find("ballots acknowledged") :])  # the figures, errors during the outage
    acknowledged = int(out.split("ballots acknowledged and checked: ", 1)[1].split()[0])
    assert acknowledged > 0, out[-2000:]
