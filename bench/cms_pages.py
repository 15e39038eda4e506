"""Bench: CMS pages served by gunicorn — requests/s, median latency, DB queries per page.

Run from the repository root: ``.venv/bin/python bench/cms_pages.py``. It builds (once) a demo
database in var/bench/cms.sqlite3, starts gunicorn (2 sync workers) on 127.0.0.1:8192, first
with the cache off then on, and measures the home page, a notice page and a search. Queries
per page are counted in-process with the test client and CaptureQueriesContext.

Targets: notice page median < 50 ms uncached with <= 20 queries; >= 300 req/s cached.
Prints figures and ratios; asserts nothing. Bounded in time (a few seconds per measurement).
"""

from __future__ import annotations

import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
DB = ROOT / "var" / "bench" / "cms.sqlite3"
HOST, PORT = "127.0.0.1", 8192
SEQUENTIAL = 60  # requests for the median
LOAD_SECONDS = 4.0
CLIENTS = 4
TARGET_MEDIAN_MS, TARGET_QUERIES, TARGET_RPS = 50.0, 20, 300.0

ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "cms_bench_settings",
    "PYTHONPATH": f"{ROOT / 'bench'}:{ROOT}",
    "DATABASE_URL": f"sqlite:///{DB}",
    "Q_SYNC": "0",
}


def ensure_database() -> None:
    if DB.exists():
        return
    DB.parent.mkdir(parents=True, exist_ok=True)
    print(f"Building the demo database {DB} (once) ...", flush=True)
    for args in (["migrate", "-v0"], ["load_demo_data"]):
        subprocess.run(
            [str(VENV / "python"), "manage.py", *args],
            cwd=ROOT,
            env=ENV,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def pages() -> dict[str, str]:
    import django

    os.environ.update({k: ENV[k] for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")})
    sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]
    django.setup()
    from cms.models import NoticePage

    notice = NoticePage.objects.live().filter(body__isnull=False).order_by("pk").first()
    return {"home": "/", "notice": notice.url, "search": "/search/?q=" + quote("电梯维修")}


def count_queries(urls: dict[str, str]) -> dict[str, int]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = {}
    for name, url in urls.items():
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(url).status_code
        counts[name] = len(ctx.captured_queries) if status == 200 else -status
    return counts


def get(path: str) -> int:
    conn = http.client.HTTPConnection(HOST, PORT, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def wait_up(deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if get("/") == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not come up")


def median_ms(path: str) -> float:
    for _ in range(5):
        get(path)  # warm up both workers
    times = []
    for _ in range(SEQUENTIAL):
        t0 = time.perf_counter()
        get(path)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def throughput(path: str) -> float:
    done = [0] * CLIENTS
    stop = time.monotonic() + LOAD_SECONDS

    def worker(i):
        while time.monotonic() < stop:
            if get(path) == 200:
                done[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENTS)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - t0)


def serve_and_measure(urls: dict[str, str], cached: bool) -> dict[str, tuple[float, float]]:
    env = {**ENV, "BENCH_CACHE": "1" if cached else "0"}
    server = subprocess.Popen(
        [
            str(VENV / "gunicorn"),
            "portal.wsgi:application",
            "-b",
            f"{HOST}:{PORT}",
            "-w",
            "2",
            "--timeout",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_up(time.monotonic() + 60)
        return {name: (median_ms(url), throughput(url)) for name, url in urls.items()}
    finally:
        server.terminate()
        server.wait(timeout=20)


def main() -> None:
    ensure_database()
    urls = pages()
    ENV["DJANGO_SETTINGS_MODULE"] = "cms_bench_settings"
    queries = count_queries(urls)
    uncached = serve_and_measure(urls, cached=False)
    cached = serve_and_measure(urls, cached=True)
    load = os.getloadavg()[0]
    print(
        f"CMS pages on gunicorn (2 sync workers), {CLIENTS} clients, {LOAD_SECONDS:.0f} s each; "
        f"load average {load:.1f} on {os.cpu_count()} cores (figures scale with other load)"
    )
    print(
        f"{'page':8} {'queries':>7} {'median ms (no cache)':>21} {'req/s (no cache)':>17} "
        f"{'median ms (cache)':>18} {'req/s (cache)':>14}"
    )
    for name in urls:
        print(
            f"{name:8} {queries[name]:>7} {uncached[name][0]:>21.1f} {uncached[name][1]:>17.0f} "
            f"{cached[name][0]:>18.1f} {cached[name][1]:>14.0f}"
        )
    nm, nq = uncached["notice"][0], queries["notice"]
    print(
        f"notice page median uncached: {nm:.1f} ms, target {TARGET_MEDIAN_MS:.0f} ms "
        f"(ratio {nm / TARGET_MEDIAN_MS:.2f}; below 1 is good)"
    )
    print(
        f"notice page queries: {nq}, target <= {TARGET_QUERIES} (ratio {nq / TARGET_QUERIES:.2f})"
    )
    for name in ("home", "notice"):
        rps = cached[name][1]
        print(
            f"{name} cached: {rps:.0f} req/s, target {TARGET_RPS:.0f} "
            f"(ratio {rps / TARGET_RPS:.2f}; above 1 is good)"
        )


if __name__ == "__main__":
    main()
