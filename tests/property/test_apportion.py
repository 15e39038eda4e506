"""Maintenance-fund apportionment and refill (DOMAIN.md section 2; Order 165 Art. 17, 20-21;
Civil Code Art. 283)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from property.fund.apportion import (
    ApportionError,
    apportion,
    apportion_json,
    from_fen,
    refill_due,
    to_fen,
)

# --- strategies ------------------------------------------------------------------------

unit_codes = st.from_regex(r"[0-9]{1,2}-[0-9]{3,4}", fullmatch=True)


@st.composite
def scopes(draw, max_units=60, max_weight=10**7):
    codes = draw(st.lists(unit_codes, min_size=1, max_size=max_units, unique=True))
    weights = draw(
        st.lists(
            st.integers(min_value=0, max_value=max_weight),
            min_size=len(codes),
            max_size=len(codes),
        )
    )
    if sum(weights) == 0:
        weights[draw(st.integers(0, len(weights) - 1))] = draw(st.integers(1, max_weight))
    return list(zip(codes, weights, strict=True))


totals = st.integers(min_value=0, max_value=10**12)


# --- apportion: exactness and the Hamilton method -----------------------------------------


@given(total=totals, weights=scopes())
def test_shares_sum_exactly_to_total(total, weights):
    """Art. 20-21 by area, largest remainder: the shares always add up to the cost, to the fen."""
    shares = apportion(total, weights)
    assert sum(shares) == total
    assert len(shares) == len(weights)


@given(total=totals, weights=scopes())
def test_each_share_is_floor_or_floor_plus_one(total, weights):
    """Hamilton: each unit gets floor(total * w / W), at most one extra fen (quota rule)."""
    big_w = sum(w for _, w in weights)
    for (_, w), share in zip(weights, apportion(total, weights), strict=True):
        floor = total * w // big_w
        assert share in (floor, floor + 1)


@given(total=totals, weights=scopes())
def test_extra_fen_go_to_largest_remainders_then_larger_weight_then_lower_code(total, weights):
    """DOMAIN.md section 2 (design): leftover fen go by largest remainder; ties to the larger
    weight, then the lower unit code. Checked against a direct ranking of all units."""
    big_w = sum(w for _, w in weights)
    shares = apportion(total, weights)
    ranked = sorted(
        range(len(weights)),
        key=lambda i: (-(total * weights[i][1] % big_w), -weights[i][1], weights[i][0]),
    )
    leftover = total - sum(total * w // big_w for _, w in weights)
    winners = set(ranked[:leftover])
    for i, (_, w) in enumerate(weights):
        assert shares[i] == total * w // big_w + (1 if i in winners else 0)


@given(total=totals, weights=scopes())
def test_result_does_not_depend_on_input_order(total, weights):
    """Input order is kept in the output, and only the output order depends on it."""
    by_code = dict(zip((c for c, _ in weights), apportion(total, weights), strict=True))
    reversed_weights = list(reversed(weights))
    again = dict(
        zip((c for c, _ in reversed_weights), apportion(total, reversed_weights), strict=True)
    )
    assert by_code == again


@given(total=totals, weights=scopes())
def test_larger_weight_never_gets_less(total, weights):
    """Shares are monotone in area: a larger unit never pays less than a smaller one."""
    shares = apportion(total, weights)
    pairs = sorted(zip((w for _, w in weights), shares, strict=True))
    assert all(a[1] <= b[1] for a, b in zip(pairs, pairs[1:], strict=False))


def test_input_order_kept():
    """The shares come back in the order the units were given, not sorted by code."""
    weights = [("3-301", 300), ("1-101", 100), ("2-201", 200)]
    assert apportion(600, weights) == [300, 100, 200]


def test_equal_areas_extra_fen_to_lower_code():
    """Tie rule (design): equal areas, equal remainders -> the lower unit code gets the fen."""
    assert apportion(100, [("1-103", 1), ("1-101", 1), ("1-102", 1)]) == [33, 34, 33]
    assert apportion(200, [("1-103", 1), ("1-101", 1), ("1-102", 1)]) == [66, 67, 67]


def test_code_tie_uses_string_order_not_numeric():
    """Unit codes compare as strings: '10-101' < '9-101'."""
    assert apportion(1, [("9-101", 1), ("10-101", 1)]) == [0, 1]


def test_equal_remainders_larger_area_first():
    """Tie rule (design): with equal remainders the larger area gets the extra fen first."""
    # 4 fen over weights 3 and 5 (W = 8): exact shares 1.5 and 2.5, both remainders 1/2.
    assert apportion(4, [("A", 3), ("B", 5)]) == [1, 3]
    assert apportion(4, [("B", 3), ("A", 5)]) == [1, 3]


def test_larger_area_beats_lower_code_on_tie():
    """Tie rule order: larger weight before lower code, even when the code is 'lower'."""
    assert apportion(4, [("0-001", 3), ("9-999", 5)]) == [1, 3]


def test_developer_unsold_units_pay_like_any_unit():
    """Art. 20-21, Civil Code Art. 283: the developer pays for unsold units by area; the code
    carries no owner, so a developer's unit is shared exactly like an owner's of equal area."""
    units = [("1-101", 8950), ("1-102", 8950), ("DEV-1-103", 8950), ("DEV-1-104", 12000)]
    shares = apportion(1_000_000, units)
    assert shares[0] == shares[1] == shares[2]
    assert shares[3] > shares[0]
    assert sum(shares) == 1_000_000


def test_zero_weight_units_get_nothing():
    """A unit with zero weight (e.g. a zero balance for interest) gets 0, never a leftover fen."""
    assert apportion(101, [("a", 0), ("b", 1), ("c", 1), ("d", 0)]) == [0, 51, 50, 0]


@given(total=totals, weights=scopes())
def test_zero_weight_units_never_paid(total, weights):
    """Zero-weight units get 0 whatever the leftover."""
    for (_, w), share in zip(weights, apportion(total, weights), strict=True):
        if w == 0:
            assert share == 0


def test_interest_by_balance():
    """Interest is allocated like a cost but by balance in fen (DOMAIN.md section 2)."""
    balances = [("1-101", to_fen("10000.00")), ("1-102", to_fen("5000.00")), ("1-103", 0)]
    assert apportion(to_fen("150.01"), balances) == [10001, 5000, 0]


def test_zero_total_gives_zeros():
    """Nothing to share: every unit gets 0."""
    assert apportion(0, [("a", 5), ("b", 7)]) == [0, 0]


def test_single_unit_takes_all():
    """One unit in scope pays the whole cost."""
    assert apportion(12345, [("1-101", 8950)]) == [12345]


def test_weight_list_can_be_any_sequence_and_tuple():
    """weights may be a tuple of pairs."""
    assert apportion(10, (("a", 1), ("b", 1))) == [5, 5]


@pytest.mark.parametrize(
    ("total", "weights", "message"),
    [
        (100, [], "total weight is zero"),
        (100, [("a", 0), ("b", 0)], "total weight is zero"),
        (-1, [("a", 1)], "negative"),
        (100, [("a", -1), ("b", 2)], "negative"),
        (100, [("a", 1), ("a", 2)], "duplicate unit code 'a'"),
        (100, [("", 1)], "non-empty string"),
        (100, [(7, 1)], "non-empty string"),
        (100, [("a", 1.5)], "must be an int"),
        (100, [("a", True)], "must be an int"),
        (Decimal("1"), [("a", 1)], "total must be an int"),
        (100, ["a"], "pair"),
    ],
)
def test_apportion_rejects_bad_input(total, weights, message):
    """Bad input raises ApportionError (a ValueError) with a one-line message naming it."""
    with pytest.raises(ApportionError, match=message) as info:
        apportion(total, weights)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, ValueError)


def test_large_scope_is_exact():
    """100,000 units: shares still sum exactly (speed is measured in bench/apportion.py)."""
    weights = [(f"{i // 1000}-{i % 1000:04d}", 5000 + (i * 7919) % 9000) for i in range(100_000)]
    shares = apportion(987_654_321, weights)
    assert sum(shares) == 987_654_321
    assert len(shares) == 100_000


# --- to_fen / from_fen ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("0", 0),
        ("0.00", 0),
        ("1", 100),
        ("1.5", 150),
        ("1.05", 105),
        ("123456.78", 12345678),
        ("-0.01", -1),
        ("007.10", 710),
    ],
)
def test_to_fen_strings(text, fen):
    """Yuan strings with at most 2 places convert exactly to fen."""
    assert to_fen(text) == fen


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        (Decimal("123.45"), 12345),
        (Decimal("1.100"), 110),
        (Decimal("1E+2"), 10000),
        (Decimal("-3"), -300),
        (Decimal("1234567890123456789012345678901.23"), 123456789012345678901234567890123),
    ],
)
def test_to_fen_decimals(value, fen):
    """A Decimal is taken by value, exactly, even beyond the context precision."""
    assert to_fen(value) == fen


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1.234", "more than 2 decimal places"),
        ("0.001", "more than 2 decimal places"),
        ("1e2", "plain decimal"),
        ("1E-2", "plain decimal"),
        ("NaN", "plain decimal"),
        ("Infinity", "plain decimal"),
        ("abc", "plain decimal"),
        ("", "plain decimal"),
        (" 1", "plain decimal"),
        ("1.", "plain decimal"),
        (".5", "plain decimal"),
        ("+1", "plain decimal"),
        ("1,000.00", "plain decimal"),
        ("１２", "plain decimal"),
        (Decimal("1.005"), "more than 2 decimal places"),
        (Decimal("NaN"), "not a finite number"),
        (Decimal("Infinity"), "not a finite number"),
        (1.5, "number"),
        (100, "number"),
        (None, "expected a Decimal or a string"),
    ],
)
def test_to_fen_rejects(value, message):
    """to_fen refuses anything that is not an exact amount with at most 2 places."""
    with pytest.raises(ApportionError, match=message):
        to_fen(value)


def test_from_fen():
    """from_fen gives Decimal yuan with exactly 2 places."""
    assert str(from_fen(0)) == "0.00"
    assert str(from_fen(1)) == "0.01"
    assert str(from_fen(-5)) == "-0.05"
    assert str(from_fen(12345678)) == "123456.78"
    assert from_fen(10**40 + 1) == Decimal("100000000000000000000000000000000000000.01")


@pytest.mark.parametrize("value", [1.0, "1", True, Decimal(1)])
def test_from_fen_rejects_non_int(value):
    """from_fen takes an int number of fen only."""
    with pytest.raises(ApportionError, match="fen must be an int"):
        from_fen(value)


@given(st.integers(min_value=-(10**20), max_value=10**20))
def test_fen_round_trip(fen):
    """from_fen and to_fen are exact inverses, through Decimal and through its string."""
    assert to_fen(from_fen(fen)) == fen
    assert to_fen(str(from_fen(fen))) == fen


# --- apportion_json (CLI contract) -------------------------------------------------------


def _request(**overrides):
    data = {
        "amount": "123456.78",
        "basis": "area",
        "units": [
            {"unit": "1-101", "weight": "89.50"},
            {"unit": "1-102", "weight": "89.50"},
            {"unit": "1-201", "weight": "120.00"},
            {"unit": "1-202", "weight": "341"},
        ],
    }
    data.update(overrides)
    return data


def test_apportion_json_contract():
    """Output: total and per-unit yuan strings with 2 places, in input order, exact sum."""
    result = apportion_json(_request())
    assert result["total"] == "123456.78"
    assert [s["unit"] for s in result["shares"]] == ["1-101", "1-102", "1-201", "1-202"]
    amounts = [Decimal(s["amount"]) for s in result["shares"]]
    assert sum(amounts) == Decimal("123456.78")
    assert all(len(s["amount"].split(".")[1]) == 2 for s in result["shares"])
    # 89.50 / 640.00 of 123456.78 = 17264.6597 -> 17264.65 or .66; equal areas, lower code first.
    assert result["shares"][0]["amount"] == "17264.66"
    assert result["shares"][1]["amount"] == "17264.66"


def test_apportion_json_balance_basis():
    """basis 'balance' allocates interest by balance in yuan (Order 165; DOMAIN.md section 2)."""
    result = apportion_json(
        {
            "amount": "0.03",
            "basis": "balance",
            "units": [{"unit": "a", "weight": "100.00"}, {"unit": "b", "weight": "200.00"}],
        }
    )
    assert result == {
        "total": "0.03",
        "shares": [{"unit": "a", "amount": "0.01"}, {"unit": "b", "amount": "0.02"}],
    }


def test_apportion_json_zero_amount_and_extra_keys():
    """A zero amount gives zero shares; unknown extra keys are ignored."""
    result = apportion_json(_request(amount="0", note="ignored"))
    assert result["total"] == "0.00"
    assert {s["amount"] for s in result["shares"]} == {"0.00"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_request(amount="-1.00"), "amount must not be negative"),
        (_request(amount="12.345"), "amount: '12.345' has more than 2 decimal places"),
        (_request(amount="1e5"), "amount: '1e5' is not a plain decimal"),
        (_request(amount="NaN"), "not a plain decimal"),
        (_request(amount=123.45), "JSON string .* not the JSON number 123.45"),
        (_request(amount=100), "not the JSON number 100"),
        (_request(amount=None), "amount must be a JSON string"),
        (_request(basis="volume"), "unknown basis 'volume'"),
        (_request(units=[]), "total weight is zero"),
        (_request(units={"unit": "a"}), "units must be a JSON array"),
        (_request(units=[{"unit": "a", "weight": "0"}]), "total weight is zero"),
        (
            _request(units=[{"unit": "a", "weight": "1"}, {"unit": "a", "weight": "2"}]),
            "duplicate unit code 'a'",
        ),
        (_request(units=[{"unit": "a", "weight": 89.5}]), r"units\[0\]\.weight .* JSON number"),
        (
            _request(units=[{"unit": "a", "weight": "-1"}]),
            r"units\[0\]\.weight must not be negative",
        ),
        (_request(units=[{"unit": "a", "weight": "1.001"}]), "more than 2 decimal places"),
        (_request(units=[{"unit": "a"}]), r"units\[0\]: missing key 'weight'"),
        (_request(units=[{"weight": "1"}]), r"units\[0\]: missing key 'unit'"),
        (_request(units=[{"unit": "", "weight": "1"}]), "non-empty string"),
        (_request(units=["a"]), r"units\[0\] must be a JSON object"),
        ({"basis": "area", "units": []}, "missing key 'amount'"),
        ({"amount": "1", "units": []}, "missing key 'basis'"),
        ({"amount": "1", "basis": "area"}, "missing key 'units'"),
        ([], "input must be a JSON object"),
    ],
)
def test_apportion_json_rejects(data, message):
    """Bad CLI input raises ApportionError with a one-line message naming the problem."""
    with pytest.raises(ApportionError, match=message) as info:
        apportion_json(data)
    assert "\n" not in str(info.value)


@given(total=totals, weights=scopes(max_units=30))
def test_apportion_json_agrees_with_apportion(total, weights):
    """The JSON contract is apportion() on hundredths, formatted as 2-place yuan strings."""
    data = {
        "amount": str(from_fen(total)),
        "basis": "area",
        "units": [{"unit": c, "weight": str(from_fen(w))} for c, w in weights],
    }
    result = apportion_json(data)
    assert [to_fen(s["amount"]) for s in result["shares"]] == apportion(total, weights)
    assert sum(Decimal(s["amount"]) for s in result["shares"]) == Decimal(result["total"])


# --- refill (Art. 17) ----------------------------------------------------------------------


def test_refill_exactly_30_percent_not_due():
    """Art. 17: strictly below 30% -> exactly 30% of the first deposit is not due."""
    assert refill_due(Decimal("3000.00"), Decimal("10000.00")) is False


def test_refill_one_fen_below_30_percent_due():
    """Art. 17: one fen below 30% is due."""
    assert refill_due(Decimal("2999.99"), Decimal("10000.00")) is True


def test_refill_no_rounding_of_the_threshold():
    """The 30% is not rounded to fen: 30% of 0.05 is 0.015, so 0.01 is due and 0.02 is not."""
    assert refill_due(Decimal("0.01"), Decimal("0.05")) is True
    assert refill_due(Decimal("0.02"), Decimal("0.05")) is False


def test_refill_exact_beyond_context_precision():
    """The comparison is exact even for amounts beyond Decimal's default 28 digits."""
    deposit = Decimal("1000000000000000000000000000000.10")
    exactly = Decimal("300000000000000000000000000000.03")
    assert refill_due(exactly, deposit) is False
    assert refill_due(exactly - Decimal("0.01"), deposit) is True


def test_refill_zero_first_deposit_never_due():
    """No first deposit recorded (0): never asked to refill."""
    assert refill_due(Decimal("0.00"), Decimal("0.00")) is False


def test_refill_negative_balance_due():
    """An overdrawn ledger is below the threshold."""
    assert refill_due(Decimal("-1.00"), Decimal("100.00")) is True


def test_refill_custom_threshold():
    """The 30% is a setting: threshold is keyword-only."""
    assert refill_due(Decimal("4999.99"), Decimal("10000.00"), threshold=Decimal("0.5")) is True
    assert refill_due(Decimal("5000.00"), Decimal("10000.00"), threshold=Decimal("0.5")) is False


@pytest.mark.parametrize(
    ("balance", "deposit", "kwargs", "message"),
    [
        (Decimal("1"), Decimal("-1"), {}, "first_deposit must not be negative"),
        (Decimal("NaN"), Decimal("1"), {}, "balance must be a finite Decimal"),
        (1.0, Decimal("1"), {}, "balance must be a finite Decimal"),
        (Decimal("1"), "100", {}, "first_deposit must be a finite Decimal"),
        (Decimal("1"), Decimal("1"), {"threshold": Decimal("1.5")}, "between 0 and 1"),
    ],
)
def test_refill_rejects(balance, deposit, kwargs, message):
    """refill_due refuses non-Decimal or nonsensical input."""
    with pytest.raises(ApportionError, match=message):
        refill_due(balance, deposit, **kwargs)
