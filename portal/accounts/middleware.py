"""Every staff role needs two-factor authentication (TOTP): until a staff person has set it up,
every page except account and language pages sends them to the TOTP set-up page."""

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from portal.permissions import is_staff_person

EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/theme/", "/static/", "/media/", "/favicon.ico")


def requires_mfa(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or is_staff_person(user)))


class RequireStaffMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            requires_mfa(user)
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not is_mfa_enabled(user, ["totp"])
        ):
            messages.warning(
                request, _("Staff accounts must set up two-factor authentication first.")
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
