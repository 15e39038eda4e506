"""Read-side of voting (docs/contracts.md). Nothing here can reveal a choice: choices are sealed until
the vote is counted, and ``final_result`` returns figures only for counted votes."""

from __future__ import annotations

import re
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from portal.core.masking import mask_phone
from property.registry.models import Estate, OwnerParty, Ownership, Person
from property.registry.selectors import suspended_account_ids

from .models import (
    RESULT_STATUSES,
    Ballot,
    BallotDispute,
    BallotDisputeStatus,
    BoardEntry,
    Channel,
    Objection,
    ObjectionStatus,
    ProxyAuthorization,
    ProxyStatus,
    Vote,
    VoteElector,
    VoteElectorUnit,
    VoteStatus,
    VoteTrustee,
    VotingVersion,
)

VISIBLE_TO_OWNERS = (
    VoteStatus.SCHEDULED,
    VoteStatus.OPEN,
    VoteStatus.CLOSED,
    VoteStatus.COUNTED,
    VoteStatus.PUBLICISED,
    VoteStatus.FINAL,
    VoteStatus.SET_ASIDE,
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


# How long a cached figure of votes is kept: any change of a vote's published fields replaces it
# at once (a new version); this only frees the entries of versions gone by.
VOTES_CACHE_SECONDS = 3600
_MISSING = object()


def cached_on_votes(
    key: str, compute, *, seconds: int = VOTES_CACHE_SECONDS, version: str | None = None
):
    """``compute()``'s value, cached under ``key`` and the version of every vote's published
    fields (``VotingVersion``): a hit costs one query (the version; none when the caller read
    it already, ``version``), and the value is computed again after any vote opens, closes, is
    counted, publicised, made final or set aside, in any process. The version is read before
    computing, so a value is never older than its key.

    For values computed from votes only (and from what else ``key`` names); ``compute`` must
    return something the cache can pickle, and never None."""
    full = f"votes:{version or VotingVersion.current()}:{key}"
    value = cache.get(full, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(full, value, seconds)
    return value


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
    """The tally JSON figures once counted (counted, publicised, final or set aside), else
    None. A set-aside result keeps its figures: say so wherever they are shown
    (``set_aside_ruling``)."""
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
    if elector is None or not elector.pseudonym:  # none, or the count erased the link
        return []
    return list(
        BoardEntry.objects.filter(vote=vote, entry__pseudonym=elector.pseudonym).order_by("n")
    )


def area_receipt(vote: Vote, party) -> dict | None:
    """Format 6: what the party's receipt adds to its receipt codes while the vote runs: its
    frozen area and the opening of its published area commitment (64 hex), with which the
    verifier checks that the count weighed the party's ballot with that area
    (``python -m voting.verify --receipt CODE --area A --opening R``). None once the count
    erased the opening, or for a vote of an older format."""
    elector = elector_for(vote, party)
    if elector is None or elector.opening is None:
        return None
    return {"area": elector.area, "opening": bytes(elector.opening).hex()}


def parties_entries(votes, parties) -> dict[tuple[int, int], list[BoardEntry]]:
    """``party_entries`` of every (vote, party) pair in two queries, whatever the number of
    votes and parties: {(vote pk, party pk): its entries, oldest first}; a pair without an
    elector or an entry is missing (read it with ``.get(key, [])``)."""
    vote_ids = [v.pk for v in votes]
    party_ids = [p.pk for p in parties]
    if not vote_ids or not party_ids:
        return {}
    party_of = {
        (vote_id, pseudonym): party_id
        for vote_id, party_id, pseudonym in VoteElector.objects.filter(
            vote_id__in=vote_ids, party_id__in=party_ids, pseudonym__isnull=False
        ).values_list("vote_id", "party_id", "pseudonym")
    }
    if not party_of:
        return {}
    out: dict[tuple[int, int], list[BoardEntry]] = {}
    for entry in BoardEntry.objects.filter(
        vote_id__in={v for v, _p in party_of},
        entry__pseudonym__in={p for _v, p in party_of},
    ).order_by("vote_id", "n"):
        party_id = party_of.get((entry.vote_id, entry.entry.get("pseudonym")))
        if party_id is not None:
            out.setdefault((entry.vote_id, party_id), []).append(entry)
    return out


def phone_candidates(phone: str) -> set[str]:
    """The ways a mainland mobile number may be stored: as typed and with +86."""
    phone = (phone or "").strip().replace(" ", "").replace("-", "")
    if not phone:
        return set()
    if phone.startswith("+"):
        return {phone}
    return {phone, f"+86{phone}"}


_Q = connection.ops.quote_name
_MEMBERS = OwnerParty.members.through._meta.db_table
_OWNERSHIP = Ownership._meta.db_table
_FROZEN = VoteElectorUnit._meta.db_table
# From the user's person (one per account) through the units they hold now to the frozen
# parties of the vote that held those units when it opened. ``member``: the user is a member of
# that party; ``holds``: the party itself still holds one of its frozen units. Plain SQL, like
# the cast's own read (services._ELECTOR_SQL): it runs on every cast, and the ORM's version
# (nested IN and EXISTS subqueries) cost more to build and to plan than to run.
_CASTABLE_SQL = (
    "SELECT DISTINCT e.id, e.party_id, e.pseudonym, e.area_centi, e.units, "  # noqa: S608
    "op.estate_id, op.kind, op.label, op.organisation_id, op.key, "
    f"EXISTS(SELECT 1 FROM {_MEMBERS} m2 WHERE m2.ownerparty_id = e.party_id "
    "AND m2.person_id = p.id), "
    f"(o.party_id = e.party_id OR EXISTS(SELECT 1 FROM {_FROZEN} f2 "
    f"JOIN {_OWNERSHIP} o2 ON o2.unit_id = f2.unit_id AND o2.{_Q('end')} IS NULL "
    "WHERE f2.elector_id = e.id AND o2.party_id = e.party_id)) "
    f"FROM {Person._meta.db_table} p "
    f"JOIN {_MEMBERS} m ON m.person_id = p.id "
    f"JOIN {_OWNERSHIP} o ON o.party_id = m.ownerparty_id AND o.{_Q('end')} IS NULL "
    f"JOIN {_FROZEN} f ON f.unit_id = o.unit_id AND f.vote_id = %s "
    f"JOIN {VoteElector._meta.db_table} e ON e.id = f.elector_id "
    f"JOIN {OwnerParty._meta.db_table} op ON op.id = e.party_id "
    "WHERE p.user_id = %s "
    "ORDER BY e.id"
)


# The same, and the approved authorizations naming the user for this vote, in one statement: a
# cast and the vote page ask both on every request (``cast_options``). ``proxy_named`` in SQL;
# the phone alternative is added when the user's number is verified.
_PROXIES_SQL = (
    "SELECT 1, a.id, a.party_id, NULL, a.requested_by_id, NULL, "  # noqa: S608
    "op.estate_id, op.kind, op.label, op.organisation_id, op.key, NULL, NULL "
    f"FROM {ProxyAuthorization._meta.db_table} a "
    f"JOIN {OwnerParty._meta.db_table} op ON op.id = a.party_id "
    "WHERE a.vote_id = %s AND a.status = %s AND (a.proxy_id = %s{phones})"
)


def _elector(vote, row) -> VoteElector | None:
    """A ``castable_electors`` row as the elector it names, or None if the user may not cast
    for it (neither a member of the frozen party nor, the party having sold, a new holder)."""
    eid, party_id, pseudonym, area, units, estate_id, kind, label, org, key, member, holds = row
    if not (member or not holds):
        return None
    elector = VoteElector(
        pk=eid, vote=vote, party_id=party_id, pseudonym=pseudonym, area_centi=area, units=units
    )
    elector.party = OwnerParty(
        pk=party_id, estate_id=estate_id, kind=kind, label=label, organisation_id=org, key=key
    )
    elector.member, elector.holds = bool(member), bool(holds)
    elector.successor = not member
    return elector


def cast_options(user, vote: Vote) -> tuple[list[VoteElector], list[ProxyAuthorization]]:
    """``(castable_electors(user, vote), approved_proxies_for(vote, user))`` in one query (and
    the proxies' validity query when an authorization names the user, as there)."""
    if not user.is_authenticated:
        return [], []
    phones = sorted(phone_candidates(user.phone)) if user.phone and user.phone_verified else []
    alternative = (
        f" OR (a.proxy_id IS NULL AND a.proxy_phone IN ({', '.join(['%s'] * len(phones))}))"
        if phones
        else ""
    )
    own = _CASTABLE_SQL.replace("SELECT DISTINCT ", "SELECT DISTINCT 0, ", 1).replace(
        " ORDER BY e.id", ""
    )
    sql = f"{own} UNION ALL {_PROXIES_SQL.format(phones=alternative)} ORDER BY 1, 2"
    with connection.cursor() as cursor:
        cursor.execute(sql, [vote.pk, user.pk, vote.pk, ProxyStatus.APPROVED, user.pk, *phones])
        rows = cursor.fetchall()
    electors, found = [], []
    for source, *row in rows:
        if source == 0:
            elector = _elector(vote, row)
            if elector is not None:
                electors.append(elector)
            continue
        pk, party_id, _, requested_by_id, _, estate_id, kind, label, org, key, _, _ = row
        auth = ProxyAuthorization(
            pk=pk,
            vote=vote,
            party_id=party_id,
            requested_by_id=requested_by_id,
            status=ProxyStatus.APPROVED,
        )
        auth.party = OwnerParty(
            pk=party_id, estate_id=estate_id, kind=kind, label=label, organisation_id=org, key=key
        )
        found.append(auth)
    return electors, _still_speaking(vote, found)


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
    with connection.cursor() as cursor:
        cursor.execute(_CASTABLE_SQL, [vote.pk, user.pk])
        rows = cursor.fetchall()
    return [e for e in (_elector(vote, row) for row in rows) if e is not None]


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


def proxy_named(user, prefix: str = "") -> Q:
    """Authorizations naming ``user``: by account, or by their verified phone number when no
    account had it at the time (``prefix`` for a lookup through a relation, e.g. "proxies__")."""
    q = Q(**{f"{prefix}proxy": user})
    if user.phone and user.phone_verified:
        q |= Q(
            **{
                f"{prefix}proxy__isnull": True,
                f"{prefix}proxy_phone__in": phone_candidates(user.phone),
            }
        )
    return q


def approved_proxies_for(vote: Vote, user) -> list[ProxyAuthorization]:
    """Approved authorizations naming ``user`` (their account, or their verified phone number
    when the authorization was made before the account existed) that still speak for their
    owner: the owner who signed it still holds one of the party's frozen units and is not
    suspended. One plain query for the usual case (none); the few found are then checked."""
    if not user.is_authenticated:
        return []
    found = list(
        ProxyAuthorization.objects.filter(proxy_named(user), vote=vote, status=ProxyStatus.APPROVED)
        .select_related("party")
        .order_by("pk")
    )
    return _still_speaking(vote, found)


def _still_speaking(vote: Vote, found: list[ProxyAuthorization]) -> list[ProxyAuthorization]:
    """Those of ``found`` whose owner still holds one of the party's frozen units and is not
    suspended (``approved_proxies_for``); no query when there are none."""
    if not found:
        return []
    owner_holds = VoteElectorUnit.objects.filter(
        vote=vote,
        elector__party_id=OuterRef("party_id"),
        unit__ownerships__end__isnull=True,
        unit__ownerships__party__members__user_id=OuterRef("requested_by_id"),
    )
    valid = set(
        ProxyAuthorization.objects.filter(pk__in=[a.pk for a in found])
        .filter(Exists(owner_holds))
        .exclude(requested_by_id__in=suspended_account_ids())
        .values_list("pk", flat=True)
    )
    return [a for a in found if a.pk in valid]


def entered_for(vote: Vote, parties) -> list[BoardEntry]:
    """Paper and proxy entries of the given parties' ballots, oldest first, each with
    ``open_dispute``/``dispute`` loaded: what their owners are told about and may dispute."""
    pseudonyms = list(
        VoteElector.objects.filter(
            vote=vote, party__in=parties, pseudonym__isnull=False
        ).values_list("pseudonym", flat=True)
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


# --- public lists -------------------------------------------------------------------------------

#: Votes anyone may see listed, with their status: the notice is published (scheduled) or later.
PUBLIC_STATUSES = VISIBLE_TO_OWNERS


def public_votes(estate):
    """The votes of an estate anyone may see listed (never drafts), newest first."""
    return (
        Vote.objects.filter(estate=estate, status__in=PUBLIC_STATUSES)
        .select_related("estate")
        .order_by("-opens_at", "-pk")
    )


def estates_with_public_votes():
    """Estates with at least one public vote, with ``open_count``, ``result_count`` and
    ``vote_count`` annotated, by name."""

    public = Q(votes__status__in=PUBLIC_STATUSES)
    return (
        Estate.objects.annotate(
            vote_count=Count("votes", filter=public),
            open_count=Count("votes", filter=Q(votes__status=VoteStatus.OPEN)),
            result_count=Count("votes", filter=Q(votes__status__in=RESULT_STATUSES)),
        )
        .filter(vote_count__gt=0)
        .select_related("jurisdiction")
        .order_by("name", "pk")
    )


def public_result_votes():
    """Votes whose result is public (counted, publicised, final or set aside)."""
    return Vote.objects.filter(status__in=RESULT_STATUSES, result__isnull=False).select_related(
        "estate"
    )


# --- paper ballot entry: find the party ---------------------------------------------------------

#: "3栋1501", "3幢 1501室", "3#1501", "3 1501", "3-1501": building then room.
_BUILDING_ROOM = re.compile(
    r"^\s*([0-9A-Za-z]+)\s*(?:号楼|栋|幢|楼|#|号|[-\s/])\s*(?:[0-9A-Za-z]+\s*单元\s*)?"
    r"([0-9A-Za-z]+)\s*(?:室|号)?\s*$"
)
_UNIT_ONLY = re.compile(r"[0-9\s#/-]+")
PAPER_SEARCH_LIMIT = 20


def paper_search(vote: Vote, query: str, *, limit: int = PAPER_SEARCH_LIMIT) -> list[dict]:
    """Parties of the vote's frozen electorate matching ``query``: a unit code (or its start),
    a building and room ("3栋1501", "3 1501"), a room number alone, or a name (the party's or
    a member's). Each result: the elector, the party, its frozen units (code, area), its
    area, its members with masked phone and identity (to tell same names apart) and its
    current ballot's board entry, if any. At most ``limit`` parties, by label."""
    query = (query or "").strip()[:60]
    if not query:
        return []
    units = VoteElectorUnit.objects.filter(vote=vote)
    unit_q = Q(unit__code__istartswith=query)
    match = _BUILDING_ROOM.match(query)
    if match:
        unit_q |= Q(unit__building__code__iexact=match.group(1)) & Q(
            unit__code__iendswith="-" + match.group(2)
        )
    if query.isalnum() and query.isascii():
        unit_q |= Q(unit__code__iendswith="-" + query)
    ids = set(units.filter(unit_q).values_list("elector_id", flat=True)[: limit * 5])
    # A query of digits and separators is a unit, never a name: no name look-up for it.
    if len(ids) < limit and not _UNIT_ONLY.fullmatch(query):
        named = VoteElector.objects.filter(vote=vote).filter(
            Q(party__label__icontains=query) | Q(party__members__name__icontains=query)
        )
        ids |= set(named.values_list("pk", flat=True)[: limit * 5])
    electors = list(
        VoteElector.objects.filter(pk__in=ids)
        .select_related("party")
        .order_by("party__label", "pk")[:limit]
    )
    return _describe(vote, electors)


def _describe(vote: Vote, electors: list[VoteElector]) -> list[dict]:
    if not electors:
        return []
    by_id = {e.pk: e for e in electors}
    frozen: dict[int, list] = {e.pk: [] for e in electors}
    for fu in (
        VoteElectorUnit.objects.filter(elector_id__in=by_id)
        .select_related("unit__building")
        .order_by("unit__code")
    ):
        frozen[fu.elector_id].append(fu.unit)
    members: dict[int, list] = {e.party_id: [] for e in electors}
    through = OwnerParty.members.through.objects.filter(ownerparty_id__in=members).select_related(
        "person"
    )
    for row in through.order_by("person__name", "person_id"):
        members[row.ownerparty_id].append(
            {
                "name": row.person.name,
                "phone": mask_phone(row.person.phone),
                "identity": row.person.identity_masked,
            }
        )
    ballots = {
        b.party_id: b.entry
        for b in Ballot.objects.filter(
            vote=vote, party_id__in=[e.party_id for e in electors]
        ).select_related("entry")
    }
    return [
        {
            "elector": e,
            "party": e.party,
            "units": frozen[e.pk],
            "area": e.area,
            "members": members[e.party_id],
            "current": ballots.get(e.party_id),
        }
        for e in electors
    ]


def paper_candidate(vote: Vote, party_id: int) -> dict | None:
    """One party of the vote's frozen electorate as ``paper_search`` describes it, or None."""
    electors = list(
        VoteElector.objects.filter(vote=vote, party_id=party_id).select_related("party")
    )
    found = _describe(vote, electors)
    return found[0] if found else None


# ---- the workbench's lists (portal.workbench) ------------------------------------------------


def pending_proxies(estates):
    """Proxy authorizations awaiting the organiser's approval in these estates' live votes,
    oldest first."""
    return (
        ProxyAuthorization.objects.filter(
            vote__estate__in=estates,
            status=ProxyStatus.PENDING,
            vote__status__in=(VoteStatus.SCHEDULED, VoteStatus.OPEN),
        )
        .select_related("vote__estate")
        .order_by("created_at", "pk")
    )


def result_objections(estates):
    """Objections (any status) to results still in their publicity period in these estates,
    oldest first: what the organising committee reads."""

    return (
        Objection.objects.filter(vote__estate__in=estates, vote__status=VoteStatus.PUBLICISED)
        .select_related("vote__estate")
        .order_by("filed_at", "pk")
    )


def objections_to_rule(queryset_filter_q: Q):
    """Open objections to publicised results, in votes matched by a filter built on
    ``vote__estate__jurisdiction__path`` (e.g. ``scope_q(user, "vote__estate__jurisdiction__path",
    kinds=[street office, bureau])``), oldest first."""

    return (
        Objection.objects.filter(
            queryset_filter_q, status=ObjectionStatus.OPEN, vote__status=VoteStatus.PUBLICISED
        )
        .select_related("vote__estate")
        .order_by("filed_at", "pk")
    )


def set_aside_ruling(vote: Vote):
    """The upheld objection that set the vote's result aside (its ruling and reason), or None."""

    if vote.status != VoteStatus.SET_ASIDE:
        return None
    return (
        Objection.objects.filter(vote=vote, status=ObjectionStatus.UPHELD)
        .order_by("answered_at", "pk")
        .first()
    )


def objections_of(user, vote: Vote):
    """The objections ``user`` filed to this vote, oldest first, with their status and ruling."""

    if not user.is_authenticated:
        return Objection.objects.none()
    return Objection.objects.filter(vote=vote, filed_by=user).order_by("filed_at", "pk")


def open_ballot_disputes(queryset_filter_q: Q):
    """Open disputes of paper or proxy ballots, in votes matched by a filter built on
    ``vote__estate__jurisdiction__path``, oldest first."""

    return (
        BallotDispute.objects.filter(queryset_filter_q, status=BallotDisputeStatus.OPEN)
        .select_related("vote__estate")
        .order_by("filed_at", "pk")
    )


def trustee_duties(user):
    """The user's trusteeships awaiting them (issue 18): a key to make while the vote is a
    draft, or a share to open while the closed vote waits for its count; oldest vote first."""

    if not user.is_authenticated:
        return VoteTrustee.objects.none()
    return (
        VoteTrustee.objects.filter(user=user)
        .filter(
            Q(vote__status=VoteStatus.DRAFT, key_made_at__isnull=True)
            | Q(vote__status=VoteStatus.CLOSED, acted_at__isnull=True)
        )
        .select_related("vote__estate")
        .order_by("vote__closes_at", "vote__pk")
    )


def party_contacts(vote, party_ids) -> tuple[list, list[str]]:
    """Whom to tell about frozen parties of ``vote``: the accounts of their members and of
    whoever holds their frozen units now, and the registry phones (once each) of members
    without an account. Used by the reminders and by the notice of a ballot entered for a
    party."""

    members = Person.objects.filter(parties__pk__in=party_ids).distinct()
    phones = [p.phone for p in members if p.user_id is None and p.phone]
    holders = VoteElectorUnit.objects.filter(vote=vote, elector__party_id__in=party_ids).values(
        "unit_id"
    )
    users = (
        get_user_model()
        .objects.filter(
            Q(person__in=members)
            | Q(
                person__parties__ownerships__end__isnull=True,
                person__parties__ownerships__unit_id__in=holders,
            )
        )
        .distinct()
    )
    return list(users), list(dict.fromkeys(phones))
