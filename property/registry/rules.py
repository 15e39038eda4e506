"""Predicates for owners, committees and companies, on top of ``portal.permissions``.

An object's estate is found through ``estate_of``: an Estate itself, else its ``estate``
attribute. Government staff are answered by ``portal.permissions.governs``.
"""

import rules

from portal.organisations.models import OrgKind
from portal.permissions import governs, is_bureau_staff, is_government_staff, organisation_ids

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


rules.add_perm("registry.verify_claims", is_estate_committee | is_estate_company)
rules.add_perm("registry.import_registry", is_government_staff | is_estate_company)
rules.add_perm("registry.export_registry", is_government_staff | is_estate_company)
# Clear identity numbers leave the portal only to the housing bureau (DOMAIN.md §1): the export
# of anyone else, the company and the street office included, holds them masked.
rules.add_perm("registry.view_identity_numbers", is_bureau_staff)
# Any signed-in resident may claim units; verification decides whether they are an owner.
rules.add_perm("registry.submit_claim", rules.is_authenticated)
# The claimant sees their own claim and proof; the estate's verifiers see every claim of it.
rules.add_perm("registry.view_claim", is_claimant | is_estate_committee | is_estate_company)
