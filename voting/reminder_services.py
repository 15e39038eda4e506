"""Reminders to the parties of an open vote that have not voted (issue 17): the writes and the
committee's view of them. The rules are ``voting.reminders`` (pure); this module applies them.

- ``reminders_send_due`` (the worker, every minute through ``voting.tasks.advance_votes``): the
  scheduled round that is due, if any.
- ``reminder_send_manual`` (the committee, by hand): one extra round per calendar day.
- ``reminder_schedule`` (read): the rounds of a vote, sent or to come, for the vote page.

A round tells each party of the frozen electorate without a current ballot, unless it was
reminded within ``voting.reminders.THROTTLE`` (by any round): its members' accounts through
``portal.notifications`` (``voting.vote_closing``: the portal, and email and SMS as each chose;
whoever turned reminders off altogether is left out), and the registry phone of a member
without an account by SMS. A reminder says that the party has not voted and when the vote
closes: never anything of how, or whether, others voted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.audit import log_event
from portal.core.links import absolute_reverse
from portal.notifications.services import notify, sms_to_phone

from . import reminders, selectors
from .models import (
    Ballot,
    PartyReminder,
    ReminderRound,
    ReminderTrigger,
    Vote,
    VoteElector,
    VoteStatus,
)
from .services import VoteError, _locked, _require

KIND = "voting.vote_closing"


def _not_voted_party_ids(vote: Vote) -> list[int]:
    return list(
        VoteElector.objects.filter(vote=vote)
        .exclude(Exists(Ballot.objects.filter(vote=vote, party=OuterRef("party"))))
        .values_list("party_id", flat=True)
    )


def _send_round(
    *,
    vote: Vote,
    now: datetime,
    code: str,
    trigger: str,
    scheduled_for: datetime | None,
    actor,
) -> ReminderRound:
    """Precondition: inside ``transaction.atomic`` with the vote row locked, the vote open."""
    marks = {m.party_id: m for m in PartyReminder.objects.filter(vote=vote)}
    waiting = _not_voted_party_ids(vote)
    due = [p for p in waiting if reminders.may_remind(getattr(marks.get(p), "last_at", None), now)]
    if due:
        users, phones = selectors.party_contacts(vote, due)
        closes = timezone.localtime(vote.closes_at).strftime("%Y-%m-%d %H:%M")
        params = {"title": vote.title, "estate": vote.estate.name, "closes": closes}
        notify(
            recipients=users,
            kind=KIND,
            params=params,
            url=reverse("voting:detail", args=[vote.pk]),
            now=now,
        )
        with translation.override(settings.LANGUAGE_CODE):
            text = _(
                "[Gongzhi] The vote “%(title)s” of %(estate)s closes on %(closes)s and your "
                "party has not voted yet: %(url)s"
            ) % {**params, "url": absolute_reverse("voting:detail", vote.pk)}
        for phone in phones:
            sms_to_phone(phone=phone, kind=KIND, text=text, now=now)
        for party_id in due:
            mark = marks.get(party_id)
            if mark is None:
                PartyReminder.objects.create(vote=vote, party_id=party_id, last_at=now)
            else:
                mark.last_at = now
                mark.count += 1
                mark.save(update_fields=["last_at", "count"])
    sent = ReminderRound.objects.create(
        vote=vote,
        code=code,
        trigger=trigger,
        scheduled_for=scheduled_for,
        sent_at=now,
        sent_by=actor if getattr(actor, "is_authenticated", False) else None,
        parties=len(due),
        skipped=len(waiting) - len(due),
    )
    log_event(
        actor=actor,
        action="voting.reminded",
        obj=vote,
        details={"round": code, "trigger": trigger, "parties": len(due)},
    )
    return sent


def reminders_send_due(*, vote: Vote, now: datetime | None = None) -> ReminderRound | None:
    """Send ``vote``'s scheduled round that is due at ``now`` (``voting.reminders.due_round``),
    if any; returns it, or ``None`` when none is due.

    Preconditions: none; a vote not open, or whose due round was already sent (two workers at
    once), is left as it is (``None``)."""
    now = now or timezone.now()
    with transaction.atomic():
        _locked(vote)
        if vote.status != VoteStatus.OPEN:
            return None
        sent = list(
            ReminderRound.objects.filter(vote=vote, trigger=ReminderTrigger.SCHEDULED).values_list(
                "code", "scheduled_for"
            )
        )
        due = reminders.due_round(vote.opens_at, vote.closes_at, now, sent)
        if due is None:
            return None
        return _send_round(
            vote=vote,
            now=now,
            code=due.code,
            trigger=ReminderTrigger.SCHEDULED,
            scheduled_for=due.at,
            actor=None,
        )


def reminder_send_manual(*, actor, vote: Vote, now: datetime | None = None) -> ReminderRound:
    """The committee's extra round, by hand: at most one per calendar day (Asia/Shanghai), only
    while the vote is open. Refused with ``VoteError`` (codes ``bad_state``, ``today``).

    Preconditions: the caller has checked ``voting.manage_vote`` on the vote."""
    now = now or timezone.now()
    with transaction.atomic():
        _locked(vote)
        _require(vote, VoteStatus.OPEN)
        manual = list(
            ReminderRound.objects.filter(vote=vote, trigger=ReminderTrigger.MANUAL).values_list(
                "sent_at", flat=True
            )
        )
        if reminders.manual_refusal(manual, now, timezone.get_default_timezone()):
            raise VoteError(
                _("A reminder was already sent by hand today: one extra round a day at most."),
                code="today",
            )
        return _send_round(
            vote=vote,
            now=now,
            code=reminders.MANUAL,
            trigger=ReminderTrigger.MANUAL,
            scheduled_for=None,
            actor=actor,
        )


# ---- read side ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleRow:
    code: str
    label: str
    at: datetime | None  # the scheduled time (None for a round by hand)
    sent: ReminderRound | None
    passed: bool  # its time came and went without it (a later round covered it)


def round_label(code: str) -> str:
    return {
        reminders.HALFWAY: _("Halfway through"),
        reminders.THREE_DAYS: _("Three days before close"),
        reminders.DAY_BEFORE: _("The day before close"),
        reminders.MANUAL: _("Sent by hand"),
    }.get(code, code)


def reminder_schedule(vote: Vote, *, now: datetime | None = None) -> dict:
    """The vote's reminder rounds for the committee: the scheduled ones (sent or to come, or
    passed), the rounds sent by hand, whether one may be sent by hand now, and how many parties
    have not voted. Reads only."""
    now = now or timezone.now()
    rounds = list(ReminderRound.objects.filter(vote=vote).select_related("sent_by"))
    by_key = {
        (r.code, r.scheduled_for): r for r in rounds if r.trigger == ReminderTrigger.SCHEDULED
    }
    rows = []
    for r in reminders.schedule(vote.opens_at, vote.closes_at):
        sent = by_key.get((r.code, r.at))
        rows.append(
            ScheduleRow(r.code, round_label(r.code), r.at, sent, sent is None and r.at <= now)
        )
    manual = [r for r in rounds if r.trigger == ReminderTrigger.MANUAL]
    refusal = reminders.manual_refusal(
        [r.sent_at for r in manual], now, timezone.get_default_timezone()
    )
    return {
        "rows": rows,
        "manual": manual,
        "sent": rounds,
        "may_send": vote.status == VoteStatus.OPEN and refusal is None,
        "sent_today": refusal == "today",
        "throttle_hours": int(reminders.THROTTLE.total_seconds() // 3600),
        "waiting": len(_not_voted_party_ids(vote)),
    }
