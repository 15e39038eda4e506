"""Adoption indicators: how far owners' voting on the platform has taken hold (issue 17).

A pure rule module (standard library only): plain rows in, figures out. The dashboards of every
level and the public ``/api/v1/indicators/`` render what ``adoption()`` returns.

Definitions (docs/dashboards.md, "Adoption"):

- **On the platform**: an estate whose registry has been imported (it has at least one unit).
- **The last 12 months**: votes *counted* on or after the same calendar day one year before
  ``today`` (29 February falls back to 28 February), up to ``today``, in local dates.
- **Counted vote**: a vote with a counted result (counted, publicised, final, or set aside).
- **Valid decision**: a counted vote whose stored result says the participation condition was
  met (2/3 of heads and area took part; read from the tally result, never recomputed), so the
  matter was adopted or rejected, and whose result was not set aside on an objection.
  **Estates that reached a valid decision**: estates with at least one such vote in the window.
- **Failed for lack of participation**: a counted vote whose stored result says the
  participation condition was not met (outcome ``invalid``).
- **Median turnout** by heads and by area: the median over the counted votes in the window of
  each vote's participating / total (votes with a zero total are left out), in percent with one
  place, rounded half up; ``None`` when there is no such vote.
- **Share of ballots per channel**: the ballots that stood at the count (one current ballot per
  party, after void entries) of the counted votes in the window, by channel, in percent of all of
  them with one place; ``None`` when there is no ballot.

All arithmetic is exact (integers and ``Fraction``), rounded once at the end.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class EstateRow:
    estate: int
    on_platform: bool


@dataclass(frozen=True, slots=True)
class VoteRow:
    """One counted vote. Areas in centi-m²; ``ballots``: channel -> ballots standing at count."""

    estate: int
    counted_on: date
    participation_met: bool
    set_aside: bool
    heads: int
    total_heads: int
    area: int
    total_area: int
    ballots: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Adoption:
    since: date
    estates: int
    estates_on_platform: int
    estates_with_decision: int
    votes_counted: int
    valid_decisions: int
    failed_participation: int
    median_turnout_heads: Decimal | None
    median_turnout_area: Decimal | None
    ballots: int
    #: (channel, ballots, share %) in the order of ``channels``
    channels: tuple[tuple[str, int, Decimal | None], ...]


def window_start(today: date) -> date:
    """The first day of the last 12 months: the same calendar day a year before ``today``."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 1, day=28)


def percent(value: Fraction | None) -> Decimal | None:
    """A fraction as a percentage with one place, rounded half up, exactly."""
    if value is None:
        return None
    tenths = value * 1000
    rounded = (tenths.numerator * 2 + tenths.denominator) // (2 * tenths.denominator)
    return Decimal(rounded).scaleb(-1)


def _median(shares: list[Fraction]) -> Decimal | None:
    return percent(statistics.median(shares)) if shares else None


def adoption(
    estates: Iterable[EstateRow],
    votes: Iterable[VoteRow],
    *,
    today: date,
    channels: Sequence[str] = ("online", "paper", "proxy"),
) -> Adoption:
    """The adoption indicators of a set of estates and their counted votes (see the module)."""
    estates = list(estates)
    since = window_start(today)
    recent = [v for v in votes if since <= v.counted_on <= today]
    decided = [v for v in recent if v.participation_met and not v.set_aside]
    by_channel = {c: 0 for c in channels}
    for v in recent:
        for channel, n in v.ballots.items():
            by_channel[channel] = by_channel.get(channel, 0) + n
    ballots = sum(by_channel.values())
    return Adoption(
        since=since,
        estates=len(estates),
        estates_on_platform=sum(1 for e in estates if e.on_platform),
        estates_with_decision=len({v.estate for v in decided}),
        votes_counted=len(recent),
        valid_decisions=len(decided),
        failed_participation=sum(1 for v in recent if not v.participation_met),
        median_turnout_heads=_median(
            [Fraction(v.heads, v.total_heads) for v in recent if v.total_heads]
        ),
        median_turnout_area=_median(
            [Fraction(v.area, v.total_area) for v in recent if v.total_area]
        ),
        ballots=ballots,
        channels=tuple(
            (c, n, percent(Fraction(n, ballots)) if ballots else None)
            for c, n in by_channel.items()
        ),
    )
