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
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation

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
