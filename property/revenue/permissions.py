"""Who may do what with an estate's shared revenue (DOMAIN.md §2a), as ``rules`` permissions.

Objects: an ``Estate`` (see, enter, configure, publish), a ``RevenueEntry`` (object to it,
open its voucher) and an ``EntryObjection`` (answer it). Each predicate checks role AND
jurisdiction (the estate of the object).

* Who enters: the estate's property company, or its owners' committee where the estate's
  settings say the assembly manages the revenue itself (or the estate has no company).
* The owners' committee sets who enters and the company's cost share, and answers objections.
* Everyone with a part in the estate sees the ledger and its vouchers: its verified owners,
  committee, company, and the government above it. The public sees totals only.
"""

import rules

from portal.organisations.models import OrgKind
from portal.permissions import is_government_staff, organisation_ids
from property.registry.models import Estate
from property.registry.rules import (
    estate_of,
    is_estate_committee,
    is_estate_company,
    is_owner_in_estate,
)

from .models import ManagedBy


def _estate(obj) -> Estate | None:
    if obj is None:
        return None
    if hasattr(obj, "entry") and not isinstance(obj, Estate):  # an objection
        obj = obj.entry
    return estate_of(obj)


def managed_by(estate: Estate) -> str:
    """Who enters the estate's ledger: ``company`` or ``committee`` (its settings; the
    committee where the estate has no property company)."""
    settings_row = getattr(estate, "revenue_settings", None) if estate.pk else None
    if estate.company_id is None:
        return ManagedBy.COMMITTEE
    if settings_row is not None:
        return settings_row.managed_by
    return ManagedBy.COMPANY


@rules.predicate
def is_revenue_enterer(user, obj=None) -> bool:
    estate = _estate(obj)
    if estate is None:
        return bool(
            organisation_ids(user, OrgKind.PROPERTY_COMPANY)
            or organisation_ids(user, OrgKind.OWNERS_COMMITTEE)
        )
    if managed_by(estate) == ManagedBy.COMMITTEE:
        return is_estate_committee(user, estate)
    return is_estate_company(user, estate)


@rules.predicate
def is_committee_of(user, obj=None) -> bool:
    estate = _estate(obj)
    return estate is not None and is_estate_committee(user, estate)


@rules.predicate
def is_revenue_party(user, obj=None) -> bool:
    """Government staff over the estate, its company, its committee, or its verified owners."""
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
def is_owner_of(user, obj=None) -> bool:
    estate = _estate(obj)
    return estate is not None and is_owner_in_estate(user, estate)


@rules.predicate
def is_local_government(user, obj=None) -> bool:
    """Street office, residents' committee or housing bureau (over the estate, if given)."""
    kinds = [OrgKind.STREET_OFFICE, OrgKind.RESIDENTS_COMMITTEE, OrgKind.BUREAU]
    if obj is None:
        return any(organisation_ids(user, k) for k in kinds)
    return is_government_staff(user, _estate(obj))


rules.add_perm("revenue.view_ledger", is_revenue_party)
rules.add_perm("revenue.view_voucher", is_revenue_party)
rules.add_perm("revenue.enter", is_revenue_enterer)
rules.add_perm("revenue.publish", is_revenue_enterer | is_committee_of)
rules.add_perm("revenue.configure", is_committee_of)
rules.add_perm("revenue.object", is_owner_of)
rules.add_perm("revenue.answer_objection", is_committee_of)
rules.add_perm("revenue.view_late", is_local_government)
