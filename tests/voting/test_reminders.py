"""The reminder schedule, the throttle and the manual round (voting.reminders, pure; issue 17)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from voting import reminders
from voting.reminders import DAY_BEFORE, HALFWAY, THREE_DAYS, due_round, may_remind, schedule

SH = ZoneInfo("Asia/Shanghai")
OPENS = datetime(2026, 12, 1, 9, 0, tzinfo=SH)
CLOSES = OPENS + timedelta(days=14)


def test_default_schedule_halfway_three_days_and_day_before():
    """By default: halfway through, three days before close, the day before."""
    assert [(r.code, r.at) for r in schedule(OPENS, CLOSES)] == [
        (HALFWAY, OPENS + timedelta(days=7)),
        (THREE_DAYS, CLOSES - timedelta(days=3)),
        (DAY_BEFORE, CLOSES - timedelta(days=1)),
    ]


def test_short_vote_drops_rounds_before_open_or_too_close():
    """A two-day vote: three days before close is before it opens; halfway and the day before
    fall together, so only one round is left."""
    closes = OPENS + timedelta(days=2)
    assert [r.code for r in schedule(OPENS, closes)] == [DAY_BEFORE]
    # A twelve-hour vote: no day before, only halfway.
    assert [r.code for r in schedule(OPENS, OPENS + timedelta(hours=12))] == [HALFWAY]


def test_due_round_is_the_latest_not_yet_sent_and_never_an_earlier_one_late():
    """A round is due once its time comes; a missed earlier round is not sent after a later one."""
    assert due_round(OPENS, CLOSES, OPENS + timedelta(days=6), []) is None
    first = due_round(OPENS, CLOSES, OPENS + timedelta(days=7), [])
    assert first.code == HALFWAY
    sent = [(first.code, first.at)]
    assert due_round(OPENS, CLOSES, OPENS + timedelta(days=8), sent) is None
    # The worker was down from halfway until after the day-before time: only that one goes out.
    late = CLOSES - timedelta(hours=20)
    assert due_round(OPENS, CLOSES, late, []).code == DAY_BEFORE
    sent_late = [(DAY_BEFORE, CLOSES - timedelta(days=1))]
    assert due_round(OPENS, CLOSES, late + timedelta(hours=1), sent_late) is None
    # Closed: nothing.
    assert due_round(OPENS, CLOSES, CLOSES, []) is None


def test_extension_gives_new_rounds():
    """Extending the close moves the rounds: a new day-before round is due after the old one."""
    sent = [(DAY_BEFORE, CLOSES - timedelta(days=1))]
    later = CLOSES + timedelta(days=3)
    assert due_round(OPENS, later, later - timedelta(hours=23), sent).code == DAY_BEFORE


def test_throttle():
    """Not reminded within the window; reminded again once it has passed."""
    now = OPENS + timedelta(days=3)
    assert may_remind(None, now)
    assert not may_remind(now - reminders.THROTTLE + timedelta(minutes=1), now)
    assert may_remind(now - reminders.THROTTLE, now)


def test_one_manual_round_per_calendar_day_in_shanghai():
    """By hand: one a day, the day taken in the vote's time zone (not UTC)."""
    at = datetime(2026, 12, 3, 23, 30, tzinfo=SH)
    assert reminders.manual_refusal([], at, SH) is None
    assert reminders.manual_refusal([at - timedelta(hours=23)], at, SH) == "today"
    # 23:30 one day and 00:10 the next are two days in Shanghai, though the same day in UTC.
    assert reminders.manual_refusal([at], at + timedelta(minutes=40), SH) is None
