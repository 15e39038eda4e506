"""Load: 200 owners of one estate cast ballots and check their receipts for 60 s, at once.

Run from the repository root (PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379)::

    .venv/bin/python bench/load.py [--seconds 60] [--voters 200] [--workers 4] [--port 8194]

What it does, bounded in time and count:

1. creates a throwaway PostgreSQL database ``gongzhi_load_<pid>`` (dropped at the end, also
   on failure), migrates it, and builds one estate with ``--voters`` verified owners (one unit
   each), a signed-in session per owner, and an open vote that allows changing one's ballot;
2. starts gunicorn (``--workers`` sync workers, development settings with DEBUG off, Redis
   cache ``REDIS_URL=redis://127.0.0.1:6379/0``, persistent DB connections) on a loopback port;
3. runs ``--voters`` concurrent voters (asyncio + aiohttp) for ``--seconds``: each POSTs a
   confirmed ballot to ``/votes/<pk>/cast/`` (a 302 to "my vote" is the acknowledgement), then
   GETs ``/votes/<pk>/my/`` and checks that the receipt code announced for that ballot is listed
   on the page; repeat (later ballots replace earlier ones, as the law allows while open);
4. prints throughput, p50/p99 latency of casting and of checking, and the errors (target 0);
5. proves the count: every acknowledged receipt is an entry on the vote's board and the board
   has no other entries; then closes and counts the vote and checks that the tally's turnout
   (owners who voted) equals the number of owners with an acknowledged ballot.

Exit status 1 when any check fails (errors are reported, not hidden).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get("LOAD_PG", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/0")
RECEIPT = re.compile(r"\b[0-9A-Z]{5}-[0-9A-Z]{5}\b")
CSRF = "l" * 32


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


@contextmanager
def throwaway_database(*, redis: bool = True):
    name = f"gongzhi_load_{os.getpid()}"
    _admin(f'DROP DATABASE IF EXISTS "{name}"')
    _admin(f'CREATE DATABASE "{name}"')
    url = f"{SERVER}/{name}?conn_max_age=600"
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        DEBUG="false",
        LOG_LEVEL="ERROR",
        BOARD_KEY_DIR=f"/tmp/{name}-keys",  # noqa: S108 - throwaway, removed below
    )
    if redis:
        os.environ["REDIS_URL"] = REDIS_URL
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        yield url
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 - best effort before dropping
            pass
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        subprocess.run(["rm", "-rf", f"/tmp/{name}-keys"], check=False)  # noqa: S108


def build(voters: int):
    """One estate, ``voters`` owners with one unit each, a session each, an open vote."""
    from _owners import build_open_vote

    return build_open_vote(
        voters, code="load", name="压力测试小区", title="压力测试表决", area="88.00"
    )


async def voter(base, vote_pk, session_key, party, deadline, stats, n):
    import aiohttp

    cookies = {"sessionid": session_key, "csrftoken": CSRF}
    headers = {"X-CSRFToken": CSRF, "Referer": base + "/"}
    timeout = aiohttp.ClientTimeout(total=120)
    # unsafe=True: keep cookies set by an IP-address host (the messages cookie carries the
    # receipt announcement from the cast to the "my vote" page).
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(
        base, cookies=cookies, headers=headers, timeout=timeout, cookie_jar=jar
    ) as s:
        i = n
        while time.monotonic() < deadline:
            choice = ("agree", "oppose", "abstain")[i % 3]
            i += 1
            t0 = time.perf_counter()
            try:
                async with s.post(
                    f"/votes/{vote_pk}/cast/",
                    data={"party": party, "choice": choice, "confirm": "1"},
                    allow_redirects=False,
                ) as r:
                    await r.read()
                    ok = r.status == 302 and r.headers.get("Location", "").endswith("/my/")
            except Exception as exc:  # noqa: BLE001 - every failure is counted and shown
                stats["errors"].append(f"cast: {type(exc).__name__}: {exc}")
                continue
            stats["cast"].append(time.perf_counter() - t0)
            if not ok:
                stats["errors"].append(f"cast answered {r.status}")
                continue
            t0 = time.perf_counter()
            try:
                async with s.get(f"/votes/{vote_pk}/my/") as r:
                    html = await r.text()
                    status = r.status
            except Exception as exc:  # noqa: BLE001
                stats["errors"].append(f"receipt: {type(exc).__name__}: {exc}")
                continue
            stats["check"].append(time.perf_counter() - t0)
            # The flash message announces the new ballot's receipt; the table must list it.
            message = re.search(r'class="messages".*?</div>', html, re.S)
            announced = RECEIPT.findall(message.group(0)) if message else []
            if status != 200 or len(announced) != 1:
                stats["errors"].append(f"receipt page {status}, announced {announced}")
                continue
            code = announced[0]
            table = html[message.end() :]
            if code not in table:
                stats["errors"].append(f"receipt {code} not listed on the voter's page")
                continue
            stats["acknowledged"].append((party, code))


def _pct(values, q):
    if len(values) < 2:
        return (values[0] if values else 0) * 1000
    return statistics.quantiles(values, n=100)[q - 1] * 1000


def run(base, vote_pk, voters, seconds):
    stats = {"cast": [], "check": [], "errors": [], "acknowledged": []}

    async def main():
        deadline = time.monotonic() + seconds
        await asyncio.gather(
            *(voter(base, vote_pk, sk, p, deadline, stats, n) for n, (sk, p) in enumerate(voters))
        )

    t0 = time.perf_counter()
    asyncio.run(main())
    return stats, time.perf_counter() - t0


def verify(vote_pk, acknowledged, *, exact: bool = True) -> list[str]:
    """The board holds exactly the acknowledged ballots; the count sees every voting owner.

    With ``exact=False`` (faults): a request that failed may still have committed its ballot,
    so the board may hold more than was acknowledged, but never less."""
    from datetime import timedelta

    from django.db import connections
    from django.utils import timezone

    from voting import selectors, services
    from voting.models import BoardEntry, Vote

    connections.close_all()
    problems = []
    receipts = sorted(code for _p, code in acknowledged)
    board = sorted(BoardEntry.objects.filter(vote_id=vote_pk).values_list("receipt", flat=True))
    lost = set(receipts) - set(board)
    if lost:
        problems.append(f"{len(lost)} acknowledged ballots are not on the board")
    if exact and receipts != board:
        missing = set(receipts) - set(board)
        extra = set(board) - set(receipts)
        problems.append(
            f"board has {len(board)} entries, {len(receipts)} acknowledged "
            f"(missing {len(missing)}, unacknowledged {len(extra)})"
        )
    vote = Vote.objects.get(pk=vote_pk)
    later = timezone.now() + timedelta(days=2)
    vote = services.vote_close(vote=vote, now=later)
    vote = services.vote_count(vote=vote, now=later)
    voted = len({p for p, _c in acknowledged})
    turnout = selectors.turnout(vote)
    if turnout["heads"] != voted if exact else turnout["heads"] < voted:
        problems.append(f"the count has {turnout['heads']} voters, {voted} owners acknowledged")
    print(  # noqa: T201
        f"count: {turnout['heads']} of {turnout['total_heads']} owners voted "
        f"(acknowledged: {voted}); board entries {len(board)} = acknowledged ballots {len(receipts)}"
    )
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--voters", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOAD_PORT", "8194")))
    parser.add_argument(
        "--no-redis", action="store_true", help="locmem cache instead of Redis (fault tests)"
    )
    parser.add_argument(
        "--faults",
        action="store_true",
        help="the database may fail during the run (tests/faults): requests may fail, but every "
        "acknowledged ballot must be on the board and counted",
    )
    args = parser.parse_args()
    if args.no_redis:
        os.environ.pop("REDIS_URL", None)
    with throwaway_database(redis=not args.no_redis):
        print(f"building {args.voters} owners and an open vote …")  # noqa: T201
        vote_pk, voters = build(args.voters)
        from django.db import connections

        connections.close_all()
        base = f"http://127.0.0.1:{args.port}"
        gunicorn = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "portal.wsgi",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                str(args.workers),
                "--backlog",
                "1024",
                "--timeout",
                "120",
                "--preload",
            ],
            cwd=ROOT,
            env=os.environ.copy(),
        )
        try:
            for _ in range(300):
                if gunicorn.poll() is not None:
                    raise SystemExit("gunicorn exited")
                with socket.socket() as sock:
                    if sock.connect_ex(("127.0.0.1", args.port)) == 0:
                        break
                time.sleep(0.1)
            print(  # noqa: T201, flush so a fault test can see the run start
                f"{args.voters} voters casting and checking receipts for {args.seconds:.0f} s "
                f"against gunicorn ({args.workers} workers), PostgreSQL"
                f"{'' if args.no_redis else ', Redis'} …",
                flush=True,
            )
            stats, wall = run(base, vote_pk, voters, args.seconds)
        finally:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        acks = stats["acknowledged"]
        print(  # noqa: T201
            f"ballots acknowledged and checked: {len(acks)} in {wall:.1f} s = "
            f"{len(acks) / wall:.1f} ballots/s ({(len(stats['cast']) + len(stats['check'])) / wall:.1f} requests/s)\n"
            f"cast  latency p50 {_pct(stats['cast'], 50):.0f} ms, p99 {_pct(stats['cast'], 99):.0f} ms\n"
            f"check latency p50 {_pct(stats['check'], 50):.0f} ms, p99 {_pct(stats['check'], 99):.0f} ms\n"
            f"errors: {len(stats['errors'])} (target 0)"
        )
        for line in sorted(set(stats["errors"]))[:10]:
            print("  ", line)  # noqa: T201
        problems = verify(vote_pk, acks, exact=not args.faults)
        for p in problems:
            print("FAIL:", p)  # noqa: T201
        ok = not problems and (args.faults or not stats["errors"])
        print("OK: every acknowledged ballot is counted exactly once" if ok else "FAILED")  # noqa: T201
        return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
