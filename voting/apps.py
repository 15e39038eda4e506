from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    label = "voting"
    verbose_name = _("Owner e-voting")

    def ready(self):
        # Refuse registry area changes while a vote on the estate is open (DOMAIN.md §1: the
        # electorate is frozen at open), and bar the organisations a scheduled or open vote
        # concerns from deciding claims (DOMAIN.md §1 "Conflicts of interest").
        from property.registry import guards

        from .guards import conflicts_of_interest, no_area_change_during_open_vote
        from .notifications import register_kinds

        register_kinds()
        guards.register_area_guard(no_area_change_during_open_vote)
        guards.register_conflict_source(conflicts_of_interest)
