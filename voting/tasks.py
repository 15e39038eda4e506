"""Background work of voting (django-q2).

``ensure_schedules()`` — called at worker start-up by ``manage.py ensure_schedules`` (Procfile): registers, idempotently,
a django_q ``Schedule`` running ``voting.tasks.advance_votes`` every minute.

``advance_votes(now=None)`` moves every due vote one or more steps: scheduled → open at
``opens_at``; open → closed at ``closes_at``, then counted and publicised at once; publicised →
final when the objection period ends. It also sends the reminder a day before close. Each step
is its own transaction; a vote whose step fails is logged and retried next minute.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.core.links import absolute_reverse

from . import board
from .models import Ballot, Vote, VoteElector, VoteStatus

log = logging.getLogger(__name__)

SCHEDULE_NAME = "voting.advance_votes"


def ensure_schedules() -> None:
    """Register the every-minute ``advance_votes`` schedule once (safe to call at every start)."""
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name=SCHEDULE_NAME,
        defaults={
            "func": "voting.tasks.advance_votes",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )
    board.ensure_schedules()  # voting.board.sign_tree_heads every minute


def advance_votes(now=None) -> dict:
    """Move every due vote; returns how many moved per step (for logs and tests)."""
    from . import services

    now = now or timezone.now()
    moved = {"opened": 0, "closed": 0, "counted": 0, "publicised": 0, "finalised": 0, "reminded": 0}
    moved["head_signed"] = 0  # voting.board: the closing tree head

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
        if step("closed", services.vote_close, vote):
            step("head_signed", board.board_head_sign, vote)  # the closing tree head
    for vote in Vote.objects.filter(status=VoteStatus.CLOSED):
        step("counted", services.vote_count, vote)
    for vote in Vote.objects.filter(status=VoteStatus.COUNTED):
        step("publicised", services.vote_publicise, vote)
    for vote in Vote.objects.filter(status=VoteStatus.PUBLICISED, publicity_ends_at__lte=now):
        step("finalised", services.vote_finalise, vote)
    for vote in Vote.objects.filter(
        status=VoteStatus.OPEN,
        reminder_sent_at__isnull=True,
        closes_at__lte=now + timedelta(days=1),
        closes_at__gt=now,
    ):
        Vote.objects.filter(pk=vote.pk).update(reminder_sent_at=now)
        notify_owners(vote.pk, "reminder")
        moved["reminded"] += 1
    return moved


def _recipients(vote: Vote, kind: str) -> list[tuple[str, str]]:
    """(email, display name) of verified owners of the estate; for a reminder only those whose
    party is in the electorate and has not voted."""
    from property.registry.models import Person

    persons = Person.objects.filter(
        user__isnull=False,
        parties__estate=vote.estate,
        parties__ownerships__end__isnull=True,
    )
    if kind == "reminder":
        not_voted = VoteElector.objects.filter(vote=vote).exclude(
            Exists(Ballot.objects.filter(vote=vote, party=OuterRef("party")))
        )
        persons = persons.filter(parties__in=not_voted.values("party"))
    rows = persons.values_list("user__email", "user__display_name").distinct()
    return sorted({(e, n) for e, n in rows if e})


def notify_owners(vote_id: int, kind: str) -> int:
    """Email verified owners: ``opened``, ``reminder`` (parties not yet voted) or ``result``."""
    vote = Vote.objects.select_related("estate").get(pk=vote_id)
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for email, name in _recipients(vote, kind):
            context = {"vote": vote, "name": name}
            subject = render_to_string(f"voting/email/{kind}_subject.txt", context).strip()
            body = render_to_string(f"voting/email/{kind}_body.txt", context)
            send_mail(subject, body, None, [email])
            sent += 1
    return sent


def publish_board_export(vote_id: int) -> bool:
    """Queued by ``services.vote_count`` once the count commits: write the public export file."""
    vote = Vote.objects.filter(pk=vote_id).first()
    return vote is not None and board.board_export_publish(vote=vote) is not None


# --- paper and proxy ballots told to the owners ---------------------------------------------------


def _party_contacts(vote: Vote, party_ids) -> tuple[list, list[str]]:
    """Accounts and registry phones of the owners of frozen parties: the members (by account,
    else by the registry's phone) and whoever holds the parties' frozen units now."""
    from django.contrib.auth import get_user_model

    from property.registry.models import Person

    from .models import VoteElectorUnit

    members = Person.objects.filter(parties__pk__in=party_ids).distinct()
    phones = [p.phone for p in members if p.user_id is None and p.phone]
    holders = VoteElectorUnit.objects.filter(vote=vote, elector__party_id__in=party_ids).values(
        "unit_id"
    )
    users = (
        get_user_model()
        .objects.filter(
            Q(person__in=members)
            | Q(
                person__parties__ownerships__end__isnull=True,
                person__parties__ownerships__unit_id__in=holders,
            )
        )
        .distinct()
    )
    return list(users), phones


def notify_ballot_entered(entry_id: int) -> int:
    """Tell the owners of a party that a paper or proxy ballot was entered for it (DOMAIN.md §1
    "Channels"), with the way to replace (paper) or dispute it."""
    from portal.core import notify

    from .models import BoardEntry, Channel

    entry = BoardEntry.objects.select_related("vote__estate").filter(pk=entry_id).first()
    if entry is None or entry.channel not in (Channel.PAPER, Channel.PROXY):
        return 0
    vote = entry.vote
    party_ids = list(
        VoteElector.objects.filter(vote=vote, pseudonym=entry.entry["pseudonym"]).values_list(
            "party_id", flat=True
        )
    )
    users, phones = _party_contacts(vote, party_ids)
    with translation.override(settings.LANGUAGE_CODE):
        params = {
            "title": vote.title,
            "estate": vote.estate.name,
            "when": timezone.localtime(entry.time).strftime("%Y-%m-%d %H:%M"),
            "receipt": entry.receipt,
            "url": absolute_reverse("voting:detail", vote.pk),
        }
        if entry.channel == Channel.PAPER:
            subject = _("A paper ballot was entered for you: %(title)s") % params
            body = (
                _(
                    "The owners' committee entered a paper ballot for your party in the vote "
                    "“%(title)s” of %(estate)s on %(when)s (receipt %(receipt)s).\n\n"
                    "If you did not hand in this ballot, cast your own ballot online: it replaces "
                    "the paper ballot. You may also dispute it on the vote's page:\n%(url)s"
                )
                % params
            )
            sms = (
                _(
                    "[Gongzhi] A paper ballot was entered for you in “%(title)s” on %(when)s. Not "
                    "yours? Vote online to replace it, or dispute it: %(url)s"
                )
                % params
            )
        else:
            subject = _("Your proxy cast your ballot: %(title)s") % params
            body = (
                _(
                    "Your proxy cast your party's ballot in the vote “%(title)s” of %(estate)s on "
                    "%(when)s (receipt %(receipt)s).\n\n"
                    "If you did not authorize it, dispute it on the vote's page:\n%(url)s"
                )
                % params
            )
            sms = (
                _(
                    "[Gongzhi] Your proxy cast your ballot in “%(title)s” on %(when)s. Not "
                    "authorized? Dispute it: %(url)s"
                )
                % params
            )
        notice = notify.Notice(kind="voting.ballot_entered", subject=subject, body=body, sms=sms)
        return notify.send(notice, users=users, phones=phones)


def notify_ballot_dispute(dispute_id: int, event: str) -> int:
    """``filed``: tell the street office over the estate; ``decided``: tell who filed it."""
    from portal.core import notify
    from property.registry.selectors import street_office_users

    from .models import BallotDispute

    dispute = (
        BallotDispute.objects.select_related("vote__estate__jurisdiction", "entry", "filed_by")
        .filter(pk=dispute_id)
        .first()
    )
    if dispute is None:
        return 0
    vote = dispute.vote
    with translation.override(settings.LANGUAGE_CODE):
        params = {
            "title": vote.title,
            "estate": vote.estate.name,
            "channel": dispute.entry.get_channel_display(),
            "decision": dispute.get_status_display(),
            "url": absolute_reverse("voting:disputes", vote.pk),
        }
        if event == "filed":
            notice = notify.Notice(
                kind="voting.ballot_disputed",
                subject=_("A ballot in “%(title)s” is disputed") % params,
                body=_(
                    "An owner of %(estate)s disputes a %(channel)s ballot entered for their party "
                    "in the vote “%(title)s”. Decide it here:\n%(url)s"
                )
                % params,
                sms=_("[Gongzhi] A ballot in “%(title)s” is disputed: %(url)s") % params,
            )
            return notify.send(notice, users=street_office_users(vote.estate))
        notice = notify.Notice(
            kind="voting.ballot_dispute_decided",
            subject=_("Your dispute in “%(title)s” was decided") % params,
            body=_("The street office decided: %(decision)s.") % params,
            sms=_("[Gongzhi] Your dispute in “%(title)s”: %(decision)s.") % params,
        )
        return notify.send(notice, users=[dispute.filed_by])
