"""What voting tells people (``portal.notifications``), and who they are.

Kinds are registered in ``VotingConfig.ready``. The services call ``tell_*`` at each step of a
vote (inside or right after its transaction); the worker sends the email and SMS after commit.
SMS is on by default for the steps an owner must act on: a vote opened, a vote closing soon,
a ballot entered for them that they did not cast.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.notifications.kinds import Area, Kind, register, register_area
from portal.notifications.services import notify
from portal.permissions import COMMITTEE, OWNER, STREET
from property.registry.notifications import committee_of, owner_accounts, street_office_of

from .models import Ballot, ObjectionStatus, VoteElector, VoteNotice

KINDS = (
    Kind(
        code="voting.vote_scheduled",
        label=_("A vote is announced in your estate"),
        title=_("%(estate)s: the vote “%(title)s” opens on %(opens)s"),
        audience=(OWNER,),
    ),
    Kind(
        code="voting.vote_opened",
        label=_("A vote is open for you"),
        title=_("The vote “%(title)s” of %(estate)s is open until %(closes)s: cast your ballot"),
        sms=True,
        audience=(OWNER,),
    ),
    Kind(
        code="voting.vote_closing",
        label=_("A vote closes soon and you have not voted"),
        title=_("The vote “%(title)s” closes on %(closes)s and your party has not voted yet"),
        sms=True,
        can_mute=True,  # reminders (issue 17): a person may turn them off altogether
        audience=(OWNER,),
    ),
    Kind(
        code="voting.vote_counted",
        label=_("The result of a vote is published"),
        title=_("The result of the vote “%(title)s” is published; objections until %(until)s"),
        audience=(OWNER,),
    ),
    Kind(
        code="voting.vote_final",
        label=_("The result of a vote is final"),
        title=_("The result of the vote “%(title)s” is final"),
        audience=(OWNER,),
    ),
    Kind(
        code="voting.proxy_approved",
        label=_("A proxy authorization is approved"),
        title=_("The proxy authorization for the vote “%(title)s” is approved"),
        audience=(OWNER,),
    ),
    Kind(
        code="voting.proxy_rejected",
        label=_("Your proxy authorization is rejected"),
        title=_("Your proxy authorization for the vote “%(title)s” was rejected"),
        audience=(OWNER,),
    ),
    Kind(
        code="voting.objection_filed",
        label=_("An objection to a vote's result"),
        title=_("An owner objects to the result of the vote “%(title)s” of %(estate)s"),
        audience=(COMMITTEE, STREET),
    ),
    Kind(
        code="voting.objection_ruled",
        label=_("An objection to a vote's result is ruled on"),
        title=_("The objection to the result of the vote “%(title)s” was ruled on: %(ruling)s"),
        audience=(OWNER, COMMITTEE),
        choices=(("ruling", ObjectionStatus),),
    ),
    Kind(
        code="voting.count_refused",
        label=_("A vote's count is refused: its ballots do not match the public board"),
        title=_(
            "The count of the vote “%(title)s” of %(estate)s was refused: the stored ballots do "
            "not match the signed public board; nothing was counted"
        ),
        audience=(COMMITTEE, STREET),
    ),
    Kind(
        code="voting.vote_set_aside",
        label=_("The result of a vote is set aside"),
        title=_(
            "The result of the vote “%(title)s” of %(estate)s was set aside on an objection; "
            "it does not take effect"
        ),
        audience=(OWNER,),
    ),
    Kind(
        code="voting.ballot_entered",
        label=_("A paper or proxy ballot entered for you"),
        title=_(
            "A paper or proxy ballot was entered for your party in “%(title)s” on %(when)s "
            "(receipt %(receipt)s). Not yours? Vote online to replace it, or dispute it"
        ),
        sms=True,
        audience=(OWNER,),
    ),
    Kind(
        code="voting.ballot_disputed",
        label=_("A disputed ballot to decide"),
        title=_("A ballot in “%(title)s” of %(estate)s is disputed: decide it"),
        audience=(STREET,),
    ),
    Kind(
        code="voting.ballot_dispute_decided",
        label=_("Your dispute of a ballot is decided"),
        title=_("Your dispute in “%(title)s” was decided: %(decision)s"),
        audience=(OWNER,),
    ),
    Kind(
        code="voting.trustee_named",
        label=_("You are named a trustee of a vote's key"),
        title=_(
            "You are named a trustee of the vote “%(title)s” of %(estate)s: make your key "
            "before the vote is scheduled"
        ),
        sms=True,
        audience=(COMMITTEE, STREET, OWNER),
    ),
    Kind(
        code="voting.trustee_open",
        label=_("A vote you hold a key of waits for its count"),
        title=_("The vote “%(title)s” of %(estate)s has closed: open its count with your key file"),
        sms=True,
        audience=(COMMITTEE, STREET, OWNER),
    ),
)


AREA = Area(
    code="voting",
    title=pgettext_lazy("notification area", "Votes"),
    note=_(
        "Votes in your estates: announced, open, closing soon, their results, ballots entered for you, proxies and objections."
    ),
    order=10,
)


def register_kinds() -> None:
    register_area(AREA)
    register(*KINDS)


def _when(t) -> str:
    return timezone.localtime(t).strftime("%Y-%m-%d %H:%M") if t else ""


def _params(vote) -> dict:
    return {
        "title": vote.title,
        "estate": vote.estate.name,
        "opens": _when(vote.opens_at),
        "closes": _when(vote.closes_at),
        "until": _when(vote.publicity_ends_at),
    }


def not_voted_parties(vote):

    return (
        VoteElector.objects.filter(vote=vote)
        .exclude(Exists(Ballot.objects.filter(vote=vote, party=OuterRef("party"))))
        .values("party")
    )


#: The steps of ``tell_owners`` that give owners the notice of the vote (docs/voting.md, 送达).
NOTICE_STEPS = ("scheduled", "opened")


def tell_owners(vote, step: str, *, now=None) -> None:
    """A step of the vote told to the owners of the estate: ``scheduled``, ``opened``,
    ``closing`` (only parties of the electorate that have not voted), ``counted``, ``final``,
    ``set_aside`` (an objection was upheld); dated ``now``, the time of the step (default: the
    present)."""
    kind = f"voting.vote_{step}"
    parties = not_voted_parties(vote) if step == "closing" else None
    if step in ("counted", "final", "set_aside"):
        url = reverse("voting:result", args=[vote.pk])
    else:
        url = reverse("voting:detail", args=[vote.pk])
    with transaction.atomic():  # the notices and their link to the vote, together
        sent = notify(
            recipients=owner_accounts(vote.estate, parties=parties),
            kind=kind,
            params=_params(vote),
            url=url,
            now=now,
        )
        if step in NOTICE_STEPS:  # the notice of the vote: kept for its proof of delivery (送达)
            VoteNotice.objects.bulk_create(
                VoteNotice(vote=vote, notification=n, step=step) for n in sent
            )


def tell_proxy_decided(auth) -> None:
    """Approved: the owner who asked and the proxy (who may now cast); rejected: the owner."""
    vote = auth.vote
    if auth.status == "approved":
        notify(
            recipients=[auth.requested_by, auth.proxy],
            kind="voting.proxy_approved",
            params=_params(vote),
            url=reverse("voting:detail", args=[vote.pk]),
        )
    else:
        notify(
            recipients=[auth.requested_by],
            kind="voting.proxy_rejected",
            params=_params(vote),
            url=reverse("voting:detail", args=[vote.pk]),
        )


def tell_objection_filed(objection) -> None:
    """The estate's owners' committee (to the result, where it reads the objections) and the
    street office over the estate (to the page where it rules on this objection)."""
    vote = objection.vote
    notify(
        recipients=committee_of(vote.estate),
        kind="voting.objection_filed",
        params=_params(vote),
        url=reverse("voting:result", args=[vote.pk]),
    )
    notify(
        recipients=street_office_of(vote.estate),
        kind="voting.objection_filed",
        params=_params(vote),
        url=reverse("voting:objection_rule", args=[objection.pk]),
    )


def tell_objection_ruled(objection) -> None:
    """The objector and the estate's owners' committee (which organised the vote): the ruling,
    with a link to the vote's result (where the ruling and its reason are shown)."""
    vote = objection.vote
    notify(
        recipients=[objection.filed_by, *committee_of(vote.estate)],
        kind="voting.objection_ruled",
        params={**_params(vote), "ruling": objection.status},
        url=reverse("voting:result", args=[vote.pk]),
    )


def tell_count_refused(vote) -> None:
    """The estate's owners' committee (which organised the vote) and the street office over the
    estate: the count refused a board that disagrees with the ballot table (``vote_count``);
    someone must find the cause before the vote can be counted. The link is the vote's page."""
    notify(
        recipients=[*committee_of(vote.estate), *street_office_of(vote.estate)],
        kind="voting.count_refused",
        params=_params(vote),
        url=reverse("voting:detail", args=[vote.pk]),
    )


def tell_trustees(vote, users, step: str) -> None:
    """``named``: the trustees just named, to make their key; ``open``: the trustees of a closed
    vote who have not acted, to open its count (sent at close and daily until counted)."""
    kind, view = {
        "named": ("voting.trustee_named", "voting:trustee_key"),
        "open": ("voting.trustee_open", "voting:trustee_open"),
    }[step]
    notify(
        recipients=list(users),
        kind=kind,
        params=_params(vote),
        url=reverse(view, args=[vote.pk]),
    )
