"""Read-side of voting (contracts.md). Nothing here can reveal a choice: choices are sealed until
the vote is counted, and ``final_result`` returns figures only for counted votes."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from .models import (
    RESULT_STATUSES,
    Ballot,
    BoardEntry,
    Channel,
    ProxyAuthorization,
    ProxyStatus,
    Vote,
    VoteElector,
    VoteStatus,
)

VISIBLE_TO_OWNERS = (
    VoteStatus.SCHEDULED,
    VoteStatus.OPEN,
    VoteStatus.CLOSED,
    VoteStatus.COUNTED,
    VoteStatus.PUBLICISED,
    VoteStatus.FINAL,
    VoteStatus.CANCELLED,
)


def _centi(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(Decimal("0.01"))


def open_votes(estate):
    return Vote.objects.filter(estate=estate, status=VoteStatus.OPEN).order_by("closes_at")


def upcoming_votes(estate):
    """Scheduled votes whose notice is published."""
    return Vote.objects.filter(
        estate=estate, status=VoteStatus.SCHEDULED, notice_at__lte=timezone.now()
    ).order_by("opens_at")


def votes_for_estate(estate, *, include_drafts: bool = False):
    qs = Vote.objects.filter(estate=estate).select_related("estate")
    if not include_drafts:
        qs = qs.filter(status__in=VISIBLE_TO_OWNERS)
    return qs


def votes_in_scope(queryset_filter_q: Q):
    """Votes whose estate node matches a filter built on ``estate__jurisdiction__path`` (e.g.
    ``portal.permissions.scope_q(user, "estate__jurisdiction__path")``)."""
    return Vote.objects.filter(queryset_filter_q).select_related("estate")


def turnout(vote: Vote) -> dict:
    """Heads and area (m², Decimal) of the parties that voted so far, and the frozen totals.
    Never by choice."""
    agg = Ballot.objects.filter(vote=vote).aggregate(heads=Count("pk"), area=Sum("area_centi"))
    return {
        "heads": agg["heads"] or 0,
        "area": _centi(agg["area"] or 0),
        "total_heads": vote.total_heads,
        "total_area": _centi(vote.total_area_centi),
    }


def channel_totals(vote: Vote) -> list[dict]:
    """Per-channel heads and area of current ballots (not choices), for the committee."""
    rows = {
        r["channel"]: r
        for r in Ballot.objects.filter(vote=vote)
        .values("channel")
        .annotate(heads=Count("pk"), area=Sum("area_centi"))
    }
    return [
        {
            "channel": c.value,
            "label": c.label,
            "heads": rows.get(c.value, {}).get("heads", 0),
            "area": _centi(rows.get(c.value, {}).get("area") or 0),
        }
        for c in Channel
        if c.value in vote.channels
    ]


def final_result(vote: Vote) -> dict | None:
    """The tally JSON figures once counted (counted, publicised or final), else None."""
    if vote.status in RESULT_STATUSES and vote.result is not None:
        return vote.result
    return None


def elector_for(vote: Vote, party) -> VoteElector | None:
    return VoteElector.objects.filter(vote=vote, party=party).first()


def ballot_of(vote: Vote, party) -> Ballot | None:
    return Ballot.objects.select_related("entry").filter(vote=vote, party=party).first()


def party_entries(vote: Vote, party) -> list[BoardEntry]:
    """Every board entry of a party in a vote (its receipts), oldest first."""
    elector = elector_for(vote, party)
    if elector is None:
        return []
    return list(
        BoardEntry.objects.filter(vote=vote, entry__pseudonym=elector.pseudonym).order_by("n")
    )


def approved_proxies_for(vote: Vote, user):
    return ProxyAuthorization.objects.filter(
        vote=vote, proxy=user, status=ProxyStatus.APPROVED
    ).select_related("party")


def board_size(vote: Vote) -> int:
    return BoardEntry.objects.filter(vote=vote).count()
