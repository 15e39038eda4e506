"""Voting's hooks into registry changes (registered in ``VotingConfig.ready``).

- ``no_area_change_during_open_vote``: the registry refuses area changes while a vote of the
  estate is open (the electorate is frozen at open).
- ``conflicts_of_interest``: the organisations a scheduled or open vote concerns may not decide
  claims of its estate (DOMAIN.md §1 "Conflicts of interest").
"""

from django.utils.translation import gettext as _

from property.registry.guards import RegistryChangeRefused

from .models import Matter, Vote, VoteStatus

#: Votes that bar the organisations they concern from verifying claims.
CONFLICT_STATUSES = (VoteStatus.SCHEDULED, VoteStatus.OPEN)
#: Matters that always concern the property company (hire or dismiss it; and who sits on the
#: committee that supervises it) and the owners' committee (its own members).
COMPANY_MATTERS = (Matter.COMMITTEE, Matter.COMPANY)
COMMITTEE_MATTERS = (Matter.COMMITTEE,)


def no_area_change_during_open_vote(*, estate, unit_codes) -> None:
    """Refuse an area change of units in an estate while one of its votes is open."""

    if Vote.objects.filter(estate=estate, status=VoteStatus.OPEN).exists():
        raise RegistryChangeRefused(
            _("A vote of this estate is open: unit areas cannot change until it closes.")
        )


def conflicts_of_interest(*, estate) -> list[tuple[int, str]]:
    """(organisation id, reason) for each organisation of the estate that a scheduled or open
    vote concerns: the property company for matters 3 and 4 and any vote naming it
    (``Vote.concerns``); the owners' committee for matter 3 and any vote naming it."""
    committee = estate.owners_committee()
    out = []
    votes = Vote.objects.filter(estate=estate, status__in=CONFLICT_STATUSES).order_by("opens_at")
    for vote in votes.only("pk", "title", "matter", "status", "concerns_id"):
        concerned = []
        if estate.company_id and (
            vote.matter in COMPANY_MATTERS or vote.concerns_id == estate.company_id
        ):
            concerned.append(estate.company_id)
        if committee is not None and (
            vote.matter in COMMITTEE_MATTERS or vote.concerns_id == committee.pk
        ):
            concerned.append(committee.pk)
        reason = _(
            "The vote “%(title)s” (%(status)s) concerns your organisation: until it closes, you "
            "may not decide ownership claims in this estate."
        ) % {"title": vote.title, "status": vote.get_status_display()}
        out += [(org, reason) for org in concerned]
    return out
