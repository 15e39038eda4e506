"""Bench: every PDF the portal issues, as the development server serves it, against 2 s each.

Run from the repository root after ``make run`` has loaded the demo city into the development
database: ``.venv/bin/python bench/pdfs.py``. Prints figures and ratios; asserts nothing.

Each PDF (the result announcement of 滨江花园's counted vote, a paper ballot of its open vote,
the fund's annual statement of 滨江花园 with its 512 units, a company's credit report) is asked
for through Django's handler with the development settings, each request in a new thread as
``runserver`` serves it, in two fresh processes:

* ``started``: the process imported ``portal.wsgi`` first, as runserver and gunicorn do (it
  loads jieba's dictionary and warms up the PDF machinery: ``portal.core.pdf.warm_up``);
* ``cold``: the process only set Django up, so its first PDF pays the imports and font set-up
  (what every first PDF paid before the warm-up).

For each: the first request of the process, then the median of three more; wall time and the
CPU time of the request's thread (the wall time depends on what else the machine runs; on a
shared machine the CPU time is the steadier figure).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 2.0
REPEATS = 3


def _documents():
    """(name, account, path) of each PDF in the demo data; None when the demo is missing."""
    from portal.organisations.models import Organisation, OrgKind
    from property.registry.models import Estate
    from voting.models import Vote, VoteElector, VoteStatus

    estate = Estate.objects.filter(code="binjiang").first()
    counted = Vote.objects.filter(estate=estate, counted_at__isnull=False).order_by("pk").first()
    open_vote = Vote.objects.filter(estate=estate, status=VoteStatus.OPEN).first()
    company = (
        Organisation.objects.filter(kind=OrgKind.PROPERTY_COMPANY).exclude(credit_code="").first()
    )
    if not (estate and counted and open_vote and company):
        return None
    elector = VoteElector.objects.filter(vote=open_vote).order_by("pk").first()
    year = time.localtime().tm_year
    return [
        ("vote result announcement", None, f"/votes/{counted.pk}/result.pdf"),
        (
            "paper ballot",
            "committee.binjiang@demo.gongzhi.cn",
            f"/votes/{open_vote.pk}/ballot/{elector.pk}.pdf",
        ),
        (
            f"fund annual statement ({estate.units.count()} units)",
            "city.officer@demo.gongzhi.cn",
            f"/fund/estate/{estate.code}/statement/{year}.pdf",
        ),
        ("credit report", None, f"/credit/company/{company.credit_code}/report.pdf"),
    ]


def _request(client, path: str) -> dict:
    """One GET in a new thread (runserver's way): wall time and the thread's CPU time."""
    import pypdfium2

    out = {}

    def run():
        wall, cpu = time.perf_counter(), time.thread_time()
        response = client.get(path, HTTP_HOST="127.0.0.1")
        out.update(
            status=response.status_code,
            wall=time.perf_counter() - wall,
            cpu=time.thread_time() - cpu,
            pages=len(pypdfium2.PdfDocument(response.content)),
            size=len(response.content),
        )

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return out


def child(mode: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    start = time.perf_counter()
    if mode == "started":
        import portal.wsgi  # noqa: F401 - what runserver and gunicorn import
    else:
        import django

        django.setup()
    setup = time.perf_counter() - start
    from django.contrib.auth import get_user_model
    from django.test import Client

    documents = _documents()
    if documents is None:
        print(json.dumps({"missing": True}))
        return
    users = get_user_model().objects
    results = {"setup": setup, "documents": []}
    for name, account, path in documents:
        client = Client()
        if account:
            client.force_login(users.get(email=account))
        first = _request(client, path)
        again = [_request(client, path) for _ in range(REPEATS)]
        results["documents"].append(
            {
                "name": name,
                "path": path,
                "first": first,
                "wall": statistics.median(r["wall"] for r in again),
                "cpu": statistics.median(r["cpu"] for r in again),
            }
        )
    print(json.dumps(results))


def main() -> None:
    print(f"PDFs as the development server serves them (target < {TARGET_S:g} s each)")
    for mode, what in (
        ("started", "server process (portal.wsgi imported: warmed up)"),
        ("cold", "process without the warm-up"),
    ):
        run = subprocess.run(
            [sys.executable, __file__, "--child", mode],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.dev"},
        )
        lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
        if run.returncode or not lines:
            print(f"  {mode}: failed\n{run.stderr[-1500:]}")
            return
        data = json.loads(lines[-1])
        if data.get("missing"):
            print("  no demo data in the development database: run `make run` first")
            return
        print(f"\n{what}: start-up {data['setup']:.2f} s")
        print(f"  {'document':40} {'first':>15} {'then (median)':>20}  ratio  pages")
        for d in data["documents"]:
            first = d["first"]
            print(
                f"  {d['name']:40} {first['wall']:6.2f} s ({first['cpu']:.2f} cpu)"
                f" {d['wall']:8.2f} s ({d['cpu']:.2f} cpu)"
                f"  {max(first['wall'], d['wall']) / TARGET_S:5.2f}  {first['pages']:>5}"
                + ("" if first["status"] == 200 else f"  HTTP {first['status']}")
            )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
    else:
        main()
