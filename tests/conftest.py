import pytest
from django.conf import settings

from tests.factories import make_world

# The PostgreSQL pass of CI (README, "Tests": "Two databases"): the SQLite pass runs every
# test but those marked ``postgres``; the PostgreSQL pass runs what the database can change.
DB_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}
BIG_PARAMETRISATION = 40  # a test function with more database cases than this is sampled...
SAMPLE_EVERY = 5  # ...one case in 5, in collection order: 5 is coprime to the matrix's 8 roles


def uses_database(item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        DB_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def postgres_selection(items):
    """Split the collected tests for the PostgreSQL pass: ``(kept, dropped, counts)``.

    Kept: every test marked ``postgres``; every other test that uses the database, except that
    a test function with more than ``BIG_PARAMETRISATION`` database cases (the permission
    matrix: URL x role) keeps one case in ``SAMPLE_EVERY`` in collection order, so each URL is
    still visited at least once, by a different role from one URL to the next.
    Dropped (they run in the SQLite pass, and would run the same code again here): browser
    journeys and layout checks (marker ``e2e``: their server always serves its own SQLite
    file), and tests that use no database at all (pure rules, templates, settings)."""
    from collections import defaultdict

    cases = defaultdict(list)
    for item in items:
        if uses_database(item) and getattr(item, "callspec", None) is not None:
            cases[(item.path, item.originalname, item.cls)].append(item)
    unsampled = {
        id(item)
        for group in cases.values()
        if len(group) > BIG_PARAMETRISATION
        for n, item in enumerate(group)
        if n % SAMPLE_EVERY
    }
    counts = dict.fromkeys(("postgres", "database", "unsampled", "e2e", "no database"), 0)
    kept, dropped = [], []
    for item in items:
        if item.get_closest_marker("postgres") is not None:
            why = "postgres"
        elif item.get_closest_marker("e2e") is not None:
            why = "e2e"
        elif not uses_database(item):
            why = "no database"
        elif id(item) in unsampled:
            why = "unsampled"
        else:
            why = "database"
        counts[why] += 1
        (kept if why in ("postgres", "database") else dropped).append(item)
    return kept, dropped, counts


def pytest_addoption(parser):
    parser.addoption(
        "--all-on-postgres",
        action="store_true",
        help="on PostgreSQL, run every collected test (not the PostgreSQL pass's selection)",
    )


def pytest_collection_modifyitems(config, items):
    """On SQLite, tests marked ``postgres`` (real concurrency, fault injection) are deselected,
    not skipped, so every collected test runs. On PostgreSQL, ``postgres_selection`` picks the
    tests (``--all-on-postgres``: all of them) and the run ends with what it picked (counts)."""
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        if config.getoption("all_on_postgres"):
            return
        kept, dropped, counts = postgres_selection(items)
        summary = (
            f"PostgreSQL pass: {len(kept)} of {len(items)} collected tests selected: "
            f"{counts['postgres']} marked postgres, {counts['database']} database tests "
            f"(sampled parametrisations: 1 in {SAMPLE_EVERY} cases); left to the SQLite pass: "
            f"{counts['unsampled']} unsampled cases, {counts['e2e']} browser (e2e), "
            f"{counts['no database']} without a database"
        )
        if hasattr(config, "workeroutput"):
            config.workeroutput["postgres_selection"] = summary
        else:
            config._postgres_selection = summary
    else:
        kept = [item for item in items if item.get_closest_marker("postgres") is None]
        dropped = [item for item in items if item.get_closest_marker("postgres") is not None]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """xdist: keep the PostgreSQL selection a worker reports, to print it at the end."""
    summary = getattr(node, "workeroutput", {}).get("postgres_selection")
    if summary:
        node.config._postgres_selection = summary


def pytest_terminal_summary(terminalreporter, config):
    summary = getattr(config, "_postgres_selection", None)
    if summary:
        terminalreporter.write_sep("=", "PostgreSQL selection")
        terminalreporter.write_line(summary)


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def home_page(db):
    from cms.demo import ensure_home

    return ensure_home()


@pytest.fixture(autouse=True)
def force_login_is_a_finished_sign_in(monkeypatch):
    """``client.force_login(user)`` stands for a finished sign-in: for an account with TOTP the
    session also gets allauth's record of the second factor, as allauth's code step writes it,
    so tests of staff pages need not sign in through the forms. Staff sessions without that
    record are refused (``portal.accounts.middleware``); the tests of signing in post to the
    real forms (``tests/security/test_logins.py``, ``tests/portal/test_mfa*.py``)."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.utils import is_mfa_enabled
    from django.http import HttpRequest
    from django.test.client import ClientMixin

    login = ClientMixin._login

    def _login(self, user, backend=None):
        login(self, user, backend)
        if is_mfa_enabled(user, ["totp"]):
            request = HttpRequest()
            request.session = self.session
            record_authentication(request, user, "mfa", type="totp")
            request.session.save()

    monkeypatch.setattr(ClientMixin, "_login", _login)
