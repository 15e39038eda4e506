"""Permissions of voting (checked with ``user.has_perm("voting.<perm>", obj)``).

The organiser of an estate's votes is its owners' committee, or, where the estate has none, the
street office governing it (DOMAIN.md §1). ``obj`` is a Vote, or an Estate for ``create_vote``.
State (open, publicised ...) is checked by the views and services, not here.
"""

import rules

from portal.organisations.models import OrgKind
from portal.permissions import governs_pred, is_government_staff
from property.registry.rules import (
    estate_of,
    is_estate_committee,
    is_estate_company,
    is_estate_street_office,
    is_owner_in_estate,
)


@rules.predicate
def is_vote_organiser(user, obj=None) -> bool:
    """The estate's owners' committee; the street office only where there is no committee."""
    if obj is None:
        return bool(is_estate_committee(user) or is_estate_street_office(user))
    estate = estate_of(obj)
    if estate is None:
        return False
    if is_estate_committee(user, estate):
        return True
    return bool(is_estate_street_office(user, estate)) and estate.owners_committee() is None


@rules.predicate
def is_published(user, obj=None) -> bool:
    """The vote is past its draft (owners never see drafts)."""
    return obj is not None and getattr(obj, "status", "draft") != "draft"


@rules.predicate
def is_vote_proxy(user, obj=None) -> bool:
    """Holds an approved proxy authorization for this vote (named by account or phone)."""
    from .models import ProxyAuthorization, ProxyStatus, Vote
    from .selectors import proxy_named

    return (
        isinstance(obj, Vote)
        and user.is_authenticated
        and ProxyAuthorization.objects.filter(
            proxy_named(user), vote=obj, status=ProxyStatus.APPROVED
        ).exists()
    )


@rules.predicate
def is_frozen_owner(user, obj=None) -> bool:
    """A member of a party frozen into this vote's electorate (DOMAIN.md §1: a frozen party keeps
    its vote), or the holder now of one of its frozen units: they may see the vote even after
    selling their units or buying one during it."""
    from .models import Vote, VoteElector, VoteElectorUnit

    if not isinstance(obj, Vote) or not user.is_authenticated:
        return False
    if VoteElector.objects.filter(vote=obj, party__members__user=user).exists():
        return True
    return VoteElectorUnit.objects.filter(
        vote=obj,
        unit__ownerships__end__isnull=True,
        unit__ownerships__party__members__user=user,
    ).exists()


@rules.predicate
def has_public_result(user, obj=None) -> bool:
    """The vote is counted: its result, board export and signed result PDF are public."""
    from .models import RESULT_STATUSES

    return obj is not None and obj.status in RESULT_STATUSES and obj.result is not None


#: Who rules on objections to a publicised result: the street office governing the estate (it
#: guides and supervises owners' assemblies, Property Management Regulations), or a housing
#: bureau above it (district, city). Not the residents' committee, not the organiser.
is_objection_ruler = governs_pred(
    kinds=[OrgKind.STREET_OFFICE, OrgKind.BUREAU], name="is_objection_ruler"
)

owner = is_owner_in_estate & is_published
watcher = is_vote_organiser | is_government_staff | (is_estate_company & is_published)

rules.add_perm("voting.create_vote", is_vote_organiser)
rules.add_perm("voting.manage_vote", is_vote_organiser)
rules.add_perm("voting.cast", owner | (is_vote_proxy & is_published))
rules.add_perm("voting.enter_paper", is_vote_organiser)
rules.add_perm("voting.approve_proxy", is_vote_organiser)
rules.add_perm("voting.view_vote", owner | watcher | is_vote_proxy | is_frozen_owner)
# Disputes of paper and proxy ballots go to the street office over the estate: the committee
# entered the paper ballots and approved the proxies, so it does not judge them.
rules.add_perm("voting.decide_disputes", is_estate_street_office)
rules.add_perm("voting.view_result", owner | watcher | has_public_result)
rules.add_perm("voting.object", owner)
# ``obj`` is a Vote or an Objection (its node is its vote's estate); None: "rules anywhere".
rules.add_perm("voting.rule_objection", is_objection_ruler)
# The canvass list of an open vote (issue 17): the parties not yet voted, to visit door to door.
# The estate's owners' committee and the street office over it (not the residents' committee).
rules.add_perm("voting.canvass", is_estate_committee | is_estate_street_office)
# The delivery of a vote's notice (送达): the organiser records the posting and the handovers;
# the street office over the estate follows it too (docs/voting.md).
rules.add_perm("voting.view_delivery", is_vote_organiser | is_estate_street_office)
rules.add_perm("voting.record_delivery", is_vote_organiser)
