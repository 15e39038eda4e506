"""Reads: the delivery of a vote's notice to each party of its electorate (送达).

``delivery_records(vote)`` joins the electronic channels (the in-portal notices of the vote
linked by ``VoteNotice``, and their email and SMS deliveries) with the manual ones (the notice
posted in the estate, handed over in person) and gives them to the pure rule
(``voting.delivery_report``), which says for each party what reached it and when.

The electorate is the frozen one once the vote is open (``VoteElector``); before that, the
parties holding units of the estate now (what opening would freeze).
"""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from portal.core.masking import mask_label
from portal.notifications.models import Delivery
from property.registry.models import OwnerParty, PartyKind
from property.registry.selectors import current_ownerships, electorate_rows

from . import tally
from .delivery_report import (
    DeliveryEvent,
    PartyRecord,
    PartyRow,
    not_reached,
    party_records,
    summary,
)
from .models import (
    NoticeHandover,
    NoticePosting,
    Vote,
    VoteElector,
    VoteElectorUnit,
    VoteNotice,
)


def shown_name(kind: str, label: str) -> str:
    """A party's name as the delivery record shows it: a person's or co-owners' masked, a
    developer's or organisation's as it is (not a person's name)."""
    if kind in (PartyKind.PERSON, PartyKind.CO_OWNERS):
        return mask_label(label)
    return label


def _local(t):
    return timezone.localtime(t) if t else None


def electorate_parties(vote: Vote) -> list[PartyRow]:
    """The parties of the vote's electorate, ordered by their first unit code, each with its
    masked name, unit codes and area."""
    units: dict[int, list[str]] = defaultdict(list)
    areas: dict[int, int] = {}
    if vote.opened_at is not None:
        frozen = VoteElectorUnit.objects.filter(vote=vote).values_list(
            "elector__party_id", "unit__code"
        )
        for party, code in frozen:
            units[party].append(code)
        areas = dict(VoteElector.objects.filter(vote=vote).values_list("party_id", "area_centi"))
    else:
        rows = electorate_rows(vote.estate)
        for code, _area, party in rows:
            units[party].append(code)
        areas = {
            int(p): a
            for p, a in tally.party_areas((str(p), int(a * 100)) for _, a, p in rows).items()
        }
    labels = {
        pk: (kind, label)
        for pk, kind, label in OwnerParty.objects.filter(pk__in=areas).values_list(
            "pk", "kind", "label"
        )
    }
    parties = [
        PartyRow(
            party_id=party,
            name=shown_name(*labels.get(party, ("", ""))),
            units=tuple(sorted(units[party])),
            area_centi=area,
        )
        for party, area in areas.items()
    ]
    parties.sort(key=lambda p: (p.units[:1], p.party_id))
    return parties


def _member_accounts(party_ids) -> dict[int, list[int]]:
    """account id → its party ids, for the member accounts of the given parties."""
    through = OwnerParty.members.through
    rows = through.objects.filter(
        ownerparty_id__in=party_ids, person__user_id__isnull=False
    ).values_list("person__user_id", "ownerparty_id")
    out: dict[int, list[int]] = defaultdict(list)
    for user, party in rows:
        out[user].append(party)
    return out


def delivery_events(vote: Vote, parties: list[PartyRow]) -> list[DeliveryEvent]:
    """Every delivery of the vote's notice, as plain events per party (times in Asia/Shanghai)."""
    accounts = _member_accounts([p.party_id for p in parties])
    events: list[DeliveryEvent] = []
    notices = VoteNotice.objects.filter(vote=vote).values_list(
        "notification__recipient_id", "notification__created_at", "notification__read_at"
    )
    for recipient, created, read in notices:
        for party in accounts.get(recipient, ()):
            if read:
                events.append(DeliveryEvent(party, "portal", _local(read), "seen"))
            else:
                events.append(DeliveryEvent(party, "portal", _local(created), "not_seen"))
    deliveries = Delivery.objects.filter(notification__vote_notice__vote=vote).values_list(
        "notification__recipient_id",
        "channel",
        "status",
        "created_at",
        "sent_at",
        "receipt",
        "receipt_at",
    )
    for recipient, channel, status, created, sent, receipt, receipt_at in deliveries:
        if receipt:
            status, at = receipt, receipt_at
        elif status == "sent":
            at = sent
        else:
            at = created
        for party in accounts.get(recipient, ()):
            events.append(DeliveryEvent(party, channel, _local(at), status))
    for posted_at in NoticePosting.objects.filter(vote=vote).values_list("posted_at", flat=True):
        events.append(DeliveryEvent(None, "posted", _local(posted_at), "posted"))
    handed = NoticeHandover.objects.filter(vote=vote).values_list("party_id", "handed_at")
    for party, handed_at in handed:
        events.append(DeliveryEvent(party, "handed", _local(handed_at), "signed"))
    return events


def delivery_records(vote: Vote) -> list[PartyRecord]:
    """One record per party of the electorate: its deliveries and whether it is reached."""
    parties = electorate_parties(vote)
    return party_records(parties, delivery_events(vote, parties))


def delivery_overview(vote: Vote) -> dict:
    """What the committee's page shows: the records, those not reached, the summary, the
    postings and the handovers recorded."""
    records = delivery_records(vote)
    return {
        "records": records,
        "not_reached": not_reached(records),
        "summary": summary(records),
        "postings": list(NoticePosting.objects.filter(vote=vote).select_related("recorded_by")),
        "handovers": list(NoticeHandover.objects.filter(vote=vote).select_related("recorded_by")),
    }


def electorate_party(vote: Vote, party_id: int) -> PartyRow | None:
    """The party of the vote's electorate with that id (frozen once open; before, a party
    holding units of the estate now), or None."""
    if vote.opened_at is not None:
        elector = VoteElector.objects.filter(vote=vote, party_id=party_id).first()
        if elector is None:
            return None
        codes = VoteElectorUnit.objects.filter(elector=elector).values_list("unit__code", flat=True)
        area = elector.area_centi
    else:
        rows = current_ownerships(vote.estate).filter(party_id=party_id)
        pairs = list(rows.values_list("unit__code", "unit__area"))
        if not pairs:
            return None
        codes = [code for code, _a in pairs]
        area = sum(tally.party_areas((str(party_id), int(a * 100)) for _c, a in pairs).values())
    kind, label = OwnerParty.objects.filter(pk=party_id).values_list("kind", "label").first() or (
        "",
        "",
    )
    return PartyRow(party_id, shown_name(kind, label), tuple(sorted(codes)), area)
