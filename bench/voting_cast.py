"""Bench: casting ballots through the whole stack, against two references on the same server.

Run from the repository root:
``.venv/bin/python bench/voting_cast.py [--seconds 10] [--voters 20] [--owners 2000]``.

Creates a throwaway PostgreSQL database (bench/_django.py), one estate of ``--owners`` verified
owners with one unit (one owner party) each, an open vote that allows changes, and a logged-in
session per owner. Starts gunicorn (``--workers`` sync workers, bench/bench_settings.py: test
settings with persistent connections, plus bench/bench_urls.py) on a loopback port. Then
``--voters`` concurrent clients, each going round its share of the owners, for ``--seconds`` each:

1. cast: confirmed ballots POSTed to /votes/<pk>/cast/ (each owner's first ballot, then changes),
   through middleware, login, permission checks, sealing, the board counter lock, the board entry,
   the ballot row and the audit event;
2. plain cast: the same view checks and audit event, then the clear choice upserted into a plain
   table: casting without sealing and without the board (bench/bench_views.py);
3. baseline: same middleware and login, one INSERT in its own transaction.

Prints requests/s, p50 and p99 latency of each, ballots/s against the target (>= 150), the ratio
cast/baseline (target >= 0.5, 0.3 at least) and cast/plain cast (target >= 0.8: what sealing and
the board cost). Checks that every answered ballot is on the board. Asserts nothing.

``--sign-heads S`` adds a phase: casting again while a thread runs
``voting.board.sign_tree_heads`` every S seconds (the worker does it every 60 s), and prints its
rate against the first cast phase (target >= 0.8: signing heads never takes the board lock).
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from urllib.parse import urlencode

from _django import ROOT, throwaway_database

PORT = int(os.environ.get("BENCH_PORT", "8193"))


def build(owners: int):
    """One estate of ``owners`` owners, one party each; returns (vote pk, [(session, party)])."""
    from _owners import build_open_vote
    from bench_views import PLAIN_TABLE_SQL
    from django.db import connection

    built = build_open_vote(owners, code="bench", name="Bench estate", title="bench")
    with connection.cursor() as cursor:
        cursor.execute(PLAIN_TABLE_SQL)
        cursor.execute("ANALYZE")  # fresh statistics, as a production database keeps them
    return built


def _request(method, path, session, csrf, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    headers = {"Cookie": f"sessionid={session}; csrftoken={csrf}", "Host": "127.0.0.1"}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["X-CSRFToken"] = csrf
        headers["Referer"] = f"http://127.0.0.1:{PORT}/"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def run_phase(kind, vote_pk, clients, seconds):
    """``clients``: one list of (session, party) per concurrent client, used round-robin."""
    csrf = "b" * 32
    stop = time.perf_counter() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients))

    def client(owners):
        mine, bad = [], 0
        i = 0
        barrier.wait()
        while time.perf_counter() < stop:
            session, party = owners[i % len(owners)]
            choice = ("agree", "oppose", "abstain")[(i // len(owners) + party) % 3]
            body = urlencode({"party": party, "choice": choice, "confirm": "1"})
            if kind == "cast":
                path, ok = f"/votes/{vote_pk}/cast/", 302
            elif kind == "plain":
                path, ok = f"/_bench/votes/{vote_pk}/plain-cast/", 302
            else:
                body, path, ok = "x=1", "/_bench/baseline/", 204
            t0 = time.perf_counter()
            status = _request("POST", path, session, csrf, body)
            elapsed = time.perf_counter() - t0
            if status == ok:
                mine.append(elapsed)
            else:
                bad += 1
            i += 1
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=client, args=(c,)) for c in clients]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    latencies.sort()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    return {
        "ok": len(latencies),
        "errors": errors[0],
        "rate": len(latencies) / wall,
        "p50": q[49] * 1000,
        "p99": q[98] * 1000,
    }


def _cast_while_signing(vote_pk, clients, seconds, every):
    """A cast phase while a thread signs tree heads every ``every`` seconds."""
    from django.db import connection

    from voting import board

    stop = threading.Event()
    heads = [0]

    def signer():
        while not stop.is_set():
            heads[0] += board.sign_tree_heads()
            stop.wait(every)
        connection.close()

    thread = threading.Thread(target=signer)
    thread.start()
    try:
        result = run_phase("cast", vote_pk, clients, seconds)
    finally:
        stop.set()
        thread.join()
    return result, heads[0]


def _wait_for_port(proc):
    for _ in range(200):
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited; see its output above")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", PORT)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--voters", type=int, default=20, help="concurrent clients")
    parser.add_argument("--owners", type=int, default=2000, help="owners (one party each)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument(
        "--sign-heads",
        type=float,
        default=0,
        metavar="S",
        help="also cast while voting.board.sign_tree_heads runs every S seconds (the worker "
        "does it every 60 s) and print the ratio to casting without it (target >= 0.8)",
    )
    args = parser.parse_args()
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    with throwaway_database("bench_voting_cast", settings="bench_settings") as url:
        vote_pk, sessions = build(args.owners)
        clients = [sessions[i :: args.voters] for i in range(args.voters)]
        from django.db import connections

        connections.close_all()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "PYTHONPATH": os.pathsep.join([ROOT, os.path.join(ROOT, "bench")]),
        }
        gunicorn = os.path.join(ROOT, ".venv", "bin", "gunicorn")
        proc = subprocess.Popen(
            [
                gunicorn,
                "portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{PORT}",
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        try:
            _wait_for_port(proc)
            # Warm up every worker (imports, connections) before timing.
            for session, _ in sessions[: 4 * args.workers]:
                _request("GET", f"/votes/{vote_pk}/", session, "b" * 32)
            cast = run_phase("cast", vote_pk, clients, args.seconds)
            plain = run_phase("plain", vote_pk, clients, args.seconds)
            base = run_phase("baseline", vote_pk, clients, args.seconds)
            signing = None
            if args.sign_heads:
                signing = _cast_while_signing(vote_pk, clients, args.seconds, args.sign_heads)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        from voting.models import Ballot, BoardEntry

        entries = BoardEntry.objects.filter(vote_id=vote_pk).count()
        ballots = Ballot.objects.filter(vote_id=vote_pk).count()
        print(
            f"voting cast: {args.voters} concurrent clients, {args.owners} logged-in owners, "
            f"{args.seconds:.0f} s each, "
            f"gunicorn {args.workers} sync workers, PostgreSQL"
        )
        phases = (
            ("cast", cast),
            ("plain cast (no seal, no board)", plain),
            ("baseline (1 INSERT)", base),
        )
        for name, r in phases:
            print(
                f"  {name:31s} {r['rate']:7.1f} req/s  p50 {r['p50']:6.1f} ms  "
                f"p99 {r['p99']:6.1f} ms  ({r['ok']} ok, {r['errors']} errors)"
            )
        ratio = cast["rate"] / base["rate"] if base["rate"] else 0
        print(
            f"  ballots/s {cast['rate']:.1f}  target 150  ratio to target {cast['rate'] / 150:.2f}"
        )
        print(f"  cast/baseline {ratio:.2f}  target >= 0.5 (0.3 at least)")
        plain_ratio = cast["rate"] / plain["rate"] if plain["rate"] else 0
        print(f"  cast/plain cast {plain_ratio:.2f}  target >= 0.8 (sealing and the board)")
        if signing is not None:
            r, heads = signing
            print(
                f"  cast while signing heads every {args.sign_heads:g} s: {r['rate']:.1f} req/s "
                f"p50 {r['p50']:.1f} ms ({heads} heads signed); ratio to cast without "
                f"{r['rate'] / cast['rate']:.2f}  target >= 0.8"
            )
            entries = BoardEntry.objects.filter(vote_id=vote_pk).count()
            cast["ok"] += r["ok"]
        print(
            f"  board: {entries} entries for {cast['ok']} answered ballots "
            f"({'all on the board' if entries == cast['ok'] else 'MISMATCH'}), "
            f"{ballots} current ballots"
        )


if __name__ == "__main__":
    main()
