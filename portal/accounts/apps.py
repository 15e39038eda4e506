from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from allauth.mfa.signals import authenticator_added

        from . import checks  # noqa: F401 - registers the deployment checks
        from .signals import second_factor_from_set_up

        authenticator_added.connect(
            second_factor_from_set_up, dispatch_uid="portal.accounts.second_factor_from_set_up"
        )
