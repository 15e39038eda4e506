"""Every staff session needs the second factor (TOTP), in this session, before any page.

allauth keeps a record of the authentication methods used in the session
(``get_authentication_records``): a password, an emailed or texted sign-in code, the second
factor (``"mfa"``). A staff person (any organisation membership, or a Django admin) gets a
page only when this session holds an ``"mfa"`` record and their TOTP is on. Otherwise:

* TOTP on, no ``"mfa"`` record in this session (a session from before this rule, or any way in
  that skipped allauth's code step): sent to enter the code (``mfa_reauthenticate``);
* TOTP not set up yet: the set-up moment. A password alone must not be enough to enrol an
  authenticator of the attacker's choosing, so allauth's sign-in first asks such an account for
  a code sent to its registered email or phone (``AccountAdapter.is_login_by_code_required``).
  A session holding that code may set up TOTP and nothing else; a session without it is signed
  out and sent to sign in again. Setting up TOTP records the second factor in the session
  (``portal.accounts.signals``).

In a session short of the second factor only the pages needed to provide it answer, plus
signing out and the language and theme switches: not the account pages (password, email,
phone, authenticators), which a stolen password must not reach.
"""

from urllib.parse import urlencode

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.http import HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from portal.permissions import is_staff_person

# Paths that serve no data (files and the favicon).
EXEMPT_PREFIXES = ("/static/", "/media/", "/favicon.ico")
# Pages any session may open: signing out, the language and theme switches.
ALWAYS_OPEN = frozenset(
    {"account_logout", "wagtailadmin_logout", "set_language", "set_theme", "javascript-catalog"}
)
# Pages that provide the second factor.
TO_ENTER_CODE = frozenset({"mfa_reauthenticate"})
TO_SET_UP = frozenset({"mfa_activate_totp", "account_reauthenticate"})


def requires_mfa(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or is_staff_person(user)))


def session_methods(request, user) -> set[str]:
    """The authentication methods allauth recorded for this user in this session."""
    return {record.get("method") for record in get_authentication_records(request, user)}


def session_has_second_factor(request, user) -> bool:
    return "mfa" in session_methods(request, user)


def _url_name(path: str) -> str | None:
    try:
        return resolve(path).url_name
    except Resolver404:
        return None


def _with_next(url: str, request) -> str:
    return f"{url}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}"


class RequireStaffMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not requires_mfa(user) or request.path.startswith(EXEMPT_PREFIXES):
            return self.get_response(request)
        has_totp = is_mfa_enabled(user, ["totp"])
        if has_totp and session_has_second_factor(request, user):
            return self.get_response(request)
        name = _url_name(request.path_info)
        if name in ALWAYS_OPEN:
            return self.get_response(request)
        if has_totp:
            if name in TO_ENTER_CODE:
                return self.get_response(request)
            messages.info(
                request, _("Enter the code from your authenticator app to open staff pages.")
            )
            return HttpResponseRedirect(_with_next(reverse("mfa_reauthenticate"), request))
        if session_methods(request, user) & {"code", "mfa"}:
            if name in TO_SET_UP:
                return self.get_response(request)
            messages.warning(
                request, _("Staff accounts must set up two-factor authentication first.")
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        # No TOTP and no code from the registered email or phone in this session: a password
        # alone does not get to enrol an authenticator. Sign in again (allauth asks for the code).
        logout(request)
        messages.warning(
            request,
            _(
                "Sign in again: before setting up two-factor authentication, enter the code "
                "we send to your registered email or phone."
            ),
        )
        return HttpResponseRedirect(_with_next(reverse("account_login"), request))
