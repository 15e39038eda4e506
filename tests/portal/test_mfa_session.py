"""The second factor per session (issue 14, finding 1): a staff session opens staff pages only
when this session used TOTP, not merely because the account has TOTP set up; and setting TOTP
up takes more than a password.

The old middleware asked "has this account set up TOTP?": a session that signed in with the
password alone (Wagtail's login forms) then had the whole portal.
"""

import re
import time

import pytest
from allauth.account.internal.flows.login import (
    AUTHENTICATION_METHODS_SESSION_KEY,
    record_authentication,
)
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse

from portal.organisations.models import OrgKind
from tests.factories import TOTP_SECRET, staff

pytestmark = pytest.mark.django_db

# Pages a stolen password must not reach: staff pages, and the account pages that would let
# it change the password, the email, the phone or the authenticators.
GUARDED = [
    "/admin/",
    "/dashboard/",
    "/",
    "/accounts/password/change/",
    "/accounts/email/",
    "/accounts/phone/change/",
    "/accounts/2fa/",
    "/accounts/2fa/totp/deactivate/",
    "/accounts/2fa/recovery-codes/",
    "/accounts/2fa/recovery-codes/generate/",
]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def totp(secret: str = TOTP_SECRET, offset: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def sign_in_with(client, user, *methods: str) -> None:
    """A session of ``user`` whose allauth records hold exactly ``methods`` ("password",
    "code", "mfa"), as the sign-in steps write them."""
    client.force_login(user)
    session = client.session
    session.pop(AUTHENTICATION_METHODS_SESSION_KEY, None)
    request = HttpRequest()
    request.session = session
    for method in methods:
        record_authentication(request, user, method)
    session.save()


@pytest.fixture
def officer(world):
    user = staff(OrgKind.BUREAU, world.city, mfa=True)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def newcomer(world):
    """A staff member who has not set up TOTP yet."""
    user = staff(OrgKind.PROPERTY_COMPANY, world.city, mfa=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.mark.parametrize("path", GUARDED)
def test_password_session_of_staff_with_totp_is_sent_to_enter_the_code(client, officer, path):
    """TOTP is on, but this session signed in with the password only: every page sends it to
    enter the code, and back."""
    sign_in_with(client, officer, "password")
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate") + "?next=")


def test_entering_the_code_opens_staff_pages(client, officer):
    sign_in_with(client, officer, "password")
    response = client.post(
        reverse("mfa_reauthenticate") + "?next=/admin/", {"code": totp()}, follow=False
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/dashboard/").status_code in (200, 302)
    assert client.get("/accounts/password/change/").status_code == 200


def test_wrong_codes_are_rate_limited(client, officer):
    """Guessing the code in a password-only session is limited like a password."""
    sign_in_with(client, officer, "password")
    wrong = "000000" if totp() != "000000" else "111111"
    for _ in range(5):
        client.post(reverse("mfa_reauthenticate"), {"code": wrong})
    client.post(reverse("mfa_reauthenticate"), {"code": totp()})
    assert client.get("/admin/").status_code == 302


def test_signing_out_and_switching_language_stay_open(client, officer):
    sign_in_with(client, officer, "password")
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(
    transaction=True, serialized_rollback=True
)  # allauth signals the new authenticator on commit
def test_staff_without_totp_must_give_an_emailed_code_before_setting_it_up(client, newcomer):
    """The set-up moment: the password alone leads to a code sent to the registered email,
    not to the TOTP set-up page."""
    response = client.post(
        reverse("account_login"), {"login": newcomer.email, "password": "pw-Gongzhi-2026"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_confirm_login_code")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    (message,) = mail.outbox
    assert message.to == [newcomer.email]
    code = re.search(r"(?<!\d)\d{6}(?!\d)", message.body).group(0)

    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(newcomer.pk)
    # Signed in, but only the TOTP set-up answers.
    for path in GUARDED:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == reverse("mfa_activate_totp"), path

    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=newcomer, type="totp").exists()
    # Setting it up was this session's second factor.
    assert client.get("/admin/").status_code == 200


def test_staff_without_totp_and_without_the_code_is_signed_out(client, newcomer):
    """A session of a staff account without TOTP that never gave the emailed code (a password
    alone, by whatever way) may not set up TOTP: it is signed out and sent to sign in."""
    sign_in_with(client, newcomer, "password")
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert not Authenticator.objects.filter(user=newcomer).exists()


def test_full_sign_in_keeps_working(client, officer):
    """Password, then TOTP at allauth's step: every page opens, with no second prompt."""
    response = client.post(
        reverse("account_login"), {"login": officer.email, "password": "pw-Gongzhi-2026"}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": totp()})
    for path in ("/admin/", "/accounts/password/change/", "/accounts/2fa/"):
        assert client.get(path).status_code == 200, path
