"""allauth adapter: phone numbers live on the user model; codes go out by the SMS backend."""

import time
import uuid

import phonenumbers
from allauth.account import app_settings as allauth_account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.fields import PhoneField
from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.core.links import PortalSite, absolute_url

from .middleware import requires_mfa, session_methods
from .models import User
from .sms import send_sms


class AccountAdapter(DefaultAccountAdapter):
    def is_login_by_code_required(self, login) -> bool:
        """A staff account without TOTP signs in with its password AND a code sent to its
        registered email (or phone): the session that sets up the authenticator must prove
        more than a password, or a stolen password would enrol the thief's authenticator."""
        if super().is_login_by_code_required(login):
            return True
        user = login.user
        if user is None or "code" in session_methods(self.request, user):
            return False
        return requires_mfa(user) and not is_mfa_enabled(user, ["totp"])

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Setting up TOTP right after signing in with the emailed code asks for no password
        again: the code sign-in counts as the recent re-authentication allauth wants."""
        required = super().is_reauthentication_required(app=app, **kwargs)
        user = getattr(self.request, "user", None)
        if not required or app != "allauth.mfa" or not requires_mfa(user):
            return required
        if is_mfa_enabled(user, ["totp"]):
            return required
        records = get_authentication_records(self.request, user)
        recent_code = records and records[-1].get("method") == "code"
        timeout = allauth_account_settings.REAUTHENTICATION_TIMEOUT
        fresh = recent_code and time.time() - records[-1]["at"] < timeout
        return not fresh

    def send_verification_code_sms(self, user, phone: str, code: str, **kwargs):
        send_sms(
            phone,
            _("Your Gongzhi verification code is %(code)s. Do not share it with anyone.")
            % {"code": code},
        )

    def send_unknown_account_sms(self, phone: str, **kwargs):
        send_sms(phone, _("No Gongzhi account uses this phone number."))

    def set_phone(self, user, phone: str, verified: bool):
        user.phone = phone
        user.phone_verified = verified
        user.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user):
        if user.phone:
            return user.phone, user.phone_verified
        return None

    def set_phone_verified(self, user, phone: str):
        self.set_phone(user, phone, True)

    def get_user_by_phone(self, phone: str):
        # People type their number as they know it (13912345678, 139 1234 5678, +86…);
        # numbers are stored in E.164 form.
        return User.objects.filter(phone=normalise_phone(phone)).order_by("pk").first()

    def populate_username(self, request, user):
        # ``username`` is an internal handle. At sign-up the phone number is set only after the
        # user is saved, so a phone-only sign-up has neither yet: give it a unique random handle
        # (two phone-only sign-ups used to collide on an empty username).
        if not user.username:
            user.username = user.phone or user.email or f"u-{uuid.uuid4().hex[:16]}"

    def phone_form_field(self, **kwargs):
        return MainlandPhoneField(**kwargs)

    def clean_phone(self, phone: str) -> str:
        return normalise_phone(phone)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Links in account emails (password reset, email confirmation, sign-up) point at
        # PORTAL_BASE_URL, not at the host the request happened to name.
        context = {
            **context,
            "current_site": PortalSite(),
            **{k: absolute_url(v) for k, v in context.items() if k.endswith("_url") and v},
        }
        super().send_mail(template_prefix, email, context)


def normalise_phone(value: str) -> str:
    """Mainland mobile numbers may be typed without +86; store them in E.164 form."""
    value = (value or "").replace(" ", "").replace("-", "")
    if value and not value.startswith("+"):
        value = "+86" + value.removeprefix("0086")
    return value


class MainlandPhoneField(PhoneField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        value = normalise_phone(value)
        try:
            parsed = phonenumbers.parse(value, "CN")
        except phonenumbers.NumberParseException:
            raise ValidationError(_("Enter a valid mobile phone number."), code="invalid_phone")
        if not phonenumbers.is_valid_number(parsed):
            raise ValidationError(_("Enter a valid mobile phone number."), code="invalid_phone")
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
