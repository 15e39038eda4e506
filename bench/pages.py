"""Bench: the pages issue 15 found slow in the development server, first request after start.

Run from the repository root after ``make run`` has loaded the demo city into the development
database: ``.venv/bin/python bench/pages.py``. Prints figures; asserts nothing.

Measured in two fresh processes, as in ``bench/pdfs.py``: ``started`` imported ``portal.wsgi``
as runserver and gunicorn do (jieba's dictionary and the PDF machinery loaded at start),
``cold`` only set Django up (what the first request paid before). Each request runs in a new
thread, as runserver serves it; wall time and the thread's CPU time:

* the first Chinese search (anonymous ``/search/?q=电梯维修``), then another;
* an owner signing in (``POST /accounts/login/``: most of it is the PBKDF2 password check,
  shown alone) and the home page after it;
* the estate page of 滨江花园 (512 parties, 600 units) for its owners' committee: now 50 rows
  of each table a page; its HTML size.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Gongzhi@2026"


def _timed(fn) -> dict:
    out = {}

    def run():
        wall, cpu = time.perf_counter(), time.thread_time()
        response = fn()
        out.update(
            status=response.status_code,
            wall=time.perf_counter() - wall,
            cpu=time.thread_time() - cpu,
            size=len(response.content),
        )

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return out


def child(mode: str) -> None:
    start = time.perf_counter()
    if mode == "started":
        import portal.wsgi  # noqa: F401 - what runserver and gunicorn import
    else:
        import django

        django.setup()
    setup = time.perf_counter() - start
    from django.contrib.auth import get_user_model
    from django.test import Client

    users = get_user_model().objects
    owner = users.filter(email="owner1.binjiang@demo.gongzhi.cn").first()
    committee = users.filter(email="committee.binjiang@demo.gongzhi.cn").first()
    if owner is None or committee is None:
        print(json.dumps({"missing": True}))
        return
    host = {"HTTP_HOST": "127.0.0.1"}
    anonymous, signed_in, staff = Client(), Client(), Client()
    staff.force_login(committee)
    rows = {}
    rows["first Chinese search"] = _timed(lambda: anonymous.get("/search/?q=电梯维修", **host))
    rows["another search"] = _timed(lambda: anonymous.get("/search/?q=停车位", **host))
    login = {"login": owner.email, "password": PASSWORD}
    rows["sign in (POST)"] = _timed(lambda: signed_in.post("/accounts/login/", login, **host))
    wall, cpu = time.perf_counter(), time.process_time()
    owner.check_password(PASSWORD)
    rows["  of which the password check"] = {
        "status": 200,
        "wall": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "size": 0,
    }
    rows["home page after sign-in"] = _timed(lambda: signed_in.get("/", **host))
    rows["home page again"] = _timed(lambda: signed_in.get("/", **host))
    rows["estate page, committee"] = _timed(lambda: staff.get("/my/estates/binjiang/", **host))
    rows["estate page again"] = _timed(lambda: staff.get("/my/estates/binjiang/", **host))
    print(json.dumps({"setup": setup, "rows": rows}))


def main() -> None:
    print("Pages in the development server, first requests after start")
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
        for name, r in data["rows"].items():
            size = f"  {r['size'] / 1024:6.1f} KB" if r["size"] else ""
            status = "" if r["status"] in (200, 302) else f"  HTTP {r['status']}"
            print(f"  {name:32} {r['wall']:6.2f} s ({r['cpu']:.2f} cpu){size}{status}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
    else:
        main()
