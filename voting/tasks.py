"""Background work of voting (django-q2).

``advance_votes(now=None)``, every minute (declared in ``portal.core.schedules``), moves every due vote one or more steps: scheduled → open at
``opens_at``; open → closed at ``closes_at``, then counted and publicised at once; publicised →
final when the objection period ends and no objection to it awaits a ruling. It also sends the
reminder round that is due (``voting.reminder_services``: halfway, three days and a day
before close) and deletes paper-ballot scans whose replacement nobody confirmed
(``paper_scans_sweep``). Each step is its own transaction; a vote whose step fails is logged and
retried next minute.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.core.links import absolute_reverse
from portal.notifications.services import notify, sms_to_phone
from property.registry.notifications import street_office_of

from . import board, reminder_services, selectors, services, trustee_services
from .models import (
    BallotDispute,
    BoardEntry,
    Channel,
    ObjectionStatus,
    Vote,
    VoteElector,
    VoteStatus,
)
from .notifications import tell_owners

log = logging.getLogger(__name__)


def advance_votes(now=None) -> dict:
    """Move every due vote; returns how many moved per step (for logs and tests)."""

    now = now or timezone.now()
    moved = {
        "opened": 0,
        "closed": 0,
        "counted": 0,
        "trustees_called": 0,
        "publicised": 0,
        "finalised": 0,
        "reminded": 0,
    }

    def step(name, fn, vote):
        try:
            fn(vote=vote, now=now)
            moved[name] += 1
            return True
        except Exception:  # noqa: BLE001 - one bad vote must not stop the others
            log.exception("voting: %s failed for vote %s", name, vote.pk)
            return False

    for vote in Vote.objects.filter(status=VoteStatus.SCHEDULED, opens_at__lte=now):
        step("opened", services.vote_open, vote)
    for vote in Vote.objects.filter(status=VoteStatus.OPEN, closes_at__lte=now):
        step("closed", services.vote_close, vote)  # signs the closing tree head too
    # A vote with trustees is counted when enough of them open its key (trustee_services);
    # until then they are called at close and reminded daily.
    for vote in Vote.objects.filter(status=VoteStatus.CLOSED, trustee_threshold__isnull=True):
        step("counted", services.vote_count, vote)
    # A count refused after k trustees had opened (their shares were kept): retried like the
    # others, without asking the trustees again.
    for vote in trustee_services.trustees_recount_due():
        step("counted", trustee_services.trustees_count_again, vote)
    for vote in trustee_services.trustees_to_call(now):
        step("trustees_called", trustee_services.trustees_call, vote)
    for vote in Vote.objects.filter(status=VoteStatus.COUNTED):
        step("publicised", services.vote_publicise, vote)
    # A result with an objection awaiting a ruling waits (``vote_finalise`` would refuse it):
    # the ruler's last dismissal finalises it, or the next run after that.
    for vote in Vote.objects.filter(
        status=VoteStatus.PUBLICISED, publicity_ends_at__lte=now
    ).exclude(objections__status=ObjectionStatus.OPEN):
        step("finalised", services.vote_finalise, vote)
    # Reminders to the parties not voted yet, on the schedule of ``voting.reminders``.
    for vote in Vote.objects.filter(status=VoteStatus.OPEN, closes_at__gt=now):
        try:
            if reminder_services.reminders_send_due(vote=vote, now=now) is not None:
                moved["reminded"] += 1
        except Exception:  # noqa: BLE001 - one bad vote must not stop the others
            log.exception("voting: reminders failed for vote %s", vote.pk)
    moved["scans_swept"] = services.paper_scans_sweep(now=now)  # unconfirmed paper scans
    return moved


def erase_dispute_links(now=None) -> int:
    """Hourly (``portal.core.schedules``): erase the sealed ballot-to-party links of every vote
    whose objection period is over (``services.dispute_links_erase``); returns how many."""

    now = now or timezone.now()
    erased = 0
    for vote in services.dispute_links_due(now):
        try:
            erased += services.dispute_links_erase(vote=vote, now=now)
        except Exception:  # noqa: BLE001 - one bad vote must not stop the others
            log.exception("voting: erasing the dispute links failed for vote %s", vote.pk)
    return erased


def notify_owners(vote_id: int, kind: str) -> None:
    """Tell the owners of a vote's step: ``opened``, ``reminder`` (parties of the electorate
    not yet voted) or ``result``; through ``portal.notifications`` (sent after commit)."""

    vote = Vote.objects.select_related("estate").get(pk=vote_id)
    tell_owners(vote, {"reminder": "closing", "result": "counted"}.get(kind, kind))


def publish_board_export(vote_id: int) -> bool:
    """Queued by ``services.vote_count`` once the count commits: write the public export file."""
    vote = Vote.objects.filter(pk=vote_id).first()
    return vote is not None and board.board_export_publish(vote=vote) is not None


# --- paper and proxy ballots told to the owners ---------------------------------------------------


def notify_ballot_entered(entry_id: int) -> int:
    """Tell the owners of a party that a paper or proxy ballot was entered for it (DOMAIN.md §1
    "Channels"), with the way to replace (paper) or dispute it: accounts through
    ``portal.notifications``, registry phones of members without an account by an SMS written
    here and queued as a delivery like the others (``sms_to_phone``)."""

    entry = BoardEntry.objects.select_related("vote__estate").filter(pk=entry_id).first()
    if entry is None or entry.channel not in (Channel.PAPER, Channel.PROXY):
        return 0
    vote = entry.vote
    party_ids = list(
        VoteElector.objects.filter(vote=vote, pseudonym=entry.entry["pseudonym"]).values_list(
            "party_id", flat=True
        )
    )
    users, phones = selectors.party_contacts(vote, party_ids)
    params = {
        "title": vote.title,
        "estate": vote.estate.name,
        "when": timezone.localtime(entry.time).strftime("%Y-%m-%d %H:%M"),
        "receipt": entry.receipt,
    }
    made = notify(
        recipients=users,
        kind="voting.ballot_entered",
        params=params,
        url=reverse("voting:detail", args=[vote.pk]),
    )
    with translation.override(settings.LANGUAGE_CODE):
        params["url"] = absolute_reverse("voting:detail", vote.pk)
        text = (
            _(
                "[Gongzhi] A paper or proxy ballot was entered for you in “%(title)s” on "
                "%(when)s. Not yours? Vote online to replace it, or dispute it: %(url)s"
            )
            % params
        )
    for phone in dict.fromkeys(phones):  # sent by the worker after commit, retried on failure
        sms_to_phone(phone=phone, kind="voting.ballot_entered", text=text)
    return len(made) + len(set(phones))


def notify_ballot_dispute(dispute_id: int, event: str) -> int:
    """``filed``: tell the street office over the estate; ``decided``: tell who filed it."""

    dispute = (
        BallotDispute.objects.select_related("vote__estate__jurisdiction", "entry", "filed_by")
        .filter(pk=dispute_id)
        .first()
    )
    if dispute is None:
        return 0
    vote = dispute.vote
    params = {"title": vote.title, "estate": vote.estate.name}
    if event == "filed":
        made = notify(
            recipients=street_office_of(vote.estate),
            kind="voting.ballot_disputed",
            params=params,
            url=reverse("voting:disputes", args=[vote.pk]),
        )
    else:
        params["decision"] = str(dispute.get_status_display())
        made = notify(
            recipients=[dispute.filed_by],
            kind="voting.ballot_dispute_decided",
            params=params,
            url=reverse("voting:detail", args=[vote.pk]),
        )
    return len(made)
