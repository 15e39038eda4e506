"""The public verifier of a vote's bulletin board (DOMAIN.md section 1, Verifiability).

Run ``python -m voting.verify FILE`` on a published export: it prints ``OK: <summary>`` and exits
0, or prints ``FAIL: <the first discrepancy, in a plain sentence>`` and exits 1 (2 if the file
cannot be read). ``--key B64`` pins the signing key published elsewhere (e.g. on the notice);
``--receipt CODE`` also checks one voter's receipt (code ``XXXXX-XXXXX`` or the 64-hex entry
hash). It needs only the standard library, ``cryptography``, pycryptodome and
``voting.board_format``, ``voting.commitments``, ``voting.merkle``, ``voting.sealing``,
``voting.tally``; no Django.

The producer side (the Django app) builds exports with ``voting.board_format`` (``make_entry``,
``entry_leaf``, ``make_head``, ``build_export`` ...), the module this verifier reads the format
from, so the two cannot drift; the producer never imports this module. The export format
(``gongzhi-board/6``: its keys, entries, heads, proofs, trustees and area commitments) is
specified there.

Rules (each checked, in this order; the first broken one is reported):

1. Format. Areas are strings in m² with exactly 2 decimals; times are ISO 8601 with seconds and
   a UTC offset; base64 is standard with padding; hex is lowercase. Entry ``n`` is its position
   (0, 1, 2, ...). ``vote_private_key`` and ``result`` are null while the vote is open (the board
   is then checked up to, not including, decryption) and both present once it is closed.
2. Signed tree heads. Each head is for this vote, signed with Ed25519 by ``signing_key`` over
   ``voting.sealing.tree_head_message`` (a domain prefix and the canonical JSON of ``vote``,
   ``size``, ``root``, ``time``, ``manifest``). ``manifest`` is ``manifest_hash``: SHA-256 of the
   canonical JSON of the format, vote, electorate and vote public key, so the matter, the frozen
   electorate (every party and area, voting or not) and the ballot key are signed in every head.
   Format 5 adds the trustees to the manifest: ``k``, ``n`` and each trustee's number (1..n in
   order), role, masked name and X25519 public key (base64, 32 bytes, no two alike), or, for a
   vote without trustees, the reason (``no_online_channel`` or ``none``); a trustee key
   changed, added or removed after open therefore fails here. The output names them.
3. The tree. Entry leaf bytes are ``canonical_json(entry)`` (``entry_leaf``), hashed as RFC 9162
   leaves; every head's root is the MTH of the first ``size`` entries. Head sizes and times do
   not decrease, no entry is later than a head that covers it, and the last head covers every
   entry. Final head (format 4): every head says whether it is ``final``; a counted board's
   last head is final and no other is, and (checked after rule 8) its ``result`` is
   ``result_digest`` of the export's result; an open board has no final head. An export cut back to an earlier signed head (its
   result recomputed) therefore fails: no final head covers it, and none can be made without
   the signing key.
4. Consistency. For each two consecutive heads of different sizes there is one RFC 9162
   consistency proof, in order, and it verifies between their signed roots.
5. Weights. Party pseudonyms are unique; ``electorate.heads`` is the number of parties and
   ``electorate.area`` their summed area. Every entry's pseudonym is a party of the electorate,
   its ``area`` is that party's area and its ``heads`` is 1 (a party is one head whatever its
   units, SPC interpretation Art. 9). Entry times do not decrease.
6. Changed ballots. ``supersedes`` names an earlier entry of the same pseudonym; no entry is
   superseded twice, and each party that voted has exactly one entry that is not superseded: its
   counted ballot (DOMAIN s1: the latest ballot counts, every ballot stays on the board).
   A ``void`` entry (format 3) says that the entry it supersedes does not count (a ballot of an
   account whose verification was disputed, or a disputed paper or proxy ballot): it supersedes
   an entry, and its ``sealed_choice`` is either empty (the party then has no counted ballot and
   does not participate) or exactly the sealed choice of an earlier, non-void entry of its chain
   (that ballot counts again).
7. Decryption. The private key belongs to ``vote_public_key`` (for a vote with trustees, the
   key the trustees rebuilt from ``k`` shares: so the key they published is the vote's); every entry's sealed choice opens
   to agree, oppose or abstain: its envelope (HPKE, RFC 9180) opens to a data key, and the choice
   opens with that key (AES-128-GCM, associated data
   ``voting.sealing.ballot_context(vote id, pseudonym)``). ``voting.sealing`` gives the layout;
   format 2 differs from format 1 only there (format 1 sealed each choice with HPKE directly).
8. Recount. ``voting.tally`` over the electorate and the counted ballots gives exactly ``result``.

Format ``gongzhi-board/4`` (votes opened before format 5) is the same without ``trustees``
and ``no_trustees``: it is verified as before and its output names no trustees.
Format ``gongzhi-board/3`` (exports of votes opened before format 4) is the same without
``final`` and ``result`` in the heads; format ``gongzhi-board/2`` (before format 3) also without
``void`` entries. Both are still verified, and the output then says that the export predates
final heads (a format 2 or 3 export cut back to an earlier head cannot be told from a whole
one). ``manifest_hash`` covers the format named in the export, so a head signed for one
format does not verify an export claiming another.

The signing key in the export is trusted unless ``--key`` pins it: compare it with the key the
portal publishes outside the export.

Format ``gongzhi-board/6`` hides each party's area behind a Pedersen commitment
(``voting.commitments``): the electorate lists ``{pseudonym, commitment}`` with the total
``area`` and the sum of the openings ``opening``; entries carry no area; the result adds
``openings``, one per choice. Rule 5 then checks that the sum of every party's commitment opens
to ``electorate.area`` with ``electorate.opening`` (not each party's area, which is hidden), and
rule 8 that, for each choice, the sum of the commitments of the parties counted for it opens to
the result's area for that choice with the result's opening for it; the outcome is then decided
from those totals and the heads counted from the opened choices. ``--receipt CODE --area A
--opening R`` also checks that the commitment of the receipt's party opens to the voter's area.

Privacy: once the private key is published, every entry's choice is readable next to its
pseudonym. Up to format 5 also its area, so a party with a distinctive area could be recognised
by whoever knows the areas of the estate; format 6 publishes only each choice's area total,
which still narrows down the parties of a choice very few made. That is the design of DOMAIN.md
section 1 (publish the key at close); hiding individual choices needs a homomorphic tally or a
mix-net (Helios, Belenios), which this format does not do.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from voting import commitments
from voting import tally as tally_mod
from voting.board_format import (
    CHANNELS,
    CHOICES,
    COMMITTED_FORMATS,
    CONSISTENCY_FIELDS,
    ELECTORATE_FIELDS,
    FINAL_FORMATS,
    FORMATS,
    MIN_THRESHOLD,
    NO_TRUSTEES,
    PARTY_FIELDS,
    RESULT_OPENINGS,
    TRUSTEE_FIELDS,
    TRUSTEE_FORMATS,
    TRUSTEE_ROLES,
    TRUSTEES_FIELDS,
    VOID,
    VOTE_FIELDS,
    electorate_fields,
    entry_fields,
    entry_hash,
    entry_leaf,
    head_fields,
    manifest_hash,
    result_digest,
    top_fields,
)
from voting.board_format import parse_time as _time
from voting.merkle import MerkleTree, leaf_hash, verify_consistency, verify_inclusion
from voting.sealing import (
    ChoiceOpener,
    SealingError,
    ballot_context,
    normalize_receipt_code,
    receipt_code,
    verify_tree_head,
    vote_public_key,
)

MAX_PROBLEMS = 50
PREDATES_FINAL_HEADS = (
    "this export ({format}) predates final heads: it cannot show that it was not cut back to "
    "an earlier signed head; compare its last head with the one the portal shows"
)

_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass
class VerifyReport:
    ok: bool
    problems: list[str] = field(default_factory=list)
    summary: dict = field(default_factory=dict)


class _Problems(list):
    def add(self, message: str) -> None:
        if len(self) < MAX_PROBLEMS:
            self.append(message)


# --- small parsers ----------------------------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _show(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, bytes) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _keys(where: str, obj: object, keys: Sequence[str], problems: _Problems) -> bool:
    if not isinstance(obj, dict):
        problems.add(f"{where} is not a JSON object")
        return False
    missing = [k for k in keys if k not in obj]
    extra = sorted(str(k) for k in obj if k not in keys)
    if missing:
        problems.add(f"{where} has no {missing[0]!r}")
    if extra:
        problems.add(f"{where} has an unknown key {extra[0]!r}")
    return not missing and not extra


def _area(text: object) -> int | None:
    """An area string with exactly 2 decimals, in centi-m²; None if not canonical."""
    if not isinstance(text, str):
        return None
    try:
        value = tally_mod.parse_area(text)
    except ValueError:
        return None
    return value if tally_mod.format_area(value) == text else None


def _parse_b64(text: object, size: int | None = None) -> bytes | None:
    if not isinstance(text, str):
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    if size is not None and len(raw) != size:
        return None
    if base64.b64encode(raw).decode("ascii") != text:
        return None
    return raw


def _hex(text: object) -> bytes | None:
    if not isinstance(text, str) or not _HEX64.fullmatch(text):
        return None
    return bytes.fromhex(text)


# --- the verifier -------------------------------------------------------------------------------


@dataclass
class _Board:
    format: str
    vote_id: str
    matter: int
    signing_key: bytes
    vote_public_key: bytes
    vote_private_key: bytes | None
    party_area: dict[str, int]
    entries: list[dict]
    entry_area: list[int]
    entry_time: list[datetime]
    sealed: list[bytes]
    leaf_hashes: list[bytes]
    heads: list[dict]
    head_root: list[bytes]
    head_time: list[datetime]
    consistency: list[tuple[int, int, list[bytes]]]
    manifest: str
    trustees: dict | None = None  # format 5: the export's trustees, checked
    no_trustees: str | None = None  # format 5: why the vote had none
    # Format 6: each party's area commitment (``party_area`` is then empty), the electorate's
    # total area and the sum of its openings.
    party_commitment: dict[str, bytes] | None = None
    total_area: int = 0
    total_opening: int = 0

    @property
    def committed(self) -> bool:
        return self.format in COMMITTED_FORMATS

    @property
    def parties(self):
        return self.party_commitment if self.committed else self.party_area


def _check_format(data: object, problems: _Problems) -> _Board | None:
    """Rule 1 (format), part by part in the export's order; the board's parsed values, or None
    when a part is broken (``problems`` then says what)."""
    if not _check_top(data, problems):
        return None
    channels = CHANNELS if data["format"] == FORMATS[0] else (*CHANNELS, VOID)
    _check_vote(data["vote"], problems)
    committed = data["format"] in COMMITTED_FORMATS
    if committed:
        party_area = {}
        party_commitment, total_area, total_opening = _check_committed_electorate(
            data["electorate"], problems
        )
    else:
        party_area = _check_electorate(data["electorate"], problems)
        party_commitment, total_area, total_opening = None, 0, 0
    keys, private = _check_keys(data, problems)
    if committed and isinstance(data["result"], dict):
        _check_result_openings(data["result"], problems)
    entries = _check_entries(
        data["entries"], channels, problems, fields=entry_fields(data["format"])
    )
    heads = _check_head_fields(data["heads"], data["format"], problems)
    consistency = _check_consistency_fields(data["consistency"], problems)
    signed_trustees = {}
    if data["format"] in TRUSTEE_FORMATS:
        _check_trustees(data["trustees"], data["no_trustees"], problems)
        signed_trustees = {"trustees": data["trustees"], "no_trustees": data["no_trustees"]}
    if problems:
        return None
    try:
        manifest = manifest_hash(
            data["vote"],
            data["electorate"],
            data["vote_public_key"],
            format=data["format"],
            **signed_trustees,
        )
    except ValueError as exc:
        problems.add(f"the vote or electorate cannot be encoded as canonical JSON: {exc}")
        return None
    return _Board(
        format=data["format"],
        vote_id=data["vote"]["id"],
        matter=data["vote"]["matter"],
        signing_key=keys["signing_key"],
        vote_public_key=keys["vote_public_key"],
        vote_private_key=private,
        party_area=party_area,
        entries=entries.rows,
        entry_area=entries.area,
        entry_time=entries.time,
        sealed=entries.sealed,
        leaf_hashes=entries.leaf_hashes,
        heads=heads.rows,
        head_root=heads.root,
        head_time=heads.time,
        consistency=consistency,
        manifest=manifest,
        party_commitment=party_commitment,
        total_area=total_area,
        total_opening=total_opening,
        **signed_trustees,
    )


def _check_top(data: object, problems: _Problems) -> bool:
    """The export is an object of a format this verifier reads, with exactly its keys."""
    if not isinstance(data, dict):
        problems.add("the export is not a JSON object")
        return False
    if data.get("format") not in FORMATS:
        expected = " or ".join(repr(f) for f in FORMATS)
        problems.add(f"the export's format is {_show(data.get('format'))}, expected {expected}")
        return False
    return _keys("the export", data, top_fields(data["format"]), problems)


def _check_trustees(trustees: object, reason: object, problems: _Problems) -> None:
    """Format 5: ``trustees`` (k of n, each trustee's number, role, masked name and public key)
    or, when null, ``no_trustees`` says why; never both, never neither."""
    if trustees is None:
        if reason not in NO_TRUSTEES:
            expected = " or ".join(repr(r) for r in NO_TRUSTEES)
            problems.add(f"trustees is null but no_trustees is {_show(reason)}, not {expected}")
        return
    if reason is not None:
        problems.add("the export lists trustees and also says it has none (no_trustees)")
    if not _keys("trustees", trustees, TRUSTEES_FIELDS, problems):
        return
    listed = trustees["list"]
    if not isinstance(listed, list):
        problems.add("trustees.list is not a list")
        return
    if not _is_int(trustees["n"]) or trustees["n"] != len(listed):
        problems.add(f"trustees.n is {_show(trustees['n'])} but the list has {len(listed)}")
    k = trustees["k"]
    if not _is_int(k) or not MIN_THRESHOLD <= k <= len(listed):
        problems.add(
            f"trustees.k is {_show(k)}, not a number from {MIN_THRESHOLD} to the "
            f"{len(listed)} trustees listed"
        )
    seen_keys = set()
    for i, row in enumerate(listed):
        where = f"trustee {i}"
        if not _keys(where, row, TRUSTEE_FIELDS, problems):
            continue
        if row["number"] != i + 1 or not _is_int(row["number"]):
            problems.add(f"{where} is numbered {_show(row['number'])}, not {i + 1}")
        if row["role"] not in TRUSTEE_ROLES:
            problems.add(f"{where}: role {_show(row['role'])} is not one of {TRUSTEE_ROLES}")
        if not isinstance(row["name"], str) or not row["name"]:
            problems.add(f"{where}: name is not a non-empty string")
        public = _parse_b64(row["public_key"], 32)
        if public is None:
            problems.add(f"{where}: public_key is not a base64 32-byte raw key")
        elif public in seen_keys:
            problems.add(f"{where}: public_key is another trustee's")
        seen_keys.add(public)


def _check_vote(vote: object, problems: _Problems) -> None:
    if not _keys("vote", vote, VOTE_FIELDS, problems):
        return
    if not isinstance(vote["id"], str) or not vote["id"]:
        problems.add("vote.id is not a non-empty string")
    for key in ("estate", "title"):
        if not isinstance(vote[key], str):
            problems.add(f"vote.{key} is not a string")
    if not _is_int(vote["matter"]) or vote["matter"] not in tally_mod.MATTERS:
        problems.add(f"vote.matter is {_show(vote['matter'])}, not a matter number 1..9")


def _check_electorate(electorate: object, problems: _Problems) -> dict[str, int]:
    """The electorate's fields; returns each well-formed party's area by pseudonym."""
    party_area: dict[str, int] = {}
    if not _keys("electorate", electorate, ELECTORATE_FIELDS, problems):
        return party_area
    if not _is_int(electorate["heads"]):
        problems.add("electorate.heads is not an integer")
    if _area(electorate["area"]) is None:
        problems.add(f"electorate.area {_show(electorate['area'])} is not an area like 98.12")
    if not isinstance(electorate["parties"], list):
        problems.add("electorate.parties is not a list")
        return party_area
    for i, party in enumerate(electorate["parties"]):
        where = f"electorate party {i}"
        if not _keys(where, party, PARTY_FIELDS, problems):
            continue
        if not isinstance(party["pseudonym"], str) or not party["pseudonym"]:
            problems.add(f"{where} has no pseudonym string")
            continue
        area = _area(party["area"])
        if area is None:
            problems.add(f"{where}: area {_show(party['area'])} is not like 98.12")
        elif party["pseudonym"] in party_area:
            problems.add(f"{where}: pseudonym {party['pseudonym']} appears twice")
        else:
            party_area[party["pseudonym"]] = area
    return party_area


def _check_committed_electorate(electorate: object, problems: _Problems):
    """Format 6: the electorate's fields; returns each well-formed party's commitment by
    pseudonym, the total area and the sum of the openings."""
    party_commitment: dict[str, bytes] = {}
    fields, party_fields = electorate_fields(COMMITTED_FORMATS[0])
    if not _keys("electorate", electorate, fields, problems):
        return party_commitment, 0, 0
    if not _is_int(electorate["heads"]):
        problems.add("electorate.heads is not an integer")
    area = _area(electorate["area"])
    if area is None:
        problems.add(f"electorate.area {_show(electorate['area'])} is not an area like 98.12")
    opening = commitments.parse_opening(electorate["opening"])
    if opening is None:
        problems.add("electorate.opening is not 64 lowercase hex digits below the group order")
    if not isinstance(electorate["parties"], list):
        problems.add("electorate.parties is not a list")
        return party_commitment, area or 0, opening or 0
    for i, party in enumerate(electorate["parties"]):
        where = f"electorate party {i}"
        if not _keys(where, party, party_fields, problems):
            continue
        if not isinstance(party["pseudonym"], str) or not party["pseudonym"]:
            problems.add(f"{where} has no pseudonym string")
            continue
        raw = _parse_b64(party["commitment"], commitments.POINT_SIZE)
        if raw is None:
            problems.add(f"{where}: commitment is not a base64 33-byte compressed point")
        elif party["pseudonym"] in party_commitment:
            problems.add(f"{where}: pseudonym {party['pseudonym']} appears twice")
        else:
            party_commitment[party["pseudonym"]] = raw
    return party_commitment, area or 0, opening or 0


def _check_result_openings(result: dict, problems: _Problems) -> None:
    """Format 6: the result carries one opening per choice (64 hex, below the group order)."""
    openings = result.get(RESULT_OPENINGS)
    if not isinstance(openings, dict) or set(openings) != set(CHOICES):
        problems.add(f"result.{RESULT_OPENINGS} does not give one opening for each of {CHOICES}")
        return
    for choice in CHOICES:
        if commitments.parse_opening(openings[choice]) is None:
            problems.add(
                f"result.{RESULT_OPENINGS}.{choice} is not 64 lowercase hex digits below the "
                "group order"
            )


def _check_keys(data: dict, problems: _Problems) -> tuple[dict, bytes | None]:
    """The keys, and the private key and result present or absent together."""
    keys = {}
    for name in ("signing_key", "vote_public_key"):
        keys[name] = _parse_b64(data[name], 32)
        if keys[name] is None:
            problems.add(f"{name} is not a base64 32-byte raw key")
    private = None
    if data["vote_private_key"] is not None:
        private = _parse_b64(data["vote_private_key"], 32)
        if private is None:
            problems.add("vote_private_key is not a base64 32-byte raw key")
    if (data["vote_private_key"] is None) != (data["result"] is None):
        problems.add(
            "vote_private_key and result must both be null (vote still open) or both be given"
        )
    if data["result"] is not None and not isinstance(data["result"], dict):
        problems.add("result is not a JSON object")
    return keys, private


@dataclass
class _Entries:
    rows: list[dict]
    area: list[int] = field(default_factory=list)
    time: list[datetime] = field(default_factory=list)
    sealed: list[bytes] = field(default_factory=list)
    leaf_hashes: list[bytes] = field(default_factory=list)


def _check_entries(
    entries: object, channels: tuple, problems: _Problems, *, fields: tuple[str, ...]
) -> _Entries:
    if not isinstance(entries, list):
        problems.add("entries is not a list")
        entries = []
    parsed = _Entries(rows=entries)
    for i, entry in enumerate(entries):
        if _keys(f"entry at position {i}", entry, fields, problems):
            _check_entry(i, entry, channels, parsed, problems)
    return parsed


def _check_entry(i: int, entry: dict, channels: tuple, parsed: _Entries, problems) -> None:
    if entry["n"] != i or not _is_int(entry["n"]):
        problems.add(
            f"entry at position {i} is numbered {_show(entry['n'])}: entries must be numbered "
            "0, 1, 2, ... in order, so an entry was removed, inserted or reordered"
        )
    where = f"entry {i}"
    if not isinstance(entry["pseudonym"], str) or not entry["pseudonym"]:
        problems.add(f"{where}: pseudonym is not a non-empty string")
    if "area" in entry:  # formats 2 to 5 (format 6 has none: its keys were checked)
        area = _area(entry["area"])
        if area is None:
            problems.add(f"{where}: area {_show(entry['area'])} is not an area like 98.12")
        parsed.area.append(area or 0)
    if not _is_int(entry["heads"]):
        problems.add(f"{where}: heads is not an integer")
    raw = _parse_b64(entry["sealed_choice"])
    if raw is None or (not raw and entry["channel"] != VOID):
        problems.add(f"{where}: sealed_choice is not base64")
    parsed.sealed.append(raw or b"")
    if entry["channel"] not in channels:
        problems.add(f"{where}: channel {_show(entry['channel'])} is not one of {channels}")
    when = _time(entry["time"])
    if when is None:
        problems.add(f"{where}: time {_show(entry['time'])} is not ISO 8601 with an offset")
    parsed.time.append(when or datetime.min)
    sup = entry["supersedes"]
    if sup is not None and not _is_int(sup):
        problems.add(f"{where}: supersedes is neither null nor an entry number")
    try:
        parsed.leaf_hashes.append(leaf_hash(entry_leaf(entry)))
    except ValueError as exc:
        problems.add(f"{where} cannot be encoded as canonical JSON: {exc}")


@dataclass
class _Heads:
    rows: list[dict]
    root: list[bytes] = field(default_factory=list)
    time: list[datetime] = field(default_factory=list)


def _check_head_fields(heads: object, format: str, problems: _Problems) -> _Heads:  # noqa: A002
    if not isinstance(heads, list) or not heads:
        problems.add("heads is not a non-empty list of signed tree heads")
        heads = []
    parsed = _Heads(rows=heads)
    fields = head_fields(format)
    for i, head in enumerate(heads):
        where = f"signed head {i}"
        if not _keys(where, head, fields, problems):
            continue
        if format in FINAL_FORMATS:
            if not isinstance(head["final"], bool):
                problems.add(f"{where}: final is not true or false")
            elif head["final"] and _hex(head["result"]) is None:
                problems.add(f"{where}: it is final but its result is not 64 lowercase hex digits")
            elif not head["final"] and head["result"] is not None:
                problems.add(f"{where}: it is not final but signs a result")
        if not _is_int(head["size"]) or head["size"] < 0:
            problems.add(f"{where}: size is not a non-negative integer")
        root = _hex(head["root"])
        if root is None:
            problems.add(f"{where}: root is not 64 lowercase hex digits")
        parsed.root.append(root or b"")
        if _hex(head["manifest"]) is None:
            problems.add(f"{where}: manifest is not 64 lowercase hex digits")
        when = _time(head["time"])
        if when is None:
            problems.add(f"{where}: time {_show(head['time'])} is not ISO 8601 with an offset")
        parsed.time.append(when or datetime.min)
        if not isinstance(head["signature"], str) or not isinstance(head["vote"], str):
            problems.add(f"{where}: vote and signature must be strings")
    return parsed


def _check_consistency_fields(items: object, problems: _Problems) -> list:
    consistency: list[tuple[int, int, list[bytes]]] = []
    if not isinstance(items, list):
        problems.add("consistency is not a list")
        return consistency
    for i, item in enumerate(items):
        where = f"consistency proof {i}"
        if not _keys(where, item, CONSISTENCY_FIELDS, problems):
            continue
        if not (_is_int(item["from"]) and _is_int(item["to"])):
            problems.add(f"{where}: from and to are not integers")
            continue
        proof = item["proof"] if isinstance(item["proof"], list) else [None]
        hashes = [_hex(p) for p in proof]
        if any(h is None for h in hashes):
            problems.add(f"{where}: proof is not a list of 64-hex hashes")
            continue
        consistency.append((item["from"], item["to"], hashes))
    return consistency


def _check_heads(board: _Board, problems: _Problems) -> None:
    for i, head in enumerate(board.heads):
        if head["vote"] != board.vote_id:
            problems.add(f"signed head {i} is for vote {_show(head['vote'])}, not this vote")
        elif not verify_tree_head(board.signing_key, head, head["signature"]):
            problems.add(
                f"signed head {i} (size {head['size']}): the signature does not verify with "
                "the published signing key"
            )
        elif head["manifest"] != board.manifest:
            problems.add(
                f"signed head {i} (size {head['size']}) signs another vote setup: the vote, "
                "electorate or vote public key in the export differs from what was signed"
                + (
                    ", or its trustees (k, n, a role, name or public key)"
                    if board.format in TRUSTEE_FORMATS
                    else ""
                )
            )


def _check_tree(board: _Board, problems: _Problems) -> MerkleTree:
    tree = MerkleTree(board.leaf_hashes)
    n = len(board.entries)
    confirmed = 0  # entries 0..confirmed-1 match a signed root
    prev_size, prev_time = 0, None
    for i, head in enumerate(board.heads):
        size, when = head["size"], board.head_time[i]
        if size < prev_size:
            problems.add(f"signed head {i} has size {size}, smaller than the head before it")
            continue
        if prev_time is not None and when < prev_time:
            problems.add(f"signed head {i} is dated {head['time']}, before the head before it")
        prev_size, prev_time = size, when
        if size > n:
            problems.add(
                f"signed head {i} covers {size} entries but the board has only {n}: "
                f"entries {n}-{size - 1} were removed"
            )
            continue
        if tree.root(size) != board.head_root[i]:
            lo, hi = confirmed, size - 1
            if lo == hi:
                problems.add(
                    f"entry {lo}: tree root does not match signed head {i} (size {size}); "
                    "the entry was changed, inserted or reordered after it was signed"
                )
            else:
                problems.add(
                    f"signed head {i} (size {size}): the tree rebuilt from the entries does not "
                    f"match its root; an entry among {lo}-{hi} was changed, removed, inserted "
                    "or reordered after it was signed"
                )
            continue
        confirmed = max(confirmed, size)
        if size and board.entry_time[size - 1] > when:
            problems.add(
                f"signed head {i} is dated {head['time']}, before entry {size - 1} it covers "
                f"({board.entries[size - 1]['time']})"
            )
    last = board.heads[-1]["size"] if board.heads else 0
    if not problems and last != n:
        problems.add(
            f"entries {last}-{n - 1} are not covered by any signed head (the last signed head "
            f"has size {last})"
        )
    return tree


def _check_final(board: _Board, problems: _Problems) -> bool | None:
    """Rule 3, final head (format 4): a counted board ends with its one final head; an open
    board has none. Returns whether the board is final, or None for a format without final
    heads. That the final head signs the export's result is checked after the recount."""
    if board.format not in FINAL_FORMATS:
        return None
    finals = [i for i, head in enumerate(board.heads) if head["final"]]
    last = len(board.heads) - 1
    if board.vote_private_key is None:
        if finals:
            problems.add(f"signed head {finals[0]} is final but the vote is still open")
        return False
    if last not in finals:
        problems.add(
            f"the last signed head (head {last}, size {board.heads[last]['size']}) is not the "
            "final head signed at the count: the export was cut back to an earlier signed head, "
            "or its final head was removed"
        )
        return False
    if len(finals) > 1:
        problems.add(f"signed head {finals[0]} is final but is not the last head")
        return False
    return True  # its result digest is checked after the recount (rule 8)


def _check_consistency(board: _Board, problems: _Problems) -> None:
    pairs = []
    for i in range(1, len(board.heads)):
        a, b = board.heads[i - 1]["size"], board.heads[i]["size"]
        if a != b:
            pairs.append((i - 1, i))
    proofs = board.consistency
    index_of: dict[tuple[int, int], int] = {}
    for k, (a, b, _) in enumerate(proofs):
        index_of.setdefault((a, b), k)
    expected = set()
    for k, (i, j) in enumerate(pairs):
        a, b = board.heads[i]["size"], board.heads[j]["size"]
        expected.add((a, b))
        if k < len(proofs) and proofs[k][:2] == (a, b):
            if not verify_consistency(a, b, board.head_root[i], board.head_root[j], proofs[k][2]):
                problems.add(
                    f"consistency proof {k} from signed head {i} (size {a}) to {j} (size {b}) "
                    "does not verify: the later head does not extend the earlier one"
                )
        elif (a, b) in index_of:
            problems.add(
                f"consistency proof {index_of[a, b]} (size {a} to {b}) is out of order: it "
                f"should be proof {k}, between signed heads {i} and {j}"
            )
        else:
            problems.add(f"no consistency proof from signed head {i} (size {a}) to {j} (size {b})")
    for k, (a, b, _) in enumerate(proofs):
        if (a, b) not in expected:
            problems.add(
                f"consistency proof {k} (size {a} to {b}) does not join two consecutive signed "
                "heads"
            )
        elif index_of[a, b] != k:
            problems.add(f"consistency proof {k} (size {a} to {b}) is given twice")


def _check_weights(data: dict, board: _Board, problems: _Problems) -> None:
    electorate = data["electorate"]
    parties = board.parties
    if electorate["heads"] != len(parties):
        problems.add(
            f"electorate.heads is {electorate['heads']} but it lists "
            f"{len(parties)} parties (one head each)"
        )
    if board.committed:  # format 6: the commitments add up to the total area
        _check_committed_total(board, problems)
    else:
        total = sum(board.party_area.values())
        if _area(electorate["area"]) != total:
            problems.add(
                f"electorate.area is {electorate['area']} but its parties add up to "
                f"{tally_mod.format_area(total)}"
            )
    for i, entry in enumerate(board.entries):
        if entry["pseudonym"] not in parties:
            problems.add(f"entry {i}: pseudonym {entry['pseudonym']} is not in the electorate")
        elif not board.committed and board.entry_area[i] != board.party_area[entry["pseudonym"]]:
            problems.add(
                f"entry {i}: area {entry['area']} does not match the electorate's "
                f"{tally_mod.format_area(board.party_area[entry['pseudonym']])} for its party"
            )
        if entry["heads"] != 1:
            problems.add(f"entry {i}: heads is {entry['heads']}, but a party is one head")
        if i and board.entry_time[i] < board.entry_time[i - 1]:
            problems.add(f"entry {i}: time {entry['time']} is before entry {i - 1}'s")


def _check_committed_total(board: _Board, problems: _Problems) -> None:
    """Format 6: the sum of every party's commitment opens to ``electorate.area`` with
    ``electorate.opening``."""
    try:
        ok = commitments.check_opening(
            board.party_commitment.values(), board.total_area, board.total_opening
        )
    except commitments.CommitmentError:
        for i, (pseudonym, raw) in enumerate(board.party_commitment.items()):
            try:
                commitments.check_opening([raw], 0, 0)
            except commitments.CommitmentError:
                problems.add(
                    f"electorate party {i} ({pseudonym}): its commitment is not a point of P-256"
                )
                return
        raise
    if not ok:
        problems.add(
            f"the parties' area commitments do not add up to the electorate's area "
            f"{tally_mod.format_area(board.total_area)} with its opening: a commitment, the "
            "area or the opening was changed"
        )


def _check_supersedes(board: _Board, problems: _Problems) -> dict[str, int]:
    """Returns each party's counted entry (the one no later entry supersedes)."""
    superseded_by: dict[int, int] = {}
    for i, entry in enumerate(board.entries):
        s = entry["supersedes"]
        if s is None:
            continue
        if not 0 <= s < i:
            problems.add(f"entry {i} supersedes entry {s}, which is not an earlier entry")
        elif board.entries[s]["pseudonym"] != entry["pseudonym"]:
            problems.add(f"entry {i} supersedes entry {s}, which is another party's ballot")
        elif s in superseded_by:
            problems.add(
                f"entry {i} supersedes entry {s}, already superseded by {superseded_by[s]}"
            )
        else:
            superseded_by[s] = i
    for i, entry in enumerate(board.entries):
        if entry["channel"] != VOID:
            continue
        if entry["supersedes"] is None:
            problems.add(f"entry {i} is void but supersedes no entry: a void entry voids one")
        elif board.sealed[i] and _reinstates(board, i) is None:
            problems.add(
                f"entry {i} is void and carries a sealed choice that is not that of an earlier "
                "ballot of its party: it may only reinstate one, or carry none"
            )
    current: dict[str, int] = {}
    for i, entry in enumerate(board.entries):
        if i in superseded_by:
            continue
        p = entry["pseudonym"]
        if p in current:
            problems.add(
                f"entry {i}: its party already has ballot {current[p]} that nothing supersedes; "
                "a party votes once, and a changed ballot must supersede the previous one"
            )
        else:
            current[p] = i
    return current


def _reinstates(board: _Board, i: int) -> int | None:
    """The earlier non-void entry of void entry ``i``'s chain whose sealed choice it carries."""
    j = board.entries[i]["supersedes"]
    seen = set()
    while isinstance(j, int) and 0 <= j < i and j not in seen:
        seen.add(j)
        if board.entries[j]["channel"] != VOID and board.sealed[j] == board.sealed[i]:
            return j
        j = board.entries[j]["supersedes"]
    return None


def _open_all(board: _Board, problems: _Problems) -> list[str | None]:
    if vote_public_key(board.vote_private_key) != board.vote_public_key:
        problems.add("the published vote private key does not belong to the vote public key")
        return []
    opener = ChoiceOpener(board.vote_private_key)
    choices: list[str | None] = []
    for i, entry in enumerate(board.entries):
        if entry["channel"] == VOID and not board.sealed[i]:
            choices.append(None)  # voided, nothing reinstated: the party does not participate
            continue
        context = ballot_context(board.vote_id, entry["pseudonym"])
        try:
            choice = opener.open(board.sealed[i], context=context)
        except SealingError:
            problems.add(
                f"entry {i}: the sealed choice does not open with the vote key for this vote "
                "and pseudonym"
            )
            choices.append(None)
            continue
        if choice not in CHOICES:
            problems.add(f"entry {i}: the sealed choice is {_show(choice)}, not one of {CHOICES}")
        choices.append(choice)
    return choices


def _first_difference(published: object, recount: object, path: str = "") -> str | None:
    if isinstance(published, dict) and isinstance(recount, dict):
        for key in sorted(set(published) | set(recount), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in published:
                return f"{where} is missing"
            if key not in recount:
                return f"{where} is not part of a result"
            diff = _first_difference(published[key], recount[key], where)
            if diff:
                return diff
        return None
    if published != recount or type(published) is not type(recount):
        return f"{path} is {_show(published)} in the export but {_show(recount)} in the recount"
    return None


def _recount(board: _Board, current: dict[str, int], choices: list) -> dict:
    ballots = {p: choices[i] for p, i in current.items() if choices[i] is not None}
    return tally_mod.result_to_json(tally_mod.tally(board.matter, board.party_area, ballots))


def _recount_committed(
    board: _Board, current: dict[str, int], choices: list, result: dict, problems: _Problems
) -> dict | None:
    """Format 6: heads per choice from the opened ballots; each choice's area is the result's,
    checked against the sum of its counted parties' commitments with the result's opening for
    that choice (so no single area is needed); then the double-majority rule over those sums.
    None (with a problem) when an area does not open."""
    voters: dict[str, list[str]] = {c: [] for c in CHOICES}
    for pseudonym, i in current.items():
        if choices[i] is not None:
            voters[choices[i]].append(pseudonym)
    weights = []
    for choice in CHOICES:
        claimed = result.get(choice) if isinstance(result.get(choice), dict) else {}
        area = _area(claimed.get("area"))
        opening = commitments.parse_opening(result[RESULT_OPENINGS][choice])
        if area is None:
            problems.add(f"result.{choice}.area is not an area like 98.12")
            return None
        points = [board.party_commitment[p] for p in voters[choice]]
        try:
            opens = commitments.check_opening(points, area, opening)
        except commitments.CommitmentError as exc:
            problems.add(f"a commitment of a party that chose {choice} is broken: {exc}")
            return None
        if not opens:
            problems.add(
                f"the {choice} area in the result ({claimed.get('area')} m²) is not what the "
                f"area commitments of the {len(points)} parties counted as {choice} open to with "
                f"its opening: the area or the opening was changed, or a ballot was moved"
            )
            return None
        weights.append(tally_mod.Weight(len(points), area))
    try:
        recount = tally_mod.tally_counts(
            board.matter,
            tally_mod.Weight(len(board.party_commitment), board.total_area),
            *weights,
        )
    except tally_mod.TallyInputError as exc:
        problems.add(f"the result's figures cannot be counted: {exc}")
        return None
    return {**tally_mod.result_to_json(recount), RESULT_OPENINGS: result[RESULT_OPENINGS]}


def _channels(board: _Board, current: dict[str, int]) -> dict[str, int]:
    """Counted ballots per channel; a void entry counts under the channel of the ballot it
    reinstates, or as ``void`` when it reinstates none (format 3)."""
    channels = {c: 0 for c in CHANNELS}
    if board.format != FORMATS[0]:  # format 2 has no void entries
        channels[VOID] = 0
    for i in current.values():
        if board.entries[i]["channel"] == VOID:
            j = _reinstates(board, i) if board.sealed[i] else None
            if j is None:
                channels[VOID] += 1
                continue
            i = j
        channels[board.entries[i]["channel"]] += 1
    return channels


def verify_export(data: dict, *, signing_key: bytes | None = None) -> VerifyReport:
    """Check an export against every rule of the format (module docstring), in order.

    ``problems`` lists the discrepancies of the first rule that fails (the first is the one to
    report); ``summary`` describes the board as far as it was checked. ``signing_key`` (raw)
    pins the key the export must be signed with.
    """
    problems = _Problems()
    summary: dict = {}

    def done() -> VerifyReport:
        return VerifyReport(ok=not problems, problems=list(problems), summary=summary)

    board = _check_format(data, problems)
    if board is None:
        return done()
    summary.update(_describe(data, board))
    if signing_key is not None and signing_key != board.signing_key:
        problems.add("the export is signed with another key than the one given to check against")
        return done()
    _check_heads(board, problems)
    if problems:
        return done()
    tree = _check_tree(board, problems)
    if problems:
        return done()
    summary["root"] = tree.root().hex()
    summary["final"] = _check_final(board, problems)
    if problems:
        return done()
    _check_consistency(board, problems)
    if problems:
        return done()
    _check_weights(data, board, problems)
    if problems:
        return done()
    current = _check_supersedes(board, problems)
    if problems:
        return done()
    voided = [i for i in current.values() if board.entries[i]["channel"] == VOID]
    blank = sum(1 for i in voided if not board.sealed[i])
    summary["ballots"] = len(current) - blank
    summary["superseded"] = len(board.entries) - len(current)
    summary["channels"] = _channels(board, current)
    if board.vote_private_key is not None:
        _check_result(data, board, current, summary, problems)
    return done()


def _describe(data: dict, board: _Board) -> dict:
    """What the report says of the board once its format is checked."""
    summary = {
        "vote": board.vote_id,
        "title": data["vote"]["title"],
        "estate": data["vote"]["estate"],
        "matter": board.matter,
        "entries": len(board.entries),
        "heads": len(board.heads),
        "closed": board.vote_private_key is not None,
    }
    if board.format in TRUSTEE_FORMATS:
        summary["trustees"] = board.trustees
        summary["no_trustees"] = board.no_trustees
    return summary


def _check_result(
    data: dict, board: _Board, current: dict[str, int], summary: dict, problems: _Problems
) -> None:
    """Rules 7 and 8: open every choice, recount (format 6: from the commitments' sums), compare
    with the published result, and check that the final head signs it."""
    choices = _open_all(board, problems)
    if problems:
        return
    if board.committed:
        recount = _recount_committed(board, current, choices, data["result"], problems)
        if recount is None:
            return
    else:
        recount = _recount(board, current, choices)
    summary["result"] = recount
    diff = _first_difference(data["result"], recount)
    if diff:
        problems.add(f"the published result differs from the recount: {diff}")
    elif summary["final"] and board.heads[-1]["result"] != result_digest(data["result"]):
        problems.add(
            f"the final signed head (head {len(board.heads) - 1}) signs another result than the "
            "one in the export"
        )


# --- receipts -----------------------------------------------------------------------------------


def receipt_for_entry(entry: dict) -> dict:
    """What the voter keeps: the short code and the full entry hash (hex)."""
    h = entry_hash(entry)
    return {"code": receipt_code(h), "entry_hash": h.hex()}


def check_receipt(data: dict, receipt: str) -> tuple[bool, str]:
    """Look a receipt (code or 64-hex entry hash) up in a verified export and prove its inclusion
    under the last signed head (RFC 9162 s2.1.3). Returns (found, a plain sentence)."""
    receipt = receipt.strip()
    full = _hex(receipt.lower())
    code = None if full else normalize_receipt_code(receipt)
    if full is None and code is None:
        return False, f"{receipt!r} is neither a receipt code like ABCDE-FGHJK nor an entry hash"
    entries = data["entries"]
    hashes = [entry_hash(e) for e in entries]
    matches = [i for i, h in enumerate(hashes) if (h == full if full else receipt_code(h) == code)]
    if not matches:
        return False, f"receipt {receipt}: no entry on the board has this receipt"
    if len(matches) > 1:
        return False, f"receipt {receipt}: entries {matches} share this code; give the entry hash"
    i = matches[0]
    head = data["heads"][-1]
    tree = MerkleTree(hashes)
    proof = tree.inclusion_proof(i, head["size"])
    if not verify_inclusion(hashes[i], i, head["size"], proof, bytes.fromhex(head["root"])):
        return False, f"receipt {receipt}: entry {i} is not included under the last signed head"
    later = [j for j, e in enumerate(entries) if e["supersedes"] == i]
    if later and entries[later[0]]["channel"] == VOID:
        status = f"it does not count: entry {later[0]} voids it"
    elif later:
        status = f"it was replaced by the party's later ballot, entry {later[0]}"
    elif entries[i]["channel"] == VOID:
        status = "it is a void entry: the ballot it supersedes does not count"
    else:
        status = "it is the party's counted ballot"
    return True, (
        f"receipt {receipt_code(hashes[i])}: entry {i} ({entries[i]['channel']}, "
        f"{entries[i]['time']}) is on the board, proven by an inclusion proof of {len(proof)} "
        f"hashes under signed head {len(data['heads']) - 1} (size {head['size']}); {status}"
    )


def check_area_opening(data: dict, receipt: str, area: str, opening: str) -> tuple[bool, str]:
    """Format 6: whether the commitment the electorate publishes for the party of a receipt's
    entry opens to ``area`` (m², e.g. "98.12": the party's registered area) with ``opening``
    (the 64-hex opening the voter's receipt carries). Returns (opens, a plain sentence)."""
    if data.get("format") not in COMMITTED_FORMATS:
        return False, f"this export ({data.get('format')}) publishes areas, not commitments"
    try:
        centi = tally_mod.parse_area((area or "").strip())
    except ValueError:
        return False, f"{area!r} is not an area in m² like 98.12"
    r = commitments.parse_opening((opening or "").strip().lower())
    if r is None:
        return False, "the opening is not 64 hex digits (as on the receipt)"
    full = _hex(receipt.strip().lower())
    code = None if full else normalize_receipt_code(receipt)
    matches = [
        e
        for e in data["entries"]
        if (entry_hash(e) == full if full else receipt_code(entry_hash(e)) == code)
    ]
    if len(matches) != 1:
        return False, f"receipt {receipt}: no single entry on the board has this receipt"
    pseudonym = matches[0]["pseudonym"]
    published = {p["pseudonym"]: p["commitment"] for p in data["electorate"]["parties"]}
    raw = _parse_b64(published.get(pseudonym), commitments.POINT_SIZE)
    try:
        opens = raw is not None and commitments.check_opening([raw], centi, r)
    except commitments.CommitmentError:
        opens = False
    shown = tally_mod.format_area(centi)
    if not opens:
        return False, (
            f"the area commitment of this entry's party does not open to {shown} m² with this "
            "opening: check both against your receipt, or report it"
        )
    return True, (
        f"the area commitment of this entry's party opens to {shown} m² with your opening: "
        "the count weighed your ballot with that area"
    )


# --- command line -------------------------------------------------------------------------------


def _summary_line(summary: dict) -> str:
    channels = {c: n for c, n in summary["channels"].items() if c != VOID}
    voided = summary["channels"].get(VOID, 0)
    parts = [
        f"vote {summary['vote']} ({summary['title']}): {summary['entries']} entries, "
        f"{summary['ballots']} ballots counted ("
        + ", ".join(f"{n} {c}" for c, n in channels.items())
        + ")"
        + (f", {voided} voided with no earlier ballot to count" if voided else "")
        + f", {summary['heads']} signed heads"
        + (" (the last is final and signs the result)" if summary.get("final") else "")
        + f", root {summary['root']}"
    ]
    result = summary.get("result")
    if result is None:
        parts.append("vote still open: choices sealed, no result yet")
    else:
        p, t = result["participating"], result["total"]
        parts.append(
            f"result {result['outcome']} ({result['rule']} matter {summary['matter']}): "
            f"agree {result['agree']['heads']} heads / {result['agree']['area']} m², "
            f"oppose {result['oppose']['heads']} / {result['oppose']['area']} m², "
            f"abstain {result['abstain']['heads']} / {result['abstain']['area']} m²; "
            f"participation {p['heads']}/{t['heads']} heads, {p['area']}/{t['area']} m²"
        )
    if "trustees" in summary:  # format 5
        parts.append(trustees_line(summary["trustees"], summary["no_trustees"]))
    return "; ".join(parts)


NO_TRUSTEES_WORDS = {
    "no_online_channel": "no trustees: the vote had no online channel, so none were named",
    "none": "no trustees: none were named, the portal held the vote key",
}


def trustees_line(trustees: dict | None, no_trustees: str | None) -> str:
    """Who held the vote key, in words (format 5)."""
    if trustees is None:
        return NO_TRUSTEES_WORDS[no_trustees]
    who = ", ".join(f"#{t['number']} {t['role']} {t['name']}" for t in trustees["list"])
    return (
        f"trustees: {trustees['k']} of {trustees['n']} were needed to open the count ({who}), "
        "signed in every head"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m voting.verify",
        description="Verify a Gongzhi vote bulletin board export (gongzhi-board/2 to /6).",
    )
    parser.add_argument("file", help="the export (JSON)")
    parser.add_argument("--key", help="the portal's signing key (base64) to pin")
    parser.add_argument("--receipt", help="also check a receipt: code XXXXX-XXXXX or entry hash")
    parser.add_argument(
        "--area", help="with --receipt and --opening (format 6): your registered area in m²"
    )
    parser.add_argument(
        "--opening", help="with --receipt and --area (format 6): the opening on your receipt"
    )
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        with open(args.file, "rb") as f:
            raw = f.read()
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        print(f"FAIL: the file is not UTF-8 JSON ({exc})")
        return 1
    pinned = None
    if args.key is not None:
        pinned = _parse_b64(args.key, 32)
        if pinned is None:
            print("error: --key is not a base64 32-byte Ed25519 public key", file=sys.stderr)
            return 2
    report = verify_export(data, signing_key=pinned)
    if not report.ok:
        print(f"FAIL: {report.problems[0]}")
        return 1
    print(f"OK: {_summary_line(report.summary)}")
    if report.summary.get("final") is None:
        print(f"NOTE: {PREDATES_FINAL_HEADS.format(format=data['format'])}")
    if args.receipt is not None:
        found, message = check_receipt(data, args.receipt)
        print(("OK: " if found else "FAIL: ") + message)
        if found and (args.area is not None or args.opening is not None):
            found, message = check_area_opening(
                data, args.receipt, args.area or "", args.opening or ""
            )
            print(("OK: " if found else "FAIL: ") + message)
        return 0 if found else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
