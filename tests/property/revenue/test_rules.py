"""The pure rules of the shared revenue (DOMAIN.md §2a): due dates, lateness at the boundary
of the 10th, half-years, the company's cost share rounded down to the fen, totals."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from property.revenue import rules


def test_due_date_is_the_10th_of_the_next_month():
    """Hangzhou practice: a month's entries are due by the 10th of the following month."""
    assert rules.due_date(date(2026, 10, 1)) == date(2026, 11, 10)
    assert rules.due_date(date(2026, 12, 15)) == date(2027, 1, 10)
    assert rules.due_date(date(2026, 1, 1), due_day=5) == date(2026, 2, 5)


def test_late_only_after_the_10th():
    """Filed on the 10th is on time; the 11th is late; not filed is late from the 11th."""
    october = date(2026, 10, 1)
    assert not rules.is_late(october, filed_on=date(2026, 11, 10), today=date(2026, 11, 30))
    assert rules.is_late(october, filed_on=date(2026, 11, 11), today=date(2026, 11, 30))
    assert not rules.is_late(october, filed_on=None, today=date(2026, 11, 10))
    assert rules.is_late(october, filed_on=None, today=date(2026, 11, 11))


def test_overdue_months_since_the_start():
    filed = [date(2026, 1, 1), date(2026, 3, 1)]
    assert rules.overdue_months(start=date(2026, 1, 1), filed=filed, today=date(2026, 4, 10)) == [
        date(2026, 2, 1)
    ]
    # March is filed: still only February on the 11th of April.
    assert rules.overdue_months(start=date(2026, 1, 1), filed=filed, today=date(2026, 4, 11)) == [
        date(2026, 2, 1)
    ]
    assert rules.overdue_months(start=date(2026, 1, 1), filed=filed, today=date(2026, 5, 11)) == [
        date(2026, 2, 1),
        date(2026, 4, 1),
    ]


def test_half_years():
    h = rules.parse_half_year("2026H1")
    assert (h.first_month, h.last_month, h.last_day) == (
        date(2026, 1, 1),
        date(2026, 6, 1),
        date(2026, 6, 30),
    )
    assert str(rules.half_year_of(date(2026, 7, 1))) == "2026H2"
    assert rules.parse_half_year("2026h2").previous() == h
    assert h.previous() == rules.HalfYear(2025, 2)
    assert not h.ended(date(2026, 6, 30)) and h.ended(date(2026, 7, 1))
    assert len(h.months()) == 6
    for bad in ("2026H3", "2026-1", "", "H1"):
        with pytest.raises(rules.PeriodError):
            rules.parse_half_year(bad)


def test_parse_month():
    assert rules.parse_month("2026-10") == date(2026, 10, 1)
    for bad in ("2026-13", "2026/10", "10-2026"):
        with pytest.raises(rules.PeriodError):
            rules.parse_month(bad)


def test_cost_share_rounds_down_to_the_fen():
    """The owners never lose a fen to rounding: 20% of ¥0.99 is ¥0.19, not ¥0.20."""
    assert rules.cost_share(99, "20") == 19
    assert rules.cost_share(1_850_050, "20") == 370_010
    assert rules.cost_share(1_000, "12.5") == 125
    assert rules.cost_share(1_000, "0") == 0
    assert rules.cost_share(1_000, "100") == 1_000
    for bad in ("100.01", "-1", "1e2", "abc", "12.345"):
        with pytest.raises(ValueError):
            rules.cost_share(1_000, bad)


@given(st.integers(0, 10**12), st.integers(0, 10_000))
def test_cost_share_never_exceeds_the_exact_share(income, hundredths):
    percent = f"{hundredths // 100}.{hundredths % 100:02d}"
    share = rules.cost_share(income, percent)
    assert 0 <= share <= income
    assert share * 10_000 <= income * hundredths < (share + 1) * 10_000


def test_totals_and_balance():
    rows = [
        ("income", "parking", 1_800_000),
        ("income", "advertising", 520_000),
        ("cost", "", -360_000),
        ("transfer", "", -1_000_000),
        ("income", "parking", -50),  # a reversal counted as what it reverses
    ]
    t = rules.totals(rows)
    assert t["income"] == {"parking": 1_799_950, "advertising": 520_000}
    assert t["income_total"] == 2_319_950
    assert (t["cost"], t["expense"], t["transfer"]) == (360_000, 0, 1_000_000)
    assert t["net"] == rules.balance(f for _k, _c, f in rows) == 959_950
