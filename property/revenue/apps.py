from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RevenueConfig(AppConfig):
    name = "property.revenue"
    label = "revenue"
    verbose_name = _("Shared revenue")

    def ready(self):
        from . import permissions  # noqa: F401  (registers the rules permissions)
        from .notifications import register_kinds

        register_kinds()
