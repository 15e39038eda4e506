"""What the shared revenue tells people (``portal.notifications``), and who they are.

Kinds are registered in ``RevenueConfig.ready``; the services call ``tell`` inside their
transaction, so the notice is written with the step and sent by the worker after commit.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.notifications.kinds import Area, Kind, register, register_area
from portal.notifications.selectors import members_of
from portal.notifications.services import notify
from portal.permissions import COMMITTEE, COMPANY, OWNER
from property.registry.notifications import committee_of, owner_accounts

from .models import ManagedBy
from .permissions import managed_by

KINDS = (
    Kind(
        code="revenue.month_due",
        label=_("Shared revenue of a month to enter"),
        title=_("%(estate)s: enter the shared revenue of %(month)s by %(due)s"),
        audience=(COMPANY, COMMITTEE),
    ),
    Kind(
        code="revenue.statement_posted",
        label=_("A shared revenue statement is posted"),
        title=_(
            "%(estate)s: the shared revenue statement for %(period)s is posted until %(until)s "
            "(income %(income)s yuan, balance %(balance)s yuan)"
        ),
        audience=(OWNER, COMMITTEE, COMPANY),
    ),
    Kind(
        code="revenue.objection_filed",
        label=_("An objection to a shared revenue entry"),
        title=_("%(estate)s: an owner objects to the entry “%(entry)s”; answer by %(due)s"),
        audience=(COMMITTEE,),
    ),
    Kind(
        code="revenue.objection_received",
        label=_("Your objection to a shared revenue entry is received"),
        title=_(
            "Your objection to the entry “%(entry)s” of %(estate)s is with the owners' "
            "committee; it answers by %(due)s"
        ),
        audience=(OWNER,),
    ),
    Kind(
        code="revenue.objection_answered",
        label=_("Your objection to a shared revenue entry is answered"),
        title=_("Your objection to the entry “%(entry)s” of %(estate)s was answered"),
        audience=(OWNER, COMPANY),
    ),
)

AREA = Area(
    code="revenue",
    title=pgettext_lazy("notification area", "Shared revenue"),
    note=_("Income from the common parts: monthly entries, half-yearly statements, objections."),
    order=35,
)


def register_kinds() -> None:
    register_area(AREA)
    register(*KINDS)


def enterers(estate) -> list:
    """The people who keep the estate's ledger: its company's staff, or its committee."""

    if managed_by(estate) == ManagedBy.COMMITTEE or estate.company_id is None:
        return list(committee_of(estate))
    return list(members_of(estate.company))


def committee(estate) -> list:
    return list(committee_of(estate))


def owners(estate) -> list:
    return list(owner_accounts(estate))


def tell(kind: str, recipients, *, url: str, now=None, **params) -> None:
    notify(recipients=recipients, kind=f"revenue.{kind}", params=params, url=url, now=now)
