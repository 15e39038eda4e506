"""Maintenance-fund arithmetic: apportioning a cost or interest among units, and refills.

Pure standard library; no Django and nothing else from the project.

Rules (see DOMAIN.md section 2):

* Money is ``Decimal`` yuan with 2 places, but every computation here is done in integer
  fen (1 yuan = 100 fen) so that nothing is ever lost to rounding.
* A cost is shared among the units of a scope (an estate, a building, one stairwell) in
  proportion to each unit's exclusive-part area (Measures for the Administration of
  Residential Special Maintenance Funds, MoC/MoF Order 165 (2007), Art. 20-21; Civil Code
  Art. 283). The developer pays the share of its unsold units like any other owner.
* Interest is allocated to the unit ledgers the same way, in proportion to each balance.
* Shares are computed with the largest-remainder (Hamilton) method so that they sum
  exactly to the total; ties go to the larger weight, then the lower unit code (design).
* A unit must be refilled when its balance falls strictly below 30% of its first deposit
  (Order 165 Art. 17).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

__all__ = [
    "ApportionError",
    "apportion",
    "apportion_json",
    "from_fen",
    "refill_due",
    "to_fen",
]

BASES = ("area", "balance")

# Plain decimal notation with at most two decimal places: no exponent, no spaces,
# no leading "+" or ".", no trailing ".".
_HUNDREDTHS_RE = re.compile(r"-?([0-9]+)(?:\.([0-9]{1,2}))?")


class ApportionError(ValueError):
    """Bad input to the fund arithmetic; the message is one line of English naming the problem."""


def _hundredths(value: object, what: str) -> int:
    """Parse a Decimal or a string with at most 2 decimal places into integer hundredths.

    Strings must be plain decimal notation (``"-12.3"``, ``"89.50"``); exponent forms,
    NaN, infinities and more than two decimal places are refused. A ``Decimal`` is taken
    by value: it must be finite and a whole number of hundredths (``Decimal("1.100")`` is
    fine, ``Decimal("1.005")`` is not). Nothing is ever rounded.
    """
    if isinstance(value, str):
        match = _HUNDREDTHS_RE.fullmatch(value)
        if match is None:
            if re.fullmatch(r"-?[0-9]+\.[0-9]{3,}", value):
                raise ApportionError(f"{what}: {value!r} has more than 2 decimal places")
            raise ApportionError(
                f"{what}: {value!r} is not a plain decimal number with at most 2 decimal places"
            )
        units, cents = match.group(1), (match.group(2) or "").ljust(2, "0")
        result = int(units) * 100 + int(cents)
        return -result if value.startswith("-") else result
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ApportionError(f"{what}: {value} is not a finite number")
        # Fraction(Decimal) is exact; Decimal arithmetic would round at the context precision.
        scaled = Fraction(value) * 100
        if scaled.denominator != 1:
            raise ApportionError(f"{what}: {value} has more than 2 decimal places")
        return scaled.numerator
    if isinstance(value, bool | int | float):
        raise ApportionError(
            f"{what}: got the number {value!r}; give a Decimal or a string such as '12.34'"
        )
    raise ApportionError(f"{what}: expected a Decimal or a string, got {type(value).__name__}")


def to_fen(amount: Decimal | str) -> int:
    """Convert yuan (``Decimal`` or decimal string, at most 2 places) to integer fen, exactly.

    ``to_fen("123.45") == 12345``; negative amounts (debits) convert too. Raises
    ``ApportionError`` for more than two decimal places, NaN, infinities, exponent forms
    in strings (``"1E+2"``), floats, and anything non-numeric.
    """
    return _hundredths(amount, "amount")


def from_fen(fen: int) -> Decimal:
    """Convert integer fen to ``Decimal`` yuan with exactly 2 places (``1 -> Decimal("0.01")``)."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise ApportionError(f"fen must be an int, got {type(fen).__name__}")
    # Built from the string form: exact for any size (Decimal.scaleb would round).
    return Decimal(f"{fen}E-2")


def apportion(total_fen: int, weights: Sequence[tuple[str, int]]) -> list[int]:
    """Share ``total_fen`` among units in proportion to their weights; shares in input order.

    ``weights`` is a sequence of ``(unit_code, weight)`` where the weight is a non-negative
    integer: the exclusive-part area in hundredths of m² for a cost (Order 165 Art. 20-21;
    Civil Code Art. 283), or the balance in fen for interest.

    Largest-remainder (Hamilton) method: every unit first gets ``floor(total * w / W)``;
    the fen left over (fewer than the number of units) go one each to the units with the
    largest remainders. Equal remainders go to the larger weight, then to the lower unit
    code in string order (DOMAIN.md section 2, design). The shares sum exactly to the
    total; a zero-weight unit gets 0.

    Raises ``ApportionError`` for a negative total or weight, a non-integer total or
    weight, a duplicate or empty unit code, or a total weight of zero.

    Integer arithmetic and at most one sort of the units holding a remainder: 100,000
    units take a fraction of a second.
    """
    if isinstance(total_fen, bool) or not isinstance(total_fen, int):
        raise ApportionError(f"total must be an int number of fen, got {type(total_fen).__name__}")
    if total_fen < 0:
        raise ApportionError(f"total must not be negative, got {total_fen} fen")

    codes: list[str] = []
    ws: list[int] = []
    seen: set[str] = set()
    for item in weights:
        try:
            code, weight = item
        except (TypeError, ValueError):
            raise ApportionError(f"each weight must be a (unit_code, weight) pair, got {item!r}")
        if not isinstance(code, str) or not code:
            raise ApportionError(f"unit code must be a non-empty string, got {code!r}")
        if code in seen:
            raise ApportionError(f"duplicate unit code {code!r}")
        seen.add(code)
        if isinstance(weight, bool) or not isinstance(weight, int):
            raise ApportionError(
                f"weight of unit {code!r} must be an int (hundredths), got {type(weight).__name__}"
            )
        if weight < 0:
            raise ApportionError(f"weight of unit {code!r} must not be negative, got {weight}")
        codes.append(code)
        ws.append(weight)

    total_weight = sum(ws)
    if total_weight == 0:
        raise ApportionError("total weight is zero: nothing to apportion by")

    shares: list[int] = []
    remainders: list[int] = []
    for w in ws:
        q, r = divmod(total_fen * w, total_weight)
        shares.append(q)
        remainders.append(r)

    leftover = total_fen - sum(shares)
    if leftover:
        # sum(remainders) == leftover * total_weight and each remainder < total_weight,
        # so more than `leftover` units have a remainder: zero-weight units never qualify.
        candidates = [i for i, r in enumerate(remainders) if r]
        candidates.sort(key=lambda i: (-remainders[i], -ws[i], codes[i]))
        for i in candidates[:leftover]:
            shares[i] += 1
    return shares


def _require(data: dict, key: str, where: str) -> object:
    if key not in data:
        raise ApportionError(f"{where}missing key {key!r}")
    return data[key]


def _json_hundredths(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, str):
        if isinstance(value, int | float):
            raise ApportionError(
                f'{what} must be a JSON string such as "12.34", not the JSON number {value!r}'
            )
        raise ApportionError(f"{what} must be a JSON string, got {type(value).__name__}")
    return _hundredths(value, what)


def apportion_json(data: dict) -> dict:
    """Apportion an amount given as JSON-shaped data (the CLI contract).

    Input::

        {"amount": "123456.78", "basis": "area" | "balance",
         "units": [{"unit": "1-101", "weight": "89.50"}, ...]}

    ``amount`` is yuan and ``weight`` is m² (basis ``area``, Order 165 Art. 20-21) or yuan
    (basis ``balance``, interest allocation), both as strings with at most 2 decimals and
    converted to integer hundredths. Output, in input order and summing exactly to the
    total::

        {"total": "123456.78", "shares": [{"unit": "1-101", "amount": "17264.66"}, ...]}

    Raises ``ApportionError`` (one line) for a missing key, a negative or malformed amount
    or weight, JSON numbers where strings are required, an unknown basis, a duplicate unit
    or a zero total weight. Unknown extra keys are ignored.
    """
    if not isinstance(data, dict):
        raise ApportionError(f"input must be a JSON object, got {type(data).__name__}")
    amount = _json_hundredths(_require(data, "amount", ""), "amount")
    if amount < 0:
        raise ApportionError(f"amount must not be negative, got {data['amount']!r}")
    basis = _require(data, "basis", "")
    if basis not in BASES:
        raise ApportionError(f"unknown basis {basis!r}; expected 'area' or 'balance'")
    units = _require(data, "units", "")
    if not isinstance(units, list):
        raise ApportionError(f"units must be a JSON array, got {type(units).__name__}")
    if not units:
        raise ApportionError("units is empty: total weight is zero")

    weights: list[tuple[str, int]] = []
    for n, entry in enumerate(units):
        where = f"units[{n}]"
        if not isinstance(entry, dict):
            raise ApportionError(f"{where} must be a JSON object, got {type(entry).__name__}")
        code = _require(entry, "unit", f"{where}: ")
        if not isinstance(code, str) or not code:
            raise ApportionError(f"{where}.unit must be a non-empty string, got {code!r}")
        weight = _json_hundredths(_require(entry, "weight", f"{where}: "), f"{where}.weight")
        if weight < 0:
            raise ApportionError(f"{where}.weight must not be negative, got {entry['weight']!r}")
        weights.append((code, weight))

    shares = apportion(amount, weights)
    return {
        "total": str(from_fen(amount)),
        "shares": [
            {"unit": code, "amount": str(from_fen(share))}
            for (code, _), share in zip(weights, shares, strict=True)
        ],
    }


def refill_due(
    balance: Decimal, first_deposit: Decimal, *, threshold: Decimal = Decimal("0.30")
) -> bool:
    """Is a refill due? Order 165 Art. 17: balance strictly below 30% of the first deposit.

    The comparison is exact (no rounding of ``first_deposit * threshold``): a balance of
    exactly 30% is not due, one fen less is. A unit with a first deposit of 0 (none was
    ever made) is never due. ``threshold`` is the local setting, between 0 and 1.
    """
    for name, value in (
        ("balance", balance),
        ("first_deposit", first_deposit),
        ("threshold", threshold),
    ):
        if not isinstance(value, Decimal) or not value.is_finite():
            raise ApportionError(f"{name} must be a finite Decimal, got {value!r}")
    if first_deposit < 0:
        raise ApportionError(f"first_deposit must not be negative, got {first_deposit}")
    if not 0 <= threshold <= 1:
        raise ApportionError(f"threshold must be between 0 and 1, got {threshold}")
    if first_deposit == 0:
        return False
    return Fraction(balance) < Fraction(first_deposit) * Fraction(threshold)
