"""The bulletin board's format, in one place: what an entry, a signed tree head, a consistency
proof and the public export are, byte for byte (DOMAIN.md section 1, Verifiability).

Pure: the standard library, ``cryptography`` and the pure modules ``voting.merkle``,
``voting.sealing`` and ``voting.tally``; no Django. The writer (``voting.services`` appends
entries, ``voting.board`` signs heads and writes the export) and the reader (the standalone
verifier, ``voting.verify``, which checks the rules) both import it, so they cannot drift; the
writer never imports the verifier.

Export format ``gongzhi-board/3``
=================================

A JSON object with exactly these keys (no others)::

    {"format": "gongzhi-board/3",
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
                "manifest": "<64 hex>", "signature": "<base64>"}, ...],
     "consistency": [{"from": int, "to": int, "proof": ["<64 hex>", ...]}, ...],
     "result": {...voting.tally.result_to_json output...} | null}

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

from voting import tally as tally_mod
from voting.merkle import MerkleTree, leaf_hash
from voting.sealing import ballot_context, canonical_json, seal_choice, sign_tree_head

FORMAT = "gongzhi-board/3"
FORMATS = ("gongzhi-board/2", FORMAT)  # every format the verifier reads
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
VOTE_FIELDS = ("id", "estate", "title", "matter")
ELECTORATE_FIELDS = ("heads", "area", "parties")
PARTY_FIELDS = ("pseudonym", "area")
ENTRY_FIELDS = ("n", "pseudonym", "area", "heads", "sealed_choice", "channel", "time", "supersedes")
HEAD_FIELDS = ("vote", "size", "root", "time", "manifest", "signature")
CONSISTENCY_FIELDS = ("from", "to", "proof")
CHANNELS = ("online", "paper", "proxy")
VOID = "void"  # format 3: the superseded entry does not count (verifier rule 6)
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


def entry_leaf(entry: dict) -> bytes:
    """The leaf bytes of a board entry: canonical JSON of exactly ``ENTRY_FIELDS``."""
    if set(entry) != set(ENTRY_FIELDS):
        raise ValueError(f"a board entry has exactly the fields {ENTRY_FIELDS}")
    return canonical_json(entry)


def entry_hash(entry: dict) -> bytes:
    """RFC 9162 leaf hash of an entry: SHA-256(0x00 || entry_leaf(entry)); the voter's receipt."""
    return leaf_hash(entry_leaf(entry))


def electorate_json(parties: Iterable[tuple[str, int]]) -> dict:
    """The export's ``electorate`` from (pseudonym, area in centi-m²) pairs, in the given order."""
    rows = [{"pseudonym": p, "area": tally_mod.format_area(a)} for p, a in parties]
    total = sum(tally_mod.parse_area(r["area"]) for r in rows)
    return {"heads": len(rows), "area": tally_mod.format_area(total), "parties": rows}


def manifest_hash(
    vote: dict,
    electorate: dict,
    vote_public_key_b64: str,
    *,
    format: str = FORMAT,  # noqa: A002
) -> str:
    """Hex SHA-256 of what is fixed when the vote opens; signed in every tree head."""
    data = {
        "format": format,
        "vote": vote,
        "electorate": electorate,
        "vote_public_key": vote_public_key_b64,
    }
    return hashlib.sha256(canonical_json(data)).hexdigest()


def seal_for_entry(choice: str, vote_public_key_raw: bytes, vote_id: str, pseudonym: str) -> bytes:
    """Seal a choice for the board entry of ``pseudonym`` in vote ``vote_id``."""
    return seal_choice(choice, vote_public_key_raw, context=ballot_context(vote_id, pseudonym))


def make_entry(
    *,
    n: int,
    pseudonym: str,
    area: int,
    sealed_choice: bytes,
    channel: str,
    time: str,
    supersedes: int | None = None,
) -> dict:
    """A board entry (``area`` in centi-m²; ``time`` ISO 8601 with offset, set when ``n`` is
    assigned, under the same lock, so times do not decrease along the board). A ``void`` entry
    supersedes the entry it voids and carries either no sealed choice (``b""``) or the one of
    the earlier ballot that counts again."""
    if channel not in (*CHANNELS, VOID):
        raise ValueError(f"channel must be one of {CHANNELS} or {VOID!r}")
    if channel == VOID and supersedes is None:
        raise ValueError("a void entry supersedes the entry it voids")
    if parse_time(time) is None:
        raise ValueError("time must be ISO 8601 with seconds and an offset")
    return {
        "n": n,
        "pseudonym": pseudonym,
        "area": tally_mod.format_area(area),
        "heads": 1,
        "sealed_choice": b64(sealed_choice),
        "channel": channel,
        "time": time,
        "supersedes": supersedes,
    }


# --- heads and consistency proofs --------------------------------------------------------------


def make_head(
    signing_key: Ed25519PrivateKey,
    *,
    vote_id: str,
    tree: MerkleTree,
    size: int,
    time: str,
    manifest: str,
) -> dict:
    """A signed tree head over the first ``size`` entries of ``tree``."""
    head = {
        "vote": vote_id,
        "size": size,
        "root": tree.root(size).hex(),
        "time": time,
        "manifest": manifest,
    }
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
) -> dict:
    """Assemble an export (keys raw bytes; ``electorate`` from ``electorate_json``).
    ``consistency`` is the list of proofs the portal stored when it signed each head; when it is
    not given the proofs are computed here from the entries (``consistency_chain``). ``format``
    is the one the vote was opened with (its manifest covers it: ``Vote.export_format``)."""
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    if consistency is None:
        consistency = consistency_chain(MerkleTree(entry_hash(e) for e in entries), heads)
    return {
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
