"""What the maintenance fund tells people (``portal.notifications``), and who they are.

Kinds are registered in ``FundConfig.ready``; the services call ``tell`` inside their
transaction at each step of a request, so the notice is written with the step and sent by the
worker after commit. The reviewers are the street office over the estate (the housing bureau
hears of an overdue review); the applicant is the organisation that filed the request.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.notifications.kinds import Area, Kind, register, register_area
from portal.notifications.selectors import members_of, staff_governing
from portal.notifications.services import notify
from portal.organisations.models import OrgKind
from portal.permissions import BUREAU, COMMITTEE, COMPANY, OWNER, STREET
from property.registry.notifications import committee_of, owner_accounts

KINDS = (
    Kind(
        code="fund.request_filed",
        label=_("An emergency fund request to review"),
        title=_(
            "%(estate)s: emergency fund request “%(title)s” (%(cost)s yuan) awaits your "
            "review; decide by %(deadline)s"
        ),
        audience=(STREET,),
    ),
    Kind(
        code="fund.review_due",
        label=_("A review due tomorrow"),
        title=_("Decision due by %(deadline)s: emergency fund request “%(title)s” in %(estate)s"),
        audience=(STREET, BUREAU),
    ),
    Kind(
        code="fund.review_overdue",
        label=_("A review past its deadline"),
        title=_("Overdue: emergency fund request “%(title)s” in %(estate)s"),
        audience=(BUREAU,),
    ),
    Kind(
        code="fund.request_approved",
        label=_("Your fund request is approved"),
        title=_("Fund request “%(title)s” of %(estate)s is approved"),
        audience=(COMMITTEE, COMPANY, STREET),
    ),
    Kind(
        code="fund.request_rejected",
        label=_("Your fund request is rejected"),
        title=_("Fund request “%(title)s” of %(estate)s was rejected: %(note)s"),
        audience=(COMMITTEE, COMPANY, STREET),
    ),
    Kind(
        code="fund.deemed_approved",
        label=_("A fund request deemed approved"),
        title=_(
            "Fund request “%(title)s” of %(estate)s is deemed approved: no decision by %(deadline)s"
        ),
        audience=(COMMITTEE, COMPANY, STREET),
    ),
    Kind(
        code="fund.advance_paid",
        label=_("An advance is paid"),
        title=_("An advance of %(amount)s yuan was paid for “%(title)s” of %(estate)s"),
        audience=(COMMITTEE, COMPANY, STREET),
    ),
    Kind(
        code="fund.repair_accepted",
        label=_("A repair is accepted"),
        title=_("The repair “%(title)s” of %(estate)s is accepted at %(cost)s yuan"),
        audience=(STREET,),
    ),
    Kind(
        code="fund.publicised",
        label=_("Costs and shares of a repair are publicised"),
        title=_(
            "%(estate)s: the cost of “%(title)s” (%(cost)s yuan) and every unit's share are "
            "publicised; objections until %(until)s"
        ),
        audience=(OWNER,),
    ),
    Kind(
        code="fund.objection_filed",
        label=_("An objection to a repair's costs"),
        title=_("An owner objects to the costs of “%(title)s” of %(estate)s: answer it"),
        audience=(COMMITTEE, STREET),
    ),
    Kind(
        code="fund.objection_answered",
        label=_("Your objection is answered"),
        title=_("Your objection to the costs of “%(title)s” was answered"),
        audience=(OWNER,),
    ),
    Kind(
        code="fund.disbursed",
        label=_("A repair is paid from the fund"),
        title=_("“%(title)s” of %(estate)s is paid: %(cost)s yuan, shared by the units in scope"),
        audience=(OWNER, COMMITTEE, COMPANY, STREET),
    ),
    Kind(
        code="fund.refill_due",
        label=_("Your unit's fund must be refilled"),
        title=_("Please refill the maintenance fund of unit %(unit)s in %(estate)s"),
        audience=(OWNER,),
    ),
)


AREA = Area(
    code="fund",
    title=pgettext_lazy("notification area", "Maintenance fund"),
    note=_(
        "Emergency repairs paid from the fund: requests, reviews, costs, every unit's share, refills."
    ),
    order=30,
)


def register_kinds() -> None:
    register_area(AREA)
    register(*KINDS)


def reviewers(req, *, kinds=(OrgKind.STREET_OFFICE,)):
    """The street office over the request's estate (or ``kinds``, e.g. the bureau)."""
    return staff_governing(req.estate.jurisdiction, kinds=kinds)


def applicant(req):
    return members_of(req.applicant)


def _params(req, **extra) -> dict:
    return {
        "title": req.title,
        "estate": req.estate.name,
        "cost": f"{req.final_cost if req.final_cost is not None else req.estimated_cost:,.2f}",
        "deadline": req.review_deadline.isoformat() if req.review_deadline else "",
        "until": req.publicity_ends.date().isoformat() if req.publicity_ends else "",
        **extra,
    }


def tell(req, kind: str, recipients, *, now=None, **extra) -> None:
    """``kind`` told to ``recipients``, linking to the request's page, dated ``now`` (the time
    of the step: the demo takes its requests through steps dated days ago)."""
    notify(
        recipients=recipients,
        kind=f"fund.{kind}",
        params=_params(req, **extra),
        url=reverse("fund:request", args=[req.pk]),
        now=now,
    )


def scope_owners(req):
    """Accounts of the owners of the estate (they see its requests and may object)."""
    return owner_accounts(req.estate)


def applicant_and_committee(req) -> list:
    return [*applicant(req), *committee_of(req.estate)]
