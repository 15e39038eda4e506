"""Trustees of a vote's key: naming them, their key files, opening the count (issue 18).

Services in the house style (keyword-only, ``transaction.atomic``, ``VoteError`` and nothing
written on refusal, one audit event per act). The cryptography is ``voting.trustees`` (pure);
the steps (docs/voting.md, "Trustees"):

1. Draft: the organiser names ``n`` trustees (``trustees_name``): members of the estate's
   owners' committee, staff of the street office over it, and owner scrutineers (verified
   owners of the estate), and the threshold ``k`` (2 <= k <= n). Each is notified.
2. Draft: each trustee makes their key (``trustee_make_key``): the portal keeps the public part
   and hands the private part over once, as a file under the passphrase they chose. Making it
   is accepting the task. The vote can be scheduled only once every trustee has made theirs.
3. Open (``services.vote_open``): the vote key is split ``k`` of ``n``, one share sealed to each
   trustee; no form of the key is stored.
4. Closed: the worker calls the trustees who have not acted (``trustees_call``: at close, then
   daily). Each opens their share with key file and passphrase (``trustee_open``); once ``k``
   are open the key is rebuilt, checked, the count runs and every share is erased, all in one
   transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import log_event
from property.registry.notifications import committee_of, owner_accounts, street_office_of

from . import notifications, services, trustees
from .models import Channel, TrusteeKind, Vote, VoteStatus, VoteTrustee
from .services import VoteError

MAX_TRUSTEES = 9
CALL_EVERY = timedelta(days=1)  # how often trustees who have not acted are reminded


def eligible_trustees(vote: Vote) -> dict[str, object]:
    """The accounts that may be named, by kind (querysets of users)."""
    estate = vote.estate
    return {
        TrusteeKind.COMMITTEE: committee_of(estate),
        TrusteeKind.STREET: street_office_of(estate),
        TrusteeKind.SCRUTINEER: owner_accounts(estate),
    }


def key_error_text(code: str) -> str:
    """A ``voting.trustees.TrusteeKeyError`` code in the reader's language."""
    texts = {
        "not_a_key_file": _("This is not a trustee key file of the portal."),
        "other_vote": _("This key file belongs to another vote."),
        "other_trustee": _("This key file belongs to another trustee of the vote."),
        "wrong_passphrase": _("The passphrase does not open this key file."),
        "share_not_sealed_to_this_key": _("This key file does not open your share of the vote."),
    }
    return texts.get(code, _("The key could not be rebuilt from the trustees' shares."))


def trustees_name(*, actor, vote: Vote, k: int | None, named: list[tuple[object, str]]) -> Vote:
    """Name the trustees of a DRAFT vote: ``named`` is a list of (user, kind), numbered in that
    order, and ``k`` the number needed to open the count. Replaces any trustees named before
    (their keys too: each must make a new one). ``named`` empty and ``k`` None: no trustees,
    allowed only for a vote without the online channel.

    Preconditions: the caller may manage the vote. Refused (``VoteError``): not a draft; fewer
    than 2 or more than ``MAX_TRUSTEES`` trustees; ``k`` outside 2..n; a person named twice; a
    person not of the kind they are named as (committee member, street office staff, verified
    owner of the estate)."""
    named = list(named)
    if not named:
        if Channel.ONLINE in vote.channels:
            raise VoteError(
                _("A vote with online ballots needs trustees to hold its key."), code="trustees"
            )
        k = None
    else:
        if len(named) < trustees.MIN_THRESHOLD or len(named) > MAX_TRUSTEES:
            raise VoteError(
                _("Name between %(min)d and %(max)d trustees.")
                % {"min": trustees.MIN_THRESHOLD, "max": MAX_TRUSTEES},
                code="trustees",
            )
        if not isinstance(k, int) or not trustees.MIN_THRESHOLD <= k <= len(named):
            raise VoteError(
                _("The trustees needed to open the count must be at least 2 and at most %(n)d.")
                % {"n": len(named)},
                code="threshold",
                field="threshold",
            )
        if len({u.pk for u, _kind in named}) != len(named):
            raise VoteError(_("A person can be named only once."), code="twice")
        eligible = eligible_trustees(vote)
        for user, kind in named:
            if kind not in eligible or not eligible[kind].filter(pk=user.pk).exists():
                raise VoteError(
                    _("%(name)s cannot be a trustee as %(kind)s of this estate.")
                    % {"name": str(user), "kind": TrusteeKind(kind).label},
                    code="not_eligible",
                )
    with transaction.atomic():
        services._locked(vote)
        services._require(vote, VoteStatus.DRAFT)
        vote.trustees.all().delete()
        rows = VoteTrustee.objects.bulk_create(
            VoteTrustee(vote=vote, user=user, kind=kind, number=i)
            for i, (user, kind) in enumerate(named, start=1)
        )
        vote.trustee_threshold = k
        vote.save(update_fields=["trustee_threshold"])
        log_event(
            actor=actor,
            action="voting.trustees_named",
            obj=vote,
            details={"n": len(rows), "k": k, "kinds": [kind for _u, kind in named]},
        )
        if rows:
            notifications.tell_trustees(vote, [r.user for r in rows], "named")
    return vote


def vote_hold_again(*, actor, vote: Vote, now: datetime | None = None) -> Vote:
    """A new DRAFT with the motion of a closed vote that its trustees cannot open (fewer than
    ``k`` can act): same estate, title, matter, motion, channels and the organisation it names,
    opening after the notice period and lasting as long; no trustees yet (name them again).
    The closed vote stays as it is, uncounted; the audit links the two.

    Preconditions: the caller may manage the vote; it is closed and has trustees."""
    now = now or timezone.now()
    if vote.status != VoteStatus.CLOSED or not vote.has_trustees:
        raise VoteError(
            _("Only a closed vote waiting for its trustees can be held again."),
            code="bad_state",
        )
    days = int(services._setting("VOTE_NOTICE_DAYS"))
    opens_at = now + timedelta(days=days + 1)
    with transaction.atomic():
        new = services.vote_create(
            actor=actor,
            estate=vote.estate,
            title=vote.title,
            matter=int(vote.matter),
            motion=vote.motion,
            opens_at=opens_at,
            closes_at=opens_at + ((vote.original_closes_at or vote.closes_at) - vote.opens_at),
            allow_change=vote.allow_change,
            channels=vote.channels,
            concerns=vote.concerns,
        )
        log_event(actor=actor, action="voting.held_again", obj=vote, details={"new_vote": new.pk})
    return new


def trustee_make_key(
    *, actor, trustee: VoteTrustee, passphrase: str, now: datetime | None = None
) -> bytes:
    """Make trustee's key pair; returns the key file (the private part under ``passphrase``),
    which the caller hands over at once and never stores. The portal keeps the public part.

    Preconditions: ``actor`` is the trustee; the vote is a draft (its key is split at open, so
    a key made later could not be used). Making it again while the vote is a draft replaces the
    previous key, whose file then opens nothing. Refused: a passphrase shorter than
    ``voting.trustees.MIN_PASSPHRASE``."""
    now = now or timezone.now()
    if actor is None or actor.pk != trustee.user_id:
        raise VoteError(_("Only the trustee can make their own key."), code="not_trustee")
    if len(passphrase or "") < trustees.MIN_PASSPHRASE:
        raise VoteError(
            _("The passphrase needs at least %(n)d characters.") % {"n": trustees.MIN_PASSPHRASE},
            code="passphrase",
            field="passphrase",
        )
    with transaction.atomic():
        vote = services._locked(trustee.vote)
        if vote.status != VoteStatus.DRAFT:
            raise VoteError(
                _("Keys are made before the vote is scheduled; it is too late now."),
                code="bad_state",
            )
        made = trustees.make_trustee_keys(
            vote_id=vote.board_id, trustee=trustee.number, passphrase=passphrase
        )
        again = trustee.public_key is not None
        trustee.public_key = made.public
        trustee.key_made_at = now
        trustee.save(update_fields=["public_key", "key_made_at"])
        log_event(
            actor=actor,
            action="voting.trustee_key_made",
            obj=vote,
            details={"trustee": trustee.number, "again": again},
        )
    return made.key_file


def trustees_to_call(now: datetime):
    """Closed votes with trustees whose trustees were not called in the last ``CALL_EVERY``."""
    return Vote.objects.filter(status=VoteStatus.CLOSED, trustee_threshold__isnull=False).filter(
        Q(trustees_called_at__isnull=True) | Q(trustees_called_at__lte=now - CALL_EVERY)
    )


def trustees_call(*, vote: Vote, now: datetime | None = None) -> int:
    """Tell the trustees of a closed vote who have not acted to open the count (the worker: at
    close, then every ``CALL_EVERY`` until the count). Returns how many were told."""
    now = now or timezone.now()
    with transaction.atomic():
        services._locked(vote)
        if vote.status != VoteStatus.CLOSED or not vote.has_trustees:
            return 0
        waiting = [t.user for t in vote.trustees.filter(acted_at__isnull=True)]
        vote.trustees_called_at = now
        vote.save(update_fields=["trustees_called_at"])
        notifications.tell_trustees(vote, waiting, "open")
    return len(waiting)


def trustee_open(
    *, actor, trustee: VoteTrustee, key_file: bytes, passphrase: str, now: datetime | None = None
) -> Vote:
    """The trustee opens their share of the vote key with their key file and passphrase (held
    in memory for this call only). Once ``k`` shares are open the key is rebuilt and checked
    against the vote's public key, the count runs (``services.vote_count``) and every share of
    the vote, sealed and opened, is erased, in one transaction.

    Preconditions: ``actor`` is the trustee; the vote is closed and has not been counted; the
    trustee has not acted yet. Refused (``VoteError``, nothing written, the refusal audited):
    before close, a file that is not theirs or not of this vote, a wrong passphrase."""
    now = now or timezone.now()
    if actor is None or actor.pk != trustee.user_id:
        raise VoteError(_("Only the trustee can open their share."), code="not_trustee")
    refused = None
    try:
        with transaction.atomic():
            vote = services._locked(trustee.vote)
            trustee = VoteTrustee.objects.select_for_update().get(pk=trustee.pk)
            if vote.status != VoteStatus.CLOSED:
                raise VoteError(
                    _("The count can be opened only after the vote closes, and only once."),
                    code="bad_state",
                )
            if trustee.acted_at is not None or trustee.sealed_share is None:
                raise VoteError(_("You have already opened your share."), code="already")
            try:
                private = trustees.read_key_file(
                    bytes(key_file),
                    passphrase,
                    vote_id=vote.board_id,
                    trustee=trustee.number,
                    public=bytes(trustee.public_key),
                )
                share = trustees.open_share(
                    bytes(trustee.sealed_share),
                    private,
                    vote_id=vote.board_id,
                    trustee=trustee.number,
                )
            except trustees.TrusteeKeyError as exc:
                raise VoteError(key_error_text(exc.code), code=exc.code, field="key_file") from exc
            del private
            trustee.opened_share = share
            trustee.acted_at = now
            trustee.save(update_fields=["opened_share", "acted_at"])
            log_event(
                actor=actor,
                action="voting.trustee_opened",
                obj=vote,
                details={"trustee": trustee.number},
            )
            opened = [
                bytes(s)
                for s in vote.trustees.filter(opened_share__isnull=False).values_list(
                    "opened_share", flat=True
                )
            ]
            if len(opened) >= vote.trustee_threshold:
                refused = _count_with_shares(vote, opened, actor=actor, now=now)
    except VoteError as exc:
        if exc.code != "not_trustee":
            log_event(
                actor=actor,
                action="voting.trustee_refused",
                obj=trustee.vote,
                details={"trustee": trustee.number, "reason": exc.code},
            )
        raise
    if refused is not None:  # the share, its audit event and the refusal's are kept
        raise refused
    return vote


def _count_with_shares(vote: Vote, opened: list[bytes], *, actor, now) -> VoteError | None:
    """Rebuild the key from the opened shares and count (``services.vote_count``, its own
    savepoint), then erase every share of the vote. A count refused because the board and the
    ballot table disagree (``board_mismatch``) is returned, not raised: the caller commits the
    opened shares with the refusal's audit event and notice (``services._count_refused``), so no
    trustee has to open again once the cause is found (``trustees_count_again``)."""
    try:
        key = trustees.combine(opened, k=vote.trustee_threshold, vote_public=bytes(vote.public_key))
    except trustees.TrusteeKeyError as exc:
        raise VoteError(key_error_text(exc.code), code=exc.code) from exc
    try:
        services.vote_count(vote=vote, actor=actor, now=now, private_key=key)
    except VoteError as exc:
        if exc.code != "board_mismatch":
            raise
        return exc
    finally:
        del key
    erased = vote.trustees.update(sealed_share=None, opened_share=None)
    log_event(
        actor=None,
        action="voting.trustee_shares_erased",
        obj=vote,
        details={"shares": erased},
    )
    return None


def trustees_count_again(*, vote: Vote, actor=None, now: datetime | None = None) -> Vote:
    """Count a closed vote whose count was refused after ``k`` trustees had opened their shares
    (the worker retries it every minute, like a vote without trustees). Refused as before while
    the board and the ballot table still disagree. Precondition: none."""
    now = now or timezone.now()
    refused = None
    with transaction.atomic():
        services._locked(vote)
        if vote.status != VoteStatus.CLOSED or not vote.has_trustees:
            raise VoteError(_("Only a closed vote waiting for its trustees."), code="bad_state")
        opened = [
            bytes(s)
            for s in vote.trustees.filter(opened_share__isnull=False).values_list(
                "opened_share", flat=True
            )
        ]
        if len(opened) < vote.trustee_threshold:
            raise VoteError(_("Not enough trustees have opened their shares."), code="waiting")
        refused = _count_with_shares(vote, opened, actor=actor, now=now)
    if refused is not None:
        raise refused
    return vote


def trustees_recount_due():
    """Closed votes with trustees holding ``k`` opened shares (a refused count to retry)."""

    return (
        Vote.objects.filter(status=VoteStatus.CLOSED, trustee_threshold__isnull=False)
        .annotate(opened=Count("trustees", filter=Q(trustees__opened_share__isnull=False)))
        .filter(opened__gte=F("trustee_threshold"))
    )
