"""Read-side of voting (contracts.md). Nothing here can reveal a choice: choices are sealed until
the vote is counted, and ``final_result`` returns figures only for counted votes."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from property.registry.models import OwnerParty, Ownership
from property.registry.selectors import suspended_account_ids

from .models import (
    RESULT_STATUSES,
    Ballot,
    BallotDispute,
    BoardEntry,
    Channel,
    ProxyAuthorization,
    ProxyStatus,
    Vote,
    VoteElector,
    VoteElectorUnit,
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


def phone_candidates(phone: str) -> set[str]:
    """The ways a mainland mobile number may be stored: as typed and with +86."""
    phone = (phone or "").strip().replace(" ", "").replace("-", "")
    if not phone:
        return set()
    if phone.startswith("+"):
        return {phone}
    return {phone, f"+86{phone}"}


def castable_electors(user, vote: Vote) -> list[VoteElector]:
    """The frozen parties ``user`` may cast for online now (DOMAIN.md §1: a frozen party keeps
    its vote), each with ``party`` loaded and ``successor`` set. One query.

    The user must hold now (through any party) one of the elector's frozen units, and either be
    a member of the frozen party (the owners themselves, as long as they hold one of its units)
    or, once the frozen party holds none of its units any more (all sold during the vote), be
    one of their new holders: ``successor``. Whether a ballot already cast may be replaced is
    ``services.ballot_cast``'s to decide (a seller's ballot stands)."""
    if not user.is_authenticated:
        return []
    held = Ownership.objects.filter(
        end__isnull=True, party__members__user=user, unit__estate_id=vote.estate_id
    ).values("unit_id")
    frozen = VoteElectorUnit.objects.filter(vote=vote, unit_id__in=held).values("elector_id")
    member = OwnerParty.members.through.objects.filter(
        ownerparty_id=OuterRef("party_id"), person__user=user
    )
    holds = VoteElectorUnit.objects.filter(
        elector=OuterRef("pk"),
        unit__ownerships__end__isnull=True,
        unit__ownerships__party_id=OuterRef("party_id"),
    )
    rows = (
        VoteElector.objects.filter(vote=vote, pk__in=frozen)
        .annotate(member=Exists(member), holds=Exists(holds))
        .select_related("party")
        .order_by("pk")
    )
    out = []
    for elector in rows:
        if elector.member or not elector.holds:
            elector.successor = not elector.member
            out.append(elector)
    return out


def frozen_memberships(user, vote: Vote):
    """Electors of the vote whose frozen party has the user as a member (whether or not they
    still hold its units): what "my vote" shows them."""
    if not user.is_authenticated:
        return VoteElector.objects.none()
    return VoteElector.objects.filter(vote=vote, party__members__user=user).select_related("party")


def frozen_unit_codes(elector: VoteElector) -> list[str]:
    return list(
        VoteElectorUnit.objects.filter(elector=elector)
        .order_by("unit__code")
        .values_list("unit__code", flat=True)
    )


def approved_proxies_for(vote: Vote, user):
    """Approved authorizations naming ``user`` (their account, or their phone number when the
    authorization was made before the account existed) that still speak for their owner: the
    owner who signed it still holds one of the party's frozen units and is not suspended."""
    if not user.is_authenticated:
        return ProxyAuthorization.objects.none()
    named = Q(proxy=user)
    if user.phone and user.phone_verified:
        named |= Q(proxy__isnull=True, proxy_phone__in=phone_candidates(user.phone))
    owner_holds = VoteElectorUnit.objects.filter(
        vote=vote,
        elector__party_id=OuterRef("party_id"),
        unit__ownerships__end__isnull=True,
        unit__ownerships__party__members__user_id=OuterRef("requested_by_id"),
    )
    return (
        ProxyAuthorization.objects.filter(named, vote=vote, status=ProxyStatus.APPROVED)
        .filter(Exists(owner_holds))
        .exclude(requested_by_id__in=suspended_account_ids())
        .select_related("party")
    )


def entered_for(vote: Vote, parties) -> list[BoardEntry]:
    """Paper and proxy entries of the given parties' ballots, oldest first, each with
    ``open_dispute``/``dispute`` loaded: what their owners are told about and may dispute."""
    pseudonyms = list(
        VoteElector.objects.filter(vote=vote, party__in=parties).values_list("pseudonym", flat=True)
    )
    if not pseudonyms:
        return []
    entries = list(
        BoardEntry.objects.filter(
            vote=vote,
            channel__in=(Channel.PAPER, Channel.PROXY),
            entry__pseudonym__in=pseudonyms,
        ).order_by("n")
    )
    disputes = {
        d.entry_id: d for d in BallotDispute.objects.filter(entry__in=entries).order_by("filed_at")
    }
    for e in entries:
        e.dispute = disputes.get(e.pk)
    return entries


def board_size(vote: Vote) -> int:
    return BoardEntry.objects.filter(vote=vote).count()
