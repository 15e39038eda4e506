"""Named domain operations of owner e-voting (DOMAIN.md §1). The mutating core.

Every function takes keyword-only arguments, runs in ``transaction.atomic``, checks the state
it needs (raising ``VoteError``, a ``portal.core.errors.DomainError`` with a message in the user's language, and
writing nothing) and appends one audit event (``voting.*``) without personal data.

Who may call them is decided by the views (``voting.rules``); the worker calls the time-driven
transitions (``voting.tasks.advance_votes``). ``now`` defaults to ``timezone.now()``; passing it
lets the demo data and the tests put events in the past.

Locks
-----
- Lifecycle transitions lock the vote row (``select_for_update``).
- Casting reads the party's frozen weights and current ballot in one query, seals the choice,
  and only then locks the vote's ``BoardCounter`` row, briefly: under it the entry's ``n`` and
  time are assigned, the entry is appended and the current ``Ballot`` is written, and the
  transaction commits. The write is optimistic: a new ballot meets the ``(vote, party)``
  UniqueConstraint, a change updates the ballot only if it still points at the entry that was
  read; if another request cast for the party in between, everything is rolled back and the
  cast is decided again once on fresh data. Closing takes the same lock and marks the counter
  row closed, so no ballot lands after close (a cast that waited for the lock sees the mark).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import uuid
from collections.abc import Callable, Iterable
from contextlib import closing
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from portal.audit import log_event
from portal.audit.models import AuditEvent
from portal.core.errors import DomainError
from portal.core.links import absolute_reverse
from portal.core.objections import (
    objection_check_window,
    objection_clean_text,
    objection_record_answer,
    objection_require_open,
)
from portal.core.uploads import extension, private_storage
from portal.notifications.models import Delivery, Notification
from property.registry.models import SUSPENDING, ClaimDispute, Estate, OwnerParty, Ownership
from property.registry.selectors import electorate_units, suspended_account_ids

from . import board, commitments, keys, notifications, trustees
from .board_format import (
    CHOICES,
    COMMITTED_FORMATS,
    FORMAT,
    TRUSTEE_FORMATS,
    BoardInconsistent,
    b64,
    board_time,
    committed_electorate_json,
    electorate_json,
    entry_hash,
    make_entry,
    manifest_hash,
    read_board,
    result_with_openings,
    seal_for_entry,
)
from .merkle import MerkleTree
from .models import (
    ALL_CHANNELS,
    CANCEL_REASON_MAX_CHARS,
    VOID,
    Ballot,
    BallotDispute,
    BallotDisputeStatus,
    BoardCounter,
    BoardElector,
    BoardEntry,
    Channel,
    Objection,
    ObjectionStatus,
    PaperBallot,
    ProxyAuthorization,
    ProxyStatus,
    TreeHead,
    Vote,
    VoteAttachment,
    VoteElector,
    VoteElectorUnit,
    VoteStatus,
    VoteTrustee,
)
from .sealing import (
    ChoiceOpener,
    ballot_context,
    generate_vote_keypair,
    party_pseudonym,
    receipt_code,
    unwrap_private_key,
    vote_public_key,
    wrap_private_key,
)
from .selectors import approved_proxies_for, phone_candidates
from .signals import vote_finalised, vote_set_aside
from .tally import (
    Choice,
    Weight,
    count_choices,
    format_area,
    party_areas,
    result_to_json,
    rule_for,
    tally_counts,
)

CHOICE_VALUES = frozenset(c.value for c in Choice)
log = logging.getLogger(__name__)


class VoteError(DomainError):
    """A refused operation; ``messages[0]`` (and ``str(exc)``) is the reason in the user's
    language."""

    default_code = "vote"


def _setting(name: str) -> int:
    return int(settings.GONGZHI[name])


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _locked(vote: Vote) -> Vote:
    locked = Vote.objects.select_for_update().get(pk=vote.pk)
    vote.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return vote


def _require(vote: Vote, *statuses: str) -> None:
    if vote.status not in statuses:
        raise VoteError(
            _("This is not possible while the vote is %(status)s."),
            params={"status": vote.get_status_display()},
            code="bad_state",
        )


def _wrap_context(vote: Vote, purpose: str = "") -> bytes:
    """Associated data of what is wrapped under the board key for ``vote``: its private key
    (no purpose), its pseudonym secret, its dispute links' key."""
    return f"vote:{vote.board_id}".encode() + (f":{purpose}".encode() if purpose else b"")


# --- creating and scheduling -------------------------------------------------------------------


def vote_create(
    *,
    actor,
    estate: Estate,
    title: str,
    matter: int,
    motion: str,
    opens_at: datetime,
    closes_at: datetime,
    notice_at: datetime | None = None,
    allow_change: bool = True,
    channels: Iterable[str] = ALL_CHANNELS,
    concerns=None,
    list_voted_units: bool = False,
) -> Vote:
    """Create a DRAFT vote. Preconditions: matter 1..9, closes after opens, channels a non-empty
    subset of online/paper/proxy; ``concerns``, if given, is the estate's property company or
    owners' committee (the organisation the motion names: it may not verify claims while the
    vote is scheduled or open). The caller has checked ``voting.create_vote``."""
    channels = _checked_fields(
        estate=estate,
        matter=matter,
        channels=channels,
        opens_at=opens_at,
        closes_at=closes_at,
        title=title,
        motion=motion,
        concerns=concerns,
    )
    with transaction.atomic():
        vote = Vote.objects.create(
            estate=estate,
            title=title.strip(),
            matter=matter,
            motion=motion,
            opens_at=opens_at,
            closes_at=closes_at,
            notice_at=notice_at,
            allow_change=allow_change,
            channels=channels,
            concerns=concerns,
            list_voted_units=bool(list_voted_units),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        log_event(actor=actor, action="voting.created", obj=vote, details={"matter": int(matter)})
    return vote


def vote_update_draft(
    *,
    actor,
    vote: Vote,
    title: str,
    matter: int,
    motion: str,
    opens_at: datetime,
    closes_at: datetime,
    notice_at: datetime | None = None,
    allow_change: bool = True,
    channels: Iterable[str] = ALL_CHANNELS,
    concerns=None,
    list_voted_units: bool = False,
) -> Vote:
    """Edit a DRAFT vote: the same fields and checks as ``vote_create``. Preconditions: the
    vote is still a draft (once scheduled, its notice is published and it cannot change:
    refused with code ``bad_state``). The caller has checked ``voting.manage_vote``."""
    channels = _checked_fields(
        estate=vote.estate,
        matter=matter,
        channels=channels,
        opens_at=opens_at,
        closes_at=closes_at,
        title=title,
        motion=motion,
        concerns=concerns,
    )
    with transaction.atomic():
        _locked(vote)
        _require(vote, VoteStatus.DRAFT)
        changed = []
        new = {
            "title": title.strip(),
            "matter": int(matter),
            "motion": motion,
            "opens_at": opens_at,
            "closes_at": closes_at,
            "notice_at": notice_at,
            "allow_change": bool(allow_change),
            "channels": channels,
            "concerns_id": concerns.pk if concerns is not None else None,
            "list_voted_units": bool(list_voted_units),
        }
        for field, value in new.items():
            if getattr(vote, field) != value:
                setattr(vote, field, value)
                changed.append(field.removesuffix("_id"))
        if changed:
            vote.save(update_fields=changed)
            log_event(
                actor=actor, action="voting.draft_edited", obj=vote, details={"fields": changed}
            )
    return vote


def _checked_fields(
    *, estate, matter, channels, opens_at, closes_at, title, motion, concerns
) -> list[str]:
    """The checks a new or edited draft passes (``VoteError`` otherwise); returns its channels
    in the board's order."""
    try:
        rule_for(matter)
    except ValueError:
        raise VoteError(_("The matter must be one of 1 to 9."), code="matter") from None
    channels = [c for c in ALL_CHANNELS if c in set(channels)]
    if not channels:
        raise VoteError(_("Allow at least one channel."), code="channels")
    if closes_at <= opens_at:
        raise VoteError(_("The vote must close after it opens."), code="times")
    if not title.strip() or not motion.strip():
        raise VoteError(_("A vote needs a title and a motion."), code="text")
    if concerns is not None and concerns.pk not in _estate_organisations(estate):
        raise VoteError(
            _("A vote can name only the estate's property company or owners' committee."),
            code="concerns",
        )
    return channels


def _estate_organisations(estate: Estate) -> set[int]:
    """The organisations that verify claims in the estate: its company and its committee."""
    committee = estate.owners_committee()
    return {pk for pk in (estate.company_id, committee.pk if committee else None) if pk}


def attachment_add(*, actor, vote: Vote, file, title: str = "") -> VoteAttachment:
    """Attach a file to a draft or scheduled vote's motion."""
    with transaction.atomic():
        _locked(vote)
        _require(vote, VoteStatus.DRAFT, VoteStatus.SCHEDULED)
        att = VoteAttachment(vote=vote, file=file, title=title)
        att.full_clean()
        att.save()
        log_event(actor=actor, action="voting.attachment_added", obj=vote, details={})
    return att


def vote_schedule(*, actor, vote: Vote, now: datetime | None = None) -> Vote:
    """draft → scheduled: publishes the notice (at ``notice_at`` if later, else now). The vote
    must open at least ``VOTE_NOTICE_DAYS`` after the notice."""
    now = _now(now)
    with transaction.atomic():
        _locked(vote)
        _require(vote, VoteStatus.DRAFT)
        notice_at = max(vote.notice_at or now, now)
        days = _setting("VOTE_NOTICE_DAYS")
        if vote.opens_at < notice_at + timedelta(days=days):
            raise VoteError(
                _("The notice must be published at least %(days)s days before the vote opens."),
                params={"days": days},
                code="notice",
            )
        _require_trustee_keys(vote)
        vote.notice_at = notice_at
        vote.status = VoteStatus.SCHEDULED
        vote.save(update_fields=["notice_at", "status"])
        log_event(actor=actor, action="voting.scheduled", obj=vote, details={})
        notifications.tell_owners(vote, "scheduled", now=notice_at)
    return vote


def vote_cancel(*, actor, vote: Vote, reason: str, now: datetime | None = None) -> Vote:
    """draft/scheduled → cancelled, with a reason, before the vote opens."""
    now = _now(now)
    reason = (reason or "").strip()
    if not reason:
        raise VoteError(_("Give a reason for cancelling."), code="reason")
    if len(reason) > CANCEL_REASON_MAX_CHARS:
        raise VoteError(
            _("A reason holds at most %(limit)d characters.") % {"limit": CANCEL_REASON_MAX_CHARS},
            code="too_long",
        )
    with transaction.atomic():
        _locked(vote)
        _require(vote, VoteStatus.DRAFT, VoteStatus.SCHEDULED)
        if now >= vote.opens_at and vote.status == VoteStatus.SCHEDULED:
            raise VoteError(_("A vote cannot be cancelled once it has opened."), code="opened")
        vote.status = VoteStatus.CANCELLED
        vote.cancel_reason = reason
        vote.save(update_fields=["status", "cancel_reason"])
        log_event(actor=actor, action="voting.cancelled", obj=vote, details={})
    return vote


# --- opening: freeze the electorate, make the keys ---------------------------------------------


def vote_open(
    *,
    vote: Vote,
    actor=None,
    now: datetime | None = None,
    notify: bool = True,
    bulk_load: Callable | None = None,
    commit_all: Callable | None = None,
) -> Vote:
    """scheduled → open, at or after ``opens_at``. Freezes the electorate (one ``VoteElector``
    per owner party currently holding units, with its summed area and unit count; totals on the
    vote), makes the vote's X25519 key pair (private key stored only wrapped), the board counter
    and the manifest hash; then emails the verified owners. Each elector's units are frozen
    with it (``VoteElectorUnit``): whoever holds them later may cast for the party, see
    ``voting.selectors.castable_electors``.

    ``bulk_load(model, columns, rows)``, when given, loads the frozen electorate instead of
    ``bulk_create`` (the city generator passes PostgreSQL COPY): the same rows, faster.
    ``commit_all(pairs)``, when given, makes the area commitments instead of
    ``commitments.commit_all`` (the generator passes one that spreads them over its cores):
    the same list of commitments, in order."""
    now = _now(now)
    with transaction.atomic():
        _locked(vote)
        _require(vote, VoteStatus.SCHEDULED)
        if now < vote.opens_at:
            raise VoteError(_("The vote does not open yet."), code="early")
        rows = electorate_units(vote.estate)
        areas = party_areas((str(party), int(area * 100)) for _, area, party in rows)
        units: dict[str, int] = {}
        for _unit, _area, party in rows:
            units[str(party)] = units.get(str(party), 0) + 1
        # The vote's own pseudonym secret (issue 18): held wrapped under the board key until
        # the count erases it, so that after the count no secret recomputes the pseudonyms.
        secret = os.urandom(32)
        vote.pseudonym_secret_wrapped = wrap_private_key(
            secret, keys.wrapping_key(), context=_wrap_context(vote, "pseudonym")
        )
        # (pseudonym, party, area, units) as plain tuples, in party order: the rows' ids must
        # not follow the pseudonyms' order, which the export's electorate publishes (the ids
        # would name each published pseudonym's party).
        frozen = sorted(
            (
                (party_pseudonym(secret, vote.board_id, party), int(party), area, units[party])
                for party, area in areas.items()
            ),
            key=lambda row: row[1],
        )
        del secret
        # Format 6: each party's area behind a Pedersen commitment (docs/board.md "Areas behind
        # commitments"); the opening is kept for the voter's receipt until the count.
        committed = FORMAT in COMMITTED_FORMATS
        hidden = {}
        if committed:
            openings = [commitments.random_opening() for _row in frozen]
            made = (commit_all or commitments.commit_all)(
                [(row[2], opening) for row, opening in zip(frozen, openings, strict=True)]
            )
            for row, commitment, opening in zip(frozen, made, openings, strict=True):
                hidden[row[1]] = (commitment, opening)
        columns = ["vote_id", "party_id", "pseudonym", "area_centi", "units"]
        if committed:
            columns += ["commitment", "opening"]

        def elector_row(pseudonym, party, area, n):
            row = (vote.pk, party, pseudonym, area, n)
            if committed:
                commitment, opening = hidden[party]
                row += (commitment, opening.to_bytes(32, "big"))
            return row

        _load(bulk_load, VoteElector, columns, (elector_row(*row) for row in frozen))
        elector_ids = dict(
            VoteElector.objects.filter(vote=vote).values_list("party_id", "pk").iterator()
        )
        _load(
            bulk_load,
            VoteElectorUnit,
            ["vote_id", "elector_id", "unit_id"],
            ((vote.pk, elector_ids[party], unit) for unit, _area, party in rows),
        )
        private, public = generate_vote_keypair()
        vote.public_key = public
        _keep_vote_key(vote, private)
        del private
        vote.total_heads = len(frozen)
        vote.total_area_centi = sum(area for _p, _party, area, _n in frozen)
        vote.total_units = len(rows)
        if committed:
            vote.area_opening = commitments.opening_hex(
                commitments.add_openings(opening for _c, opening in hidden.values())
            )
            electorate = committed_electorate_json(
                sorted((p, hidden[party][0]) for p, party, _a, _n in frozen),
                vote.total_area_centi,
                commitments.parse_opening(vote.area_opening),
            )
        else:
            electorate = electorate_json(sorted((p, area) for p, _party, area, _n in frozen))
        hidden.clear()  # the openings stay only on the electors (the receipts), until the count
        vote.board_format = FORMAT
        signed = board.trustees_record(vote) if FORMAT in TRUSTEE_FORMATS else {}
        vote.board_trustees = signed or None  # format 5: the trustees, signed in every head
        vote.manifest = manifest_hash(
            vote.board_vote_json(), electorate, b64(public), format=FORMAT, **signed
        )
        vote.status = VoteStatus.OPEN
        vote.opened_at = now
        vote.original_closes_at = vote.closes_at
        vote.save()
        BoardCounter.objects.create(vote=vote)
        log_event(
            actor=actor,
            action="voting.opened",
            obj=vote,
            details={"heads": vote.total_heads, "units": vote.total_units},
        )
    if notify:
        _notify(vote, "opened")
    return vote


def _require_trustee_keys(vote: Vote) -> None:
    """A vote with an online channel is scheduled only with trustees (setting
    ``VOTE_ONLINE_NEEDS_TRUSTEES``, on by default); a vote with trustees only once every trustee
    has made their key. A draft may be saved without trustees."""
    if (
        not vote.has_trustees
        and Channel.ONLINE in vote.channels
        and settings.GONGZHI.get("VOTE_ONLINE_NEEDS_TRUSTEES", True)
    ):
        raise VoteError(
            _(
                "A vote with online ballots needs trustees to hold its key: name them on the "
                "vote's trustees page before scheduling it."
            ),
            code="needs_trustees",
        )
    if vote.has_trustees and vote.trustees.filter(public_key__isnull=True).exists():
        raise VoteError(
            _(
                "Every trustee must make their key before the vote is scheduled; "
                "the trustees page shows who has not yet."
            ),
            code="trustee_keys",
        )


def _keep_vote_key(vote: Vote, private: bytes) -> None:
    """Where the vote's private key goes at open. Without trustees: wrapped under the board key
    (``BOARD_KEY_DIR``). With trustees: split ``k`` of ``n`` (``voting.trustees``), one share
    sealed to each trustee's public key; the key itself is stored in no form."""
    if not vote.has_trustees:
        vote.private_key_wrapped = wrap_private_key(
            private, keys.wrapping_key(), context=_wrap_context(vote)
        )
        return
    rows = list(vote.trustees.order_by("number"))
    sealed = trustees.split_vote_key(
        private,
        vote_id=vote.board_id,
        k=vote.trustee_threshold,
        trustee_publics=[bytes(t.public_key) for t in rows],
    )
    for row, share in zip(rows, sealed, strict=True):
        row.sealed_share = share
    VoteTrustee.objects.bulk_update(rows, ["sealed_share"])
    vote.private_key_wrapped = None
    log_event(
        actor=None,
        action="voting.trustee_shares_sealed",
        obj=vote,
        details={"k": vote.trustee_threshold, "trustees": [row.number for row in rows]},
    )


def vote_extend(
    *, actor, vote: Vote, closes_at: datetime, reason: str = "", now: datetime | None = None
) -> Vote:
    """Extend an open vote to a later ``closes_at``; all extensions together at most
    ``VOTE_MAX_EXTENSION_DAYS`` beyond the original close."""
    now = _now(now)
    with transaction.atomic():
        _locked(vote)
        _require(vote, VoteStatus.OPEN)
        if closes_at <= vote.closes_at or closes_at <= now:
            raise VoteError(_("The new closing time must be later."), code="earlier")
        limit = _setting("VOTE_MAX_EXTENSION_DAYS")
        if closes_at - vote.original_closes_at > timedelta(days=limit):
            raise VoteError(
                _("Extensions may add at most %(days)s days in total."),
                params={"days": limit},
                code="too_long",
            )
        old = vote.closes_at
        vote.closes_at = closes_at
        vote.extensions += 1
        vote.reminder_sent_at = None
        vote.save(update_fields=["closes_at", "extensions", "reminder_sent_at"])
        log_event(
            actor=actor,
            action="voting.extended",
            obj=vote,
            details={"from": old.isoformat(), "to": closes_at.isoformat(), "reason": reason[:200]},
        )
    return vote


# --- casting ---------------------------------------------------------------------------------


def _channel_label(channel: str) -> str:
    return str(Channel(channel).label)


def ballot_cast(
    *,
    actor,
    vote: Vote,
    party: OwnerParty,
    choice: str,
    channel: str = Channel.ONLINE,
    scan=None,
    now: datetime | None = None,
    replaces: int | None = None,
) -> BoardEntry:
    """Cast (or change) the ballot of ``party`` and append its board entry; returns the entry.

    Preconditions: the vote is open and ``now`` is before its close; the party is in the frozen
    electorate; the channel is allowed; ``paper`` needs ``scan`` (the scanned ballot); ``proxy``
    needs an approved authorization naming ``actor`` for this vote and party, whose owner may
    still cast for it. For ``online`` the caller has checked that ``actor`` may cast for the
    party now (``voting.selectors.castable_electors``).

    Refused: a suspended account (its verification is disputed: ``online`` by it, ``proxy`` on
    its authorization); a second ballot of the party through another channel, except that the
    owner's own online ballot replaces a paper ballot the committee entered (DOMAIN.md §1,
    Shenzhen practice) and that a ballot which does not stand (cast by a suspended account, or
    disputed by the party) may be replaced through any channel; a change through the same
    channel unless ``vote.allow_change``; after the party's units all changed hands during the
    vote, any ballot over one the seller cast before (it stands). Lock: the vote's
    ``BoardCounter`` row (see module). A paper or proxy ballot is told to the party's owners by
    the worker (``tasks.notify_ballot_entered``).

    A paper ballot for a party that already has a ballot replaces it only when ``replaces`` is
    the board entry number of that ballot (the committee confirmed what it replaces: the paper page
    shows it first); otherwise it is refused with code ``confirm_replace``."""
    now = _now(now)
    if choice not in CHOICE_VALUES:
        raise VoteError(_("Choose agree, oppose or abstain."), code="choice")
    if channel not in vote.channels:
        raise VoteError(_("This vote does not accept that channel."), code="channel")
    if channel == Channel.PAPER and scan is None:
        raise VoteError(_("Attach the scanned paper ballot."), code="scan")
    voter_id = getattr(actor, "pk", None) if channel == Channel.ONLINE else None
    if channel == Channel.PROXY:
        auth = _proxy_authority(vote, party, actor)
        if auth is None:
            raise VoteError(_("You hold no approved proxy for this party."), code="proxy")
        voter_id = auth
    elector = _elector_and_ballot(vote, party, voter_id)
    _check_current(vote, elector, channel)
    _check_replaces(elector, channel, replaces)
    sealed = seal_for_entry(choice, bytes(vote.public_key), vote.board_id, elector["pseudonym"])
    # First with what was read before the lock; if another request cast for this party in
    # between (e.g. two co-owners at once), nothing was written: decide again under the lock,
    # as the only writer.
    for read in (elector, None):
        try:
            entry = _append_ballot(
                actor=actor,
                vote=vote,
                party=party,
                elector=read,
                voter_id=voter_id,
                sealed=sealed,
                channel=channel,
                scan=scan,
                now=now,
                replaces=replaces,
            )
        except (IntegrityError, _StaleBallot):
            if read is None:
                break
        else:
            if channel != Channel.ONLINE:
                transaction.on_commit(
                    partial(_queue, "voting.tasks.notify_ballot_entered", entry.pk)
                )
            return entry
    raise VoteError(
        _("This party has already voted. One ballot per party across all channels."),
        code="already_cast",
    )


def cast_refusal(*, actor, vote: Vote, party: OwnerParty, channel: str) -> str | None:
    """Why ``actor`` could not cast for ``party`` through ``channel`` now, or None: the same
    rules as ``ballot_cast`` (apart from the board lock), for pages that offer the button."""
    if vote.status != VoteStatus.OPEN:
        return _("The vote is not open.")
    voter_id = getattr(actor, "pk", None) if channel == Channel.ONLINE else None
    if channel == Channel.PROXY:
        voter_id = _proxy_authority(vote, party, actor)
        if voter_id is None:
            return _("You hold no approved proxy for this party.")
    try:
        _check_current(vote, _elector_and_ballot(vote, party, voter_id), channel)
    except VoteError as exc:
        return " ".join(exc.messages)
    return None


def _proxy_authority(vote: Vote, party: OwnerParty, actor) -> int | None:
    """The owner (account id) whose approved authorization lets ``actor`` cast for ``party``
    now, or None (see ``voting.selectors.approved_proxies_for``: the authorization lapses when
    its owner no longer holds any of the party's frozen units or is suspended)."""
    for auth in approved_proxies_for(vote, actor):
        if auth.party_id == party.pk:
            return auth.requested_by_id
    return None


def _check_current(vote: Vote, elector: dict | None, channel: str) -> None:
    """Refuse a party outside the electorate, a suspended voter, or a current ballot that may
    not be replaced (the rules are ``ballot_cast``'s docstring)."""
    if elector is None:
        raise VoteError(_("This party is not in the vote's electorate."), code="elector")
    if elector["voter_suspended"]:
        raise VoteError(
            _(
                "The registered owner disputes the verification of this account: its ballots "
                "are suspended until the street office decides."
            ),
            code="suspended",
        )
    if elector["ballot"] is None:
        return
    if elector["ballot_suspended"] or elector["ballot_disputed"]:
        return  # the current ballot does not stand: the party may cast again, any channel
    if not elector["holds"] and not elector["ballot_after_transfer"]:
        raise VoteError(
            _(
                "This party voted before its units changed hands during the vote: that ballot "
                "stands, and the new owner cannot replace it."
            ),
            code="stands",
        )
    current = elector["ballot_channel"]
    if current == Channel.PAPER and channel == Channel.ONLINE:
        return  # the owner's own online ballot replaces a paper ballot entered for them
    if current != channel:
        raise VoteError(
            _(
                "This party has already voted (%(channel)s). One ballot per party "
                "across all channels."
            ),
            params={"channel": _channel_label(current)},
            code="already_cast",
        )
    if not vote.allow_change:
        raise VoteError(
            _("This party has already voted, and this vote does not allow changes."),
            code="already_cast",
        )


def _check_replaces(elector: dict, channel: str, replaces: int | None) -> None:
    """A paper ballot replaces the party's current ballot only when the committee confirmed
    it, naming that ballot's board entry (``replaces``)."""
    if channel != Channel.PAPER or elector["ballot"] is None:
        return
    if replaces != elector["ballot_n"]:
        raise VoteError(
            _(
                "This party already has a ballot (board entry %(n)s). Confirm that the paper "
                "ballot replaces it."
            ),
            params={"n": elector["ballot_n"]},
            code="confirm_replace",
        )


class _StaleBallot(Exception):
    """The party's current ballot changed after it was read; the transaction is rolled back."""


_ELECTOR_FIELDS = (
    "pseudonym",
    "area_centi",
    "ballot",
    "ballot_channel",
    "ballot_changes",
    "ballot_entry",
    "ballot_n",
    "ballot_after_transfer",
    "holds",
    "ballot_suspended",
    "ballot_disputed",
    "voter_suspended",
)
_SUSPENDING = ", ".join(f"'{s}'" for s in SUSPENDING)
_Q = connection.ops.quote_name
# Table names are the models' own; the values are parameters. The EXISTS columns are index
# look-ups: the party still holds one of its frozen units; the current ballot's owner is
# suspended; the current entry is disputed; the voter casting now is suspended.
_ELECTOR_SQL = (
    "SELECT e.pseudonym, e.area_centi, b.id, b.channel, b.changes, b.entry_id, be.n, "  # noqa: S608
    "b.after_transfer, "
    f"EXISTS(SELECT 1 FROM {VoteElectorUnit._meta.db_table} fu "
    f"JOIN {Ownership._meta.db_table} o ON o.unit_id = fu.unit_id "
    f"WHERE fu.elector_id = e.id AND o.party_id = e.party_id AND o.{_Q('end')} IS NULL), "
    f"EXISTS(SELECT 1 FROM {ClaimDispute._meta.db_table} d "
    f"WHERE d.account_id = be.voter_id AND d.status IN ({_SUSPENDING})), "
    f"EXISTS(SELECT 1 FROM {BallotDispute._meta.db_table} bd "
    f"WHERE bd.entry_id = b.entry_id AND bd.status IN ('open', 'upheld')), "
    f"EXISTS(SELECT 1 FROM {ClaimDispute._meta.db_table} d "
    f"WHERE d.account_id = %s AND d.status IN ({_SUSPENDING})) "
    f"FROM {VoteElector._meta.db_table} e "
    f"LEFT JOIN {Ballot._meta.db_table} b ON b.vote_id = e.vote_id AND b.party_id = e.party_id "
    f"LEFT JOIN {BoardEntry._meta.db_table} be ON be.id = b.entry_id "
    "WHERE e.vote_id = %s AND e.party_id = %s"
)


def _elector_and_ballot(vote: Vote, party: OwnerParty, voter_id: int | None = None) -> dict | None:
    """The party's frozen weights, its current ballot (if any) and what decides whether it may
    be replaced, and whether ``voter_id`` is suspended: one query.

    Plain SQL (two LEFT JOINs over indexed keys, four EXISTS look-ups) because this runs on
    every cast and building the ORM's version cost twenty times more than running it."""
    with connection.cursor() as cursor:
        cursor.execute(_ELECTOR_SQL, [voter_id, vote.pk, party.pk])
        row = cursor.fetchone()
    if not row:
        return None
    elector = dict(zip(_ELECTOR_FIELDS, row, strict=True))
    for key in ("ballot_after_transfer", "holds", "ballot_suspended", "ballot_disputed"):
        elector[key] = bool(elector[key])
    elector["voter_suspended"] = bool(elector["voter_suspended"])
    return elector


def _append_ballot(
    *, actor, vote, party, elector, voter_id, sealed, channel, scan, now, replaces=None
) -> BoardEntry:
    """Append the board entry and write the current ballot, under the board counter lock.

    ``elector`` was read before the lock, and its ballot must still be current: a new ballot's
    INSERT meets the one-ballot-per-party constraint, and a change only updates the row if it
    still points at the entry that was read; otherwise everything here is rolled back. With
    ``elector=None`` it is read (and checked) under the lock instead, which cannot go stale."""
    with transaction.atomic():
        # No audit event per cast (issue 18): its actor and minute, in the board's order, would
        # name each entry's party. ``vote_close`` audits who took part, once (``_audit_casts``).
        counter_pk, next_n, last_time, closed = (
            BoardCounter.objects.select_for_update()
            .filter(vote=vote)
            .values_list("pk", "next_n", "last_time", "closed")
            .get()
        )
        if closed or vote.status != VoteStatus.OPEN or now >= vote.closes_at:
            raise VoteError(_("The vote is not open."), code="closed")
        if elector is None:
            elector = _elector_and_ballot(vote, party, voter_id)
            _check_current(vote, elector, channel)
            _check_replaces(elector, channel, replaces)
        n = next_n
        t = max(now, last_time) if last_time else now
        entry = make_entry(
            n=n,
            pseudonym=elector["pseudonym"],
            area=None if vote.export_format in COMMITTED_FORMATS else elector["area_centi"],
            sealed_choice=sealed,
            channel=channel,
            time=board_time(t),
            supersedes=elector["ballot_n"],
        )
        digest = entry_hash(entry)
        board_entry = BoardEntry.objects.create(
            vote=vote,
            n=n,
            entry=entry,
            entry_hash=digest.hex(),
            receipt=receipt_code(digest),
            channel=channel,
            voter_id=voter_id,
            supersedes=entry["supersedes"],
            time=t,
        )
        cast_by = actor if getattr(actor, "is_authenticated", False) else None
        after_transfer = not elector["holds"]
        if elector["ballot"] is None:
            Ballot.objects.create(
                vote=vote,
                party=party,
                pseudonym=elector["pseudonym"],
                area_centi=elector["area_centi"],
                channel=channel,
                sealed_choice=sealed,
                entry=board_entry,
                cast_by=cast_by,
                cast_at=t,
                after_transfer=after_transfer,
            )
        elif not Ballot.objects.filter(
            pk=elector["ballot"], entry_id=elector["ballot_entry"]
        ).update(
            sealed_choice=sealed,
            entry=board_entry,
            channel=channel,
            cast_by=cast_by,
            cast_at=t,
            changes=elector["ballot_changes"] + 1,
            after_transfer=after_transfer,
        ):
            raise _StaleBallot
        BoardCounter.objects.filter(pk=counter_pk).update(next_n=n + 1, last_time=t)
        if channel == Channel.PAPER:
            PaperBallot.objects.create(vote=vote, entry=board_entry, scan=scan, entered_by=actor)
    return board_entry


# --- proxies ---------------------------------------------------------------------------------


def proxy_request(
    *, actor, vote: Vote, party: OwnerParty, document, proxy_user=None, proxy_phone: str = ""
) -> ProxyAuthorization:
    """An owner of ``party`` uploads a written authorization naming a proxy for this vote: an
    account (``proxy_user``) or a mobile number (``proxy_phone``). A number is accepted whether
    or not an account has it (finding 13c: the answer must not tell); the account with that
    number, now or once it signs up, is the proxy.

    Preconditions: the vote is scheduled or open and accepts proxies; the party is not already
    voted and has no pending or approved authorization; the proxy is not the owner."""
    if Channel.PROXY not in vote.channels:
        raise VoteError(_("This vote does not accept proxies."), code="channel")
    if proxy_user is not None:
        proxy_phone = proxy_user.phone or ""
    else:
        candidates = phone_candidates(proxy_phone)
        if not candidates:
            raise VoteError(_("Name another person as your proxy."), code="proxy_self")
        proxy_phone = next(iter(sorted(candidates, key=len, reverse=True)))
        proxy_user = get_user_model().objects.filter(phone__in=candidates, is_active=True).first()
    own = phone_candidates(getattr(actor, "phone", "") or "")
    if (proxy_user is not None and proxy_user.pk == actor.pk) or proxy_phone in own:
        raise VoteError(_("Name another person as your proxy."), code="proxy_self")
    with transaction.atomic():
        _locked(vote)
        _require(vote, VoteStatus.SCHEDULED, VoteStatus.OPEN)
        if Ballot.objects.filter(vote=vote, party=party).exists():
            raise VoteError(_("This party has already voted."), code="already_cast")
        if (
            ProxyAuthorization.objects.filter(vote=vote, party=party)
            .exclude(status=ProxyStatus.REJECTED)
            .exists()
        ):
            raise VoteError(
                _("This party already has a proxy authorization for this vote."), code="dup"
            )
        auth = ProxyAuthorization(
            vote=vote,
            party=party,
            requested_by=actor,
            proxy=proxy_user,
            proxy_phone=proxy_phone[:20],
            document=document,
        )
        auth.save()
        log_event(actor=actor, action="voting.proxy_requested", obj=vote, details={})
    return auth


def proxy_decide(
    *, actor, authorization: ProxyAuthorization, approve: bool, now: datetime | None = None
) -> ProxyAuthorization:
    """The owners' committee approves or rejects a pending proxy authorization."""
    now = _now(now)
    with transaction.atomic():
        auth = ProxyAuthorization.objects.select_for_update().get(pk=authorization.pk)
        if auth.status != ProxyStatus.PENDING:
            raise VoteError(_("This authorization has already been decided."), code="decided")
        auth.status = ProxyStatus.APPROVED if approve else ProxyStatus.REJECTED
        auth.decided_by = actor
        auth.decided_at = now
        auth.save(update_fields=["status", "decided_by", "decided_at"])
        log_event(
            actor=actor,
            action="voting.proxy_approved" if approve else "voting.proxy_rejected",
            obj=auth.vote,
            details={},
        )
        notifications.tell_proxy_decided(auth)
    authorization.__dict__.update(auth.__dict__)
    return auth


# --- closing, counting, publishing ---------------------------------------------------------------


def vote_close(*, vote: Vote, actor=None, now: datetime | None = None) -> Vote:
    """open → closed at or after ``closes_at``. Takes the board lock, so no ballot lands after.

    Under that lock, every party whose latest ballot does not count gets a ``void`` entry
    (``_void_uncounted``): a ballot of an account suspended by a dispute of its verification
    (open, or upheld), or a paper or proxy ballot the party disputed (open, or upheld). The
    party's latest earlier ballot that does count, if any, counts instead. A dispute decided in
    the account's (or the ballot's) favour before this moment leaves the ballot counted.

    Then, in the same transaction, the closing tree head over every entry (void ones included)
    is signed (``voting.board.board_head_sign``): the only place a closing head is signed, so a
    closed vote always has one and no later step or page needs to sign it."""
    now = _now(now)
    with transaction.atomic():
        # Takes the board lock by marking the board closed on that row itself, so that a cast
        # waiting for the lock sees it (BoardCounter); rolled back if the vote may not close.
        BoardCounter.objects.filter(vote=vote).update(closed=True)
        _locked(vote)
        _require(vote, VoteStatus.OPEN)
        if now < vote.closes_at:
            raise VoteError(_("The vote does not close yet."), code="early")
        voided = _void_uncounted(vote, now)
        vote.status = VoteStatus.CLOSED
        vote.closed_at = now
        vote.save(update_fields=["status", "closed_at"])
        log_event(
            actor=actor,
            action="voting.closed",
            obj=vote,
            details={"entries": BoardEntry.objects.filter(vote=vote).count(), "voided": voided},
        )
        _audit_casts(vote=vote, actor=actor)
        board.board_head_sign(vote=vote, actor=actor, now=now)  # the closing tree head
    return vote


def _audit_casts(*, vote: Vote, actor) -> None:
    """The one audit record of who took part (``voting.casts``), written at close instead of an
    event per cast (issue 18, docs/board.md "Who can learn what"): the parties whose ballot
    counts, by party id (never by time or board order); the ballots per channel (the board
    shows as much); the committee members who entered paper ballots, by account id, with how
    many. No board entry, receipt, pseudonym or cast time; the event's own time is the close.
    Precondition: ``vote_close``'s transaction, after the void entries."""

    parties = sorted(Ballot.objects.filter(vote=vote).values_list("party_id", flat=True))
    channels = dict(
        BoardEntry.objects.filter(vote=vote)
        .values_list("channel")
        .annotate(n=Count("pk"))
        .order_by("channel")
    )
    entered = (
        PaperBallot.objects.filter(vote=vote)
        .values_list("entered_by_id")
        .annotate(n=Count("pk"))
        .order_by("entered_by_id")
    )
    log_event(
        actor=actor,
        action="voting.casts",
        obj=vote,
        details={
            "parties": parties,
            "entries_by_channel": channels,
            "paper_entered_by": {str(user): n for user, n in entered},
        },
    )


def _uncounted_entries(vote: Vote):
    """Entries of the vote that must not count (see ``vote_close``)."""

    disputed = BallotDispute.objects.filter(
        entry=OuterRef("pk"),
        status__in=(BallotDisputeStatus.OPEN, BallotDisputeStatus.UPHELD),
    )
    return BoardEntry.objects.filter(vote=vote).filter(
        Q(voter__in=suspended_account_ids()) | Exists(disputed)
    )


def _void_uncounted(vote: Vote, now: datetime) -> int:
    """Append a void entry for each party whose current ballot is uncounted; returns how many.

    Precondition: the board counter row is locked (``vote_close``). The void entry supersedes
    the current entry and carries the sealed choice of the party's latest earlier entry that
    counts (it counts again), or none (the party then did not take part); the ``Ballot`` row
    follows it, or is deleted. One query when nothing is uncounted."""
    uncounted = set(_uncounted_entries(vote).values_list("n", flat=True))
    if not uncounted:
        return 0
    counter = BoardCounter.objects.get(vote=vote)
    n, last_time = counter.next_n, counter.last_time
    t = max(now, last_time) if last_time else now
    voided = 0
    ballots = Ballot.objects.filter(vote=vote, entry__n__in=uncounted).select_related("entry")
    for ballot in ballots.order_by("entry__n"):
        head = ballot.entry
        reinstated, back = None, head.supersedes
        while back is not None:  # down the party's chain, by the indexed (vote, n)
            earlier = BoardEntry.objects.get(vote=vote, n=back)
            if back not in uncounted and earlier.channel != VOID:
                reinstated = earlier
                break
            back = earlier.supersedes
        sealed = (
            base64.b64decode(reinstated.entry["sealed_choice"]) if reinstated is not None else b""
        )
        entry = make_entry(
            n=n,
            pseudonym=ballot.pseudonym,
            area=None if vote.export_format in COMMITTED_FORMATS else ballot.area_centi,
            sealed_choice=sealed,
            channel=VOID,
            time=board_time(t),
            supersedes=head.n,
        )
        digest = entry_hash(entry)
        void = BoardEntry.objects.create(
            vote=vote,
            n=n,
            entry=entry,
            entry_hash=digest.hex(),
            receipt=receipt_code(digest),
            channel=VOID,
            supersedes=head.n,
            time=t,
        )
        if reinstated is None:
            ballot.delete()
        else:
            Ballot.objects.filter(pk=ballot.pk).update(
                sealed_choice=sealed, entry=void, channel=reinstated.channel, cast_by=None
            )
        n += 1
        voided += 1
    BoardCounter.objects.filter(pk=counter.pk).update(next_n=n, last_time=t)
    return voided


COUNT_CHUNK = 5000  # rows fetched per round trip while streaming the ballots


def count_sealed(vote: Vote, private_key: bytes, rows) -> tuple[Weight, Weight, Weight]:
    """Open each current ballot and sum heads and area per choice: (agree, oppose, abstain).

    ``rows`` is an iterable of (pseudonym, area, sealed), read from the board. One
    ``ChoiceOpener`` opens each data key's envelope once (``voting.sealing``), so the cost per
    ballot is one AES-GCM decryption; memory holds one row at a time plus the opened keys."""
    return _count_sealed(vote, private_key, rows)[0]


def _count_sealed(
    vote: Vote, private_key: bytes, rows, *, by_choice: bool = False
) -> tuple[tuple[Weight, Weight, Weight], dict[str, list[str]]]:
    """``count_sealed``, and with ``by_choice`` (format 6) the pseudonyms counted per choice."""
    opener = ChoiceOpener(private_key)
    vid = vote.board_id
    members: dict[str, list[str]] = {c: [] for c in CHOICES}

    def opened():
        for pseudonym, area, sealed in rows:
            choice = opener.open(sealed, context=ballot_context(vid, pseudonym))
            if by_choice and choice in members:
                members[choice].append(pseudonym)
            yield choice, area

    return count_choices(opened()), members


def _area_openings(vote: Vote, members: dict[str, list[str]], weights) -> dict[str, int]:
    """Format 6: per choice, the sum (modulo the group order) of the area openings of the
    parties counted for it, checked as the verifier will check it: the sum of their commitments
    opens to the choice's area with it. Raises ``_BoardMismatch`` if not (a commitment or an
    opening was changed in the database since open)."""
    rows = VoteElector.objects.filter(vote=vote).values_list("pseudonym", "commitment", "opening")
    stored = {p: (bytes(c), int.from_bytes(bytes(o), "big")) for p, c, o in rows.iterator()}
    sums = {}
    for choice, weight in zip(CHOICES, weights, strict=True):
        sums[choice] = commitments.add_openings(stored[p][1] for p in members[choice])
        points = (stored[p][0] for p in members[choice])
        if not commitments.check_opening(points, weight.area, sums[choice]):
            raise _BoardMismatch(
                f"the area commitments of the {choice} ballots do not open to their area"
            )
    return sums


class _BoardMismatch(Exception):
    """The ballot table, the board's entries and its closing head do not agree (``vote_count``);
    the argument says where, in plain English, for the audit log and the operators."""


def _counted_from_board(vote: Vote) -> tuple[MerkleTree, list[tuple[str, int, bytes]]]:
    """What the count counts, read from the board: the tree of the entries themselves and each
    party's counted ballot (pseudonym, frozen area, sealed choice) from its current entry.

    Raises ``_BoardMismatch`` unless the entries are numbered 0..n-1 with n the board counter's,
    their tree (leaf hashes recomputed from the entries) is the closing head's, every changed
    ballot supersedes its party's previous entry, every entry's party and area are the frozen
    electorate's, and the ``Ballot`` table holds exactly the counted ballots: one row per party
    with a counted entry, pointing at that entry, with its sealed choice and area. Streams the
    entries and the ballots (one row in memory at a time, plus one small dict per party)."""
    # Each stream is closed where it ends, even when a mismatch stops it early: a server-side
    # cursor left to the garbage collector would be closed in the middle of a later query on
    # the same PostgreSQL connection, and psycopg would wait on itself for ever.
    entries = (
        BoardEntry.objects.filter(vote=vote)
        .order_by("n")
        .values_list("entry", flat=True)
        .iterator(chunk_size=COUNT_CHUNK)
    )
    try:
        with closing(entries):
            hashes, current = read_board(entries)
    except (BoardInconsistent, KeyError, TypeError, ValueError) as exc:
        raise _BoardMismatch(f"the board's entries are inconsistent: {exc}") from exc
    appended = BoardCounter.objects.filter(vote=vote).values_list("next_n", flat=True).first()
    if len(hashes) != (appended or 0):
        raise _BoardMismatch(f"the board has {len(hashes)} entries, {appended or 0} appended")
    tree = MerkleTree(hashes)
    closing_head = TreeHead.objects.filter(vote=vote, final=False).order_by("-size").first()
    if closing_head is None or closing_head.size != tree.size:
        raise _BoardMismatch(f"no closing head covers the {tree.size} entries")
    if closing_head.root != tree.root().hex():
        raise _BoardMismatch(
            f"the entries do not match the closing head's root (size {closing_head.size}): an entry "
            "was changed after it was signed"
        )
    areas = dict(VoteElector.objects.filter(vote=vote).values_list("pseudonym", "area_centi"))
    committed = vote.export_format in COMMITTED_FORMATS  # format 6: entries carry no area
    counted = {}
    for pseudonym, entry in current.items():
        if areas.get(pseudonym) is None or (
            ("area" in entry) if committed else entry.get("area") != format_area(areas[pseudonym])
        ):
            raise _BoardMismatch(f"entry {entry['n']}: not a party of the electorate, or its area")
        sealed = base64.b64decode(entry["sealed_choice"])
        if sealed:  # a void entry with nothing reinstated: the party did not take part
            counted[pseudonym] = (entry["n"], areas[pseudonym], sealed)
    rows = (
        Ballot.objects.filter(vote=vote)
        .values_list("pseudonym", "area_centi", "sealed_choice", "entry__n")
        .iterator(chunk_size=COUNT_CHUNK)
    )
    seen = 0
    with closing(rows):
        for pseudonym, area, sealed, n in rows:
            seen += 1
            if counted.get(pseudonym) != (n, area, bytes(sealed)):
                where = (
                    "no counted entry"
                    if pseudonym not in counted
                    else f"entry {counted[pseudonym][0]}"
                )
                raise _BoardMismatch(
                    f"the ballot row of the party of {where} (ballot row points at entry {n}) "
                    "differs from its counted board entry"
                )
    if seen != len(counted):
        raise _BoardMismatch(
            f"the board counts {len(counted)} ballots, the ballot table holds {seen}"
        )
    return tree, [(p, area, sealed) for p, (_n, area, sealed) in counted.items()]


def _count_refused(vote: Vote, actor, reason: str) -> VoteError:
    """Record and tell (once per reason: the worker retries every minute) a refused count: the
    audit event, the committee and the street office (``voting.count_refused``); every time an
    ERROR log line for the operators. Returns the error to raise."""

    log.error("voting: count of vote %s refused: %s", vote.pk, reason)
    with transaction.atomic():
        known = AuditEvent.objects.filter(
            action="voting.count_refused",
            object_type=vote._meta.label_lower,
            object_id=str(vote.pk),
            details__reason=reason,
        ).exists()
        if not known:  # the first time for this reason: audit it and tell who must act
            log_event(
                actor=actor, action="voting.count_refused", obj=vote, details={"reason": reason}
            )
            notifications.tell_count_refused(vote)
    return VoteError(
        _(
            "The count was refused: the stored ballots do not match the signed public board. "
            "Nothing was counted; the discrepancy is recorded in the audit log for the "
            "operators to investigate."
        ),
        code="board_mismatch",
    )


def _count_key(vote: Vote, private_key: bytes | None) -> bytes:
    """The private key the count opens the ballots with: the one the trustees rebuilt
    (checked against the vote's public key), else the wrapped key a vote without trustees has."""
    if private_key is not None:
        private = bytes(private_key)
        if vote_public_key(private) != bytes(vote.public_key):
            raise VoteError(_("This is not the key of this vote."), code="wrong_key")
        return private
    if vote.private_key_wrapped is None:
        raise VoteError(_("Only the vote's trustees can open its count."), code="needs_trustees")
    return unwrap_private_key(
        bytes(vote.private_key_wrapped), keys.wrapping_key(), context=_wrap_context(vote)
    )


def vote_count(
    *,
    vote: Vote,
    actor=None,
    now: datetime | None = None,
    queue_export: bool = True,
    private_key: bytes | None = None,
    bulk_load: Callable | None = None,
) -> Vote:
    """closed → counted: unwrap the vote key, open the sealed choice of every party's counted
    board entry (streamed, never loaded as model instances), decide with
    ``voting.tally.tally_counts`` and store the figures (``result_to_json``) and the raw private
    key, which is published with the board; on a format 4 board sign the final head, which signs
    the result (``voting.board.board_final_head_sign``); then queue the writing of the public
    export file (``voting.board.board_export_publish``), unless ``queue_export`` is false (bulk
    generation: the worker's every-minute catch-up writes it). A vote with trustees has no
    wrapped key: ``private_key`` is the key its trustees rebuilt
    (``voting.trustee_services.trustee_open``, which checked it against the public key).
    ``bulk_load``, as for ``vote_open``: the city generator's COPY for the rows the cutting of
    links writes again (``_cut_links``).

    Preconditions: the vote is closed, and its board agrees with itself and with the ballot
    table (``_counted_from_board``: the entries' tree is the closing head's, and the ``Ballot``
    rows are exactly the counted entries). Otherwise nothing is counted: the refusal is
    audited (``voting.count_refused``, once per reason), logged as an error, and raised as a
    ``VoteError`` (code ``board_mismatch``); the vote stays closed."""
    now = _now(now)
    try:
        with transaction.atomic():
            _locked(vote)
            _require(vote, VoteStatus.CLOSED)
            tree, ballots = _counted_from_board(vote)
            private = _count_key(vote, private_key)
            committed = vote.export_format in COMMITTED_FORMATS  # format 6: area openings
            (agree, oppose, abstain), members = _count_sealed(
                vote, private, ballots, by_choice=committed
            )
            result = tally_counts(
                int(vote.matter),
                Weight(vote.total_heads, vote.total_area_centi),
                agree,
                oppose,
                abstain,
            )
            vote.result = result_to_json(result)
            vote.outcome = result.outcome.value
            vote.private_key = private
            if committed:  # the result carries each choice's opening; the final head signs it
                sums = _area_openings(vote, members, (agree, oppose, abstain))
                vote.result = result_with_openings(vote.result, sums)
            vote.status = VoteStatus.COUNTED
            vote.counted_at = now
            vote.save(update_fields=["result", "outcome", "private_key", "status", "counted_at"])
            log_event(
                actor=actor, action="voting.counted", obj=vote, details={"outcome": vote.outcome}
            )
            board.board_final_head_sign(
                vote=vote, tree=tree, result=vote.result, actor=actor, now=now
            )
            if vote.pseudonym_secret_wrapped is not None:  # opened with its own secret
                _cut_links(vote, actor=actor, now=now, bulk_load=bulk_load)
    except _BoardMismatch as exc:
        vote.refresh_from_db()
        raise _count_refused(vote, actor, str(exc)) from None
    # Once the count is committed the worker writes the public export file (the board's
    # every-minute task writes any that is missing, should this job be lost).
    if queue_export:
        _queue("voting.tasks.publish_board_export", vote.pk)
    return vote


def _cut_links(vote: Vote, *, actor, now: datetime, bulk_load: Callable | None = None) -> None:
    """Erase every stored link between a board entry and a party, person or account (issue 18,
    docs/board.md "Who can learn what"); the ballot-to-party list is kept only sealed for the
    objection period (``dispute_links_open``, erased by ``dispute_links_erase``).

    Precondition: ``vote_count``'s transaction, after the tally and the final head, the vote
    locked; the vote was opened with its own pseudonym secret. What goes:

    - the vote's pseudonym secret (no secret left recomputes the published pseudonyms);
    - ``VoteElector.pseudonym`` (the published electorate moves to ``BoardElector``, which has
      no party and ids in pseudonym order), and from format 6 its area commitment and opening
      (``BoardElector`` then keeps the commitment and no area);
    - the ``Ballot`` rows' pseudonym, entry, cast time, changes and sealed choice; the rows are
      written again in party order, so their ids no longer follow the order of casting;
    - ``BoardEntry.voter``; who entered each paper ballot and when; the entry of every settled
      ballot dispute;
    - the notices that told an owner of a paper or proxy ballot entered for them (in the
      portal and by SMS): they carried the entry's receipt and minute to a named person.
    """
    party_of = dict(
        VoteElector.objects.filter(vote=vote).values_list("pseudonym", "party_id").iterator()
    )
    pairs = [
        (party_of[pseudonym], n)
        for n, pseudonym in BoardEntry.objects.filter(vote=vote)
        .values_list("n", "entry__pseudonym")
        .iterator()
        if pseudonym in party_of
    ]
    key, vote.dispute_links_sealed = trustees.seal_links(pairs, vote_id=vote.board_id)
    if vote.has_trustees:
        rows = list(vote.trustees.order_by("number"))
        shares = trustees.split_vote_key(
            key,
            vote_id=vote.board_id,
            k=vote.trustee_threshold,
            trustee_publics=[bytes(t.public_key) for t in rows],
            purpose=trustees.LINKS_PURPOSE,
        )
        for row, share in zip(rows, shares, strict=True):
            row.sealed_link_share = share
        VoteTrustee.objects.bulk_update(rows, ["sealed_link_share"])
    else:
        vote.dispute_links_key_wrapped = wrap_private_key(
            key, keys.wrapping_key(), context=_wrap_context(vote, "dispute-links")
        )
    del key, pairs
    # Format 6 publishes each party's commitment, never its area: the published copy has none.
    committed = vote.export_format in COMMITTED_FORMATS
    _load(
        bulk_load,
        BoardElector,
        ["vote_id", "pseudonym", "area_centi", "commitment"],
        # A list, not a cursor: a COPY holds the connection (one estate's electorate).
        [
            (vote.pk, p, None if committed else a, None if c is None else bytes(c))
            for p, a, c in VoteElector.objects.filter(vote=vote)
            .order_by("pseudonym")
            .values_list("pseudonym", "area_centi", "commitment")
        ],
    )
    del party_of
    # The commitment is published beside the pseudonym, so it goes too; and the opening (the
    # voter's receipt carries it), which would open each commitment to its area.
    VoteElector.objects.filter(vote=vote).update(pseudonym=None, commitment=None, opening=None)
    kept = list(
        Ballot.objects.filter(vote=vote)
        .order_by("party_id")
        .values_list("party_id", "area_centi", "channel", "cast_by_id", "after_transfer")
    )
    # The same ballots come back under new keys in party order: a plain DELETE, without the
    # per-row signals of QuerySet.delete (no model refers to a ballot, and the dashboards'
    # counted-ballots row stays right: the channels are unchanged). With the signals, each row
    # was a query of its own: 53 of a 20,000-unit city's 96 s.
    Ballot.objects.filter(vote=vote)._raw_delete(Ballot.objects.db)
    _load(
        bulk_load,
        Ballot,
        ["vote_id", "party_id", "area_centi", "channel", "cast_by_id", "after_transfer"]
        + ["sealed_choice", "pseudonym", "entry_id", "cast_at", "changes"],
        ((vote.pk, *row, b"", None, None, None, None) for row in kept),
    )
    BoardEntry.objects.filter(vote=vote, voter__isnull=False).update(voter=None)
    PaperBallot.objects.filter(vote=vote).update(entered_by=None, entered_at=None)
    BallotDispute.objects.filter(vote=vote).exclude(status=BallotDisputeStatus.OPEN).update(
        entry=None
    )
    notices = _entered_notices(vote)
    vote.pseudonym_secret_wrapped = None
    vote.links_cut_at = now
    vote.save(
        update_fields=[
            "pseudonym_secret_wrapped",
            "links_cut_at",
            "dispute_links_sealed",
            "dispute_links_key_wrapped",
        ]
    )
    log_event(
        actor=actor,
        action="voting.links_cut",
        obj=vote,
        details={"ballots": len(kept), "notices": notices, "trustees": vote.has_trustees},
    )


def _load(bulk_load: Callable | None, model, columns: list[str], rows) -> None:
    """Write ``rows`` (tuples in ``columns`` order, ``*_id`` for foreign keys) into ``model``:
    with ``bulk_load(model, columns, rows)`` when given (the city generator's COPY), else with
    ``bulk_create`` in batches."""
    if bulk_load is not None:
        bulk_load(model, columns, rows)
        return
    model.objects.bulk_create(
        (model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=5000
    )


def _entered_notices(vote: Vote) -> int:
    """Delete the notices of paper and proxy ballots entered for a party of ``vote`` (each
    named a person and carried the entry's receipt and minute); returns how many."""

    kind = "voting.ballot_entered"
    url = reverse("voting:detail", args=[vote.pk])
    n, _d = Notification.objects.filter(kind=kind, url=url).delete()
    full = absolute_reverse("voting:detail", vote.pk)
    texts = Delivery.objects.filter(kind=kind, notification__isnull=True, text__endswith=full)
    m, _d = texts.delete()
    return n + m


def dispute_links_open(
    *, vote: Vote, keys_and_passphrases: list[tuple[bytes, str]] = (), entry_n: int, actor=None
) -> int | None:
    """The party id of board entry ``entry_n`` of a counted vote, from its sealed dispute links:
    for a dispute during the objection period (``manage.py vote_dispute_links``). A vote with
    trustees needs ``k`` of their key files with their passphrases (``keys_and_passphrases``);
    a vote without trustees opens with the board key. Audited (``voting.dispute_links_opened``,
    with the entry, never the party). None: the entry is of no party (void).

    Refused (``VoteError``): links not kept (never cut, or erased), fewer than ``k`` key files,
    a key file not of a trustee of this vote, a wrong passphrase."""
    vote = Vote.objects.get(pk=vote.pk)
    if vote.dispute_links_sealed is None:
        raise VoteError(
            _("This vote keeps no ballot-to-party links (erased, or never made)."),
            code="no_links",
        )
    if vote.has_trustees:
        by_number = {t.number: t for t in vote.trustees.all()}
        opened = {}
        for key_file, passphrase in keys_and_passphrases:
            try:
                number = int(json.loads(bytes(key_file)).get("trustee"))
            except (ValueError, TypeError, AttributeError):
                raise VoteError(
                    _("This is not a trustee key file of the portal."), code="not_a_key_file"
                ) from None
            row = by_number.get(number)
            if row is None or row.sealed_link_share is None:
                raise VoteError(_("This key file belongs to another vote."), code="other_trustee")
            try:
                private = trustees.read_key_file(
                    bytes(key_file),
                    passphrase,
                    vote_id=vote.board_id,
                    trustee=number,
                    public=bytes(row.public_key),
                )
                opened[number] = trustees.open_share(
                    bytes(row.sealed_link_share),
                    private,
                    vote_id=vote.board_id,
                    trustee=number,
                    purpose=trustees.LINKS_PURPOSE,
                )
            except trustees.TrusteeKeyError as exc:
                from .trustee_services import key_error_text

                raise VoteError(key_error_text(exc.code), code=exc.code) from exc
        if len(opened) < vote.trustee_threshold:
            raise VoteError(
                _("%(k)d trustees' key files are needed; %(n)d were given.")
                % {"k": vote.trustee_threshold, "n": len(opened)},
                code="too_few_shares",
            )
        key = trustees.combine_secret(list(opened.values()), k=vote.trustee_threshold)
    else:
        key = unwrap_private_key(
            bytes(vote.dispute_links_key_wrapped),
            keys.wrapping_key(),
            context=_wrap_context(vote, "dispute-links"),
        )
    try:
        pairs = trustees.open_links(bytes(vote.dispute_links_sealed), key, vote_id=vote.board_id)
    except trustees.TrusteeKeyError as exc:
        raise VoteError(
            _("The key could not be rebuilt from the trustees' shares."), code=exc.code
        ) from exc
    del key
    log_event(
        actor=actor,
        action="voting.dispute_links_opened",
        obj=vote,
        details={"entry": entry_n},
    )
    return next((party for party, n in pairs if n == entry_n), None)


def dispute_links_due(now: datetime):
    """Counted votes whose sealed dispute links may go: the result is final or set aside."""
    return Vote.objects.filter(
        dispute_links_sealed__isnull=False,
        status__in=(VoteStatus.FINAL, VoteStatus.SET_ASIDE),
    )


def dispute_links_erase(*, vote: Vote, actor=None, now: datetime | None = None) -> bool:
    """Erase a vote's sealed ballot-to-party links and every share or wrapped key of them, once
    the objection period is over (the result final or set aside). Returns whether anything was
    erased. Audited (``voting.dispute_links_erased``)."""
    now = _now(now)
    with transaction.atomic():
        vote = _locked(vote)
        if vote.dispute_links_sealed is None or vote.status not in (
            VoteStatus.FINAL,
            VoteStatus.SET_ASIDE,
        ):
            return False
        vote.dispute_links_sealed = None
        vote.dispute_links_key_wrapped = None
        vote.dispute_links_erased_at = now
        vote.save(
            update_fields=[
                "dispute_links_sealed",
                "dispute_links_key_wrapped",
                "dispute_links_erased_at",
            ]
        )
        vote.trustees.update(sealed_link_share=None)
        log_event(actor=actor, action="voting.dispute_links_erased", obj=vote, details={})
    return True


def vote_publicise(
    *, vote: Vote, actor=None, now: datetime | None = None, notify: bool = True
) -> Vote:
    """counted → publicised: the result is published for ``VOTE_PUBLICITY_DAYS`` of objection;
    the verified owners are emailed the result."""
    now = _now(now)
    with transaction.atomic():
        _locked(vote)
        _require(vote, VoteStatus.COUNTED)
        vote.status = VoteStatus.PUBLICISED
        vote.publicised_at = now
        vote.publicity_ends_at = now + timedelta(days=_setting("VOTE_PUBLICITY_DAYS"))
        vote.save(update_fields=["status", "publicised_at", "publicity_ends_at"])
        log_event(actor=actor, action="voting.publicised", obj=vote, details={})
    if notify:
        _notify(vote, "result")
    return vote


def vote_finalise(*, vote: Vote, actor=None, now: datetime | None = None) -> Vote:
    """publicised → final once the objection period has ended and no objection awaits a ruling;
    sends ``vote_finalised``. While an objection is open it raises (the worker tries again
    next minute; the last dismissal after the period finalises at once)."""
    now = _now(now)
    with transaction.atomic():
        _locked(vote)
        _require(vote, VoteStatus.PUBLICISED)
        if now < vote.publicity_ends_at:
            raise VoteError(_("The objection period has not ended."), code="early")
        if vote.objections.filter(status=ObjectionStatus.OPEN).exists():
            raise VoteError(
                _(
                    "An objection to this result awaits a ruling: the result becomes final "
                    "once every objection is ruled on."
                ),
                code="objections_open",
            )
        _finalise(vote, actor=actor, now=now)
    return vote


def _finalise(vote: Vote, *, actor, now: datetime) -> None:
    """Mark a locked, publicised vote final (its period over, no objection open)."""
    vote.status = VoteStatus.FINAL
    vote.finalised_at = now
    vote.save(update_fields=["status", "finalised_at"])
    log_event(
        actor=actor,
        action="voting.finalised",
        obj=vote,
        details={"outcome": vote.outcome, "objections": vote.objections.count()},
    )
    vote_finalised.send(sender=Vote, vote=vote, outcome=vote.outcome)
    notifications.tell_owners(vote, "final", now=now)


def objection_file(*, actor, vote: Vote, text: str, now: datetime | None = None) -> Objection:
    """A verified owner of the estate objects to a publicised result, within its period.

    An objection holds at most ``VOTE_OBJECTION_MAX_CHARS`` characters, and one account files
    at most ``VOTE_OBJECTIONS_PER_ACCOUNT`` objections to a vote (counted under the vote's lock).
    """
    now = _now(now)
    text = _objection_text(
        text,
        empty=_("Write your objection."),
        too_long=_("An objection holds at most %(limit)d characters."),
        empty_code="text",
    )
    with transaction.atomic():
        _locked(vote)
        _require(vote, VoteStatus.PUBLICISED)
        objection_check_window(
            now=now,
            ends=vote.publicity_ends_at,
            error=VoteError,
            message=_("The objection period has ended."),
            inclusive=False,
        )
        most = _setting("VOTE_OBJECTIONS_PER_ACCOUNT")
        if Objection.objects.filter(vote=vote, filed_by=actor).count() >= most:
            raise VoteError(
                _("You have already filed %(most)d objections to this vote.") % {"most": most},
                code="too_many",
            )
        objection = Objection.objects.create(vote=vote, filed_by=actor, text=text, filed_at=now)
        log_event(actor=actor, action="voting.objection_filed", obj=vote, details={})
        notifications.tell_objection_filed(objection)
    return objection


def _objection_text(text: str, *, empty: str, too_long: str, empty_code: str) -> str:
    """An objection or a ruling's reason: plain text, not empty, at most
    ``VOTE_OBJECTION_MAX_CHARS`` characters."""
    return objection_clean_text(
        text,
        error=VoteError,
        empty=empty,
        too_long=too_long,
        limit=_setting("VOTE_OBJECTION_MAX_CHARS"),
        field=None,
        empty_code=empty_code,
    )


def _ruling_text(reason: str) -> str:
    return _objection_text(
        reason,
        empty=_("Give the reason for the ruling."),
        too_long=_("A reason holds at most %(limit)d characters."),
        empty_code="reason",
    )


def _lock_open_objection(objection: Objection) -> tuple[Objection, Vote]:
    """Lock the objection's vote, then the objection; both must still be open to a ruling."""
    vote = _locked(objection.vote)
    locked = Objection.objects.select_for_update().get(pk=objection.pk)
    objection_require_open(
        locked,
        error=VoteError,
        message=_("This objection has already been ruled on."),
        code="ruled",
    )
    _require(vote, VoteStatus.PUBLICISED)
    locked.vote = vote
    return locked, vote


def _record_ruling(objection: Objection, *, actor, status: str, reason: str, now) -> None:
    objection_record_answer(objection, actor=actor, answer=reason, status=status, at=now)


def objection_dismiss(
    *, actor, objection: Objection, reason: str, now: datetime | None = None
) -> Objection:
    """open → dismissed: the result stands. If it was the vote's last open objection and the
    objection period has ended, the vote becomes final at once (``vote_finalised`` is sent).

    Preconditions: ``actor`` holds ``voting.rule_objection`` on the objection (the views check
    it); the objection is open and its vote publicised; the reason is plain text, not blank,
    at most ``VOTE_OBJECTION_MAX_CHARS`` characters."""
    now = _now(now)
    reason = _ruling_text(reason)
    with transaction.atomic():
        locked, vote = _lock_open_objection(objection)
        _record_ruling(
            locked, actor=actor, status=ObjectionStatus.DISMISSED, reason=reason, now=now
        )
        log_event(
            actor=actor,
            action="voting.objection_dismissed",
            obj=vote,
            details={"objection": locked.pk},
        )
        notifications.tell_objection_ruled(locked)
        if (
            now >= vote.publicity_ends_at
            and not vote.objections.filter(status=ObjectionStatus.OPEN).exists()
        ):
            _finalise(vote, actor=actor, now=now)
    objection.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return objection


def objection_uphold(
    *, actor, objection: Objection, reason: str, now: datetime | None = None
) -> Objection:
    """open → upheld, and the vote publicised → set aside: the result never becomes final; its
    figures, board and export stay public and verifiable (the board is not touched). Other open
    objections to the vote are closed (nothing left to rule). Sends ``vote_set_aside``; tells
    the objector, the organising committee and the estate's owners.

    Preconditions: as ``objection_dismiss``."""
    now = _now(now)
    reason = _ruling_text(reason)
    with transaction.atomic():
        locked, vote = _lock_open_objection(objection)
        _record_ruling(locked, actor=actor, status=ObjectionStatus.UPHELD, reason=reason, now=now)
        others = vote.objections.filter(status=ObjectionStatus.OPEN).exclude(pk=locked.pk)
        closed = others.update(status=ObjectionStatus.CLOSED, answered_at=now)
        vote.status = VoteStatus.SET_ASIDE
        vote.set_aside_at = now
        vote.save(update_fields=["status", "set_aside_at"])
        log_event(
            actor=actor,
            action="voting.objection_upheld",
            obj=vote,
            details={"objection": locked.pk, "others_closed": closed},
        )
        log_event(
            actor=actor,
            action="voting.set_aside",
            obj=vote,
            details={"outcome": vote.outcome, "objection": locked.pk},
        )
        vote_set_aside.send(sender=Vote, vote=vote)
        notifications.tell_objection_ruled(locked)
        notifications.tell_owners(vote, "set_aside", now=now)
    objection.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return objection


# --- disputes of paper and proxy ballots --------------------------------------------------------

DISPUTABLE_STATUSES = (
    VoteStatus.OPEN,
    VoteStatus.CLOSED,
    VoteStatus.COUNTED,
    VoteStatus.PUBLICISED,
)


def ballot_dispute_file(
    *, actor, vote: Vote, entry: BoardEntry, party: OwnerParty, statement: str
) -> BallotDispute:
    """An owner disputes a paper or proxy ballot entered for their party.

    Preconditions: the caller checked that ``actor`` speaks for ``party`` in this vote (a member
    who may cast for it, or saw it frozen with them) and that ``entry`` is that party's; the
    entry is a paper or proxy ballot; the vote is open or its result not yet final; the
    statement is not blank. One open dispute per entry. While the vote is open the entry stops
    standing at once (the party may cast again through any channel, and it does not count if it
    is still the party's latest ballot at close); after close the count stands and the dispute
    is a record for the street office and an objection. The worker tells the street office."""
    statement = (statement or "").strip()
    if not statement:
        raise VoteError(_("Say why this ballot is not yours."), code="statement")
    if entry.vote_id != vote.pk or entry.channel not in (Channel.PAPER, Channel.PROXY):
        raise VoteError(_("Only a paper or proxy ballot can be disputed."), code="channel")
    with transaction.atomic():
        _locked(vote)
        _require(vote, *DISPUTABLE_STATUSES)
        if vote.links_cut_at is not None:
            raise VoteError(
                _(
                    "The vote is counted and the portal no longer knows which ballot was your "
                    "party's. Raise it as an objection to the result: the street office can "
                    "have the trustees open the sealed record of ballots for it."
                ),
                code="links_cut",
            )
        if BallotDispute.objects.filter(entry=entry, status=BallotDisputeStatus.OPEN).exists():
            raise VoteError(
                _("This ballot is already disputed; the street office is deciding."),
                code="open",
            )
        dispute = BallotDispute.objects.create(
            vote=vote, entry=entry, party=party, filed_by=actor, statement=statement[:2000]
        )
        log_event(
            actor=actor,
            action="voting.ballot_disputed",
            obj=vote,
            details={"dispute": dispute.pk},  # not the entry: it would name the party's entry
        )
        transaction.on_commit(
            lambda: _queue("voting.tasks.notify_ballot_dispute", dispute.pk, "filed")
        )
    return dispute


def ballot_dispute_decide(
    *, actor, dispute: BallotDispute, uphold: bool, reason: str, now: datetime | None = None
) -> BallotDispute:
    """The street office decides an open ballot dispute, with a reason. Upheld before the vote
    closes: the ballot does not count unless the party casts again. Dismissed: it stands.
    Preconditions: ``actor`` holds ``voting.decide_disputes`` on the vote."""
    now = _now(now)
    reason = (reason or "").strip()
    if not reason:
        raise VoteError(_("Give the reason for the decision."), code="reason")
    with transaction.atomic():
        locked = BallotDispute.objects.select_for_update().get(pk=dispute.pk)
        if locked.status != BallotDisputeStatus.OPEN:
            raise VoteError(_("This dispute has already been decided."), code="decided")
        locked.status = BallotDisputeStatus.UPHELD if uphold else BallotDisputeStatus.DISMISSED
        locked.decided_by = actor
        locked.decided_at = now
        locked.reason = reason
        if locked.vote.links_cut_at is not None:  # settled after the count: its link goes too
            locked.entry = None
        locked.save(update_fields=["status", "decided_by", "decided_at", "reason", "entry"])
        log_event(
            actor=actor,
            action="voting.ballot_dispute_upheld" if uphold else "voting.ballot_dispute_dismissed",
            obj=locked.vote,
            details={"dispute": locked.pk},
        )
        transaction.on_commit(
            lambda: _queue("voting.tasks.notify_ballot_dispute", locked.pk, "decided")
        )
    dispute.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked


# --- notifications -------------------------------------------------------------------------------


def _queue(func: str, *args) -> None:

    async_task(func, *args)


def _notify(vote: Vote, kind: str) -> None:
    """Tell the owners of a step (``opened``, ``result``) through ``portal.notifications``."""
    notifications.tell_owners(vote, {"result": "counted"}.get(kind, kind))


# --- paper-ballot scans waiting for the committee's confirmation ---------------------------------

PAPER_PENDING_DIR = "paper-pending"
PAPER_PENDING_MAX_AGE = timedelta(minutes=30)  # how long a stashed scan waits for confirmation


def paper_scan_stash(*, vote: Vote, scan) -> str:
    """Keep the scan of a paper ballot that would replace a party's ballot until the committee
    confirms the replacement; returns its path in private storage.

    Preconditions: the caller may enter paper ballots in ``vote`` and the scan passed the form's
    checks. The scan is deleted on confirmation or refusal, and by ``paper_scans_sweep`` once
    ``PAPER_PENDING_MAX_AGE`` has passed or the vote is no longer open.
    """
    name = f"{PAPER_PENDING_DIR}/{vote.pk}/{uuid.uuid4().hex}.{extension(scan.name)}"
    return private_storage().save(name, scan)


def paper_scans_sweep(*, now: datetime | None = None) -> int:
    """Delete stashed paper-ballot scans nobody confirmed: older than ``PAPER_PENDING_MAX_AGE``,
    or of a vote that is no longer open (or no longer exists). Returns how many were deleted."""
    now = _now(now)
    storage = private_storage()
    if not storage.exists(PAPER_PENDING_DIR):
        return 0
    folders, _files = storage.listdir(PAPER_PENDING_DIR)
    open_votes = {
        str(pk)
        for pk in Vote.objects.filter(
            pk__in=[f for f in folders if f.isdigit()], status=VoteStatus.OPEN
        ).values_list("pk", flat=True)
    }
    deleted = 0
    for folder in folders:
        base = f"{PAPER_PENDING_DIR}/{folder}"
        for name in storage.listdir(base)[1]:
            path = f"{base}/{name}"
            stale = folder not in open_votes or (
                now - storage.get_modified_time(path) >= PAPER_PENDING_MAX_AGE
            )
            if stale:
                storage.delete(path)
                deleted += 1
    if deleted:
        log_event(actor=None, action="voting.paper_scans_swept", details={"deleted": deleted})
    return deleted


# --- the reminder mark (issue 20: domain writes only in services) ------------------------------


@transaction.atomic
def vote_reminder_mark(*, vote: Vote, now: datetime) -> bool:
    """Record that the owners were reminded of ``vote``'s close at ``now`` (the worker's
    ``advance_votes``, a day before close). Returns whether it marked it.

    Preconditions: ``vote`` is open and its reminder is not yet marked; a vote already marked
    is left as it is (``False``), so the reminder goes out once."""
    return bool(
        Vote.objects.filter(pk=vote.pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now)
    )
