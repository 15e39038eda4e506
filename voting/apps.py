from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    label = "voting"
    verbose_name = _("Owner e-voting")

    def ready(self):
        # Refuse registry area changes while a vote on the estate is open (DOMAIN.md §1: the
        # electorate is frozen at open). The registry's guard hook (property.registry.guards)
        # lands with the registry branch; until then there is nothing to register.
        try:
            from property.registry import guards
        except ImportError:
            return
        from .guards import no_area_change_during_open_vote

        guards.register_area_guard(no_area_change_during_open_vote)
