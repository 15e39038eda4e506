"""The worker: every due vote moves on schedule, and owners are emailed (DOMAIN.md §1)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.factories import add_units
from tests.voting.factories import draft_vote, link_user, open_vote, party
from voting import services, tasks
from voting.models import VoteStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(world):
    e = world.estates[0]
    add_units(e, [("1-101", "100.00", "A"), ("1-102", "100.00", "B"), ("1-103", "100.00", "C")])
    return e


def test_ensure_schedules_idempotent():
    """One every-minute schedule, however often it is registered."""
    from django_q.models import Schedule

    from portal.core.schedules import ensure_schedules

    ensure_schedules()
    ensure_schedules()
    s = Schedule.objects.get(name="voting.advance_votes")
    assert s.func == "voting.tasks.advance_votes" and s.minutes == 1
    assert Schedule.objects.filter(name="voting.advance_votes").count() == 1


def test_advance_votes_moves_due_votes_through_to_final(estate, django_capture_on_commit_callbacks):
    """scheduled → open at opens_at; open → closed → counted → publicised at closes_at;
    publicised → final after the objection period. Owners get the opening and result emails
    (sent by the worker once each step commits)."""
    a_user = link_user(party(estate, "A"))
    link_user(party(estate, "B"))
    vote = draft_vote(estate)
    services.vote_schedule(actor=None, vote=vote)
    assert tasks.advance_votes(now=vote.opens_at - timedelta(seconds=1))["opened"] == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.advance_votes(now=vote.opens_at)["opened"] == 1
    vote.refresh_from_db()
    assert vote.status == VoteStatus.OPEN
    assert len(mail.outbox) == 2 and a_user.email in {m.to[0] for m in mail.outbox}
    for label in ("A", "B", "C"):
        services.ballot_cast(
            actor=None, vote=vote, party=party(estate, label), choice="agree", now=vote.opens_at
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = tasks.advance_votes(now=vote.closes_at)
    assert moved["closed"] == moved["counted"] == moved["publicised"] == 1
    vote.refresh_from_db()
    assert vote.status == VoteStatus.PUBLICISED and vote.outcome == "passed"
    assert len(mail.outbox) == 2
    tasks.advance_votes(now=vote.publicity_ends_at)
    vote.refresh_from_db()
    assert vote.status == VoteStatus.FINAL


def test_reminder_only_to_parties_not_voted(estate, django_capture_on_commit_callbacks):
    """The day before close, owners whose party has not voted get one reminder."""
    a_user = link_user(party(estate, "A"))
    b_user = link_user(party(estate, "B"))
    vote = open_vote(estate, closes_at=timezone.now() + timedelta(days=6))
    services.ballot_cast(actor=None, vote=vote, party=party(estate, "A"), choice="agree")
    mail.outbox.clear()
    day_before = vote.closes_at - timedelta(hours=23)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.advance_votes(now=day_before)["reminded"] == 1
    assert [m.to for m in mail.outbox] == [[b_user.email]]
    assert a_user.email not in {m.to[0] for m in mail.outbox}
    assert tasks.advance_votes(now=day_before + timedelta(minutes=1))["reminded"] == 0  # once only
    assert vote.reminder_rounds.get().code == "day_before"


def test_emails_in_chinese_with_link(estate, django_capture_on_commit_callbacks):
    """The opening email is in Simplified Chinese and links to the vote."""
    user = link_user(party(estate, "A"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        vote = open_vote(estate, title="加装电梯")
    message = next(m for m in mail.outbox if m.to == [user.email])
    assert "加装电梯" in message.subject and "投票" in message.subject
    assert f"/votes/{vote.pk}/" in message.body
