"""Turnout over time, against the two-thirds lines (issue 17): pure, no Django.

Turnout is not secret (the choices are): the input is one plain row per party that has a current
ballot, ``(time, channel, heads, area_centi)``, and the frozen totals; the output is what the vote
page draws and tabulates. Areas in centi-m² (integers), as everywhere in ``voting.tally``.

The lines are the participation conditions of ``voting.tally`` (DOMAIN.md §1): owners holding at
least 2/3 of the heads AND at least 2/3 of the area take part. ``needed`` is the least whole
number meeting ``3 * value >= 2 * total``; what is "missing" is how far the count is from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

NUM, DEN = 2, 3  # participation: at least 2/3 (tally._decide, inclusive)


def needed(total: int) -> int:
    """The least ``value`` with ``DEN * value >= NUM * total`` (0 for an empty electorate)."""
    return -(-NUM * total // DEN)


@dataclass(frozen=True)
class Point:
    at: datetime
    heads: int
    area_centi: int
    by_channel: dict[str, tuple[int, int]] = field(default_factory=dict)  # channel: (heads, area)


@dataclass(frozen=True)
class Series:
    points: list[Point]
    total_heads: int
    total_area_centi: int
    heads_needed: int
    area_needed_centi: int
    heads: int
    area_centi: int
    by_channel: dict[str, tuple[int, int]]

    @property
    def missing_heads(self) -> int:
        return max(0, self.heads_needed - self.heads)

    @property
    def missing_area_centi(self) -> int:
        return max(0, self.area_needed_centi - self.area_centi)

    @property
    def heads_met(self) -> bool:
        return self.total_heads > 0 and self.missing_heads == 0

    @property
    def area_met(self) -> bool:
        return self.total_area_centi > 0 and self.missing_area_centi == 0


def step_for(span: timedelta) -> timedelta:
    """Hourly points for a vote open up to two days so far, daily after that."""
    return timedelta(hours=1) if span <= timedelta(days=2) else timedelta(days=1)


def series(
    rows: list[tuple[datetime, str, int, int]],
    *,
    opens_at: datetime,
    until: datetime,
    channels: list[str],
    total_heads: int,
    total_area_centi: int,
) -> Series:
    """Cumulative heads and area at ``opens_at``, every step after it, and ``until`` (now, or the
    close); overall and per channel (each of ``channels``, in that order). A row after ``until``
    is left out; a row before ``opens_at`` counts from the first point."""
    until = max(until, opens_at)
    step = step_for(until - opens_at)
    times = []
    t = opens_at
    while t < until:
        times.append(t)
        t += step
    times.append(until)
    rows = sorted((r for r in rows if r[0] <= until), key=lambda r: r[0])
    points = []
    heads = area = 0
    per = {c: [0, 0] for c in channels}
    i = 0
    for at in times:
        while i < len(rows) and rows[i][0] <= at:
            _t, channel, h, a = rows[i]
            heads += h
            area += a
            slot = per.setdefault(channel, [0, 0])
            slot[0] += h
            slot[1] += a
            i += 1
        points.append(Point(at, heads, area, {c: (v[0], v[1]) for c, v in per.items()}))
    return Series(
        points=points,
        total_heads=total_heads,
        total_area_centi=total_area_centi,
        heads_needed=needed(total_heads),
        area_needed_centi=needed(total_area_centi),
        heads=heads,
        area_centi=area,
        by_channel={c: (v[0], v[1]) for c, v in per.items()},
    )


def percent_tenths(value: int, total: int) -> int:
    """``value`` of ``total`` in tenths of a percent, rounded half up (0 for an empty total)."""
    if total <= 0:
        return 0
    return (2000 * value + total) // (2 * total)
