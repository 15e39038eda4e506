"""Reads on a replica (portal/core/replica.py): the published pages read from a PostgreSQL
streaming replica, everything else and every client that has just written reads the primary.

The router and middleware are checked in-process; then a real replica is started
(``pg_basebackup -R`` from a throwaway primary), its replay paused, a row written on the
primary, and a visitor's open-data page shown to come from the replica while the same visitor,
after a POST, sees the row at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import ResolverMatch

from portal.core import replica
from tests.faults.conftest import require_postgres
from tests.faults.pgcluster import PG_BIN, PgCluster

ROOT = Path(__file__).resolve().parents[2]


class _Model:
    class _meta:  # noqa: N801 - mimics a model's _meta
        app_label = "registry"


class _Session:
    class _meta:  # noqa: N801
        app_label = "sessions"


def _run(request, view_name: str, monkeypatch) -> bool:
    """Whether the router sent a read of a registry model to the replica inside ``request``."""
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    seen = {}

    def view(req):
        router = replica.ReplicaRouter()
        seen["registry"] = router.db_for_read(_Model)
        seen["sessions"] = router.db_for_read(_Session)
        return HttpResponse("ok")

    middleware = replica.ReplicaReadsMiddleware(view)
    request.resolver_match = ResolverMatch(view, (), {}, url_name=view_name.split(":")[-1])
    request.resolver_match.view_name = view_name

    def get_response(req):
        middleware.process_view(req, view, (), {})
        return view(req)

    middleware.get_response = get_response
    response = middleware(request)
    assert seen["sessions"] == "default"  # sessions, accounts: always the primary
    request.response = response
    return seen["registry"] == replica.REPLICA


def test_published_pages_read_from_the_replica(monkeypatch):
    rf = RequestFactory()
    assert _run(rf.get("/dashboard/"), "dashboards:landing", monkeypatch)
    assert _run(rf.get("/api/v1/estates/"), "api:estates", monkeypatch)
    assert _run(rf.get("/notices/"), "cms:page", monkeypatch)


def test_other_pages_and_writes_read_the_primary(monkeypatch):
    rf = RequestFactory()
    assert not _run(rf.get("/votes/1/"), "voting:detail", monkeypatch)
    assert not _run(rf.get("/fund/"), "fund:landing", monkeypatch)
    assert not _run(rf.post("/dashboard/"), "dashboards:landing", monkeypatch)


def test_a_write_pins_the_client_to_the_primary(monkeypatch):
    rf = RequestFactory()
    post = rf.post("/votes/1/cast/")
    _run(post, "voting:cast", monkeypatch)
    cookie = post.response.cookies[replica.PIN_COOKIE]
    assert int(cookie.value) > time.time()
    pinned = rf.get("/dashboard/")
    pinned.COOKIES[replica.PIN_COOKIE] = cookie.value
    assert not _run(pinned, "dashboards:landing", monkeypatch)
    expired = rf.get("/dashboard/")
    expired.COOKIES[replica.PIN_COOKIE] = str(int(time.time()) - 1)
    assert _run(expired, "dashboards:landing", monkeypatch)


def test_the_router_never_writes_or_migrates_on_the_replica():
    router = replica.ReplicaRouter()
    assert router.db_for_write(_Model) == "default"
    assert router.allow_migrate("replica", "registry") is False
    assert router.allow_migrate("default", "registry") is True


def _env(primary: str, replica_url: str = "") -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "PYTEST_", "REDIS_"))
    }
    env.update(DJANGO_SETTINGS_MODULE="portal.settings.test", DATABASE_URL=primary)
    if replica_url:
        env["DATABASE_REPLICA_URL"] = replica_url
    return env


def _python(env: dict, *args: str, timeout: int = 600) -> str:
    out = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if out.returncode:
        raise AssertionError(f"{args} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return out.stdout


class Standby(PgCluster):
    """A streaming replica of ``primary``, made with pg_basebackup -R (hot standby)."""

    def __init__(self, primary: PgCluster):
        super().__init__()
        self.primary = primary

    def init(self) -> Standby:
        self._run(
            PG_BIN / "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            self.primary.port,
            "-U",
            "postgres",
            "-D",
            self.data,
            "-R",
            "-X",
            "stream",
            "--checkpoint=fast",
        )
        return self


def _psql(cluster: PgCluster, db: str, sql: str) -> str:
    out = cluster._run(
        PG_BIN / "psql", "-h", "127.0.0.1", "-p", cluster.port, "-U", "postgres", "-d", db,
        "-Atc", sql,
    )  # fmt: skip
    return out.stdout.strip()


@pytest.mark.postgres
def test_a_real_replica_serves_the_published_pages_and_a_writer_sees_its_change():
    require_postgres()
    with PgCluster() as primary:
        url = primary.createdb("gongzhi")
        _python(_env(url), "manage.py", "migrate", "-v0")
        _python(
            _env(url),
            "-c",
            "import django; django.setup(); from tests.factories import make_world; make_world()",
        )
        with Standby(primary) as standby:
            replica_url = standby.url("gongzhi")
            deadline = time.monotonic() + 30
            while _psql(standby, "gongzhi", "select count(*) from registry_estate") == "":
                assert time.monotonic() < deadline, "the replica never caught up"
                time.sleep(0.2)
            assert _psql(standby, "gongzhi", "select pg_is_in_recovery()") == "t"
            _psql(standby, "gongzhi", "select pg_wal_replay_pause()")
            out = json.loads(
                _python(_env(url, replica_url), "-m", "tests.portal.replica_probe").splitlines()[-1]
            )
    probe = "复制探针小区"
    assert probe in out["orm"]  # outside a published page: the primary
    assert probe not in out["visitor"]  # the published page: the (paused) replica
    assert len(out["visitor"]) == len(out["orm"])
    assert out["after_post"] == out["orm"]  # the writer sees its own change at once
    assert probe not in out["other_visitor"]
