from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "portal.dashboards"
    label = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        # Local: the receivers' module imports the models, which load only after this module.
        from .figures import connect

        connect()
