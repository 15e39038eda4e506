"""allauth's code forms, with the words people know: a 6-digit 验证码 ("verification code").

allauth labels every code field "Code" (代码 in its Chinese catalogue); the portal's own
catalogue cannot re-translate that word, which its exports use for place codes. Settings
``ACCOUNT_FORMS`` and ``MFA_FORMS`` point allauth at these subclasses.
"""

from allauth.account import forms as account_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from django.utils.translation import gettext_lazy as _


def _relabel(form, help_text) -> None:
    field = form.fields["code"]
    field.label = _("Verification code")
    field.help_text = help_text
    field.widget.attrs.update(
        {"placeholder": _("6 digits"), "inputmode": "numeric", "autocomplete": "one-time-code"}
    )


class VerifyPhoneForm(account_forms.VerifyPhoneForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(self, _("The 6-digit code in the text message we sent to your phone."))


class ConfirmLoginCodeForm(account_forms.ConfirmLoginCodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(self, _("The 6-digit code we sent to your email or phone."))


class AuthenticateForm(mfa_forms.AuthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(
            self, _("The 6-digit code in your authenticator app, or one of your recovery codes.")
        )
        self.fields["code"].widget.attrs.pop("inputmode")


class ReauthenticateForm(mfa_forms.ReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(
            self, _("The 6-digit code in your authenticator app, or one of your recovery codes.")
        )
        self.fields["code"].widget.attrs.pop("inputmode")


class ActivateTOTPForm(totp_forms.ActivateTOTPForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(self, _("The 6-digit code your authenticator app shows for this account."))
