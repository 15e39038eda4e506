from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "property.credit"
    label = "credit"
    verbose_name = _("Property company credit")

    def ready(self):
        from . import manager_rules  # noqa: F401 (registers the managers' perms)
        from .notifications import register_kinds

        register_kinds()
