"""Working days under the official holiday calendar (DOMAIN.md section 2: working days follow
the official holiday and make-up workday calendar, kept as data; used for the 3-working-day
emergency decision, Order 165 Art. 24, and the 10-working-day credit objection window)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from property.workdays import HolidayCalendar, load_official_calendar

CAL = load_official_calendar()
EMPTY = HolidayCalendar(holidays=frozenset(), workdays=frozenset())

# --- the shipped calendar ----------------------------------------------------------------


def test_shipped_calendar_covers_2024_to_2026():
    """The CSV shipped with the package has the State Council arrangements for 2024-2026."""
    assert CAL.years == frozenset({2024, 2025, 2026})
    for year in (2024, 2025, 2026):
        assert any(d.year == year for d in CAL.holidays)
        assert any(d.year == year for d in CAL.workdays)


def test_shipped_calendar_is_cached_and_immutable():
    """load_official_calendar reads the data once; the calendar is frozen."""
    assert load_official_calendar() is CAL
    with pytest.raises(AttributeError):
        CAL.holidays = frozenset()


def test_shipped_make_up_days_all_fall_on_weekends():
    """调休上班 days are Saturdays or Sundays (checked on load too)."""
    assert all(d.weekday() >= 5 for d in CAL.workdays)


@pytest.mark.parametrize(
    ("year", "holidays", "makeups"),
    [
        # 国办发明电〔2023〕7号: 1 + 8 + 3 + 5 + 1 + 3 + 7 days off as listed; 8 make-up days.
        (2024, 28, 8),
        # 国办发明电〔2024〕12号: 1 + 8 + 3 + 5 + 3 + 8; make-up 26 Jan, 8 Feb, 27 Apr, 28 Sep, 11 Oct.
        (2025, 28, 5),
        # 2026 notice (2025-11-04): 3 + 9 + 3 + 5 + 3 + 3 + 7; make-up 4 Jan, 14 and 28 Feb, 9 May,
        # 20 Sep, 10 Oct.
        (2026, 33, 6),
    ],
)
def test_shipped_calendar_counts_per_year(year, holidays, makeups):
    """Number of holiday rows and make-up workdays per year matches the notices."""
    assert sum(1 for d in CAL.holidays if d.year == year) == holidays
    assert sum(1 for d in CAL.workdays if d.year == year) == makeups


@pytest.mark.parametrize(
    ("day", "working"),
    [
        # 2024
        (date(2024, 1, 1), False),  # 元旦, Monday
        (date(2024, 2, 4), True),  # Sunday, make-up for 春节
        (date(2024, 2, 9), True),  # 除夕 2024: not an official holiday (only encouraged)
        (date(2024, 2, 10), False),  # 春节
        (date(2024, 2, 16), False),  # 春节, Friday
        (date(2024, 2, 18), True),  # Sunday, make-up
        (date(2024, 4, 7), True),  # Sunday, make-up for 清明
        (date(2024, 5, 11), True),  # Saturday, make-up for 劳动节
        (date(2024, 6, 10), False),  # 端午, Monday
        (date(2024, 9, 14), True),  # Saturday, make-up for 中秋
        (date(2024, 9, 16), False),  # 中秋, Monday
        (date(2024, 10, 7), False),  # 国庆, Monday
        (date(2024, 10, 12), True),  # Saturday, make-up for 国庆
        # 2025
        (date(2025, 1, 1), False),  # 元旦
        (date(2025, 1, 26), True),  # Sunday, make-up for 春节
        (date(2025, 1, 28), False),  # 除夕, now an official holiday
        (date(2025, 2, 4), False),  # 正月初七
        (date(2025, 2, 5), True),  # back to work
        (date(2025, 2, 8), True),  # Saturday, make-up
        (date(2025, 4, 4), False),  # 清明, Friday
        (date(2025, 4, 27), True),  # Sunday, make-up for 劳动节
        (date(2025, 5, 5), False),  # 劳动节, Monday
        (date(2025, 6, 2), False),  # 端午, Monday
        (date(2025, 9, 28), True),  # Sunday, make-up for 国庆/中秋
        (date(2025, 10, 8), False),  # 国庆/中秋, Wednesday
        (date(2025, 10, 11), True),  # Saturday, make-up
        (date(2025, 10, 12), False),  # ordinary Sunday
        # 2026
        (date(2026, 1, 2), False),  # 元旦, Friday
        (date(2026, 1, 4), True),  # Sunday, make-up
        (date(2026, 2, 14), True),  # Saturday, make-up for 春节
        (date(2026, 2, 23), False),  # 正月初七, Monday
        (date(2026, 2, 28), True),  # Saturday, make-up
        (date(2026, 4, 6), False),  # 清明, Monday
        (date(2026, 5, 9), True),  # Saturday, make-up for 劳动节
        (date(2026, 6, 19), False),  # 端午, Friday
        (date(2026, 9, 20), True),  # Sunday, make-up for 国庆
        (date(2026, 9, 25), False),  # 中秋, Friday
        (date(2026, 10, 10), True),  # Saturday, make-up
        (date(2026, 10, 9), True),  # ordinary Friday
    ],
)
def test_is_working_day_known_dates(day, working):
    """Known dates of the 2024-2026 State Council arrangements."""
    assert CAL.is_working_day(day) is working


# --- deadlines -------------------------------------------------------------------------------


def test_three_working_days_across_national_day_2025():
    """Art. 24 decision in 3 working days, requested 2025-09-30: 1-8 Oct are off, so the days
    are Thu 9 Oct, Fri 10 Oct and the make-up Saturday 11 Oct."""
    assert CAL.add_working_days(date(2025, 9, 30), 3) == date(2025, 10, 11)
    assert CAL.add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert CAL.add_working_days(date(2025, 9, 30), 4) == date(2025, 10, 13)


def test_weekend_make_up_day_is_counted():
    """A request on Fri 2025-09-26: the make-up Sunday 28 Sep is the first working day."""
    assert CAL.add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)
    assert CAL.add_working_days(date(2025, 9, 26), 2) == date(2025, 9, 29)
    # Without the calendar, Saturday and Sunday would be skipped.
    assert EMPTY.add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 29)


def test_ten_working_days_objection_window_across_spring_festival_2025():
    """Credit objection window of 10 working days from 2025-01-20 (Mon): 21-24 Jan, the
    make-up Sunday 26 Jan, 27 Jan, then 28 Jan-4 Feb off, then 5-7 Feb and the make-up
    Saturday 8 Feb."""
    assert CAL.add_working_days(date(2025, 1, 20), 10) == date(2025, 2, 8)


def test_start_is_not_counted_and_zero_is_start():
    """add_working_days counts after start; n = 0 returns start even on a holiday."""
    assert CAL.add_working_days(date(2025, 10, 3), 0) == date(2025, 10, 3)
    assert CAL.add_working_days(date(2025, 10, 9), 1) == date(2025, 10, 10)


def test_negative_n_rejected():
    """n must be a non-negative int."""
    with pytest.raises(ValueError, match="negative"):
        CAL.add_working_days(date(2025, 1, 2), -1)
    with pytest.raises(TypeError):
        CAL.add_working_days(date(2025, 1, 2), 1.0)


def test_working_days_between_is_half_open():
    """working_days_between counts (start, end]: start excluded, end included."""
    assert CAL.working_days_between(date(2025, 9, 30), date(2025, 10, 11)) == 3
    assert CAL.working_days_between(date(2025, 9, 30), date(2025, 10, 8)) == 0
    assert CAL.working_days_between(date(2025, 9, 29), date(2025, 9, 30)) == 1
    assert CAL.working_days_between(date(2025, 9, 30), date(2025, 9, 30)) == 0
    assert CAL.working_days_between(date(2025, 10, 11), date(2025, 9, 30)) == 0


def test_working_days_in_2025():
    """2025 has 261 Mondays to Fridays, 18 of them holidays, plus 5 make-up days: 248."""
    weekday_holidays = sum(1 for d in CAL.holidays if d.year == 2025 and d.weekday() < 5)
    assert weekday_holidays == 18
    assert CAL.working_days_between(date(2024, 12, 31), date(2025, 12, 31)) == 248


def test_outside_covered_years_mon_to_fri():
    """2027 is not published: every Monday to Friday counts there (provisional)."""
    assert 2027 not in CAL.years
    assert CAL.is_working_day(date(2027, 1, 1)) is True  # Friday; real holiday not yet known
    assert CAL.is_working_day(date(2027, 1, 2)) is False  # Saturday


days = st.dates(min_value=date(2023, 12, 1), max_value=date(2027, 1, 31))


@given(start=days, n=st.integers(min_value=0, max_value=60))
def test_add_and_between_are_inverse(start, n):
    """working_days_between(s, add_working_days(s, n)) == n, and the result is a working day."""
    end = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, end) == n
    if n:
        assert CAL.is_working_day(end)
        assert CAL.working_days_between(start, end - timedelta(days=1)) == n - 1


@given(start=days, end=days)
def test_between_matches_day_by_day_count(start, end):
    """The arithmetic count equals counting each day of (start, end]."""
    expected = sum(
        1 for k in range(1, (end - start).days + 1) if CAL.is_working_day(start + timedelta(days=k))
    )
    assert CAL.working_days_between(start, end) == expected


# --- building calendars -------------------------------------------------------------------


def test_from_rows():
    """from_rows takes (date, kind) rows, kind 'holiday' or 'workday'; repeats are harmless."""
    cal = HolidayCalendar.from_rows(
        [
            (date(2025, 1, 1), "holiday"),
            (date(2025, 1, 1), "holiday"),
            (date(2025, 1, 26), "workday"),
        ]
    )
    assert cal.holidays == frozenset({date(2025, 1, 1)})
    assert cal.workdays == frozenset({date(2025, 1, 26)})
    assert not cal.is_working_day(date(2025, 1, 1))
    assert cal.is_working_day(date(2025, 1, 26))


def test_from_rows_rejects_unknown_kind():
    """Only 'holiday' and 'workday' are kinds."""
    with pytest.raises(ValueError, match="unknown calendar kind 'makeup'"):
        HolidayCalendar.from_rows([(date(2025, 1, 26), "makeup")])


def test_date_cannot_be_both():
    """A date is either a holiday or a make-up workday."""
    with pytest.raises(ValueError, match="both"):
        HolidayCalendar.from_rows([(date(2025, 1, 26), "holiday"), (date(2025, 1, 26), "workday")])


def test_make_up_workday_must_be_weekend():
    """A make-up workday on a Monday to Friday is a data error."""
    with pytest.raises(ValueError, match="not a Saturday or Sunday"):
        HolidayCalendar.from_rows([(date(2025, 1, 27), "workday")])


def test_holiday_on_weekend_is_harmless():
    """A holiday row on a weekend (part of a stated period) changes nothing."""
    cal = HolidayCalendar.from_rows([(date(2025, 4, 5), "holiday")])
    assert not cal.is_working_day(date(2025, 4, 5))
    assert cal.working_days_between(date(2025, 4, 4), date(2025, 4, 7)) == 1


def test_constructor_accepts_sets_and_freezes_them():
    """Plain sets given to the constructor are frozen."""
    cal = HolidayCalendar(holidays={date(2025, 1, 1)}, workdays=set())
    assert isinstance(cal.holidays, frozenset)
    assert isinstance(cal.workdays, frozenset)
