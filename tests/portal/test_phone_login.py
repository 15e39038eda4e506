"""Owners sign in with their mobile number typed as they know it (with or without +86)."""

import pytest

from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth counts failed sign-ins per address in the cache; other tests' failures from the
    same test address must not lock these sign-ins out."""
    from django.core.cache import cache

    cache.clear()


@pytest.mark.parametrize(
    "typed", ["+8613955501234", "13955501234", "139 5550 1234", "008613955501234"]
)
def test_login_with_mobile_number_as_typed(client, typed):
    """A mainland number without +86 (or with spaces) finds the account stored in E.164."""
    user = make_user(phone="+8613955501234")
    response = client.post("/accounts/login/", {"login": typed, "password": "pw-Gongzhi-2026"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_still_refused(client):
    make_user(phone="+8613955501234")
    response = client.post("/accounts/login/", {"login": "13955501234", "password": "nope"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_two_phone_only_signups(client):
    """Two residents signing up with a phone number and no email both get an account."""
    from portal.accounts.models import User

    for phone in ("13955501111", "13955502222"):
        client.logout()
        response = client.post(
            "/accounts/signup/",
            {
                "phone": phone,
                "password1": "Lantern-Harbour-2026",
                "password2": "Lantern-Harbour-2026",
            },
        )
        assert response.status_code == 302, response.content[:500]
    users = User.objects.filter(phone__in=["+8613955501111", "+8613955502222"])
    assert users.count() == 2
    assert len({u.username for u in users}) == 2 and all(u.username for u in users)
