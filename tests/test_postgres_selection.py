"""The PostgreSQL pass's selection (tests/conftest.py, README "Two databases"): what it keeps,
what it leaves to the SQLite pass, and that the permission matrix's sample visits every URL."""

from pathlib import Path

import pytest

from tests.conftest import BIG_PARAMETRISATION, SAMPLE_EVERY, postgres_selection
from tests.security.matrix import ROLES


class Item:
    """What the selection reads of a collected test."""

    def __init__(self, name, *, markers=(), fixtures=(), params=None, module="test_x.py"):
        self.nodeid = f"{module}::{name}" + (f"[{params}]" if params else "")
        self.path = Path(module)
        self.originalname = name
        self.cls = None
        self.callspec = params
        self.fixturenames = list(fixtures)
        self._markers = set(markers)

    def get_closest_marker(self, name):
        return name if name in self._markers else None


def ids(items):
    return [item.nodeid for item in items]


def test_keeps_postgres_and_database_tests_and_leaves_the_rest_to_sqlite():
    pg = Item("test_race", markers={"postgres", "django_db"})
    marked = Item("test_service", markers={"django_db"})
    fixture = Item("test_page", fixtures=("client", "db"))
    journey = Item("test_journey", markers={"e2e"}, fixtures=("journey",))
    pure = Item("test_tally", fixtures=("tmp_path",))
    kept, dropped, counts = postgres_selection([pg, marked, fixture, journey, pure])
    assert ids(kept) == ids([pg, marked, fixture])
    assert ids(dropped) == ids([journey, pure])
    assert counts == {"postgres": 1, "database": 2, "unsampled": 0, "e2e": 1, "no database": 1}


def test_small_parametrisations_run_whole():
    cases = [
        Item("test_form", markers={"django_db"}, params=str(n)) for n in range(BIG_PARAMETRISATION)
    ]
    kept, dropped, _counts = postgres_selection(cases)
    assert len(kept) == BIG_PARAMETRISATION and not dropped


def test_matrix_sample_visits_every_url_with_rotating_roles():
    urls = [f"area:page{n}" for n in range(30)]
    cases = [
        Item("test_matrix", markers={"django_db"}, params=f"{url}-{role}")
        for url in urls
        for role in ROLES
    ]
    kept, dropped, counts = postgres_selection(cases)
    assert len(kept) == -(-len(cases) // SAMPLE_EVERY)
    assert counts["unsampled"] == len(dropped) == len(cases) - len(kept)
    visited = {item.callspec.rsplit("-", 1)[0] for item in kept}
    assert visited == set(urls)
    assert {item.callspec.rsplit("-", 1)[1] for item in kept} == set(ROLES)


def test_postgres_tests_are_never_sampled_out():
    cases = [
        Item("test_concurrent", markers={"django_db", "postgres"}, params=str(n))
        for n in range(BIG_PARAMETRISATION * 2)
    ]
    kept, _dropped, counts = postgres_selection(cases)
    assert len(kept) == len(cases) and counts["postgres"] == len(cases)


@pytest.mark.parametrize("rule", ["postgres", "e2e"])
def test_markers_are_registered(pytestconfig, rule):
    assert any(m.startswith(f"{rule}:") for m in pytestconfig.getini("markers"))
