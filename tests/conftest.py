import pytest
from django.conf import settings

from tests.factories import make_world


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` (real concurrency, fault injection) run in the PostgreSQL pass
    of CI; on SQLite they are deselected, not skipped, so every collected test runs."""
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    selected = [item for item in items if item.get_closest_marker("postgres") is None]
    deselected = [item for item in items if item.get_closest_marker("postgres") is not None]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


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
