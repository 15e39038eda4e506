"""Every staff role needs two-factor authentication before it reaches any staff page."""

import pytest
from django.urls import reverse

from portal.organisations.models import OrgKind
from tests.factories import make_user, staff

pytestmark = pytest.mark.django_db


def test_staff_without_mfa_cannot_reach_admin(client, world):
    """A staff session without TOTP and without the emailed sign-in code is signed out."""
    officer = staff(OrgKind.BUREAU, world.city, mfa=False)
    client.force_login(officer)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_staff_with_mfa_reaches_admin(client, world):
    officer = staff(OrgKind.BUREAU, world.city, mfa=True)
    client.force_login(officer)
    assert client.get("/admin/").status_code == 200


def test_owner_needs_no_mfa_and_cannot_enter_admin(client, world, home_page):
    owner = make_user()
    client.force_login(owner)
    assert client.get("/").status_code == 200
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_login_with_totp_step(client, world):
    """Password login of a staff account with TOTP asks for the code, then lets them in."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from tests.factories import TOTP_SECRET

    officer = staff(OrgKind.BUREAU, world.city, mfa=True)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=officer, email=officer.email, verified=True, primary=True)
    response = client.post(
        reverse("account_login"), {"login": officer.email, "password": "pw-Gongzhi-2026"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert client.get("/admin/").status_code == 302  # not logged in yet
    code = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_login_rate_limit(client, world):
    """allauth's failed-login rate limit refuses further attempts after five failures."""
    user = make_user()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "pw-Gongzhi-2026"}
    )
    # Even the right password is refused now, with allauth's "too many attempts" error.
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    if response.status_code == 200:
        assert response.context["form"].errors
