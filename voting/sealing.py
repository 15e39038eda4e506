"""Cryptographic helpers for the vote bulletin board (DOMAIN.md section 1, Verifiability).

Pure: the standard library and the ``cryptography`` package only. Every primitive is
``cryptography``'s (or ``hashlib``/``hmac``); this module only composes them:

- ``canonical_json``: the one byte encoding of entries and tree heads that is hashed or signed.
- Ballot sealing with HPKE (RFC 9180) base mode, suite DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
  AES-128-GCM. The HPKE ``info`` is the ballot context (vote id and party pseudonym), so a sealed
  choice opens only for the entry it was made for. The choice is padded to a fixed length before
  sealing, so "agree", "oppose" and "abstain" give ciphertexts of the same length.
- The vote's X25519 private key at rest: AES-256-GCM under a key from the settings, with the
  vote id as associated data.
- Party pseudonyms: HMAC-SHA256 under a settings secret, per vote (unlinkable across votes).
- Signed tree heads: Ed25519 over ``canonical_json`` of the head fields, domain-separated.
  The fields are ``HEAD_FIELDS``: vote id, size, root, time and the manifest hash.
- Receipt codes: 10 Crockford base32 characters of the entry hash, e.g. ``7K3QD-M9XAF``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, hpke
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class SealingError(ValueError):
    """A sealed value does not open: wrong key, wrong context, or tampered bytes."""


# --- canonical JSON -----------------------------------------------------------------------


def _check_canonical(value: object, path: str) -> None:
    if value is None or isinstance(value, bool | str):
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError(f"{path}: string is not valid Unicode (lone surrogate)")
        return
    if isinstance(value, int):
        return
    if isinstance(value, float):
        raise ValueError(f"{path}: floats are not allowed in canonical JSON (use a string)")
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_canonical(item, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{path}: object key {key!r} is not a string")
            _check_canonical(item, f"{path}.{key}")
        return
    raise ValueError(f"{path}: {type(value).__name__} is not allowed in canonical JSON")


def canonical_json(obj: object) -> bytes:
    """The canonical bytes of a JSON value: keys sorted, no whitespace, UTF-8 (not \\u-escaped).

    Only objects with string keys, arrays, strings, integers, true/false and null are allowed;
    floats are refused (areas are strings such as "98.12"). For such values this is the RFC 8785
    (JCS) serialisation as long as keys are in the Basic Multilingual Plane (Python sorts by code
    point, JCS by UTF-16 unit; the two differ only for keys with astral characters).
    """
    _check_canonical(obj, "$")
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


# --- keys -----------------------------------------------------------------------------------


def derive_key(secret: bytes | str, purpose: str, length: int = 32) -> bytes:
    """A ``length``-byte key for one ``purpose`` from a settings secret (HKDF-SHA256, RFC 5869).

    Lets the Django side keep one secret and use separate keys for wrapping vote keys and for
    pseudonyms, e.g. ``derive_key(settings.VOTING_SECRET, "vote-key-wrap")``.
    """
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    if len(secret) < 16:
        raise ValueError("the secret must be at least 16 bytes")
    return HKDF(
        algorithm=hashes.SHA256(),
        length=length,
        salt=b"gongzhi/derive-key/1",
        info=purpose.encode("utf-8"),
    ).derive(secret)


def generate_vote_keypair() -> tuple[bytes, bytes]:
    """A fresh X25519 key pair for one vote: (raw private key, raw public key), 32 bytes each."""
    private = X25519PrivateKey.generate()
    return private.private_bytes_raw(), private.public_key().public_bytes_raw()


def vote_public_key(private_key_bytes: bytes) -> bytes:
    """The raw X25519 public key of a raw private key."""
    return X25519PrivateKey.from_private_bytes(private_key_bytes).public_key().public_bytes_raw()


def generate_signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def signing_public_key(private_key: Ed25519PrivateKey) -> bytes:
    """The raw (32-byte) Ed25519 public key, as published in the export."""
    return private_key.public_key().public_bytes_raw()


# --- sealing a choice -------------------------------------------------------------------------

HPKE_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_128_GCM)
CHOICE_PAD = 16  # every choice is zero-padded to this many bytes before sealing


def ballot_context(vote_id: str, pseudonym: str) -> bytes:
    """The HPKE ``info`` binding a sealed choice to one vote and one party pseudonym."""
    return b"gongzhi-ballot/1\x00" + canonical_json([vote_id, pseudonym])


def _public_key(key: bytes | X25519PublicKey) -> X25519PublicKey:
    if isinstance(key, X25519PublicKey):
        return key
    return X25519PublicKey.from_public_bytes(key)


def _private_key(key: bytes | X25519PrivateKey) -> X25519PrivateKey:
    if isinstance(key, X25519PrivateKey):
        return key
    return X25519PrivateKey.from_private_bytes(key)


def seal_choice(choice: str, public_key_bytes: bytes | X25519PublicKey, *, context: bytes) -> bytes:
    """Encrypt ``choice`` to the vote's public key (HPKE, RFC 9180), bound to ``context``.

    ``context`` is the HPKE info, normally ``ballot_context(vote_id, pseudonym)``. The choice is
    zero-padded to ``CHOICE_PAD`` bytes so the ciphertext length does not reveal it.
    """
    data = choice.encode("utf-8")
    if not data or b"\x00" in data or len(data) > CHOICE_PAD:
        raise ValueError(f"a choice must be 1..{CHOICE_PAD} UTF-8 bytes without NUL")
    padded = data.ljust(CHOICE_PAD, b"\x00")
    return HPKE_SUITE.encrypt(padded, _public_key(public_key_bytes), info=bytes(context))


def open_choice(
    sealed: bytes, private_key_bytes: bytes | X25519PrivateKey, *, context: bytes
) -> str:
    """Decrypt a sealed choice; raises ``SealingError`` for a wrong key, context or bytes."""
    try:
        padded = HPKE_SUITE.decrypt(bytes(sealed), _private_key(private_key_bytes), info=context)
    except (InvalidTag, ValueError) as exc:
        raise SealingError("the sealed choice does not open with this key and context") from exc
    data = padded.rstrip(b"\x00")
    if len(padded) != CHOICE_PAD or not data or b"\x00" in data:
        raise SealingError("the sealed choice is not a padded choice")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SealingError("the sealed choice is not UTF-8") from exc


# --- the vote's private key at rest -----------------------------------------------------------

_WRAP_MAGIC = b"GZK1"
_WRAP_AAD = b"gongzhi-vote-key/1\x00"


def wrap_private_key(raw: bytes, key: bytes, *, context: bytes = b"") -> bytes:
    """Encrypt a raw private key for storage: AES-256-GCM (random 96-bit nonce) under ``key``
    (32 bytes, e.g. from ``derive_key``), with ``context`` (e.g. the vote id) authenticated.

    Blob layout: ``b"GZK1" || nonce(12) || ciphertext+tag``.
    """
    if len(key) != 32:
        raise ValueError("the wrapping key must be 32 bytes")
    nonce = os.urandom(12)
    return _WRAP_MAGIC + nonce + AESGCM(key).encrypt(nonce, bytes(raw), _WRAP_AAD + context)


def unwrap_private_key(blob: bytes, key: bytes, *, context: bytes = b"") -> bytes:
    """Decrypt a ``wrap_private_key`` blob; raises ``SealingError`` if the key, context or blob
    is wrong."""
    if len(key) != 32:
        raise ValueError("the wrapping key must be 32 bytes")
    blob = bytes(blob)
    if not blob.startswith(_WRAP_MAGIC) or len(blob) < len(_WRAP_MAGIC) + 12 + 16:
        raise SealingError("not a wrapped key")
    nonce = blob[4:16]
    try:
        return AESGCM(key).decrypt(nonce, blob[16:], _WRAP_AAD + context)
    except InvalidTag as exc:
        raise SealingError("the wrapped key does not open with this key and context") from exc


# --- pseudonyms ---------------------------------------------------------------------------------


def party_pseudonym(secret: bytes, vote_id: str, party_id: str) -> str:
    """The party's pseudonym in one vote: HMAC-SHA256(secret, vote id and party id), hex.

    Stable for a (vote, party), different across votes, and not computable without ``secret``.
    """
    message = b"gongzhi-pseudonym/1\x00" + canonical_json([str(vote_id), str(party_id)])
    return hmac.new(bytes(secret), message, hashlib.sha256).hexdigest()


# --- signed tree heads --------------------------------------------------------------------------

HEAD_FIELDS = ("vote", "size", "root", "time", "manifest")
_HEAD_PREFIX = b"gongzhi-tree-head/1\x00"


def tree_head_message(head: dict) -> bytes:
    """The signed bytes of a tree head: a domain prefix, then canonical JSON of exactly the fields
    ``vote``, ``size``, ``root``, ``time``, ``manifest`` (a ``signature`` key, if present, is
    left out). ``manifest`` is the hash of the vote's fixed setup (``voting.verify``)."""
    extra = sorted(k for k in head if k not in HEAD_FIELDS and k != "signature")
    missing = [k for k in HEAD_FIELDS if k not in head]
    if missing or extra:
        raise ValueError(f"a tree head has exactly the fields {HEAD_FIELDS}")
    return _HEAD_PREFIX + canonical_json({k: head[k] for k in HEAD_FIELDS})


def sign_tree_head(private_key: Ed25519PrivateKey, head: dict) -> str:
    """Ed25519 signature (base64) over ``tree_head_message(head)``."""
    return base64.b64encode(private_key.sign(tree_head_message(head))).decode("ascii")


def verify_tree_head(public_key_bytes: bytes, head: dict, signature: str) -> bool:
    """True if ``signature`` (base64) is the Ed25519 signature of ``head`` by that key."""
    try:
        message = tree_head_message(head)
        sig = base64.b64decode(signature, validate=True)
        Ed25519PublicKey.from_public_bytes(public_key_bytes).verify(sig, message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


# --- receipt codes ------------------------------------------------------------------------------

# Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand is unambiguous.
RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RECEIPT_RE = re.compile(r"[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}")


def receipt_code(entry_hash: bytes) -> str:
    """A short human code for an entry: its hash's first 50 bits in Crockford base32, grouped
    ``XXXXX-XXXXX``. It finds the entry; the full entry hash is what proves it."""
    if len(entry_hash) != 32:
        raise ValueError("an entry hash is 32 bytes")
    bits = int.from_bytes(entry_hash[:7], "big") >> 6  # top 50 bits
    chars = [RECEIPT_ALPHABET[(bits >> (5 * i)) & 31] for i in range(9, -1, -1)]
    return "".join(chars[:5]) + "-" + "".join(chars[5:])


def normalize_receipt_code(text: str) -> str | None:
    """Read a code as typed by a person: case, spaces and dashes are ignored, O is read as 0 and
    I/L as 1 (Crockford). Returns the code as ``receipt_code`` prints it, or None if invalid."""
    cleaned = re.sub(r"[\s\-]", "", text.upper())
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    code = cleaned[:5] + "-" + cleaned[5:]
    return code if _RECEIPT_RE.fullmatch(code) else None
