"""Bounds on the maintenance fund's money (DOMAIN.md §2 "Bounds"), in integer fen.

Pure standard library; no Django and nothing else from the project but ``apportion``.

* ``parse_amount``: a money input is a ``Decimal``, a plain decimal string or an ``int``;
  finite, at most two decimal places, more than zero and at most a maximum. Anything else is
  refused with an ``AmountError`` whose ``code`` says why (the caller words the message).
* ``committed_by_unit``: what decided projects that are not yet debited will take from each
  unit: their cost shared by area with the fund's own rule (``apportion``), or the shares
  already publicised.
* ``position``: what the ledgers of a scope hold, what other projects have committed there,
  and what is available. A request's estimate, its advance and its final cost may not exceed
  what is available (design: there is no overdraft; owners who want to spend more raise the
  fund first).
* ``shortfalls``: the units whose share would take their ledger below zero, with the amount
  short, for the reviewer to see before approving.
* ``cash_overdrafts``: replaying the money that came into an estate's fund and the money paid
  out of it (advances, settlements) in time order; every payment that left less than nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from .apportion import apportion

__all__ = [
    "AmountError",
    "Position",
    "Shortfall",
    "cash_overdrafts",
    "committed_by_unit",
    "parse_amount",
    "position",
    "shortfalls",
]

# Plain decimal notation: digits, optionally a point and digits; an optional sign.
_PLAIN = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


class AmountError(ValueError):
    """A money input refused. ``code`` is one of ``"format"`` (not a finite decimal number),
    ``"places"`` (more than two decimal places), ``"not_positive"`` and ``"too_large"``."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def parse_amount(value: object, *, maximum_fen: int) -> int:
    """The amount in integer fen, or ``AmountError``.

    Accepts a ``Decimal``, an ``int`` (not a ``bool``) or a string in plain decimal notation
    (surrounding spaces ignored; no exponent, no thousands separators). Floats are refused:
    they cannot hold most amounts exactly. The checks run in this order: a finite number,
    at most two decimal places, more than zero, at most ``maximum_fen``.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise AmountError("format")
    if isinstance(value, str):
        text = value.strip()
        if not _PLAIN.fullmatch(text):
            raise AmountError("format")
        value = Decimal(text)
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        raise AmountError("format")
    if not number.is_finite():
        raise AmountError("format")
    scaled = Fraction(number) * 100  # exact, whatever the size
    if scaled.denominator != 1:
        raise AmountError("places")
    fen = scaled.numerator
    if fen <= 0:
        raise AmountError("not_positive")
    if fen > maximum_fen:
        raise AmountError("too_large")
    return fen


def committed_by_unit(
    projects: Iterable[tuple[int, Sequence[tuple[str, int]]]],
    shared: Iterable[Sequence[tuple[str, int]]] = (),
) -> dict[str, int]:
    """Fen committed per unit code by decided projects not yet debited.

    ``projects``: ``(cost_fen, [(unit_code, area_hundredths), ...])`` for a project whose
    shares are not fixed yet: its cost is shared by area (largest remainder, as the debit
    will be). ``shared``: ``[(unit_code, share_fen), ...]`` of a project whose shares are
    publicised. Units of several projects add up.
    """
    out: dict[str, int] = {}
    for cost, weights in projects:
        if not weights or cost <= 0 or not any(w for _, w in weights):
            continue
        for (code, _), share in zip(weights, apportion(cost, list(weights)), strict=True):
            out[code] = out.get(code, 0) + share
    for shares in shared:
        for code, share in shares:
            out[code] = out.get(code, 0) + share
    return out


@dataclass(frozen=True)
class Position:
    """A scope's ledgers: ``held`` (sum of balances), ``committed`` (to other decided
    projects), ``available`` = held − committed. Fen."""

    held: int
    committed: int

    @property
    def available(self) -> int:
        return self.held - self.committed


def position(balances: dict[str, int], committed: dict[str, int]) -> Position:
    """The position of a scope whose units' balances (fen) are ``balances``."""
    return Position(
        held=sum(balances.values()),
        committed=sum(committed.get(code, 0) for code in balances),
    )


@dataclass(frozen=True)
class Shortfall:
    """A unit whose share is more than its ledger can pay: fen."""

    unit: str
    balance: int
    committed: int
    share: int

    @property
    def short(self) -> int:
        return self.share - (self.balance - self.committed)


def shortfalls(
    shares: Sequence[tuple[str, int]], balances: dict[str, int], committed: dict[str, int]
) -> list[Shortfall]:
    """Every unit whose ``share`` exceeds its balance less what other projects committed, in
    the order of ``shares``. A unit with no ledger has a balance of 0."""
    out = []
    for code, share in shares:
        row = Shortfall(code, balances.get(code, 0), committed.get(code, 0), share)
        if share and row.short > 0:
            out.append(row)
    return out


def cash_overdrafts(
    money_in: Iterable[tuple[object, int]], paid_out: Iterable[tuple[object, int, object]]
) -> list[tuple[object, int, int, object]]:
    """Replay an estate's fund in time order and return each payment that overdrew it.

    ``money_in``: ``(when, fen)``, money booked into the unit ledgers (deposits, refills,
    interest and their corrections; not debits, which move no cash). ``paid_out``:
    ``(when, fen, label)``, money paid out of the fund (advances and settlements; a negative
    settlement is a refund). Money booked at the same instant as a payment counts as there.
    Returns ``(when, fen paid, fen held just before, label)`` for every payment after which
    the fund held less than nothing.
    """
    events = sorted(
        [(when, 0, fen, None) for when, fen in money_in]
        + [(when, 1, -fen, label) for when, fen, label in paid_out],
        key=lambda e: (e[0], e[1]),
    )
    held = 0
    out = []
    for when, is_payment, fen, label in events:
        before = held
        held += fen
        if is_payment and held < 0 and fen < 0:
            out.append((when, -fen, before, label))
    return out
