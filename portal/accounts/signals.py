"""Setting up TOTP is itself the second factor of the session that does it.

The set-up page is reached only by a session that proved the account's registered email or
phone with a sign-in code (``portal.accounts.middleware``); entering a valid code from the new
authenticator then completes the sign-in, as allauth's own code step would.
"""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator


def second_factor_from_set_up(sender, request, user, authenticator, **kwargs):
    if request is not None and authenticator.type == Authenticator.Type.TOTP:
        record_authentication(
            request, user, "mfa", id=authenticator.pk, type=authenticator.type, set_up=True
        )
