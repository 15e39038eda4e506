"""Voting's veto over registry changes (registered in ``VotingConfig.ready``)."""

from django.utils.translation import gettext as _

from .models import Vote, VoteStatus


def no_area_change_during_open_vote(*, estate, unit_codes) -> None:
    """Refuse an area change of units in an estate while one of its votes is open."""
    from property.registry.guards import RegistryChangeRefused

    if Vote.objects.filter(estate=estate, status=VoteStatus.OPEN).exists():
        raise RegistryChangeRefused(
            _("A vote of this estate is open: unit areas cannot change until it closes.")
        )
