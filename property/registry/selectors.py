"""Read-side of the registry: the figures the voting and fund modules rely on."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from portal.accounts.models import User
from portal.core.memo import remembered
from portal.organisations.models import OrgKind
from portal.permissions import organisation_ids, scope_q
from voting.tally import party_areas

from .models import (
    SUSPENDING,
    ClaimDispute,
    ClaimStatus,
    DisputeStatus,
    Estate,
    OwnerClaim,
    OwnerParty,
    Ownership,
    Person,
    Unit,
)


def current_ownerships(estate: Estate):
    return Ownership.objects.filter(unit__estate=estate, end__isnull=True)


def electorate_rows(estate: Estate) -> list[tuple[str, Decimal, int]]:
    """(unit code, area, party id) for every unit with a current holder, ordered by unit code."""
    return list(
        current_ownerships(estate)
        .order_by("unit__code")
        .values_list("unit__code", "unit__area", "party_id")
    )


def electorate_units(estate: Estate) -> list[tuple[int, Decimal, int]]:
    """(unit id, area, party id) for every unit with a current holder: what a vote freezes."""
    return list(current_ownerships(estate).values_list("unit_id", "unit__area", "party_id"))


@dataclass(frozen=True)
class EstateTotals:
    units: int
    heads: int
    area: Decimal


def estate_totals(estate: Estate) -> EstateTotals:
    """Heads = distinct parties holding units; area = sum of all units' exclusive-part areas
    (DOMAIN.md §1 "Counting"). Computed by the same pure rule the tally uses."""
    rows = electorate_rows(estate)
    areas = party_areas((str(party), int(area * 100)) for _, area, party in rows)
    total_area = Unit.objects.filter(estate=estate).aggregate(a=Sum("area"))["a"] or Decimal("0")
    total_area = Decimal(total_area).quantize(Decimal("0.01"))  # SQLite's SUM drops the places
    return EstateTotals(units=len(rows), heads=len(areas), area=total_area)


def parties_of_user(user, estate: Estate | None = None):
    """Owner parties the user belongs to through their verified person record."""
    if not user.is_authenticated:
        return OwnerParty.objects.none()
    qs = OwnerParty.objects.filter(members__user=user, ownerships__end__isnull=True).distinct()
    if estate is not None:
        qs = qs.filter(estate=estate)
    return qs


def units_of_user(user):
    if not user.is_authenticated:
        return Unit.objects.none()
    return (
        Unit.objects.filter(ownerships__end__isnull=True, ownerships__party__members__user=user)
        .select_related("estate", "building")
        .distinct()
    )


def estates_of_user(user):
    if not user.is_authenticated:
        return Estate.objects.none()
    return Estate.objects.filter(
        units__ownerships__end__isnull=True, units__ownerships__party__members__user=user
    ).distinct()


def is_verified_owner(user, estate: Estate | None = None, unit: Unit | None = None) -> bool:
    """The user holds a unit now (of ``unit``, of ``estate``, or any) through their verified
    person record. Several permissions of one page ask it (the vote page: seeing the vote and
    casting in it), so it is read once per request, and again after anything the request writes
    (``portal.core.memo``: a claim verified or an ownership ended in this request counts)."""
    if not user.is_authenticated:
        return False

    def ask() -> bool:
        qs = Ownership.objects.filter(end__isnull=True, party__members__user=user)
        if unit is not None:
            qs = qs.filter(unit=unit)
        elif estate is not None:
            qs = qs.filter(unit__estate=estate)
        return qs.exists()

    place = ("unit", unit.pk) if unit is not None else ("estate", getattr(estate, "pk", None))
    return remembered(("registry.verified_owner", user.pk, place), ask)


def estates_in_scope(user):
    """Estates a staff user may look at: governed by their government grants, managed by their
    company, or the estate of their owners' committee. Empty for anyone else (fails closed)."""

    if not user.is_authenticated:
        return Estate.objects.none()
    q = scope_q(user, "jurisdiction__path")
    q |= scope_q(user, "jurisdiction__path", kinds=[OrgKind.OWNERS_COMMITTEE])
    companies = organisation_ids(user, OrgKind.PROPERTY_COMPANY)
    if companies:
        q |= Q(company_id__in=companies)
    return Estate.objects.filter(q).select_related("company").order_by("code")


def claims_of_user(user):

    return (
        OwnerClaim.objects.filter(user=user)
        .select_related("estate")
        .prefetch_related("units")
        .order_by("-submitted_at", "-id")
    )


def claims_for_estate(estate: Estate, status: str | None = None):

    qs = (
        OwnerClaim.objects.filter(estate=estate)
        .select_related("user", "decided_by")
        .prefetch_related("units")
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("submitted_at", "id")


def my_holdings(user) -> list[dict]:
    """The user's current units with their estate, area, holder kind and co-owners' names."""
    if not user.is_authenticated:
        return []
    rows = (
        Ownership.objects.filter(end__isnull=True, party__members__user=user)
        .select_related("unit__estate", "unit__building", "party")
        .prefetch_related("party__members")
        .order_by("unit__estate__code", "unit__code")
        .distinct()
    )
    out = []
    for o in rows:
        others = [m.name for m in o.party.members.all() if m.user_id != user.pk]
        out.append({"unit": o.unit, "party": o.party, "co_owners": others, "since": o.start})
    return out


def estate_parties(estate: Estate):
    """Current parties of the estate with their unit count and summed area, largest first."""

    return (
        OwnerParty.objects.filter(estate=estate, ownerships__end__isnull=True)
        .annotate(units=Count("ownerships__unit"), area=Sum("ownerships__unit__area"))
        .order_by("-area", "label")
    )


# ---- verification disputes ------------------------------------------------------------------


def suspended_account_ids():
    """Accounts whose ballots are suspended: a dispute of their verification is open, or was
    upheld (DOMAIN.md §1 "Conflicts of interest"). A queryset of ids, for subqueries."""

    return ClaimDispute.objects.filter(status__in=SUSPENDING).values("account_id")


def is_suspended(user) -> bool:

    if not user.is_authenticated:
        return False
    return ClaimDispute.objects.filter(account=user, status__in=SUSPENDING).exists()


def street_office_users(estate: Estate):
    """Active staff of the street office(s) governing the estate (who decide disputes)."""

    path = estate.jurisdiction.path
    prefixes = [path[:i] for i in range(len(path), 0, -1)]
    return (
        User.objects.filter(
            is_active=True,
            memberships__active=True,
            memberships__organisation__kind=OrgKind.STREET_OFFICE,
            memberships__organisation__jurisdiction__path__in=prefixes,
        )
        .distinct()
        .order_by("pk")
    )


def others_verified_on_my_units(user):
    """Verified claims by *other* accounts over units the user currently holds (as a co-owner):
    what a registered owner may dispute from their own pages. Newest first."""

    if not user.is_authenticated:
        return OwnerClaim.objects.none()
    mine = Unit.objects.filter(
        ownerships__end__isnull=True, ownerships__party__members__user=user
    ).values("pk")
    return (
        OwnerClaim.objects.filter(status=ClaimStatus.VERIFIED, units__in=mine)
        .exclude(user=user)
        .select_related("estate", "decided_by")
        .prefetch_related("units", "disputes")
        .distinct()
        .order_by("-decided_at", "-id")
    )


def disputes_for_estate(estate: Estate, status: str | None = None):

    qs = ClaimDispute.objects.filter(claim__estate=estate).select_related(
        "claim", "account", "filed_by", "decided_by"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("filed_at", "id")


# ---- the workbench's lists (portal.workbench) ------------------------------------------------


def committee_estates(user):
    """The estates whose owners' committee the user sits on (active membership)."""

    ids = organisation_ids(user, OrgKind.OWNERS_COMMITTEE)
    if not ids:
        return Estate.objects.none()
    return (
        Estate.objects.filter(jurisdiction__organisations__pk__in=ids)
        .select_related("jurisdiction", "company")
        .distinct()
        .order_by("code")
    )


def company_estates(user):
    """The estates managed by the property companies the user works for."""

    ids = organisation_ids(user, OrgKind.PROPERTY_COMPANY)
    if not ids:
        return Estate.objects.none()
    return (
        Estate.objects.filter(company_id__in=ids)
        .select_related("jurisdiction", "company")
        .order_by("code")
    )


def open_claim_disputes(estates):
    """Open disputes of verifications in these estates, oldest first."""

    return (
        ClaimDispute.objects.filter(claim__estate__in=estates, status=DisputeStatus.OPEN)
        .select_related("claim__estate")
        .order_by("filed_at", "id")
    )


def contact_allowed_at(user):
    """When the user's registry person allowed their phone on canvass lists; None if never,
    withdrawn, or the user is no registry person."""
    if not user.is_authenticated:
        return None
    return Person.objects.filter(user=user).values_list("contact_allowed_at", flat=True).first()
