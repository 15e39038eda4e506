"""What the registry tells people (``portal.notifications``), and who they are.

Kinds are registered in ``RegistryConfig.ready``; the services call the ``tell_*`` functions
inside their transaction, so the notices are written with the step and sent by the worker
after commit. ``committee_of``, ``street_office_of`` and ``owner_accounts`` are the recipients
the other apps use too (voting, fund, credit, cms sit above the registry).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.notifications.kinds import Area, Kind, register, register_area
from portal.notifications.selectors import members_of, staff_governing
from portal.notifications.services import notify
from portal.organisations.models import Membership, Organisation, OrgKind
from portal.permissions import COMMITTEE, OWNER, STREET

KINDS = (
    Kind(
        code="registry.claim_submitted",
        label=_("An ownership claim to verify"),
        title=_("%(estate)s: a claim to units %(units)s awaits verification"),
        audience=(COMMITTEE, STREET),
    ),
    Kind(
        code="registry.claim_verified",
        label=_("Your ownership claim is verified"),
        title=_("Your claim to units %(units)s of %(estate)s is verified"),
        audience=(OWNER,),
    ),
    Kind(
        code="registry.claim_rejected",
        label=_("Your ownership claim is rejected"),
        title=_("Your claim to units %(units)s of %(estate)s was rejected: %(reason)s"),
        audience=(OWNER,),
    ),
    Kind(
        code="registry.units_linked",
        label=_("Units you own were linked to an account"),
        title=_(
            "Units %(units)s of %(estate)s were linked to a portal account, verified by "
            "%(org)s. Not you or your co-owner? Dispute it"
        ),
        sms=True,
        audience=(OWNER,),
    ),
    Kind(
        code="registry.claim_verified_office",
        label=_("A claim verified in your area"),
        title=_("A claim to units %(units)s of %(estate)s was verified by %(org)s"),
        audience=(STREET,),
    ),
    Kind(
        code="registry.dispute_filed",
        label=_("A disputed verification to decide"),
        title=_("The verification of units %(units)s of %(estate)s is disputed: decide it"),
        audience=(STREET,),
    ),
    Kind(
        code="registry.account_disputed",
        label=_("Your verification is disputed"),
        title=_(
            "Your verification for units %(units)s of %(estate)s is disputed; your ballots "
            "are suspended until the street office decides"
        ),
        sms=True,
        audience=(OWNER,),
    ),
    Kind(
        code="registry.dispute_decided",
        label=_("A dispute about a verification is decided"),
        title=_("Dispute about units %(units)s of %(estate)s decided: %(decision)s"),
        audience=(OWNER,),
    ),
)


AREA = Area(
    code="registry",
    title=pgettext_lazy("notification area", "Property and verification"),
    note=_("Claims to units, their verification, and disputes of a verification."),
    order=20,
)


def register_kinds() -> None:
    register_area(AREA)
    register(*KINDS)


# ---- recipients ---------------------------------------------------------------------------


def committee_of(estate):
    """Active members of the estate's owners' committee (the committee sits at the estate)."""

    members = Membership.objects.filter(
        active=True,
        organisation__kind=OrgKind.OWNERS_COMMITTEE,
        organisation__jurisdiction_id=estate.jurisdiction_id,
    )
    return get_user_model().objects.filter(is_active=True, pk__in=members.values("user_id"))


def street_office_of(estate):
    """Active staff of the street office(s) over the estate."""
    return staff_governing(estate.jurisdiction, kinds=[OrgKind.STREET_OFFICE])


def company_staff_of(estate):
    """Active staff of the property company managing the estate (none if it has none)."""

    if estate.company_id is None:
        return get_user_model().objects.none()
    return members_of(estate.company)


def owner_accounts(estate, *, parties=None):
    """Accounts of verified owners currently holding units of the estate (optionally only
    members of ``parties``)."""
    users = get_user_model().objects.filter(
        is_active=True,
        person__parties__estate=estate,
        person__parties__ownerships__end__isnull=True,
    )
    if parties is not None:
        users = users.filter(person__parties__in=parties)
    return users.distinct()


# ---- the steps ----------------------------------------------------------------------------


def _units(claim) -> list[str]:
    """The claim's unit codes (the title joins them in the reader's language)."""
    return list(claim.units.order_by("code").values_list("code", flat=True))


def tell_claim_submitted(claim) -> None:
    """To the estate's owners' committee (the street office where the estate has none)."""
    estate = claim.estate
    people = list(committee_of(estate)) or list(street_office_of(estate))
    notify(
        recipients=people,
        kind="registry.claim_submitted",
        params={"estate": estate.name, "units": _units(claim)},
        url=reverse("registry:claim_review", args=[estate.code, claim.pk]),
    )


def tell_claim_decided(claim) -> None:
    """To the claimant: verified, or rejected with the reason."""
    params = {"estate": claim.estate.name, "units": _units(claim)}
    if claim.status == "rejected":
        params["reason"] = claim.reason
        kind = "registry.claim_rejected"
        url = reverse("registry:claim_list")
    else:
        kind = "registry.claim_verified"
        url = reverse("registry:my_property")
    notify(recipients=[claim.user], kind=kind, params=params, url=url)


def _org_name(claim) -> str:
    """The organisation that verified the claim, as the people told will know it."""

    if claim.decided_by_id is None:
        return ""
    estate = claim.estate
    orgs = Organisation.objects.filter(
        memberships__user_id=claim.decided_by_id, memberships__active=True
    ).select_related("jurisdiction")
    for org in orgs:
        if org.pk == estate.company_id or estate.jurisdiction.path.startswith(
            org.jurisdiction.path
        ):
            return org.name
    return ""


def tell_units_linked(claim, *, dispute_path: str) -> None:
    """A verification: the verified co-owners (with the way to dispute it) and the street
    office over the estate (disputes come to it). The registry's own contact for the person,
    who may have no account, gets an SMS from ``tasks.notify_claim_verified``."""
    estate = claim.estate
    params = {
        "estate": estate.name,
        "units": _units(claim),
        "org": _org_name(claim) or str(_("a verifier")),
    }
    co_owners = (
        get_user_model()
        .objects.filter(
            is_active=True,
            person__parties__estate=estate,
            person__parties__members=claim.person,
            person__parties__ownerships__end__isnull=True,
        )
        .exclude(pk=claim.user_id)
        .distinct()
    )
    notify(recipients=co_owners, kind="registry.units_linked", params=params, url=dispute_path)
    notify(
        recipients=street_office_of(estate),
        kind="registry.claim_verified_office",
        params=params,
        url=reverse("registry:dispute_queue", args=[estate.code]),
    )


def tell_dispute(dispute, event: str) -> None:
    """``filed``: the street office decides it, the disputed account is told its ballots are
    suspended. ``decided``: the account and whoever filed it."""
    claim = dispute.claim
    estate = claim.estate
    params = {"estate": estate.name, "units": _units(claim)}
    if event == "filed":
        notify(
            recipients=street_office_of(estate),
            kind="registry.dispute_filed",
            params=params,
            url=reverse("registry:dispute_review", args=[estate.code, dispute.pk]),
        )
        notify(
            recipients=[dispute.account],
            kind="registry.account_disputed",
            params=params,
            url=reverse("registry:my_property"),
        )
        return
    params["decision"] = str(dispute.get_status_display())
    notify(
        recipients=[dispute.account, dispute.filed_by],
        kind="registry.dispute_decided",
        params=params,
        url=reverse("registry:my_property"),
    )
