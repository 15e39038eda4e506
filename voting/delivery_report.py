"""The delivery of a vote's notice to each party (送达; DOMAIN.md §1 "Participation"): plain rows
in, one record per party out, and the rule of when a party counts as reached. No Django.

Channels and the statuses each can have (``at`` is the time of that status):

==========  ==========================================================================
``portal``  ``seen`` (a member read the in-portal notice; at = read) or ``not_seen`` (at = sent)
``sms``     ``pending``, ``failed`` (at = queued), ``sent`` (handed to the gateway, no receipt;
            at = sent), ``delivered`` or ``undelivered`` (the gateway's receipt; at = receipt)
``email``   ``pending``, ``failed`` (at = queued), ``sent`` (at = sent)
``posted``  ``posted``: the paper notice posted in the estate (at = posted), for every party
``handed``  ``signed``: handed over in person against a signature (at = handed over)
==========  ==========================================================================

The rule (design, docs/voting.md): a party is **reached** when one of its members has seen the
notice in the portal, an SMS to one of them has a delivery receipt, an email to one of them was
sent, or the notice was handed to the party in person. A posting in the estate is recorded in
every party's record but reaches no party by itself: it is the notice to all, and the committee's
list of parties not reached is the list of doors still to knock on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

CHANNELS = ("portal", "sms", "email", "posted", "handed")

#: (channel, status) pairs that reach a party.
REACHING = frozenset(
    {("portal", "seen"), ("sms", "delivered"), ("email", "sent"), ("handed", "signed")}
)


@dataclass(frozen=True)
class PartyRow:
    """A party of the electorate: its id, its name as shown (masked), unit codes, area."""

    party_id: int
    name: str
    units: tuple[str, ...]
    area_centi: int


@dataclass(frozen=True)
class DeliveryEvent:
    """One delivery on one channel. ``party_id`` None: to every party (a posting)."""

    party_id: int | None
    channel: str
    at: datetime | None
    status: str


@dataclass
class PartyRecord:
    party_id: int
    name: str
    units: tuple[str, ...]
    area: Decimal
    deliveries: list[DeliveryEvent] = field(default_factory=list)

    @property
    def reached(self) -> bool:
        return any((d.channel, d.status) in REACHING for d in self.deliveries)

    @property
    def reached_at(self) -> datetime | None:
        times = [d.at for d in self.deliveries if (d.channel, d.status) in REACHING and d.at]
        return min(times) if times else None

    def as_json(self) -> dict:
        return {
            "party": self.name,
            "units": list(self.units),
            "area": str(self.area),
            "reached": self.reached,
            "deliveries": [
                {
                    "channel": d.channel,
                    "at": d.at.isoformat(timespec="seconds") if d.at else None,
                    "status": d.status,
                }
                for d in self.deliveries
            ],
        }


def area_of(area_centi: int) -> Decimal:
    """An area in hundredths of m² as m² with two places (exact)."""
    return (Decimal(area_centi) / 100).quantize(Decimal("0.01"))


def _order(event: DeliveryEvent) -> tuple:
    return (event.at is None, event.at or datetime.min, CHANNELS.index(event.channel))


def party_records(
    parties: Iterable[PartyRow], events: Iterable[DeliveryEvent]
) -> list[PartyRecord]:
    """One record per party, in the order given, each with its deliveries by time (then by
    channel), a posting (``party_id`` None) in every record. An event for a party not among
    ``parties`` is left out. Unknown channels are an error."""
    records = {
        p.party_id: PartyRecord(p.party_id, p.name, tuple(p.units), area_of(p.area_centi))
        for p in parties
    }
    to_all = []
    for event in events:
        if event.channel not in CHANNELS:
            raise ValueError(f"unknown channel {event.channel!r}")
        if event.party_id is None:
            to_all.append(event)
        elif event.party_id in records:
            records[event.party_id].deliveries.append(event)
    for record in records.values():
        record.deliveries.extend(to_all)
        record.deliveries.sort(key=_order)
    return list(records.values())


def not_reached(records: Iterable[PartyRecord]) -> list[PartyRecord]:
    return [r for r in records if not r.reached]


@dataclass(frozen=True)
class Summary:
    parties: int
    reached: int
    by_channel: dict[str, int]

    @property
    def not_reached(self) -> int:
        return self.parties - self.reached


def summary(records: list[PartyRecord]) -> Summary:
    """How many parties are reached, and per channel how many parties it reached."""
    by_channel = {c: 0 for c in CHANNELS}
    for r in records:
        for channel in {d.channel for d in r.deliveries if (d.channel, d.status) in REACHING}:
            by_channel[channel] += 1
    return Summary(
        parties=len(records),
        reached=sum(1 for r in records if r.reached),
        by_channel=by_channel,
    )
