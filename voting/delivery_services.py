"""Writes: the manual channels of a vote notice's delivery (送达): the paper notice posted in the
estate (a photo, its time and place) and the notice handed to a party in person (the scan of
the signed receipt). The electronic channels record themselves (``voting.notifications``
links each in-portal notice of the vote; ``portal.notifications`` records email and SMS).

Both services: keyword-only, audited, atomic; the caller (a view) has checked
``voting.record_delivery`` on the vote. They refuse with a ``VoteError`` in the user's
language and write nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import log_event
from portal.core.uploads import extension, validate_upload

from .delivery_selectors import electorate_party
from .models import NoticeHandover, NoticePosting, Vote, VoteStatus
from .services import VoteError

#: A notice is delivered before the vote opens and while it runs.
DELIVERY_STATUSES = (VoteStatus.SCHEDULED, VoteStatus.OPEN)
PLACE_MAX_CHARS = 200
PHOTO_EXTENSIONS = ("jpg", "jpeg", "png")


def _check_state(vote: Vote) -> None:
    if vote.status not in DELIVERY_STATUSES:
        raise VoteError(
            _("The notice's delivery is recorded only before the vote opens and while it runs."),
            code="state",
        )


def _check_time(at: datetime | None, now: datetime, vote: Vote) -> None:
    if at is None:
        raise VoteError(_("Give the date and time."), code="time")
    if at > now:
        raise VoteError(_("The time cannot be in the future."), code="future")
    if vote.notice_at and at < vote.notice_at - timedelta(days=1):
        raise VoteError(_("The time is before the notice of the vote was published."), code="early")


def _check_file(file, *, photo: bool) -> None:
    if file is None:
        raise VoteError(_("Attach the file."), code="file")
    if photo and extension(getattr(file, "name", "")) not in PHOTO_EXTENSIONS:
        raise VoteError(_("The photo must be a JPG or PNG image."), code="photo_type")
    try:
        validate_upload(file)
    except ValidationError as exc:
        raise VoteError(exc.messages[0], code="file") from None


def notice_posting_record(
    *, actor, vote: Vote, posted_at: datetime, place: str, photo, now: datetime | None = None
) -> NoticePosting:
    """Record the paper notice of ``vote`` posted in the estate at ``posted_at`` in ``place``,
    with a photo of it (JPG or PNG within the upload limit).

    Preconditions: ``actor`` may record deliveries of the vote; the vote is scheduled or open;
    ``posted_at`` is not in the future nor more than a day before the notice was published."""
    now = now or timezone.now()
    place = (place or "").strip()
    _check_state(vote)
    _check_time(posted_at, now, vote)
    if not place:
        raise VoteError(_("Say where the notice is posted."), code="place")
    if len(place) > PLACE_MAX_CHARS:
        raise VoteError(
            _("A place holds at most %(limit)d characters.") % {"limit": PLACE_MAX_CHARS},
            code="too_long",
        )
    _check_file(photo, photo=True)
    with transaction.atomic():
        posting = NoticePosting.objects.create(
            vote=vote,
            posted_at=posted_at,
            place=place,
            photo=photo,
            recorded_by=actor,
            recorded_at=now,
        )
        log_event(
            actor=actor,
            action="voting.notice_posted",
            obj=vote,
            details={"posting": posting.pk},
        )
    return posting


def notice_handover_record(
    *, actor, vote: Vote, party_id: int, handed_at: datetime, signature, now: datetime | None = None
) -> NoticeHandover:
    """Record the notice of ``vote`` handed in person to the party ``party_id`` at
    ``handed_at``, with the scan of the receipt it signed (PDF, JPG or PNG).

    Preconditions: ``actor`` may record deliveries of the vote; the vote is scheduled or open;
    the party belongs to the vote's electorate (frozen once open)."""
    now = now or timezone.now()
    _check_state(vote)
    if electorate_party(vote, party_id) is None:
        raise VoteError(_("This party is not in the vote's electorate."), code="party")
    _check_time(handed_at, now, vote)
    _check_file(signature, photo=False)
    with transaction.atomic():
        handover = NoticeHandover.objects.create(
            vote=vote,
            party_id=party_id,
            handed_at=handed_at,
            signature=signature,
            recorded_by=actor,
            recorded_at=now,
        )
        log_event(
            actor=actor,
            action="voting.notice_handed",
            obj=vote,
            details={"handover": handover.pk, "party": party_id},
        )
    return handover
