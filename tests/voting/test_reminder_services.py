"""Reminders to the parties that have not voted (issue 17): only to them, never twice within the
throttle window, the opt-out honoured, one round by hand a day, nothing about others' votes."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from portal.notifications.models import Delivery, Notification, Preference
from portal.notifications.services import preferences_set
from property.registry.models import Person
from tests.factories import add_units
from tests.voting.factories import link_user, open_vote, party
from voting import reminder_services, services
from voting.models import PartyReminder, ReminderRound, VoteStatus

pytestmark = pytest.mark.django_db

KIND = "voting.vote_closing"


@pytest.fixture
def estate(world):
    e = world.estates[0]
    add_units(
        e,
        [
            ("1-101", "100.00", "A"),
            ("1-102", "120.00", "B"),
            ("1-103", "80.00", "C"),
            ("1-104", "90.00", "D"),
        ],
    )
    return e


@pytest.fixture
def vote(estate):
    return open_vote(estate, closes_at=timezone.now() + timedelta(days=10))


def told(user) -> int:
    return Notification.objects.filter(recipient=user, kind=KIND).count()


def test_scheduled_round_reaches_only_parties_not_voted_on_their_channels(
    estate, vote, django_capture_on_commit_callbacks
):
    """Halfway through: A voted and is not reminded; B (an account) by portal, email and SMS;
    C (a member with no account, a registry phone) by SMS to that phone."""
    a, b = link_user(party(estate, "A")), link_user(party(estate, "B"))
    c_person = party(estate, "C").members.get()
    Person.objects.filter(pk=c_person.pk).update(phone="+8613900001234")
    services.ballot_cast(actor=None, vote=vote, party=party(estate, "A"), choice="agree")
    halfway = vote.opens_at + (vote.closes_at - vote.opens_at) / 2
    assert (
        reminder_services.reminders_send_due(vote=vote, now=halfway - timedelta(minutes=1)) is None
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = reminder_services.reminders_send_due(vote=vote, now=halfway)
    assert sent.code == "halfway" and sent.trigger == "scheduled"
    assert sent.parties == 3  # B, C, D: all who have not voted
    assert told(a) == 0 and told(b) == 1
    assert [m.to for m in mail.outbox] == [[b.email]]
    assert Delivery.objects.filter(notification__recipient=b, channel="sms").exists()
    text = Delivery.objects.get(phone="+8613900001234").text
    assert vote.title in text
    # Nothing about others: neither a count nor a choice in what B is told.
    notice = Notification.objects.get(recipient=b, kind=KIND)
    assert set(notice.params) == {"title", "estate", "closes"}
    assert "agree" not in notice.title and "同意" not in notice.title
    assert set(PartyReminder.objects.filter(vote=vote).values_list("party__label", flat=True)) == {
        "B",
        "C",
        "D",
    }
    # The same round is not sent again.
    assert reminder_services.reminders_send_due(vote=vote, now=halfway + timedelta(hours=1)) is None


def test_never_twice_within_the_throttle_window(estate, vote):
    """A round by hand, then the scheduled round two hours later: B is not reminded again;
    after the window the next round reaches B again."""
    b = link_user(party(estate, "B"))
    halfway = vote.opens_at + (vote.closes_at - vote.opens_at) / 2
    reminder_services.reminder_send_manual(actor=None, vote=vote, now=halfway - timedelta(hours=2))
    assert told(b) == 1
    sent = reminder_services.reminders_send_due(vote=vote, now=halfway)
    assert sent is not None and sent.parties == 0 and sent.skipped == 4
    assert told(b) == 1
    later = vote.closes_at - timedelta(days=3)
    assert reminder_services.reminders_send_due(vote=vote, now=later).parties == 4
    assert told(b) == 2
    assert PartyReminder.objects.get(vote=vote, party=party(estate, "B")).count == 2


def test_opt_out_honoured(estate, vote):
    """Who turned reminders off altogether is not told, not even in the portal; the others are."""
    b, c = link_user(party(estate, "B")), link_user(party(estate, "C"))
    preferences_set(user=b, choices={KIND: (True, True, True)})
    assert Preference.objects.get(user=b, kind=KIND).muted
    reminder_services.reminder_send_manual(actor=None, vote=vote)
    assert told(b) == 0 and told(c) == 1
    assert not Delivery.objects.filter(notification__recipient=b).exists()


def test_an_other_kind_cannot_be_muted(estate):
    from portal.notifications.services import NotificationError

    b = link_user(party(estate, "B"))
    with pytest.raises(NotificationError):
        preferences_set(user=b, choices={"voting.vote_opened": (True, True, True)})


def test_one_round_by_hand_a_day(estate, vote):
    """A second round by hand the same day is refused and writes nothing; the next day it goes."""
    committee = link_user(party(estate, "B"))
    # 09:00 Shanghai on the day after opening: the second round an hour later is the same
    # calendar day whatever the hour the suite runs at.
    local = timezone.localtime(vote.opens_at) + timedelta(days=1)
    now = local.replace(hour=9, minute=0, second=0, microsecond=0)
    reminder_services.reminder_send_manual(actor=committee, vote=vote, now=now)
    with pytest.raises(services.VoteError) as exc:
        reminder_services.reminder_send_manual(
            actor=committee, vote=vote, now=now + timedelta(hours=1)
        )
    assert exc.value.code == "today"
    assert ReminderRound.objects.filter(vote=vote).count() == 1
    tomorrow = now + timedelta(days=1)
    assert reminder_services.reminder_send_manual(actor=committee, vote=vote, now=tomorrow)
    assert ReminderRound.objects.filter(vote=vote, trigger="manual").count() == 2


def test_no_reminders_once_closed(estate, vote):
    from voting.models import Vote

    Vote.objects.filter(pk=vote.pk).update(status=VoteStatus.CLOSED)
    vote.refresh_from_db()
    assert (
        reminder_services.reminders_send_due(vote=vote, now=vote.closes_at - timedelta(hours=2))
        is None
    )
    with pytest.raises(services.VoteError):
        reminder_services.reminder_send_manual(actor=None, vote=vote)


def test_schedule_shown_as_sent_and_to_come(estate, vote):
    halfway = vote.opens_at + (vote.closes_at - vote.opens_at) / 2
    reminder_services.reminders_send_due(vote=vote, now=halfway)
    s = reminder_services.reminder_schedule(vote, now=halfway + timedelta(minutes=5))
    assert [r.code for r in s["rows"]] == ["halfway", "three_days", "day_before"]
    assert s["rows"][0].sent is not None and s["rows"][1].sent is None
    assert s["may_send"] and s["waiting"] == 4
