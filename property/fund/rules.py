"""Who may do what with the maintenance fund (DOMAIN.md §2), as ``rules`` permissions.

Objects: an ``Estate`` (file a request, see the estate's fund and statement), a ``Unit`` or
``FundAccount`` (see a ledger), a ``FundRequest`` (review, pay, accept, publicise, object,
disburse) and an ``Attachment`` (download). Each predicate checks role AND jurisdiction.

* Applicant for emergency use: the owners' committee if the assembly holds the fund
  (``Estate.assembly_holds_fund``), otherwise the property company managing the estate,
  and the residents' committee of the estate's community where there is neither.
* Reviewer: the street office or the housing bureau governing the estate (any role).
  The reviewer also pays the advance, answers objections and disburses.
* Owners: verified owners of a unit in the estate see its requests and statement, their own
  unit's ledger, and may object to a publicised sharing.
"""

import rules

from portal.organisations.models import OrgKind
from portal.permissions import governs, is_government_staff, organisation_ids
from property.registry.models import Estate, Unit
from property.registry.rules import (
    estate_of,
    is_estate_committee,
    is_estate_company,
    is_owner_in_estate,
)
from property.registry.selectors import is_verified_owner

REVIEWER_KINDS = (OrgKind.STREET_OFFICE, OrgKind.BUREAU)


def _estate(obj) -> Estate | None:
    if obj is None:
        return None
    if hasattr(obj, "request") and not isinstance(obj, Estate):  # Attachment, share
        obj = obj.request
    return estate_of(obj)


def applicant_kind(estate: Estate) -> str:
    """Which kind of organisation applies for emergency use in this estate (DOMAIN.md §2)."""
    if estate.assembly_holds_fund:
        return OrgKind.OWNERS_COMMITTEE
    if estate.company_id:
        return OrgKind.PROPERTY_COMPANY
    return OrgKind.RESIDENTS_COMMITTEE


@rules.predicate
def is_fund_applicant(user, obj=None) -> bool:
    """Staff of the organisation allowed to apply for emergency use of this estate's fund."""
    estate = _estate(obj)
    if estate is None:
        return bool(
            organisation_ids(user, OrgKind.OWNERS_COMMITTEE)
            or organisation_ids(user, OrgKind.PROPERTY_COMPANY)
            or organisation_ids(user, OrgKind.RESIDENTS_COMMITTEE)
        )
    kind = applicant_kind(estate)
    if kind == OrgKind.PROPERTY_COMPANY:
        return estate.company_id in organisation_ids(user, OrgKind.PROPERTY_COMPANY)
    return governs(user, estate, kinds=[kind])


@rules.predicate
def is_fund_reviewer(user, obj=None) -> bool:
    """The street office or housing bureau governing the estate."""
    estate = _estate(obj)
    if estate is None:
        return any(organisation_ids(user, k) for k in REVIEWER_KINDS)
    return governs(user, estate, kinds=REVIEWER_KINDS)


@rules.predicate
def is_estate_party(user, obj=None) -> bool:
    """Government staff governing the estate, its company, its committee, or its owners."""
    estate = _estate(obj)
    if estate is None:
        return False
    return (
        is_government_staff(user, estate)
        or is_estate_company(user, estate)
        or is_estate_committee(user, estate)
        or is_owner_in_estate(user, estate)
    )


@rules.predicate
def is_estate_staff(user, obj=None) -> bool:
    estate = _estate(obj)
    if estate is None:
        return False
    return (
        is_government_staff(user, estate)
        or is_estate_company(user, estate)
        or is_estate_committee(user, estate)
    )


@rules.predicate
def is_ledger_owner(user, obj=None) -> bool:
    unit = obj.unit if hasattr(obj, "unit") and not isinstance(obj, Unit) else obj
    return isinstance(unit, Unit) and is_verified_owner(user, unit=unit)


@rules.predicate
def is_estate_owner(user, obj=None) -> bool:
    estate = _estate(obj)
    return estate is not None and is_owner_in_estate(user, estate)


rules.add_perm("fund.view_estate_fund", is_estate_party)
rules.add_perm("fund.submit_request", is_fund_applicant)
rules.add_perm("fund.view_request", is_estate_party)
rules.add_perm("fund.view_attachment", is_estate_party)
rules.add_perm("fund.review_request", is_fund_reviewer)
rules.add_perm("fund.pay_advance", is_fund_reviewer)
rules.add_perm("fund.accept_repair", is_fund_applicant)
rules.add_perm("fund.publicise", is_fund_applicant)
rules.add_perm("fund.file_objection", is_estate_owner)
rules.add_perm("fund.answer_objection", is_fund_reviewer)
rules.add_perm("fund.disburse", is_fund_reviewer)
rules.add_perm("fund.view_ledger", is_ledger_owner | is_estate_staff)


@rules.predicate
def is_fund_bureau(user, obj=None) -> bool:
    """Housing bureau staff governing the estate: they book deposits, refills and reversals."""
    estate = _estate(obj)
    if estate is None:
        return bool(organisation_ids(user, OrgKind.BUREAU))
    return governs(user, estate, kinds=[OrgKind.BUREAU])


rules.add_perm("fund.book_entry", is_fund_bureau)
# Shared revenue of common parts paid into the fund (DOMAIN.md §2a): by whoever keeps the
# estate's revenue ledger (its company or committee; property.revenue checks which), or the
# bureau. Money only comes in this way.
rules.add_perm("fund.credit_revenue", is_estate_company | is_estate_committee | is_fund_bureau)
