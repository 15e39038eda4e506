"""The public side of the bulletin board: signed tree heads, receipts and the export.

DOMAIN.md §1, Verifiability. The rules and formats are the pure modules' (``voting.merkle``,
``voting.sealing``, ``voting.board_format``; never the verifier, ``voting.verify``): this
module reads the board from the database and signs heads with the portal's key
(``voting.keys``).

Services (mutating, audited)
----------------------------
``board_head_sign(*, vote, actor=None, now=None) -> TreeHead | None``
    Sign a tree head over every entry of the board now, if the board grew since the last head
    (or has none yet). Idempotent: no new head when the size is unchanged. Lock: the vote row
    (``select_for_update``) serialises signers; the board counter is only read (entries below
    ``next_n`` are committed and never change), so voters never wait for a signature.
``board_final_head_sign(*, vote, tree, result, actor=None, now=None) -> TreeHead | None``
    At the count (format 4): the final head over the closing board, signing the result.

Tasks (django-q2)
-----------------
``board_export_publish(*, vote, now=None, replace=False) -> Path | None``
    Write the public export of a counted vote to its file (``export_file(vote)``), once: the
    count's last step in ``voting.tasks.advance_votes``. ``/votes/<id>/board.json`` serves that
    file and never builds the export in a request.

Tasks (django-q2)
-----------------
``sign_tree_heads(now=None)``
    Every minute: a head for every open vote whose board grew (the closing head is signed by
    ``services.vote_close`` itself, in its transaction); then the export file of every counted
    vote that lacks one (catch-up, and votes counted before exports were files).
    Declared in ``portal.core.schedules``.

Selectors (reads)
-----------------
``heads_of(vote)``, ``latest_head(vote)``, ``check_receipt(vote, text)``, ``board_export(vote)``,
``public_board_votes()``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.audit import log_event
from portal.core.masking import mask_name

from . import commitments, keys
from .board_format import (
    COMMITTED_FORMATS,
    FINAL_FORMATS,
    TRUSTEE_FORMATS,
    b64,
    board_time,
    build_export,
    committed_electorate_json,
    electorate_json,
    entry_hash,
    make_consistency,
    make_head,
    trustees_json,
)
from .merkle import MerkleTree, verify_inclusion
from .models import (
    RESULT_STATUSES,
    BoardCounter,
    BoardElector,
    BoardEntry,
    Channel,
    TreeHead,
    TrusteeKind,
    Vote,
    VoteElector,
    VoteStatus,
    VoteTrustee,
)
from .sealing import normalize_receipt_code, verify_tree_head
from .tally import parse_area

log = logging.getLogger(__name__)


#: Votes whose board exists (opened at some point); their board page and heads are public.
BOARD_STATUSES = (
    VoteStatus.OPEN,
    VoteStatus.CLOSED,
    VoteStatus.COUNTED,
    VoteStatus.PUBLICISED,
    VoteStatus.FINAL,
    VoteStatus.SET_ASIDE,
)
#: The board is complete: no entry can be added any more.
CLOSED_STATUSES = (VoteStatus.CLOSED, *RESULT_STATUSES)


def _leaf_hashes(vote: Vote, size: int) -> list[bytes]:
    rows = (
        BoardEntry.objects.filter(vote=vote, n__lt=size)
        .order_by("n")
        .values_list("entry_hash", flat=True)
        .iterator(chunk_size=5000)
    )
    return [bytes.fromhex(h) for h in rows]


# --- the trustees on the board (format 5) -------------------------------------------------------


def trustees_record(vote: Vote) -> dict:
    """What a format 5 board says about who held the vote key, fixed at open (``vote_open``
    stores it in ``Vote.board_trustees`` and hashes it into the manifest, so every head signs
    it): ``{"trustees": board_format.trustees_json(...), "no_trustees": None}`` for a vote with
    trustees (each one's number, role, masked name and public key), else ``{"trustees": None,
    "no_trustees": "no_online_channel" | "none"}``.

    Preconditions: the trustees are final (the vote is scheduled: named and keyed as a draft)."""
    if not vote.has_trustees:
        reason = "none" if Channel.ONLINE in vote.channels else "no_online_channel"
        return {"trustees": None, "no_trustees": reason}
    rows = [
        (
            t.number,
            t.kind,
            mask_name(t.user.display_name or t.user.get_full_name()),
            bytes(t.public_key),
        )
        for t in vote.trustees.select_related("user").order_by("number")
    ]
    return {"trustees": trustees_json(vote.trustee_threshold, rows), "no_trustees": None}


def public_trustees(vote: Vote) -> dict | None:
    """The trustees as the public board page shows them: from what the board signed at open
    (``Vote.board_trustees``), each with their role's name, masked name, the fingerprint of
    their public key (the first 16 bytes of its SHA-256, in hex groups of four) and whether they
    have opened their share; with ``k`` and ``n``. None for a vote opened without trustees
    (``no_trustees`` says why) or before format 5."""

    record = vote.board_trustees or {}
    listed = (record.get("trustees") or {}).get("list")
    if not listed:
        return None
    acted = dict(VoteTrustee.objects.filter(vote=vote).values_list("number", "acted_at"))
    rows = []
    for t in listed:
        digest = hashlib.sha256(base64.b64decode(t["public_key"])).hexdigest()[:32]
        rows.append(
            {
                "number": t["number"],
                "role": TrusteeKind(t["role"]).label,
                "name": t["name"],
                "fingerprint": " ".join(digest[i : i + 4] for i in range(0, 32, 4)),
                "opened": acted.get(t["number"]),
            }
        )
    k = record["trustees"]["k"]
    return {
        "k": k,
        "n": record["trustees"]["n"],
        "rows": rows,
        "opened": sum(1 for r in rows if r["opened"]),
        "counted": vote.status in RESULT_STATUSES,
    }


# --- signing --------------------------------------------------------------------------------


def board_head_sign(*, vote: Vote, actor=None, now: datetime | None = None) -> TreeHead | None:
    """Sign a tree head over the whole board of ``vote`` if it grew since the last head.

    Preconditions: the vote has a board (open or later). Returns the new head, or None when the
    last head already covers every entry (idempotent) or the vote has no board. The head's time
    is ``now``, never earlier than the last entry nor the previous head, so the verifier's
    "no entry later than a head covering it" holds. Lock: the vote row (see module)."""
    now = now or timezone.now()
    with transaction.atomic():
        vote = Vote.objects.select_for_update().get(pk=vote.pk)
        if vote.status not in BOARD_STATUSES or not vote.manifest:
            return None
        counter = BoardCounter.objects.filter(vote=vote).first()
        if counter is None:
            return None
        size = counter.next_n
        last = TreeHead.objects.filter(vote=vote).order_by("-size").first()
        if last is not None and last.size >= size:
            return None
        when = now
        if counter.last_time and counter.last_time > when:
            when = counter.last_time
        if last is not None and last.time > when:
            when = last.time
        hashes = _leaf_hashes(vote, size)
        if len(hashes) != size:  # an entry below next_n is missing: never sign a broken board
            raise RuntimeError(f"vote {vote.pk}: board has {len(hashes)} entries, counter {size}")
        signer = keys.signing_key()
        tree = MerkleTree(hashes)
        head = make_head(
            signer,
            vote_id=vote.board_id,
            tree=tree,
            size=size,
            time=board_time(when),
            manifest=vote.manifest,
            final=False if vote.export_format in FINAL_FORMATS else None,
        )
        try:
            with transaction.atomic():
                tree_head = TreeHead.objects.create(
                    vote=vote,
                    size=size,
                    root=head["root"],
                    time=when,
                    manifest=head["manifest"],
                    signature=head["signature"],
                    signing_key=b64(keys.signing_public_key_bytes()),
                    head=head,
                    consistency=None if last is None else make_consistency(tree, last.size, size),
                )
        except IntegrityError:  # another signer made this head first
            return None
        log_event(
            actor=actor,
            action="voting.head_signed",
            obj=vote,
            details={"size": size, "root": head["root"]},
        )
    return tree_head


def board_final_head_sign(
    *, vote: Vote, tree: MerkleTree, result: dict, actor=None, now: datetime | None = None
) -> TreeHead | None:
    """Sign the final head of a counted format 4 board: over the same entries as the closing
    head (``tree``, rebuilt by the count from the entries themselves), ``final`` true, and the
    digest of ``result`` (``board_format.result_digest``). Returns it, or None for a vote of an
    older format (its heads carry no final flag).

    Preconditions: called by ``services.vote_count`` inside its transaction, the vote row locked;
    the closing head exists and ``tree`` matches its root (the count checked it). Its time is
    ``now``, never earlier than the closing head. Audit event ``voting.head_signed`` (final)."""
    if vote.export_format not in FINAL_FORMATS:
        return None
    now = now or timezone.now()
    closing = TreeHead.objects.filter(vote=vote, final=False).order_by("-size").first()
    if closing is None or closing.size != tree.size or closing.root != tree.root().hex():
        raise RuntimeError(f"vote {vote.pk}: the final head must extend the closing head")
    when = max(now, closing.time)
    head = make_head(
        keys.signing_key(),
        vote_id=vote.board_id,
        tree=tree,
        size=tree.size,
        time=board_time(when),
        manifest=vote.manifest,
        final=True,
        result=result,
    )
    tree_head = TreeHead.objects.create(
        vote=vote,
        size=tree.size,
        root=head["root"],
        time=when,
        manifest=head["manifest"],
        signature=head["signature"],
        signing_key=b64(keys.signing_public_key_bytes()),
        head=head,
        consistency=None,  # same size as the closing head: nothing to prove
        final=True,
    )
    log_event(
        actor=actor,
        action="voting.head_signed",
        obj=vote,
        details={"size": tree.size, "root": head["root"], "final": True},
    )
    return tree_head


def sign_tree_heads(now=None) -> int:
    """The every-minute task: sign a head for each open vote whose board grew. Returns how many
    heads were signed. Closed votes are not its business: ``services.vote_close`` signs the
    closing head in the close's own transaction."""
    now = now or timezone.now()
    signed = 0
    votes = Vote.objects.filter(status=VoteStatus.OPEN).exclude(manifest="")
    for vote in votes.only("pk"):
        try:
            if board_head_sign(vote=vote, now=now) is not None:
                signed += 1
        except Exception:  # noqa: BLE001 - one bad board must not stop the others
            log.exception("voting: signing a tree head failed for vote %s", vote.pk)
    publish_missing_exports()
    return signed


def export_file(vote: Vote) -> Path:
    """Where the public export of ``vote`` is kept once written (private storage, backed up).
    The name carries the vote's manifest hash, so a file can only ever match its own vote."""
    name = f"vote-{vote.pk}-{vote.manifest[:16]}-board.json"
    return Path(settings.PRIVATE_MEDIA_ROOT) / "board-exports" / name


def board_export_publish(
    *, vote: Vote, now: datetime | None = None, replace: bool = False
) -> Path | None:
    """Write the public export of a counted vote to ``export_file(vote)`` and return its path.

    Preconditions: none; a vote not yet counted gets no file (None). An existing file is kept
    unless ``replace``: what was published stays what is served. The file is written under a
    temporary name and renamed, so a reader never sees half of it.
    """
    if not export_available(vote):
        return None
    path = export_file(vote)
    if path.exists() and not replace:
        return path
    data = board_export(vote)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    with partial.open("w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
    os.replace(partial, path)
    return path


def publish_missing_exports() -> int:
    """Write the export file of every counted vote that has none; returns how many."""
    written = 0
    votes = Vote.objects.filter(status__in=RESULT_STATUSES, private_key__isnull=False)
    for vote in votes.only("pk", "manifest"):
        if export_file(vote).exists():
            continue
        try:
            vote.refresh_from_db()
            if board_export_publish(vote=vote) is not None:
                written += 1
        except Exception:  # noqa: BLE001 - one bad board must not stop the others
            log.exception("voting: writing the board export failed for vote %s", vote.pk)
    return written


# --- reads ------------------------------------------------------------------------------------


def public_board_votes():
    """Votes whose board is public (opened at some point)."""
    return Vote.objects.filter(status__in=BOARD_STATUSES).select_related("estate")


def heads_of(vote: Vote):
    """The vote's heads in the export's order (the final head, if any, last)."""
    return TreeHead.objects.filter(vote=vote).order_by("size", "final")


def latest_head(vote: Vote) -> TreeHead | None:
    return TreeHead.objects.filter(vote=vote).order_by("-size", "-final").first()


def signing_key_b64() -> str:
    return b64(keys.signing_public_key_bytes())


def signing_key_pem() -> str:

    return (
        keys.signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def head_signature_valid(head: TreeHead) -> bool:
    body = {k: v for k, v in head.head.items() if k != "signature"}
    try:
        key = base64.b64decode(head.signing_key)
    except ValueError:
        return False
    return verify_tree_head(key, body, head.head.get("signature", ""))


@dataclass
class ReceiptCheck:
    """What the receipt page and ``verify_receipt`` say about one receipt."""

    status: str  # "invalid", "not_found", "ambiguous", "pending", "included", "broken"
    entry: BoardEntry | None = None
    head: TreeHead | None = None
    proof_length: int = 0
    superseded_by: int | None = None

    @property
    def found(self) -> bool:
        return self.status in ("included", "pending")


def _parse_receipt(text: str) -> tuple[str | None, str | None]:
    """(entry hash hex, None) for a 64-hex hash, (None, code) for a receipt code, else both None."""
    text = (text or "").strip()
    low = text.lower()
    if len(low) == 64 and all(c in "0123456789abcdef" for c in low):
        return low, None
    return None, normalize_receipt_code(text)


def check_receipt(vote: Vote, text: str) -> ReceiptCheck:
    """Find the entry of a receipt (code ``XXXXX-XXXXX`` or the 64-hex entry hash) on the board
    of ``vote`` and prove it is included under the latest signed head: the inclusion proof is
    computed from the stored entries and checked with ``voting.merkle.verify_inclusion``
    against the head's signed root, whose signature is checked too. The entry's hash is
    recomputed from the stored entry itself (``board_format.entry_hash``), not read from its
    hash column: an entry edited after it was appended is ``broken``. Never reveals a choice."""
    full, code = _parse_receipt(text)
    if full is None and code is None:
        return ReceiptCheck("invalid")
    qs = BoardEntry.objects.filter(vote=vote)
    matches = list(qs.filter(entry_hash=full) if full else qs.filter(receipt=code))
    if not matches:
        return ReceiptCheck("not_found")
    if len(matches) > 1:
        return ReceiptCheck("ambiguous")
    entry = matches[0]
    later = qs.filter(supersedes=entry.n).values_list("n", flat=True).first()
    head = latest_head(vote)
    if head is None or entry.n >= head.size:
        return ReceiptCheck("pending", entry=entry, head=head, superseded_by=later)
    hashes = _leaf_hashes(vote, head.size)
    proof = MerkleTree(hashes).inclusion_proof(entry.n, head.size)
    try:
        recomputed = entry_hash(entry.entry)
    except (ValueError, TypeError):  # not even an entry's fields any more
        recomputed = b""
    ok = (
        len(hashes) == head.size
        and recomputed == hashes[entry.n] == bytes.fromhex(entry.entry_hash)
        and (full is None or recomputed.hex() == full)
        and verify_inclusion(recomputed, entry.n, head.size, proof, bytes.fromhex(head.root))
        and head_signature_valid(head)
    )
    return ReceiptCheck(
        "included" if ok else "broken",
        entry=entry,
        head=head,
        proof_length=len(proof),
        superseded_by=later,
    )


def area_opens(vote: Vote, entry: BoardEntry, area: str, opening: str) -> bool:
    """Format 6: whether the published area commitment of ``entry``'s party opens to ``area``
    (m², as typed) with ``opening`` (64 hex, from the voter's receipt). The commitment is read
    where it is published: the electorate signed at open (``VoteElector`` until the count,
    ``BoardElector`` after). False for a malformed area or opening, or an older format."""
    if not vote.areas_committed:
        return False
    try:
        centi = parse_area((area or "").strip().replace(",", ""))
    except ValueError:
        return False
    r = commitments.parse_opening((opening or "").strip().lower())
    pseudonym = (entry.entry or {}).get("pseudonym")
    if r is None or not pseudonym:
        return False
    published = BoardElector if vote.links_cut_at is not None else VoteElector
    raw = (
        published.objects.filter(vote=vote, pseudonym=pseudonym)
        .values_list("commitment", flat=True)
        .first()
    )
    if raw is None:
        return False
    try:
        return commitments.check_opening([bytes(raw)], centi, r)
    except commitments.CommitmentError:
        return False


def export_available(vote: Vote) -> bool:
    """The export is published once the vote is counted (the private key and result exist)."""
    return vote.status in RESULT_STATUSES and vote.private_key is not None and bool(vote.result)


def board_export(vote: Vote) -> dict:
    """The public export (in the format the vote was opened with: ``gongzhi-board/6``, or /5,
    /4, /3, /2 for votes opened before) of a counted vote, straight from the database: every
    entry, every signed head, the consistency proofs between consecutive heads (stored when
    each head was signed), the electorate, the published private key, the stored result and,
    from format 5, the trustees recorded at open. Reads only: it signs nothing.

    Preconditions: ``export_available(vote)``, and the closing head (signed by the close)
    covers every entry; a board no signed head covers is never exported (ValueError), nor a
    format 4 board whose last head is not the final head signed at the count."""
    if not export_available(vote):
        raise ValueError("the board is exported only once the vote is counted")
    # Once the count has cut the links the electorate is read from its published copy, which
    # has no party (``BoardElector``); before that (older votes) from the frozen electorate.
    electors = (
        BoardElector.objects.filter(vote=vote)
        if vote.links_cut_at is not None
        else VoteElector.objects.filter(vote=vote)
    ).order_by("pseudonym")
    if vote.export_format in COMMITTED_FORMATS:  # format 6: commitments, no area per party
        electorate = committed_electorate_json(
            ((p, bytes(c)) for p, c in electors.values_list("pseudonym", "commitment")),
            vote.total_area_centi,
            commitments.parse_opening(vote.area_opening),
        )
    else:
        electorate = electorate_json(electors.values_list("pseudonym", "area_centi"))
    entries = list(
        BoardEntry.objects.filter(vote=vote).order_by("n").values_list("entry", flat=True)
    )
    heads = list(heads_of(vote))
    # The board's own count of what it appended, not today's rows: a row removed since is for
    # the verifier to find, not a reason to hold the export back.
    appended = BoardCounter.objects.filter(vote=vote).values_list("next_n", flat=True).first()
    covered = heads[-1].size if heads else 0
    if covered != (appended or 0) or not heads:
        raise ValueError(
            f"vote {vote.pk}: the closing head is missing (the last signed head covers "
            f"{covered} of the {appended or 0} entries appended)"
        )
    if vote.export_format in FINAL_FORMATS and not heads[-1].final:
        raise ValueError(f"vote {vote.pk}: the final head (signed at the count) is missing")
    signing = heads[0].signing_key  # the key of the vote's heads
    # The heads and the consistency proofs the portal committed to when it signed each head
    # (not recomputed from today's rows, so a later change to the stored board shows).
    return build_export(
        vote=vote.board_vote_json(),
        electorate=electorate,
        signing_key=base64.b64decode(signing),
        vote_public_key=bytes(vote.public_key),
        vote_private_key=bytes(vote.private_key),
        entries=entries,
        heads=[h.head for h in heads],
        consistency=[h.consistency for h in heads if h.consistency is not None],
        result=vote.result,
        format=vote.export_format,  # the format the vote was opened with (its manifest)
        **(vote.board_trustees if vote.export_format in TRUSTEE_FORMATS else {}),
    )
