from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundConfig(AppConfig):
    name = "property.fund"
    label = "fund"
    verbose_name = _("Maintenance fund")

    def ready(self):
        from .notifications import register_kinds

        register_kinds()
        from voting.signals import vote_finalised, vote_set_aside

        from .receivers import on_vote_finalised, on_vote_set_aside

        vote_finalised.connect(on_vote_finalised, dispatch_uid="fund.on_vote_finalised")
        vote_set_aside.connect(on_vote_set_aside, dispatch_uid="fund.on_vote_set_aside")
