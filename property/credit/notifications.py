"""What the credit rating tells people (``portal.notifications``), and who they are.

Kinds are registered in ``CreditConfig.ready``; the services call ``tell_*`` inside their
transaction, so the notice is written with the step and sent by the worker after commit.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.notifications.kinds import Area, Kind, register, register_area
from portal.notifications.selectors import members_of, staff_governing
from portal.notifications.services import notify
from portal.organisations.models import Membership, OrgKind
from portal.permissions import BUREAU, COMPANY, OWNER

KINDS = (
    Kind(
        code="credit.record_added",
        label=_("A credit record about your company"),
        title=_(
            "A credit record was added for %(company)s: %(item)s (%(points)s points); you "
            "may object until %(deadline)s"
        ),
        audience=(COMPANY,),
    ),
    Kind(
        code="credit.objection_filed",
        label=_("A company's objection to rule on"),
        title=_("%(company)s objects to the credit record “%(item)s”: rule on it"),
        audience=(BUREAU,),
    ),
    Kind(
        code="credit.objection_upheld",
        label=_("Your objection is not accepted"),
        title=_(
            "The objection of %(company)s to “%(item)s” is not accepted; the record takes effect"
        ),
        audience=(COMPANY,),
    ),
    Kind(
        code="credit.objection_accepted",
        label=_("Your objection is accepted"),
        title=_("The objection of %(company)s to “%(item)s” is accepted; the record is revoked"),
        audience=(COMPANY,),
    ),
    Kind(
        code="credit.rating_published",
        label=_("A quarter's credit ranking is published"),
        title=_("The credit ranking of %(period)s is published"),
        audience=(COMPANY,),
    ),
    Kind(
        code="credit.survey_opened",
        label=_("The satisfaction survey is open"),
        title=_("The %(year)s satisfaction survey about your estate's property company is open"),
        audience=(OWNER,),
    ),
)


AREA = Area(
    code="credit",
    title=pgettext_lazy("notification area", "Company credit"),
    note=_(
        "Credit records of property companies, objections to them, rankings and the satisfaction survey."
    ),
    order=40,
)


def register_kinds() -> None:
    register_area(AREA)
    register(*KINDS)


def _params(record) -> dict:
    return {
        "company": record.company.name,
        "item": record.item.description,
        "points": str(record.points),
        "deadline": record.objection_deadline.isoformat() if record.objection_deadline else "",
    }


def tell_record_added(record) -> None:
    """To the company's staff, with the link to object."""
    notify(
        recipients=members_of(record.company),
        kind="credit.record_added",
        params=_params(record),
        url=reverse("credit:object", args=[record.pk]),
    )


def tell_objection_filed(objection) -> None:
    """To the housing bureau staff governing the record (who rule on objections)."""
    record = objection.record
    notify(
        recipients=staff_governing(record.governing_node, kinds=[OrgKind.BUREAU]),
        kind="credit.objection_filed",
        params=_params(record),
        url=reverse("credit:objection", args=[objection.pk]),
    )


def tell_objection_ruled(objection, *, accepted: bool) -> None:
    """To the company's staff."""
    record = objection.record
    notify(
        recipients=members_of(record.company),
        kind="credit.objection_accepted" if accepted else "credit.objection_upheld",
        params=_params(record),
        url=reverse("credit:mine"),
    )


def tell_rating_published(publication) -> None:
    """To the staff of every property company (their rating and "why my score")."""

    staff = Membership.objects.filter(
        active=True, organisation__kind=OrgKind.PROPERTY_COMPANY
    ).values("user_id")
    notify(
        recipients=get_user_model().objects.filter(is_active=True, pk__in=staff),
        kind="credit.rating_published",
        params={"year": publication.year, "quarter": publication.quarter},
        url=reverse("credit:mine"),
    )


def tell_survey_opened(*, year: int) -> int:
    """To the verified owners of every estate managed by a company."""
    owners = get_user_model().objects.filter(
        is_active=True,
        person__parties__ownerships__end__isnull=True,
        person__parties__estate__company__isnull=False,
    )
    return len(
        notify(
            recipients=owners.distinct(),
            kind="credit.survey_opened",
            params={"year": year},
            url=reverse("credit:survey"),
        )
    )
