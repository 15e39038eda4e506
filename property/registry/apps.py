from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "property.registry"
    label = "registry"
    verbose_name = _("Property registry")

    def ready(self):
        from .notifications import register_kinds

        register_kinds()
