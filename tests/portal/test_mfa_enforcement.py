"""Staff of every kind need TOTP everywhere; sign-in is throttled; codes cannot be replayed."""

import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.urls import reverse

from portal.organisations.models import OrgKind, Role
from tests.factories import TOTP_SECRET, make_user, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def signed_in_with_code(client, user) -> None:
    """Record allauth's emailed-code step in the client's session (what a staff account without
    TOTP gives at sign-in before it may set TOTP up)."""
    from allauth.account.internal.flows.login import record_authentication
    from django.http import HttpRequest

    request = HttpRequest()
    request.session = client.session
    record_authentication(request, user, "code")
    request.session.save()


def code(offset: int = 0) -> str:
    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30 + offset))


KINDS = [
    (OrgKind.BUREAU, "city", Role.OFFICER),
    (OrgKind.BUREAU, "city", Role.APPROVER),
    (OrgKind.STREET_OFFICE, "street", Role.OFFICER),
    (OrgKind.RESIDENTS_COMMITTEE, "community", Role.OFFICER),
    (OrgKind.OWNERS_COMMITTEE, "estate", Role.MEMBER),
    (OrgKind.PROPERTY_COMPANY, "city", Role.OFFICER),
]


def where(world, level):
    return {
        "city": world.city,
        "street": world.streets[0],
        "community": world.communities[0],
        "estate": world.estate_nodes[0],
    }[level]


@pytest.mark.parametrize(("kind", "level", "role"), KINDS)
@pytest.mark.parametrize("path", ["/", "/my/", "/admin/", "/votes/", "/dashboard/"])
def test_staff_without_totp_are_sent_to_set_it_up(
    client, world, home_page, kind, level, role, path
):
    """Every staff role (government, committee, company), signed in with the password and the
    emailed code but without TOTP yet, is sent to TOTP set-up from any page."""
    person = staff(kind, where(world, level), role, mfa=False)
    client.force_login(person)
    signed_in_with_code(client, person)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_owner_is_not_asked_for_totp(client, world, home_page):
    """Owners (no organisation) use the portal without a second factor."""
    client.force_login(make_user())
    assert client.get("/").status_code == 200


def _password_step(client, user):
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "pw-Gongzhi-2026"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")


def test_wrong_totp_code_refused(client, world):
    """After the password, a wrong code keeps the staff member signed out."""
    officer = staff(OrgKind.BUREAU, world.city, mfa=True)
    _password_step(client, officer)
    wrong = "000000" if code() != "000000" else "111111"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200 and response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_totp_code_cannot_be_replayed(client, world):
    """A code already used to sign in is refused when replayed in the same window."""
    from django.test import Client

    officer = staff(OrgKind.BUREAU, world.city, mfa=True)
    current = code()
    _password_step(client, officer)
    assert client.post(reverse("mfa_authenticate"), {"code": current}).status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)
    other = Client()
    _password_step(other, officer)
    other.post(reverse("mfa_authenticate"), {"code": current})
    if code() == current:  # still the same 30-second window
        assert "_auth_user_id" not in other.session


def test_failed_logins_throttled_per_account(client, world):
    """Five failures lock the account's sign-in for a while, even from another address."""
    user = make_user()
    for _ in range(5):
        client.post(
            reverse("account_login"),
            {"login": user.email, "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
        )
    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": "pw-Gongzhi-2026"},
        REMOTE_ADDR="10.0.0.2",
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)


def test_failed_logins_throttled_per_address(client, world):
    """Five failures from one address refuse further attempts from it, for any account."""
    users = [make_user() for _ in range(6)]
    for u in users[:5]:
        client.post(
            reverse("account_login"),
            {"login": u.email, "password": "wrong"},
            REMOTE_ADDR="10.0.0.9",
        )
    response = client.post(
        reverse("account_login"),
        {"login": users[5].email, "password": "pw-Gongzhi-2026"},
        REMOTE_ADDR="10.0.0.9",
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)
    # A different address is not affected.
    response = client.post(
        reverse("account_login"),
        {"login": users[5].email, "password": "pw-Gongzhi-2026"},
        REMOTE_ADDR="10.0.0.10",
    )
    assert client.session.get("_auth_user_id") == str(users[5].pk)
