"""Predicates for owners, committees and companies, on top of ``portal.permissions``.

An object's estate is found through ``estate_of``: an Estate itself, else its ``estate``
attribute. Government staff are answered by ``portal.permissions.governs``.
"""

import rules

from portal.organisations.models import OrgKind
from portal.permissions import (
    HAS_HOME_RULE,
    governs,
    grants,
    is_bureau_staff,
    is_government_staff,
    organisation_ids,
)

from . import guards
from .models import Estate, OwnerClaim, Unit
from .selectors import is_verified_owner


def estate_of(obj) -> Estate | None:
    if isinstance(obj, Estate):
        return obj
    return getattr(obj, "estate", None)


@rules.predicate
def is_owner_in_estate(user, obj=None) -> bool:
    """A verified owner of a unit in the object's estate."""
    if obj is None:
        return is_verified_owner(user)
    if isinstance(obj, Unit):
        return is_verified_owner(user, unit=obj)
    estate = estate_of(obj)
    return estate is not None and is_verified_owner(user, estate=estate)


@rules.predicate
def is_unit_owner(user, obj=None) -> bool:
    return isinstance(obj, Unit) and is_verified_owner(user, unit=obj)


@rules.predicate
def is_estate_company(user, obj=None) -> bool:
    """Staff of the property company that manages the object's estate."""
    company_ids = organisation_ids(user, OrgKind.PROPERTY_COMPANY)
    if obj is None:
        return bool(company_ids)
    estate = estate_of(obj)
    return estate is not None and estate.company_id in company_ids


@rules.predicate
def is_estate_committee(user, obj=None) -> bool:
    """A member of the owners' committee of the object's estate."""
    if obj is None:
        return bool(organisation_ids(user, OrgKind.OWNERS_COMMITTEE))
    estate = estate_of(obj)
    return estate is not None and governs(user, estate, kinds=[OrgKind.OWNERS_COMMITTEE])


@rules.predicate
def is_estate_street_office(user, obj=None) -> bool:
    estate = estate_of(obj) if obj is not None else None
    if obj is None:
        return bool(organisation_ids(user, OrgKind.STREET_OFFICE))
    return estate is not None and governs(user, estate, kinds=[OrgKind.STREET_OFFICE])


rules.add_perm(
    "registry.view_estate", is_government_staff | is_estate_company | is_estate_committee
)
rules.add_perm(
    "registry.view_unit",
    is_unit_owner | is_government_staff | is_estate_company | is_estate_committee,
)


@rules.predicate
def is_claimant(user, obj=None) -> bool:
    """The account that submitted the claim."""
    return isinstance(obj, OwnerClaim) and user.is_authenticated and obj.user_id == user.pk


def verification_refusal(user, estate: Estate) -> str | None:
    """Why ``user`` may not decide claims of ``estate`` now, or None.

    DOMAIN.md §1 "Conflicts of interest": an organisation may not verify claims in an estate while
    a vote that concerns it is scheduled or open (the sources of such conflicts register with
    ``guards.register_conflict_source``; voting does). A user acting for a barred organisation of
    the estate is refused even if they also act for another one. The street office is never
    barred: it is no side in an estate's vote, and it is the verifier of last resort."""
    conflicts = guards.verifier_conflicts(estate=estate)
    if not conflicts:
        return None
    for grant in grants(user):
        if grant.organisation_id in conflicts:
            return conflicts[grant.organisation_id]
    return None


@rules.predicate
def is_unconflicted(user, obj=None) -> bool:
    estate = estate_of(obj) if obj is not None else None
    return estate is not None and verification_refusal(user, estate) is None


# Who reviews claims: the estate's committee and company, and the street office over the estate
# (which also decides disputes of verifications). Who decides them now: the same, unless a
# scheduled or open vote concerns their organisation.
claim_reviewer = is_estate_committee | is_estate_company | is_estate_street_office
rules.add_perm("registry.view_claims", claim_reviewer)
rules.add_perm("registry.verify_claims", claim_reviewer & is_unconflicted)
rules.add_perm("registry.decide_disputes", is_estate_street_office)
rules.add_perm("registry.import_registry", is_government_staff | is_estate_company)
rules.add_perm("registry.export_registry", is_government_staff | is_estate_company)
# Clear identity numbers leave the portal only to the housing bureau (DOMAIN.md §1): the export
# of anyone else, the company and the street office included, holds them masked.
rules.add_perm("registry.view_identity_numbers", is_bureau_staff)
# Any signed-in resident may claim units; verification decides whether they are an owner.
rules.add_perm("registry.submit_claim", rules.is_authenticated)
# The claimant sees their own claim and proof; the estate's reviewers see every claim of it.
rules.add_perm("registry.view_claim", is_claimant | claim_reviewer)


@rules.predicate
def has_home(user) -> bool:
    """The user holds a unit now, or has a claim pending or rejected: what makes a staff
    person an owner too (``portal.permissions.roles_of``; the owner's workbench section)."""
    from .models import ClaimStatus
    from .selectors import units_of_user

    if not user.is_authenticated:
        return False
    return (
        units_of_user(user).exists()
        or OwnerClaim.objects.filter(
            user=user, status__in=[ClaimStatus.PENDING, ClaimStatus.REJECTED]
        ).exists()
    )


rules.add_rule(HAS_HOME_RULE, has_home)
