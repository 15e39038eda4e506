"""The bulletin board's format, in one place: what an entry, a signed tree head, a consistency
proof and the public export are, byte for byte (DOMAIN.md section 1, Verifiability).

Pure: the standard library, ``cryptography``, pycryptodome and the pure modules
``voting.commitments``, ``voting.merkle``, ``voting.sealing`` and ``voting.tally``; no Django. The writer (``voting.services`` appends
entries, ``voting.board`` signs heads and writes the export) and the reader (the standalone
verifier, ``voting.verify``, which checks the rules) both import it, so they cannot drift; the
writer never imports the verifier.

Export format ``gongzhi-board/6``
=================================

Format 6 is format 5 with each party's area behind a Pedersen commitment
(``voting.commitments``; docs/board.md, "Areas behind commitments"). Its differences::

     "electorate": {"heads": int, "area": "10000.00", "opening": "<64 hex>",
                    "parties": [{"pseudonym": str, "commitment": "<base64, 33 bytes>"}, ...]},
     "entries": [{"n": 0, "pseudonym": str, "heads": 1, "sealed_choice": ..., "channel": ...,
                  "time": ..., "supersedes": ...}, ...],          # no "area"
     "result": {...result_to_json..., "openings": {"agree": "<64 hex>", "oppose": "<64 hex>",
                                                   "abstain": "<64 hex>"}} | null

A party's ``commitment`` is ``r·G + area·H`` on P-256 (area in centi-m², ``r`` its random
opening), compressed SEC1, base64. The electorate's ``opening`` is the sum of every ``r``
modulo the group order: the sum of all commitments opens to ``area``. An entry's hash covers its
pseudonym, which names one party of the electorate, whose commitment the manifest signs; the
entry itself carries no area. The result's ``openings`` give, per choice, the sum of the ``r``
of the parties whose counted ballot has that choice: the sum of their commitments opens to the
choice's ``area`` in the result. The final head signs the result with its openings.

Format 5 (below) is what votes opened before format 6 export:

A JSON object with exactly these keys (no others)::

    {"format": "gongzhi-board/5",
     "vote": {"id": str, "estate": str, "title": str, "matter": int 1..9},
     "electorate": {"heads": int, "area": "10000.00",
                    "parties": [{"pseudonym": str, "area": "300.00"}, ...]},
     "signing_key": "<base64, raw 32-byte Ed25519 public key>",
     "vote_public_key": "<base64, raw 32-byte X25519 public key>",
     "vote_private_key": "<base64, raw 32-byte X25519 private key>" | null,
     "entries": [{"n": 0, "pseudonym": str, "area": "98.12", "heads": 1,
                  "sealed_choice": "<base64>",
                  "channel": "online" | "paper" | "proxy" | "void",
                  "time": "2026-11-24T10:00:00+08:00", "supersedes": null | int}, ...],
     "heads": [{"vote": str, "size": int, "root": "<64 hex>", "time": str,
                "manifest": "<64 hex>", "final": bool, "result": "<64 hex>" | null,
                "signature": "<base64>"}, ...],
     "consistency": [{"from": int, "to": int, "proof": ["<64 hex>", ...]}, ...],
     "result": {...voting.tally.result_to_json output...} | null,
     "trustees": {"k": int, "n": int,
                  "list": [{"number": 1, "role": "committee" | "street" | "scrutineer",
                            "name": "张*", "public_key": "<base64, raw 32-byte X25519>"},
                           ...]} | null,
     "no_trustees": null | "no_online_channel" | "none"}

Format 5 adds ``trustees`` (who held the vote key ``k`` of ``n``: each trustee's number, role,
masked name and public key, the key their share was sealed to) or, for a vote without trustees,
``trustees`` null and ``no_trustees`` saying why: ``no_online_channel`` (no online ballots, the
organiser named none) or ``none`` (none named; the portal held the key). Both keys are fixed at
open and covered by the manifest hash (``manifest_hash``), so every head signs them.

Format 4 adds ``final`` and ``result`` to every head (both signed): the last head of a counted
vote is its final head, signed at the count over the closing board, with ``final`` true and
``result`` the SHA-256 (hex) of the canonical JSON of the export's ``result``
(``result_digest``); every other head has ``final`` false and ``result`` null. So an export cut
back to an earlier head has no final head and fails. Formats 2 and 3 (votes opened before) have
heads without the two keys; format 4 has no ``trustees`` nor ``no_trustees``; the verifier still
reads them all.

The rules an export must keep are the verifier's (``voting.verify`` docstring).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from voting import commitments
from voting import tally as tally_mod
from voting.merkle import MerkleTree, leaf_hash
from voting.sealing import ballot_context, canonical_json, seal_choice, sign_tree_head

FORMAT = "gongzhi-board/6"
FORMAT_5 = "gongzhi-board/5"  # trustees, areas in the clear
FORMAT_4 = "gongzhi-board/4"  # final heads, no trustees
FORMAT_3 = "gongzhi-board/3"  # void entries, no final head
FORMATS = (
    "gongzhi-board/2",
    FORMAT_3,
    FORMAT_4,
    FORMAT_5,
    FORMAT,
)  # every format the verifier reads
FINAL_FORMATS = (FORMAT_4, FORMAT_5, FORMAT)  # heads say which one is final and sign the result
TRUSTEE_FORMATS = (FORMAT_5, FORMAT)  # the export (and manifest) names the vote's trustees
COMMITTED_FORMATS = (FORMAT,)  # each party's area behind a Pedersen commitment (format 6)
TOP_FIELDS = (
    "format",
    "vote",
    "electorate",
    "signing_key",
    "vote_public_key",
    "vote_private_key",
    "entries",
    "heads",
    "consistency",
    "result",
)
TRUSTEE_TOP_FIELDS = (*TOP_FIELDS, "trustees", "no_trustees")  # format 5
VOTE_FIELDS = ("id", "estate", "title", "matter")
ELECTORATE_FIELDS = ("heads", "area", "parties")
PARTY_FIELDS = ("pseudonym", "area")
ENTRY_FIELDS = ("n", "pseudonym", "area", "heads", "sealed_choice", "channel", "time", "supersedes")
#: Format 6: the electorate's total area and the sum of its openings; each party's commitment.
COMMITTED_ELECTORATE_FIELDS = ("heads", "area", "opening", "parties")
COMMITTED_PARTY_FIELDS = ("pseudonym", "commitment")
#: Format 6: an entry carries no area (its party's commitment is in the electorate).
COMMITTED_ENTRY_FIELDS = tuple(f for f in ENTRY_FIELDS if f != "area")
#: Format 6: the result's openings, one per choice, of the sum of its counted parties' commitments.
RESULT_OPENINGS = "openings"
HEAD_FIELDS = ("vote", "size", "root", "time", "manifest", "signature")
FINAL_HEAD_FIELDS = ("vote", "size", "root", "time", "manifest", "final", "result", "signature")
CONSISTENCY_FIELDS = ("from", "to", "proof")
TRUSTEES_FIELDS = ("k", "n", "list")
TRUSTEE_FIELDS = ("number", "role", "name", "public_key")
#: A trustee's role: member of the owners' committee, staff of the street office, owner scrutineer.
TRUSTEE_ROLES = ("committee", "street", "scrutineer")
#: Why a format 5 vote has no trustees: it had no online channel (the organiser chose none), or
#: none were named (the portal held the key, wrapped under its board key, as before issue 18).
NO_TRUSTEES = ("no_online_channel", "none")
MIN_THRESHOLD = 2
CHANNELS = ("online", "paper", "proxy")
VOID = "void"  # formats 3 and 4: the superseded entry does not count (verifier rule 6)
CHOICES = tuple(c.value for c in tally_mod.Choice)

#: Board times are written in the portal's time zone (DOMAIN.md: Asia/Shanghai).
BOARD_TZ = ZoneInfo("Asia/Shanghai")

_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})")


# --- encodings --------------------------------------------------------------------------------


def b64(raw: bytes) -> str:
    """Standard base64 with padding, as every key and sealed choice on the board is written."""
    return base64.b64encode(bytes(raw)).decode("ascii")


def board_time(t: datetime) -> str:
    """A board time (entry or head): ISO 8601 with seconds and the Asia/Shanghai offset.
    ``t`` must be aware."""
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError("a board time must be an aware datetime")
    return t.astimezone(BOARD_TZ).isoformat(timespec="seconds")


def parse_time(text: object) -> datetime | None:
    """A board time read back (ISO 8601 with seconds and an offset); None if it is not one."""
    if not isinstance(text, str) or not _TIME.fullmatch(text):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


# --- entries, hashes and the manifest ----------------------------------------------------------


def entry_fields(format: str) -> tuple[str, ...]:  # noqa: A002
    """The fields of an entry in an export of ``format`` (format 6: no area)."""
    return COMMITTED_ENTRY_FIELDS if format in COMMITTED_FORMATS else ENTRY_FIELDS


def entry_leaf(entry: dict) -> bytes:
    """The leaf bytes of a board entry: canonical JSON of exactly ``ENTRY_FIELDS`` (formats 2
    to 5) or ``COMMITTED_ENTRY_FIELDS`` (format 6, no area)."""
    if set(entry) != set(ENTRY_FIELDS) and set(entry) != set(COMMITTED_ENTRY_FIELDS):
        raise ValueError(f"a board entry has exactly the fields {ENTRY_FIELDS}, area optional")
    return canonical_json(entry)


def entry_hash(entry: dict) -> bytes:
    """RFC 9162 leaf hash of an entry: SHA-256(0x00 || entry_leaf(entry)); the voter's receipt."""
    return leaf_hash(entry_leaf(entry))


def electorate_json(parties: Iterable[tuple[str, int]]) -> dict:
    """The export's ``electorate`` from (pseudonym, area in centi-m²) pairs, in the given order."""
    rows = [{"pseudonym": p, "area": tally_mod.format_area(a)} for p, a in parties]
    total = sum(tally_mod.parse_area(r["area"]) for r in rows)
    return {"heads": len(rows), "area": tally_mod.format_area(total), "parties": rows}


def committed_electorate_json(
    parties: Iterable[tuple[str, bytes]], area: int, opening: int
) -> dict:
    """The export's ``electorate`` of format 6 from (pseudonym, commitment) pairs, in the given
    order, the total area (centi-m²) and the sum of the openings (``voting.commitments``)."""
    rows = [{"pseudonym": p, "commitment": b64(c)} for p, c in parties]
    return {
        "heads": len(rows),
        "area": tally_mod.format_area(area),
        "opening": commitments.opening_hex(opening),
        "parties": rows,
    }


def electorate_fields(format: str) -> tuple[tuple[str, ...], tuple[str, ...]]:  # noqa: A002
    """The fields of the electorate and of each of its parties in an export of ``format``."""
    if format in COMMITTED_FORMATS:
        return COMMITTED_ELECTORATE_FIELDS, COMMITTED_PARTY_FIELDS
    return ELECTORATE_FIELDS, PARTY_FIELDS


def result_with_openings(result: dict, openings: dict[str, int]) -> dict:
    """A format 6 result: ``tally.result_to_json``'s figures and, under ``openings``, for each
    choice the sum (modulo the group order) of the openings of its counted parties, so that the
    sum of their commitments opens to the choice's area."""
    if set(openings) != set(CHOICES):
        raise ValueError(f"a format 6 result has one opening per choice {CHOICES}")
    return {**result, RESULT_OPENINGS: {c: commitments.opening_hex(openings[c]) for c in CHOICES}}


def trustees_json(k: int, rows: Iterable[tuple[int, str, str, bytes]]) -> dict:
    """The export's ``trustees`` (format 5) from ``k`` and (number, role, masked name, raw
    X25519 public key) rows, listed by number; ``n`` is how many rows."""
    listed = sorted(
        (
            {"number": number, "role": role, "name": name, "public_key": b64(public)}
            for number, role, name, public in rows
        ),
        key=lambda r: r["number"],
    )
    if any(r["role"] not in TRUSTEE_ROLES for r in listed):
        raise ValueError(f"a trustee's role is one of {TRUSTEE_ROLES}")
    if not MIN_THRESHOLD <= k <= len(listed):
        raise ValueError(f"k must be between {MIN_THRESHOLD} and the number of trustees")
    return {"k": k, "n": len(listed), "list": listed}


def top_fields(format: str) -> tuple[str, ...]:  # noqa: A002
    """The keys of an export of ``format``."""
    return TRUSTEE_TOP_FIELDS if format in TRUSTEE_FORMATS else TOP_FIELDS


def manifest_hash(
    vote: dict,
    electorate: dict,
    vote_public_key_b64: str,
    *,
    format: str = FORMAT,  # noqa: A002
    trustees: dict | None = None,
    no_trustees: str | None = None,
) -> str:
    """Hex SHA-256 of what is fixed when the vote opens; signed in every tree head. Format 5
    adds the trustees (``trustees_json``) or, when there are none, why (``NO_TRUSTEES``):
    exactly one of the two is given. Older formats cover neither, so their hashes are as they
    were."""
    data = {
        "format": format,
        "vote": vote,
        "electorate": electorate,
        "vote_public_key": vote_public_key_b64,
    }
    if format in TRUSTEE_FORMATS:
        if (trustees is None) == (no_trustees is None):
            raise ValueError("a format 5 manifest has either trustees or a reason for none")
        data["trustees"] = trustees
        data["no_trustees"] = no_trustees
    elif trustees is not None or no_trustees is not None:
        raise ValueError(f"format {format} does not name trustees")
    return hashlib.sha256(canonical_json(data)).hexdigest()


def seal_for_entry(choice: str, vote_public_key_raw: bytes, vote_id: str, pseudonym: str) -> bytes:
    """Seal a choice for the board entry of ``pseudonym`` in vote ``vote_id``."""
    return seal_choice(choice, vote_public_key_raw, context=ballot_context(vote_id, pseudonym))


def make_entry(
    *,
    n: int,
    pseudonym: str,
    area: int | None,
    sealed_choice: bytes,
    channel: str,
    time: str,
    supersedes: int | None = None,
) -> dict:
    """A board entry (``area`` in centi-m², or None for format 6, whose entries carry no area;
    ``time`` ISO 8601 with offset, set when ``n`` is
    assigned, under the same lock, so times do not decrease along the board). A ``void`` entry
    supersedes the entry it voids and carries either no sealed choice (``b""``) or the one of
    the earlier ballot that counts again."""
    if channel not in (*CHANNELS, VOID):
        raise ValueError(f"channel must be one of {CHANNELS} or {VOID!r}")
    if channel == VOID and supersedes is None:
        raise ValueError("a void entry supersedes the entry it voids")
    if parse_time(time) is None:
        raise ValueError("time must be ISO 8601 with seconds and an offset")
    entry = {
        "n": n,
        "pseudonym": pseudonym,
        "area": None if area is None else tally_mod.format_area(area),
        "heads": 1,
        "sealed_choice": b64(sealed_choice),
        "channel": channel,
        "time": time,
        "supersedes": supersedes,
    }
    if area is None:
        del entry["area"]
    return entry


# --- heads and consistency proofs --------------------------------------------------------------


def head_fields(format: str) -> tuple[str, ...]:  # noqa: A002
    """The fields of a head in an export of ``format``."""
    return FINAL_HEAD_FIELDS if format in FINAL_FORMATS else HEAD_FIELDS


def result_digest(result: dict) -> str:
    """Hex SHA-256 of the canonical JSON of a result (``tally.result_to_json``): what the final
    head of a format 4 board signs."""
    return hashlib.sha256(canonical_json(result)).hexdigest()


def make_head(
    signing_key: Ed25519PrivateKey,
    *,
    vote_id: str,
    tree: MerkleTree,
    size: int,
    time: str,
    manifest: str,
    final: bool | None = None,
    result: dict | None = None,
) -> dict:
    """A signed tree head over the first ``size`` entries of ``tree``.

    ``final=None`` makes a head of formats 2 and 3 (no ``final`` nor ``result`` key); format 4
    passes ``final=False`` for the heads signed while the board grows and at close, and
    ``final=True`` with the counted ``result`` for the final head (``result_digest``)."""
    if final and result is None:
        raise ValueError("a final head signs the result")
    if not final and result is not None:
        raise ValueError("only the final head signs a result")
    head = {
        "vote": vote_id,
        "size": size,
        "root": tree.root(size).hex(),
        "time": time,
        "manifest": manifest,
    }
    if final is not None:
        head["final"] = bool(final)
        head["result"] = None if result is None else result_digest(result)
    head["signature"] = sign_tree_head(signing_key, head)
    return head


def make_consistency(tree: MerkleTree, old_size: int, new_size: int) -> dict:
    """The RFC 9162 consistency proof from the head of ``old_size`` to that of ``new_size``."""
    return {
        "from": old_size,
        "to": new_size,
        "proof": [h.hex() for h in tree.consistency_proof(old_size, new_size)],
    }


def consistency_chain(tree: MerkleTree, heads: Sequence[dict]) -> list[dict]:
    """The export's ``consistency``: one proof per consecutive pair of heads of different size."""
    return [
        make_consistency(tree, a["size"], b["size"])
        for a, b in zip(heads, heads[1:], strict=False)
        if a["size"] != b["size"]
    ]


# --- the counted ballots ----------------------------------------------------------------------


class BoardInconsistent(ValueError):
    """The board's entries break a rule the count relies on (numbering, changed ballots)."""


def read_board(entries: Iterable[dict]) -> tuple[list[bytes], dict[str, dict]]:
    """Read a board's entries in ``n`` order, once (a stream is fine): their leaf hashes,
    recomputed from the entries (not trusted from a stored column), and each party's counted
    entry by pseudonym (the latest of its chain; a ``void`` one with an empty sealed choice means
    the party has no counted ballot, one with a sealed choice counts it).

    Raises ``BoardInconsistent`` when an entry is numbered out of order or supersedes another
    entry than its party's previous one (verifier rules 1 and 6)."""
    hashes: list[bytes] = []
    current: dict[str, dict] = {}
    for i, entry in enumerate(entries):
        if entry.get("n") != i:
            raise BoardInconsistent(f"entry at position {i} is numbered {entry.get('n')!r}")
        hashes.append(entry_hash(entry))
        previous = current.get(entry["pseudonym"])
        if entry["supersedes"] != (None if previous is None else previous["n"]):
            raise BoardInconsistent(
                f"entry {i} supersedes {entry['supersedes']!r}, not its party's previous entry"
            )
        if entry["channel"] == VOID and entry["supersedes"] is None:
            raise BoardInconsistent(f"entry {i} is void but supersedes nothing")
        current[entry["pseudonym"]] = entry
    return hashes, current


# --- the export --------------------------------------------------------------------------------


def build_export(
    *,
    vote: dict,
    electorate: dict,
    signing_key: bytes,
    vote_public_key: bytes,
    vote_private_key: bytes | None,
    entries: Sequence[dict],
    heads: Sequence[dict],
    result: dict | None,
    format: str = FORMAT,  # noqa: A002 - the export's own key
    consistency: Sequence[dict] | None = None,
    trustees: dict | None = None,
    no_trustees: str | None = None,
) -> dict:
    """Assemble an export (keys raw bytes; ``electorate`` from ``electorate_json``).
    ``consistency`` is the list of proofs the portal stored when it signed each head; when it is
    not given the proofs are computed here from the entries (``consistency_chain``). ``format``
    is the one the vote was opened with (its manifest covers it: ``Vote.export_format``).
    Format 5 carries ``trustees`` (``trustees_json``) or ``no_trustees`` (a ``NO_TRUSTEES``
    reason), as its manifest does; older formats neither."""
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    if format in TRUSTEE_FORMATS and (trustees is None) == (no_trustees is None):
        raise ValueError("a format 5 export has either trustees or a reason for none")
    if consistency is None:
        consistency = consistency_chain(MerkleTree(entry_hash(e) for e in entries), heads)
    export = {
        "format": format,
        "vote": dict(vote),
        "electorate": electorate,
        "signing_key": b64(signing_key),
        "vote_public_key": b64(vote_public_key),
        "vote_private_key": None if vote_private_key is None else b64(vote_private_key),
        "entries": list(entries),
        "heads": list(heads),
        "consistency": list(consistency),
        "result": result,
    }
    if format in TRUSTEE_FORMATS:
        export["trustees"] = trustees
        export["no_trustees"] = no_trustees
    return export
