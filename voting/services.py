"""Named domain operations of owner e-voting (DOMAIN.md §1). The mutating core.

Every function takes keyword-only arguments, runs in ``transaction.atomic``, checks the state
it needs (raising ``VoteError``, a ``ValidationError`` with a message in the user's language, and
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
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import log_event
from property.registry.models import Estate, OwnerParty
from property.registry.selectors import electorate_rows

from . import keys
from .models import (
    ALL_CHANNELS,
    CANCEL_REASON_MAX_CHARS,
    Ballot,
    BoardCounter,
    BoardEntry,
    Channel,
    Objection,
    PaperBallot,
    ProxyAuthorization,
    ProxyStatus,
    Vote,
    VoteAttachment,
    VoteElector,
    VoteStatus,
)
from .sealing import (
    ChoiceOpener,
    ballot_context,
    generate_vote_keypair,
    party_pseudonym,
    receipt_code,
    unwrap_private_key,
    wrap_private_key,
)
from .signals import vote_finalised
from .tally import Choice, Weight, party_areas, result_to_json, rule_for, tally_counts
from .verify import electorate_json, entry_hash, make_entry, manifest_hash, seal_for_entry

CHOICE_VALUES = frozenset(c.value for c in Choice)


class VoteError(ValidationError):
    """A refused operation; ``messages[0]`` is the reason in the user's language."""


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


def _wrap_context(vote: Vote) -> bytes:
    return f"vote:{vote.board_id}".encode()


def _b64(raw: bytes) -> str:
    return base64.b64encode(bytes(raw)).decode("ascii")


def board_time(t: datetime) -> str:
    """A board entry's time: ISO 8601 with seconds and the Asia/Shanghai offset."""
    return timezone.localtime(t).isoformat(timespec="seconds")


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
) -> Vote:
    """Create a DRAFT vote. Preconditions: matter 1..9, closes after opens, channels a non-empty
    subset of online/paper/proxy. The caller has checked ``voting.create_vote``."""
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
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        log_event(actor=actor, action="voting.created", obj=vote, details={"matter": int(matter)})
    return vote


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
        vote.notice_at = notice_at
        vote.status = VoteStatus.SCHEDULED
        vote.save(update_fields=["notice_at", "status"])
        log_event(actor=actor, action="voting.scheduled", obj=vote, details={})
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


def vote_open(*, vote: Vote, actor=None, now: datetime | None = None, notify: bool = True) -> Vote:
    """scheduled → open, at or after ``opens_at``. Freezes the electorate (one ``VoteElector``
    per owner party currently holding units, with its summed area and unit count; totals on the
    vote), makes the vote's X25519 key pair (private key stored only wrapped), the board counter
    and the manifest hash; then emails the verified owners."""
    now = _now(now)
    with transaction.atomic():
        _locked(vote)
        _require(vote, VoteStatus.SCHEDULED)
        if now < vote.opens_at:
            raise VoteError(_("The vote does not open yet."), code="early")
        rows = electorate_rows(vote.estate)
        areas = party_areas((str(party), int(area * 100)) for _, area, party in rows)
        units: dict[str, int] = {}
        for _code, _area, party in rows:
            units[str(party)] = units.get(str(party), 0) + 1
        secret = keys.pseudonym_key()
        electors = sorted(
            (
                VoteElector(
                    vote=vote,
                    party_id=int(party),
                    pseudonym=party_pseudonym(secret, vote.board_id, party),
                    area_centi=area,
                    units=units[party],
                )
                for party, area in areas.items()
            ),
            key=lambda e: e.pseudonym,
        )
        VoteElector.objects.bulk_create(electors, batch_size=2000)
        private, public = generate_vote_keypair()
        vote.public_key = public
        vote.private_key_wrapped = wrap_private_key(
            private, keys.wrapping_key(), context=_wrap_context(vote)
        )
        vote.total_heads = len(electors)
        vote.total_area_centi = sum(e.area_centi for e in electors)
        vote.total_units = len(rows)
        electorate = electorate_json((e.pseudonym, e.area_centi) for e in electors)
        vote.manifest = manifest_hash(vote.board_vote_json(), electorate, _b64(public))
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
) -> BoardEntry:
    """Cast (or change) the ballot of ``party`` and append its board entry; returns the entry.

    Preconditions: the vote is open and ``now`` is before its close; the party is in the frozen
    electorate; the channel is allowed; ``paper`` needs ``scan`` (the scanned ballot); ``proxy``
    needs an approved authorization naming ``actor`` for this vote and party. One ballot per
    party: a party that has voted through another channel is refused; a change through the same
    channel follows ``vote.allow_change``. Lock: the vote's ``BoardCounter`` row (see module)."""
    now = _now(now)
    if choice not in CHOICE_VALUES:
        raise VoteError(_("Choose agree, oppose or abstain."), code="choice")
    if channel not in vote.channels:
        raise VoteError(_("This vote does not accept that channel."), code="channel")
    if channel == Channel.PAPER and scan is None:
        raise VoteError(_("Attach the scanned paper ballot."), code="scan")
    if (
        channel == Channel.PROXY
        and not ProxyAuthorization.objects.filter(
            vote=vote, party=party, proxy=actor, status=ProxyStatus.APPROVED
        ).exists()
    ):
        raise VoteError(_("You hold no approved proxy for this party."), code="proxy")
    elector = _elector_and_ballot(vote, party)
    _check_current(vote, elector, channel)
    sealed = seal_for_entry(choice, bytes(vote.public_key), vote.board_id, elector["pseudonym"])
    # First with what was read before the lock; if another request cast for this party in
    # between (e.g. two co-owners at once), nothing was written: decide again under the lock,
    # as the only writer.
    for read in (elector, None):
        try:
            return _append_ballot(
                actor=actor,
                vote=vote,
                party=party,
                elector=read,
                sealed=sealed,
                channel=channel,
                scan=scan,
                now=now,
            )
        except (IntegrityError, _StaleBallot):
            if read is None:
                break
    raise VoteError(
        _("This party has already voted. One ballot per party across all channels."),
        code="already_cast",
    )


def _check_current(vote: Vote, elector: dict | None, channel: str) -> None:
    """Refuse a party outside the electorate, or one whose current ballot may not be replaced."""
    if elector is None:
        raise VoteError(_("This party is not in the vote's electorate."), code="elector")
    if elector["ballot"] is None:
        return
    if elector["ballot_channel"] != channel:
        raise VoteError(
            _(
                "This party has already voted (%(channel)s). One ballot per party "
                "across all channels."
            ),
            params={"channel": _channel_label(elector["ballot_channel"])},
            code="already_cast",
        )
    if not vote.allow_change:
        raise VoteError(
            _("This party has already voted, and this vote does not allow changes."),
            code="already_cast",
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
)
# Table names are the models' own; the values are parameters.
_ELECTOR_SQL = (
    "SELECT e.pseudonym, e.area_centi, b.id, b.channel, b.changes, b.entry_id, be.n "  # noqa: S608
    f"FROM {VoteElector._meta.db_table} e "
    f"LEFT JOIN {Ballot._meta.db_table} b ON b.vote_id = e.vote_id AND b.party_id = e.party_id "
    f"LEFT JOIN {BoardEntry._meta.db_table} be ON be.id = b.entry_id "
    "WHERE e.vote_id = %s AND e.party_id = %s"
)


def _elector_and_ballot(vote: Vote, party: OwnerParty) -> dict | None:
    """The party's frozen weights and its current ballot (if any), in one query.

    Plain SQL (two LEFT JOINs over indexed keys) because this runs on every cast and building
    the ORM's version (five subqueries) cost twenty times more than running it."""
    with connection.cursor() as cursor:
        cursor.execute(_ELECTOR_SQL, [vote.pk, party.pk])
        row = cursor.fetchone()
    return dict(zip(_ELECTOR_FIELDS, row, strict=True)) if row else None


def _append_ballot(*, actor, vote, party, elector, sealed, channel, scan, now) -> BoardEntry:
    """Append the board entry and write the current ballot, under the board counter lock.

    ``elector`` was read before the lock, and its ballot must still be current: a new ballot's
    INSERT meets the one-ballot-per-party constraint, and a change only updates the row if it
    still points at the entry that was read; otherwise everything here is rolled back. With
    ``elector=None`` it is read (and checked) under the lock instead, which cannot go stale."""
    with transaction.atomic():
        # The audit event first: it needs no lock, so the lock below is held shorter.
        log_event(actor=actor, action="voting.ballot_cast", obj=vote, details={"channel": channel})
        counter_pk, next_n, last_time, closed = (
            BoardCounter.objects.select_for_update()
            .filter(vote=vote)
            .values_list("pk", "next_n", "last_time", "closed")
            .get()
        )
        if closed or vote.status != VoteStatus.OPEN or now >= vote.closes_at:
            raise VoteError(_("The vote is not open."), code="closed")
        if elector is None:
            elector = _elector_and_ballot(vote, party)
            _check_current(vote, elector, channel)
        n = next_n
        t = max(now, last_time) if last_time else now
        entry = make_entry(
            n=n,
            pseudonym=elector["pseudonym"],
            area=elector["area_centi"],
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
            supersedes=entry["supersedes"],
            time=t,
        )
        cast_by = actor if getattr(actor, "is_authenticated", False) else None
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
            )
        elif not Ballot.objects.filter(
            pk=elector["ballot"], entry_id=elector["ballot_entry"]
        ).update(
            sealed_choice=sealed,
            entry=board_entry,
            cast_by=cast_by,
            cast_at=t,
            changes=elector["ballot_changes"] + 1,
        ):
            raise _StaleBallot
        BoardCounter.objects.filter(pk=counter_pk).update(next_n=n + 1, last_time=t)
        if channel == Channel.PAPER:
            PaperBallot.objects.create(vote=vote, entry=board_entry, scan=scan, entered_by=actor)
    return board_entry


# --- proxies ---------------------------------------------------------------------------------


def proxy_request(
    *, actor, vote: Vote, party: OwnerParty, proxy_user, document
) -> ProxyAuthorization:
    """An owner of ``party`` uploads a written authorization naming ``proxy_user`` for this vote.
    Preconditions: the vote is scheduled or open and accepts proxies; the party is not already
    voted and has no pending or approved authorization; the proxy is another user."""
    if Channel.PROXY not in vote.channels:
        raise VoteError(_("This vote does not accept proxies."), code="channel")
    if proxy_user is None or proxy_user.pk == actor.pk:
        raise VoteError(_("Name another portal user as your proxy."), code="proxy_self")
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
            vote=vote, party=party, requested_by=actor, proxy=proxy_user, document=document
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
    authorization.__dict__.update(auth.__dict__)
    return auth


# --- closing, counting, publishing ---------------------------------------------------------------


def vote_close(*, vote: Vote, actor=None, now: datetime | None = None) -> Vote:
    """open → closed at or after ``closes_at``. Takes the board lock, so no ballot lands after."""
    now = _now(now)
    with transaction.atomic():
        # Takes the board lock by marking the board closed on that row itself, so that a cast
        # waiting for the lock sees it (BoardCounter); rolled back if the vote may not close.
        BoardCounter.objects.filter(vote=vote).update(closed=True)
        _locked(vote)
        _require(vote, VoteStatus.OPEN)
        if now < vote.closes_at:
            raise VoteError(_("The vote does not close yet."), code="early")
        vote.status = VoteStatus.CLOSED
        vote.closed_at = now
        vote.save(update_fields=["status", "closed_at"])
        log_event(
            actor=actor,
            action="voting.closed",
            obj=vote,
            details={"entries": BoardEntry.objects.filter(vote=vote).count()},
        )
    return vote


COUNT_CHUNK = 5000  # rows fetched per round trip while streaming the ballots


def count_sealed(vote: Vote, private_key: bytes, rows) -> tuple[Weight, Weight, Weight]:
    """Open each current ballot and sum heads and area per choice: (agree, oppose, abstain).

    ``rows`` is an iterator of (pseudonym, area, sealed), streamed from the database. One
    ``ChoiceOpener`` opens each data key's envelope once (``voting.sealing``), so the cost per
    ballot is one AES-GCM decryption; memory holds one row at a time plus the opened keys."""
    opener = ChoiceOpener(private_key)
    index = {"agree": 0, "oppose": 1, "abstain": 2}
    heads, areas = [0, 0, 0], [0, 0, 0]
    vid = vote.board_id
    for pseudonym, area, sealed in rows:
        i = index[opener.open(sealed, context=ballot_context(vid, pseudonym))]
        heads[i] += 1
        areas[i] += area
    return tuple(Weight(h, a) for h, a in zip(heads, areas, strict=True))


def vote_count(*, vote: Vote, actor=None, now: datetime | None = None) -> Vote:
    """closed → counted: unwrap the vote key, open every current sealed ballot (streamed, never
    loaded as model instances), decide with ``voting.tally.tally_counts`` and store the figures
    (``result_to_json``) and the raw private key, which is published with the board; then queue
    the writing of the public export file (``voting.board.board_export_publish``)."""
    now = _now(now)
    with transaction.atomic():
        _locked(vote)
        _require(vote, VoteStatus.CLOSED)
        private = unwrap_private_key(
            bytes(vote.private_key_wrapped), keys.wrapping_key(), context=_wrap_context(vote)
        )
        ballots = Ballot.objects.filter(vote=vote)
        rows = ballots.values_list("pseudonym", "area_centi", "sealed_choice").iterator(
            chunk_size=COUNT_CHUNK
        )
        agree, oppose, abstain = count_sealed(vote, private, rows)
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
        vote.status = VoteStatus.COUNTED
        vote.counted_at = now
        vote.save(update_fields=["result", "outcome", "private_key", "status", "counted_at"])
        log_event(actor=actor, action="voting.counted", obj=vote, details={"outcome": vote.outcome})
    # Once the count is committed the worker writes the public export file (the board's
    # every-minute task writes any that is missing, should this job be lost).
    _queue("voting.tasks.publish_board_export", vote.pk)
    return vote


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
    """publicised → final once the objection period has ended; sends ``vote_finalised``."""
    now = _now(now)
    with transaction.atomic():
        _locked(vote)
        _require(vote, VoteStatus.PUBLICISED)
        if now < vote.publicity_ends_at:
            raise VoteError(_("The objection period has not ended."), code="early")
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
    return vote


def objection_file(*, actor, vote: Vote, text: str, now: datetime | None = None) -> Objection:
    """A verified owner of the estate objects to a publicised result, within its period.

    An objection holds at most ``VOTE_OBJECTION_MAX_CHARS`` characters, and one account files
    at most ``VOTE_OBJECTIONS_PER_ACCOUNT`` objections to a vote (counted under the vote's lock).
    """
    now = _now(now)
    text = (text or "").strip()
    if not text:
        raise VoteError(_("Write your objection."), code="text")
    limit = _setting("VOTE_OBJECTION_MAX_CHARS")
    if len(text) > limit:
        raise VoteError(
            _("An objection holds at most %(limit)d characters.") % {"limit": limit},
            code="too_long",
        )
    with transaction.atomic():
        _locked(vote)
        _require(vote, VoteStatus.PUBLICISED)
        if now >= vote.publicity_ends_at:
            raise VoteError(_("The objection period has ended."), code="late")
        most = _setting("VOTE_OBJECTIONS_PER_ACCOUNT")
        if Objection.objects.filter(vote=vote, filed_by=actor).count() >= most:
            raise VoteError(
                _("You have already filed %(most)d objections to this vote.") % {"most": most},
                code="too_many",
            )
        objection = Objection.objects.create(vote=vote, filed_by=actor, text=text)
        log_event(actor=actor, action="voting.objection_filed", obj=vote, details={})
    return objection


# --- notifications -------------------------------------------------------------------------------


def _queue(func: str, *args) -> None:
    from django_q.tasks import async_task

    async_task(func, *args)


def _notify(vote: Vote, kind: str) -> None:
    _queue("voting.tasks.notify_owners", vote.pk, kind)
