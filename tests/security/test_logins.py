"""Every login URL of the portal and its libraries: one sign-in (allauth), one rate limit, and
the second factor in every staff session (issue 14, finding 1).

The attack: a staff account's password alone, posted to Wagtail's admin login (``/admin/login/``),
Wagtail's private-page login (``/_util/login/``) or Django's admin login, gave a full staff
session that opened ``/admin/`` and downloaded an estate's registry; those forms had no rate
limit either (25 wrong passwords, then the right one, accepted). The login routes are found by
walking the URL resolver (``tests.security.matrix.login_patterns``), so a login URL a library
adds later is attacked here too.
"""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.security.matrix import CITY, COMPANY, login_patterns

pytestmark = pytest.mark.django_db

PASSWORD = "Gongzhi@2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

# Login routes that take no URL arguments: a form anyone can post a password to.
PLAIN_LOGIN_ROUTES = sorted(
    "/" + p.route for p in login_patterns() if not any(c in p.route for c in "<(^$")
)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def totp_now() -> str:
    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))


def post_password(client: Client, path: str, who, password: str):
    """Post a sign-in as every known login form names its fields (allauth: ``login``; Django,
    Wagtail: ``username``), with whatever hidden ``next`` a form would carry."""
    return client.post(
        path,
        {
            "login": who.email,
            "username": who.email,
            "email": who.email,
            "password": password,
            "next": "/admin/",
        },
    )


def staff_pages(demo) -> list[tuple[str, str]]:
    """(method, path): the registry export is a POST (it is audit-logged; no GET writes)."""
    return [
        ("get", "/admin/"),
        ("get", "/admin/audit/"),
        ("get", "/dashboard/"),
        (
            "post",
            reverse("registry:estate_export", kwargs={"code": demo.estate.code, "fmt": "csv"}),
        ),
    ]


def opens_staff_page(client: Client, demo) -> list[str]:
    return [
        url for method, url in staff_pages(demo) if getattr(client, method)(url).status_code == 200
    ]


def test_the_resolver_walk_finds_every_known_login_form():
    """The login routes include the ones the attack used and allauth's own."""
    routes = {p.route.lstrip("^") for p in login_patterns()}
    for route in (
        "accounts/login/",
        "admin/login/",
        "_util/login/",
        "django-admin/login/",
        "accounts/2fa/authenticate/",
        "accounts/2fa/reauthenticate/",
        "accounts/reauthenticate/",
        "accounts/signup/",
    ):
        assert route in routes, route
    assert "/admin/login/" in PLAIN_LOGIN_ROUTES and "/_util/login/" in PLAIN_LOGIN_ROUTES


@pytest.mark.parametrize("path", PLAIN_LOGIN_ROUTES)
@pytest.mark.parametrize("role", [CITY, COMPANY])
def test_password_alone_never_opens_a_staff_page(demo, path, role):
    """A staff account's right password, posted to any login route, gives no session that
    opens the admin or a staff page: the second factor is still to come."""
    client = Client()
    post_password(client, path, demo.user(role), PASSWORD)
    assert opens_staff_page(client, demo) == [], f"password alone via {path} opened staff pages"


def test_password_alone_never_opens_django_admin(demo):
    """A Django superuser (``is_staff``) with TOTP is no exception: /django-admin/login/ with
    the password alone does not open /django-admin/."""
    from tests.factories import make_user

    admin = make_user(mfa=True, is_staff=True, is_superuser=True, email="root@example.cn")
    for path in PLAIN_LOGIN_ROUTES:
        client = Client()
        client.post(
            path, {"login": admin.email, "username": admin.username, "password": "pw-Gongzhi-2026"}
        )
        assert client.get("/django-admin/").status_code != 200, path
        assert client.get("/admin/").status_code != 200, path


def _accepted(client: Client, response) -> bool:
    """The password was taken: a session, or allauth's next sign-in step (the code)."""
    location = response.get("Location", "")
    return "_auth_user_id" in client.session or location.startswith(
        (reverse("mfa_authenticate"), reverse("account_confirm_login_code"))
    )


@pytest.mark.parametrize("path", PLAIN_LOGIN_ROUTES)
def test_rate_limit_holds_on_every_login_route(demo, path):
    """25 wrong passwords, then the right one: refused, on every login route."""
    client = Client()
    who = demo.user(COMPANY)
    for _ in range(25):
        post_password(client, path, who, "wrong-password")
    response = post_password(client, path, who, PASSWORD)
    assert not _accepted(client, response), f"{path} accepted the password after 25 failures"


def test_wrong_passwords_anywhere_count_at_the_one_sign_in(demo):
    """Guesses spread over every login route are one budget: after five at allauth's sign-in,
    none of the other routes takes the right password either."""
    who = demo.user(COMPANY)
    client = Client()
    for _ in range(5):
        post_password(client, reverse("account_login"), who, "wrong-password")
    for path in PLAIN_LOGIN_ROUTES:
        response = post_password(client, path, who, PASSWORD)
        assert not _accepted(client, response), path


def test_staff_with_totp_signs_in_with_the_code(demo):
    """The one sign-in still works: password, then the TOTP code, then the admin opens."""
    client = Client()
    response = post_password(client, reverse("account_login"), demo.user(CITY), PASSWORD)
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": totp_now()})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def keyed_login_urls(who) -> dict[str, str]:
    """The login routes that take a key from an email or a restriction id, each with a real
    key for ``who`` where there is one (what an attacker holding the staff member's mailbox or
    a password-reset link would use)."""
    from allauth.account.forms import default_token_generator
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC
    from allauth.account.utils import user_pk_to_url_str
    from django.contrib.auth.tokens import default_token_generator as django_tokens
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    address = EmailAddress.objects.get(user=who, email=who.email)
    return {
        "account_reset_password_from_key": reverse(
            "account_reset_password_from_key",
            kwargs={
                "uidb36": user_pk_to_url_str(who),
                "key": default_token_generator.make_token(who),
            },
        ),
        "account_confirm_email": reverse(
            "account_confirm_email", args=[EmailConfirmationHMAC(address).key]
        ),
        "wagtailadmin_password_reset_confirm": reverse(
            "wagtailadmin_password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(who.pk)),
                "token": django_tokens.make_token(who),
            },
        ),
        "wagtailcore_authenticate_with_password": "/_util/authenticate_with_password/1/1/",
        "wagtaildocs_authenticate_with_password": "/documents/authenticate_with_password/1/",
    }


def test_every_keyed_login_route_is_attacked(demo):
    keyed = {p.key for p in login_patterns() if any(c in p.route for c in "<(")}
    assert keyed == set(keyed_login_urls(demo.user(COMPANY)))


@pytest.mark.parametrize(
    "name",
    [
        "account_reset_password_from_key",
        "account_confirm_email",
        "wagtailadmin_password_reset_confirm",
        "wagtailcore_authenticate_with_password",
        "wagtaildocs_authenticate_with_password",
    ],
)
def test_keyed_login_routes_give_no_staff_session(demo, name):
    """With a real reset or confirmation key for a staff account (and a new password where the
    route sets one), no staff page or /admin/ opens: these routes never sign anyone in."""
    from portal.accounts.models import User

    # A copy: the demo's user object is shared by the package's tests and must keep its password.
    who = User.objects.get(pk=demo.user(COMPANY).pk)
    client = Client()
    response = client.get(keyed_login_urls(who)[name], follow=True)
    target = response.redirect_chain[-1][0] if response.redirect_chain else None
    new_password = "Another-Lantern-2027"
    client.post(
        target or keyed_login_urls(who)[name],
        {
            "password1": new_password,
            "password2": new_password,
            "new_password1": new_password,
            "new_password2": new_password,
            "password": new_password,
        },
    )
    assert opens_staff_page(client, demo) == [], name
    if name == "account_reset_password_from_key":  # the route did its work: a new password
        who.refresh_from_db()
        assert who.check_password(new_password)
