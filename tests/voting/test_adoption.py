"""The adoption indicators' rules (``voting.adoption``, issue 17 part 6), on plain
rows without a database. Each test names the definition it checks (docs/dashboards.md,
"Adoption")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from voting.adoption import (
    EstateRow,
    VoteRow,
    adoption,
    percent,
    window_start,
)

TODAY = date(2026, 11, 29)


def vote(
    estate=1,
    *,
    on=date(2026, 6, 1),
    met=True,
    set_aside=False,
    heads=(8, 10),
    area=(7000, 10000),
    ballots=None,
):
    return VoteRow(
        estate=estate,
        counted_on=on,
        participation_met=met,
        set_aside=set_aside,
        heads=heads[0],
        total_heads=heads[1],
        area=area[0],
        total_area=area[1],
        ballots=ballots if ballots is not None else {"online": heads[0]},
    )


def test_the_window_is_the_same_calendar_day_a_year_before():
    """The last 12 months start on the same day a year earlier; 29 February falls back to 28."""
    assert window_start(TODAY) == date(2025, 11, 29)
    assert window_start(date(2028, 2, 29)) == date(2027, 2, 28)


def test_only_votes_counted_in_the_window_count():
    """A vote counted the day before the window opens, or after today, is left out; one counted
    on the window's first day or today is in."""
    rows = [
        vote(on=date(2025, 11, 28)),
        vote(on=date(2025, 11, 29)),
        vote(on=TODAY),
        vote(on=date(2026, 11, 30)),
    ]
    a = adoption([EstateRow(1, True)], rows, today=TODAY)
    assert a.since == date(2025, 11, 29)
    assert a.votes_counted == 2


def test_on_the_platform_means_an_imported_registry():
    """Estates on the platform: those with an imported registry, out of all estates."""
    a = adoption([EstateRow(1, True), EstateRow(2, False), EstateRow(3, True)], [], today=TODAY)
    assert (a.estates, a.estates_on_platform) == (3, 2)


def test_a_valid_decision_needs_participation_met_and_no_set_aside():
    """Valid decision: participation met as the stored result says (adopted or rejected alike);
    a result set aside on an objection decided nothing. Estates count once however many."""
    rows = [
        vote(1, met=True),
        vote(1, met=True),
        vote(2, met=True, set_aside=True),
        vote(3, met=False),
    ]
    a = adoption([EstateRow(i, True) for i in (1, 2, 3)], rows, today=TODAY)
    assert a.votes_counted == 4
    assert a.valid_decisions == 2
    assert a.estates_with_decision == 1


def test_failed_for_lack_of_participation_reads_the_stored_condition():
    """Failed for lack of participation: the result says the participation condition was not
    met, whatever the figures would suggest (the 2/3 rule is never recomputed here)."""
    rows = [vote(1, met=False, heads=(9, 10), area=(9000, 10000)), vote(2, met=True, heads=(1, 10))]
    a = adoption([EstateRow(1, True), EstateRow(2, True)], rows, today=TODAY)
    assert a.failed_participation == 1
    assert a.valid_decisions == 1


def test_median_turnout_odd_even_and_zero_totals():
    """Median over the votes of each vote's turnout; an even count averages the middle two;
    a vote with a zero total is left out; no vote gives None."""
    rows = [
        vote(heads=(1, 3), area=(1, 4)),
        vote(heads=(2, 3), area=(3, 4)),
        vote(heads=(0, 0), area=(0, 0)),
    ]
    a = adoption([], rows, today=TODAY)
    # heads: 1/3 and 2/3 -> 1/2; area: 1/4 and 3/4 -> 1/2
    assert a.median_turnout_heads == Decimal("50.0")
    assert a.median_turnout_area == Decimal("50.0")
    rows.append(vote(heads=(3, 3), area=(4, 4)))
    a = adoption([], rows, today=TODAY)
    assert a.median_turnout_heads == Decimal("66.7")
    assert a.median_turnout_area == Decimal("75.0")
    empty = adoption([], [], today=TODAY)
    assert empty.median_turnout_heads is None and empty.median_turnout_area is None


def test_percent_rounds_half_up_exactly():
    """One place, half up, on the exact fraction (no float)."""
    assert percent(Fraction(1, 3)) == Decimal("33.3")
    assert percent(Fraction(2, 3)) == Decimal("66.7")
    assert percent(Fraction(1, 2000)) == Decimal("0.1")  # 0.05 % rounds up
    assert percent(Fraction(1, 1)) == Decimal("100.0")
    assert percent(None) is None


def test_channel_shares_of_the_ballots_standing_at_count():
    """Ballots per channel summed over the counted votes in the window, each channel's share of
    them; every channel listed in order even with none; None when there is no ballot."""
    rows = [
        vote(ballots={"online": 6, "paper": 2}),
        vote(ballots={"proxy": 1, "online": 1}),
        vote(on=date(2020, 1, 1), ballots={"paper": 100}),
    ]
    a = adoption([], rows, today=TODAY)
    assert a.ballots == 10
    assert a.channels == (
        ("online", 7, Decimal("70.0")),
        ("paper", 2, Decimal("20.0")),
        ("proxy", 1, Decimal("10.0")),
    )
    none = adoption([], [], today=TODAY)
    assert none.channels == (("online", 0, None), ("paper", 0, None), ("proxy", 0, None))
