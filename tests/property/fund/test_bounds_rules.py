"""The pure bounds of the fund (``property/fund/bounds.py``, DOMAIN.md §2 "Bounds"): no
database, no Django."""

from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from property.fund.bounds import (
    AmountError,
    cash_overdrafts,
    committed_by_unit,
    parse_amount,
    position,
    shortfalls,
)

MAX = 10_000_000_000  # fen: 100,000,000.00 yuan


@pytest.mark.parametrize(
    "value, fen",
    [
        ("0.01", 1),
        (" 12345.6 ", 1234560),
        ("+7", 700),
        (Decimal("1.100"), 110),  # a Decimal is taken by value
        (Decimal("1E+2"), 10000),
        (3, 300),
        ("100000000.00", MAX),
    ],
)
def test_amounts_accepted(value, fen):
    assert parse_amount(value, maximum_fen=MAX) == fen


@pytest.mark.parametrize(
    "value, code",
    [
        ("999999999999.99", "too_large"),  # the attack's estimate
        ("100000000.01", "too_large"),
        (10**20, "too_large"),
        (Decimal("1E+400"), "too_large"),
        ("0", "not_positive"),
        ("0.00", "not_positive"),
        ("-0.01", "not_positive"),
        (Decimal("-5"), "not_positive"),
        ("1.001", "places"),
        (Decimal("0.005"), "places"),
        ("1e3", "format"),  # no exponent in typed text
        ("1,000.00", "format"),
        ("１０００", "format"),  # full-width digits
        ("NaN", "format"),
        ("Infinity", "format"),
        (Decimal("NaN"), "format"),
        (Decimal("-Infinity"), "format"),
        ("", "format"),
        ("12.", "format"),
        (1.5, "format"),  # floats cannot hold most amounts exactly
        (True, "format"),
        (None, "format"),
    ],
)
def test_amounts_refused_with_the_reason(value, code):
    with pytest.raises(AmountError) as exc:
        parse_amount(value, maximum_fen=MAX)
    assert exc.value.code == code


@given(st.integers(min_value=1, max_value=MAX))
def test_every_amount_in_bounds_reads_back_exactly(fen):
    text = f"{fen // 100}.{fen % 100:02d}"
    assert parse_amount(text, maximum_fen=MAX) == fen
    assert parse_amount(Decimal(text), maximum_fen=MAX) == fen


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=10**9),
            st.lists(st.integers(min_value=1, max_value=50_000), min_size=1, max_size=8),
        ),
        max_size=5,
    )
)
def test_commitments_add_up_to_the_costs(projects):
    """Each decided project's cost is shared by area over its units, exactly (as the debit
    will share it); commitments of several projects on one unit add up."""
    named = [(cost, [(f"u{i}", w) for i, w in enumerate(ws)]) for cost, ws in projects]
    committed = committed_by_unit(named)
    assert sum(committed.values()) == sum(cost for cost, _ in projects)


def test_publicised_shares_commit_as_they_are():
    committed = committed_by_unit([(100, [("a", 1), ("b", 1)])], shared=[[("a", 7), ("c", 3)]])
    assert committed == {"a": 57, "b": 50, "c": 3}


def test_position_and_shortfalls():
    """A scope holding 1,000 fen of which 600 are committed has 400 available; a share larger
    than what a unit has left is short by the difference."""
    balances = {"a": 500, "b": 500, "z": 0}
    committed = {"a": 600, "x": 999}  # x is outside the scope
    pos = position(balances, committed)
    assert (pos.held, pos.committed, pos.available) == (1000, 600, 400)
    short = shortfalls([("a", 10), ("b", 500), ("z", 0), ("y", 1)], balances, committed)
    assert [(s.unit, s.short) for s in short] == [("a", 110), ("y", 1)]


def at(day):
    return datetime(2026, 1, day)


def test_cash_replay_finds_the_payment_that_overdrew_the_fund():
    """The attack: 664,400,214 fen held, an advance of 49,999,999,999,999 fen paid, then a
    settlement of −49,999,499,999,999 (a "refund"). The sums agree in the end; the replay
    finds the advance."""
    money_in = [(at(1), 664_400_214)]
    paid = [(at(2), 49_999_999_999_999, "advance"), (at(3), -49_999_499_999_999, "settlement")]
    assert cash_overdrafts(money_in, paid) == [(at(2), 49_999_999_999_999, 664_400_214, "advance")]


def test_cash_replay_counts_money_booked_at_the_same_instant_first():
    assert cash_overdrafts([(at(1), 100)], [(at(1), 100, "advance")]) == []
    assert cash_overdrafts([(at(2), 100)], [(at(1), 100, "advance")]) == [
        (at(1), 100, 0, "advance")
    ]
