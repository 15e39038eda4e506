"""Read side of issue 17: the canvass list, turnout over time, the public list of voted units.

Nothing here reveals a choice. The canvass list names parties only masked (``mask_name``) and
gives no contact: the registry records no owner's consent to share one (see docs/voting.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.masking import mask_name
from property.registry.models import OwnerParty, PartyKind

from . import turnout
from .models import Ballot, Channel, Vote, VoteElector, VoteElectorUnit, VoteStatus

PERSONAL_KINDS = (PartyKind.PERSON, PartyKind.CO_OWNERS)


def _party_name(party: OwnerParty, members: list[str]) -> str:
    if party.kind not in PERSONAL_KINDS:
        return party.label  # the developer, an organisation: not a person's name
    return "、".join(mask_name(n) for n in members) if members else mask_name(party.label)


def _contact_phone(person) -> str:
    """The phone a canvasser may call: only where the owner allowed it (My property); their
    account's verified phone, else the registry's."""
    if person.contact_allowed_at is None:
        return ""
    user = person.user
    if user is not None and user.phone and user.phone_verified:
        return user.phone
    return person.phone


def canvass_list(vote: Vote) -> list[dict]:
    """The parties of the frozen electorate that have no current ballot, largest area first
    (then by first unit code): the party (for the paper-entry link), its masked name, its
    frozen units (code, area), its area (m², Decimal) and heads (1), and the phones of the
    members who allowed them on canvass lists (masked name and phone)."""
    electors = list(
        VoteElector.objects.filter(vote=vote)
        .exclude(Exists(Ballot.objects.filter(vote=vote, party=OuterRef("party"))))
        .select_related("party")
    )
    if not electors:
        return []
    units: dict[int, list] = {e.pk: [] for e in electors}
    for fu in (
        VoteElectorUnit.objects.filter(elector_id__in=units)
        .select_related("unit__building")
        .order_by("unit__code")
    ):
        units[fu.elector_id].append(fu.unit)
    members: dict[int, list[str]] = {e.party_id: [] for e in electors}
    contacts: dict[int, list[dict]] = {e.party_id: [] for e in electors}
    through = OwnerParty.members.through.objects.filter(ownerparty_id__in=members)
    for row in through.select_related("person__user").order_by("person__name", "person_id"):
        person = row.person
        members[row.ownerparty_id].append(person.name)
        phone = _contact_phone(person)
        if phone:
            contacts[row.ownerparty_id].append({"name": mask_name(person.name), "phone": phone})
    rows = [
        {
            "party": e.party,
            "name": _party_name(e.party, members[e.party_id]),
            "units": units[e.pk],
            "contacts": contacts[e.party_id],
            "area": _m2(e.area_centi),
            "area_centi": e.area_centi,
        }
        for e in electors
    ]
    rows.sort(key=lambda r: (-r["area_centi"], r["units"][0].code if r["units"] else ""))
    return rows


def canvass_buildings(rows: list[dict]) -> list[tuple[str, int]]:
    """The buildings of ``canvass_list`` rows, with how many of the rows have a unit in each,
    in building order: what a canvasser picks to walk one building at a time."""
    counts: dict[str, int] = {}
    for row in rows:
        for code in {u.building.code for u in row["units"]}:
            counts[code] = counts.get(code, 0) + 1
    return sorted(counts.items(), key=lambda item: (len(item[0]), item[0]))


def in_building(rows: list[dict], building: str) -> list[dict]:
    """The rows with a unit in ``building`` (a building code), in their order."""
    return [r for r in rows if any(u.building.code == building for u in r["units"])]


def turnout_rows(vote: Vote) -> list[tuple[datetime, str, int, int]]:
    """One plain row per current ballot: (time cast, channel, 1 head, area in centi-m²)."""
    return [
        (t, channel, 1, area)
        for t, channel, area in Ballot.objects.filter(vote=vote, cast_at__isnull=False).values_list(
            "cast_at", "channel", "area_centi"
        )
    ]


def turnout_over_time(vote: Vote, *, now: datetime | None = None) -> turnout.Series | None:
    """``voting.turnout.series`` of an open (or closed, not yet counted) vote, up to now or
    its close; ``None`` before it opens."""
    if vote.opened_at is None and vote.status != VoteStatus.OPEN:
        return None
    now = now or timezone.now()
    return turnout.series(
        turnout_rows(vote),
        opens_at=vote.opens_at,
        until=min(now, vote.closes_at),
        channels=[c for c in vote.channels if c in Channel.values],
        total_heads=vote.total_heads,
        total_area_centi=vote.total_area_centi,
    )


def voted_units(vote: Vote) -> list[dict]:
    """The frozen units whose party has a current ballot, by unit code: code and area only (no
    name, no choice, no channel, no time). Empty unless the vote chose to list them
    (``Vote.list_voted_units``) and is open."""
    if not vote.list_voted_units or vote.status != VoteStatus.OPEN:
        return []
    voted = Ballot.objects.filter(vote=vote).values("party_id")
    return [
        {"code": code, "area": area}
        for code, area in VoteElectorUnit.objects.filter(vote=vote, elector__party_id__in=voted)
        .order_by("unit__code")
        .values_list("unit__code", "unit__area")
    ]


def _m2(centi: int) -> Decimal:
    return (Decimal(centi) / 100).quantize(Decimal("0.01"))


def _pct(value: int, total: int) -> str:
    tenths = turnout.percent_tenths(value, total)
    return f"{tenths // 10}.{tenths % 10}"


def turnout_view(series: turnout.Series, *, channels: list[str]) -> dict:
    """``series`` as the vote page shows it: a line chart's data (percentages of the frozen
    totals against the 2/3 line, for ``dashboards/charts.js``), the same figures as table rows,
    what is still missing, and the totals per channel. Renders what ``voting.turnout``
    returned; decides nothing."""
    labels = {c.value: c.label for c in Channel}
    daily = len(series.points) > 1 and series.points[1].at - series.points[0].at >= timedelta(
        days=1
    )
    fmt = "%m-%d" if daily else "%m-%d %H:%M"
    rows = []
    for p in series.points:
        local = timezone.localtime(p.at)
        rows.append(
            {
                "at": local,
                "label": local.strftime(fmt),
                "heads": p.heads,
                "area": _m2(p.area_centi),
                "heads_percent": _pct(p.heads, series.total_heads),
                "area_percent": _pct(p.area_centi, series.total_area_centi),
                "by_channel": [p.by_channel.get(c, (0, 0))[0] for c in channels],
            }
        )
    line = _pct(turnout.NUM, turnout.DEN)
    chart = {
        "type": "line",
        "integer": False,
        "headers": [
            str(_("Time")),
            str(_("Heads (%)")),
            str(_("Area (%)")),
            str(_("Two-thirds line (%)")),
        ],
        "rows": [[r["label"], r["heads_percent"], r["area_percent"], line] for r in rows],
    }
    return {
        "chart": chart,
        "rows": rows,
        "channels": [str(labels.get(c, c)) for c in channels],
        "by_channel": [
            {
                "label": labels.get(c, c),
                "heads": series.by_channel.get(c, (0, 0))[0],
                "area": _m2(series.by_channel.get(c, (0, 0))[1]),
            }
            for c in channels
        ],
        "heads": series.heads,
        "area": _m2(series.area_centi),
        "total_heads": series.total_heads,
        "total_area": _m2(series.total_area_centi),
        "heads_needed": series.heads_needed,
        "area_needed": _m2(series.area_needed_centi),
        "missing_heads": series.missing_heads,
        "missing_area": _m2(series.missing_area_centi),
        "heads_met": series.heads_met,
        "area_met": series.area_met,
    }
