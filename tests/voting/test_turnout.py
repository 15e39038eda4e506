"""Turnout over time against the two-thirds lines (voting.turnout, pure; issue 17)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from voting.turnout import needed, percent_tenths, series

SH = ZoneInfo("Asia/Shanghai")
OPENS = datetime(2026, 12, 1, 9, 0, tzinfo=SH)


def test_needed_is_the_least_value_meeting_two_thirds_inclusive():
    """DOMAIN.md §1: 2/3 "以上" includes 2/3 itself, as ``tally`` tests it (3v >= 2t)."""
    assert needed(3) == 2 and needed(4) == 3 and needed(89) == 60 and needed(0) == 0
    for total in range(1, 200):
        n = needed(total)
        assert 3 * n >= 2 * total and 3 * (n - 1) < 2 * total


def test_cumulative_by_day_and_channel_with_what_is_missing():
    rows = [
        (OPENS + timedelta(hours=2), "online", 1, 10000),
        (OPENS + timedelta(days=1, hours=3), "paper", 1, 12000),
        (OPENS + timedelta(days=2, hours=1), "online", 1, 9000),
        (OPENS + timedelta(days=9), "online", 1, 5000),  # after ``until``: left out
    ]
    s = series(
        rows,
        opens_at=OPENS,
        until=OPENS + timedelta(days=3),
        channels=["online", "paper", "proxy"],
        total_heads=6,
        total_area_centi=60000,
    )
    assert [p.at for p in s.points] == [OPENS + timedelta(days=d) for d in range(4)]
    assert [p.heads for p in s.points] == [0, 1, 2, 3]
    assert [p.area_centi for p in s.points] == [0, 10000, 22000, 31000]
    assert s.points[-1].by_channel == {"online": (2, 19000), "paper": (1, 12000), "proxy": (0, 0)}
    assert s.heads_needed == 4 and s.missing_heads == 1 and not s.heads_met
    assert s.area_needed_centi == 40000 and s.missing_area_centi == 9000 and not s.area_met


def test_hourly_for_a_short_span_and_met_lines():
    rows = [(OPENS + timedelta(minutes=30), "online", 1, 100), (OPENS, "online", 1, 100)]
    s = series(
        rows,
        opens_at=OPENS,
        until=OPENS + timedelta(hours=2, minutes=15),
        channels=["online"],
        total_heads=3,
        total_area_centi=300,
    )
    assert [p.at - OPENS for p in s.points] == [
        timedelta(0),
        timedelta(hours=1),
        timedelta(hours=2),
        timedelta(hours=2, minutes=15),
    ]
    assert [p.heads for p in s.points] == [1, 2, 2, 2]
    assert s.heads_met and s.area_met and s.missing_heads == 0 and s.missing_area_centi == 0


def test_empty_electorate_never_met():
    s = series([], opens_at=OPENS, until=OPENS, channels=[], total_heads=0, total_area_centi=0)
    assert not s.heads_met and not s.area_met and len(s.points) == 1


def test_percent_tenths_half_up():
    assert percent_tenths(2, 3) == 667 and percent_tenths(1, 8) == 125 and percent_tenths(1, 0) == 0
