"""Shared set-up of the Django benches: a throwaway PostgreSQL database, created and dropped.

``with throwaway_database("bench_x") as url:`` creates ``bench_x_<pid>`` on the local PostgreSQL
(``postgres://postgres@127.0.0.1:5432``), points DATABASE_URL at it, sets up Django (test
settings) and migrates; on exit it closes connections and drops the database (unless
``keep=True``: bench/city.py keeps a generated city for ``--reuse``).
"""

from __future__ import annotations

import contextlib
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


@contextlib.contextmanager
def throwaway_database(prefix: str, *, settings: str = "portal.settings.test", keep: bool = False):
    name = f"{prefix}_{os.getpid()}"
    _admin(f'DROP DATABASE IF EXISTS "{name}"')
    _admin(f'CREATE DATABASE "{name}"')
    url = f"{SERVER}/{name}"
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
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
        if not keep:
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
