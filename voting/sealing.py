"""Cryptographic helpers for the vote bulletin board (DOMAIN.md section 1, Verifiability).

Pure: the standard library and the ``cryptography`` package only. Every primitive is
``cryptography``'s (or ``hashlib``/``hmac``); this module only composes them:

- ``canonical_json``: the one byte encoding of entries and tree heads that is hashed or signed.
- Ballot sealing: HPKE (RFC 9180) base mode, suite DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
  AES-128-GCM, seals a data key to the vote's public key (the envelope); the choice is sealed
  with AES-128-GCM under that data key, with the ballot context (vote id and party pseudonym) as
  associated data, so a sealed choice opens only for the entry it was made for. A data key serves
  a few hundred ballots of one process at most (``ChoiceSealer``), so counting opens one envelope
  per data key, not per ballot. The choice is padded to a fixed length before sealing, so
  "agree", "oppose" and "abstain" give ciphertexts of the same length.
- The vote's X25519 private key at rest: AES-256-GCM under a key from the settings, with the
  vote id as associated data.
- Party pseudonyms: HMAC-SHA256 under a settings secret, per vote (unlinkable across votes).
- Signed tree heads: Ed25519 over ``canonical_json`` of the head fields, domain-separated.
  The fields are ``HEAD_FIELDS``: vote id, size, root, time and the manifest hash (format 4
  adds ``final`` and the result digest, ``FINAL_HEAD_FIELDS``).
- Receipt codes: 10 Crockford base32 characters of the entry hash, e.g. ``7K3QD-M9XAF``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import threading
import time

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
    if not _flat(obj):
        _check_canonical(obj, "$")
    text = json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        _check_canonical(obj, "$")  # names the string that is not valid Unicode
        raise


#: The exact types of the values a flat object or array may hold to skip the walk of
#: ``_check_canonical`` (a subclass, such as a string enum, takes the walk).
_FLAT_TYPES = frozenset({str, int, bool, type(None)})


def _flat(obj: object) -> bool:
    """Whether ``obj`` is an object with string keys, or an array, of strings, integers,
    booleans and nulls only: nothing ``_check_canonical`` would refuse but a string that is not
    valid Unicode, which the encoding to UTF-8 refuses anyway. Board entries, ballot contexts
    and pseudonym inputs are such, some hundred thousand an estate's history (issue 21)."""
    kind = type(obj)
    if kind is dict:
        return all(type(k) is str and type(v) in _FLAT_TYPES for k, v in obj.items())
    if kind is list or kind is tuple:
        return all(type(v) in _FLAT_TYPES for v in obj)
    return False


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
#
# A sealed choice is HPKE's own KEM-DEM split, done once per data key instead of once per ballot:
#
#   sealed = b"GZC2" || envelope (64) || nonce (12) || AES-128-GCM(data key, nonce, padded choice,
#            associated data = ballot context) (32)          -- 112 bytes for every choice
#   envelope = HPKE base mode seal of a random 16-byte data key to the vote's public key
#              (info ``ENVELOPE_INFO``): 32 bytes encapsulated key + 16 + 16 tag
#
# A web process draws a data key, seals it to the vote key once (the envelope) and uses it for at
# most ``DATA_KEY_USES`` ballots or ``DATA_KEY_SECONDS`` seconds, then draws another. Only the
# envelope is stored, so a database dump reveals no choice; the data key lives in that process's
# memory no longer than a minute, where the clear choice of the request is anyway. Counting opens
# each distinct envelope once (one X25519 per data key, not per ballot) and then only AES-GCM:
# ~100,000 ballots in a fraction of a second instead of several seconds. Entries sealed under one
# data key show that one process sealed them within the same minute, which their times already
# show; nothing about the choice. Nonces are random 96-bit under a key used at most a few hundred
# times, far inside AES-GCM's limits.

HPKE_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_128_GCM)
CHOICE_PAD = 16  # every choice is zero-padded to this many bytes before sealing
SEALED_MAGIC = b"GZC2"
ENVELOPE_INFO = b"gongzhi-ballot-key/2"
DATA_KEY_BYTES = 16
ENVELOPE_BYTES = 32 + DATA_KEY_BYTES + 16
NONCE_BYTES = 12
SEALED_BYTES = len(SEALED_MAGIC) + ENVELOPE_BYTES + NONCE_BYTES + CHOICE_PAD + 16
DATA_KEY_USES = 256
DATA_KEY_SECONDS = 60.0


def ballot_context(vote_id: str, pseudonym: str) -> bytes:
    """The associated data binding a sealed choice to one vote and one party pseudonym."""
    return b"gongzhi-ballot/1\x00" + canonical_json([vote_id, pseudonym])


def _public_key(key: bytes | X25519PublicKey) -> X25519PublicKey:
    if isinstance(key, X25519PublicKey):
        return key
    return X25519PublicKey.from_public_bytes(key)


def _private_key(key: bytes | X25519PrivateKey) -> X25519PrivateKey:
    if isinstance(key, X25519PrivateKey):
        return key
    return X25519PrivateKey.from_private_bytes(key)


def _pad(choice: str) -> bytes:
    data = choice.encode("utf-8")
    if not data or b"\x00" in data or len(data) > CHOICE_PAD:
        raise ValueError(f"a choice must be 1..{CHOICE_PAD} UTF-8 bytes without NUL")
    return data.ljust(CHOICE_PAD, b"\x00")


class ChoiceSealer:
    """Seals choices to one vote's public key, drawing a new data key (and envelope) every
    ``max_uses`` ballots or ``max_age`` seconds. Thread-safe."""

    def __init__(
        self,
        public_key: bytes | X25519PublicKey,
        *,
        max_uses: int = DATA_KEY_USES,
        max_age: float = DATA_KEY_SECONDS,
    ):
        self._public = _public_key(public_key)
        self._max_uses = max_uses
        self._max_age = max_age
        self._lock = threading.Lock()
        self._aead: AESGCM | None = None
        self._envelope = b""
        self._uses = 0
        self._born = 0.0

    def _data_key(self) -> tuple[AESGCM, bytes]:
        with self._lock:
            now = time.monotonic()
            if (
                self._aead is None
                or self._uses >= self._max_uses
                or now - self._born >= self._max_age
            ):
                key = AESGCM.generate_key(bit_length=8 * DATA_KEY_BYTES)
                self._envelope = HPKE_SUITE.encrypt(key, self._public, info=ENVELOPE_INFO)
                self._aead = AESGCM(key)
                self._uses, self._born = 0, now
            self._uses += 1
            return self._aead, self._envelope

    def seal(self, choice: str, *, context: bytes) -> bytes:
        """The sealed bytes of ``choice`` for the entry whose context is ``context``."""
        padded = _pad(choice)
        aead, envelope = self._data_key()
        nonce = os.urandom(NONCE_BYTES)
        return SEALED_MAGIC + envelope + nonce + aead.encrypt(nonce, padded, bytes(context))


class ChoiceOpener:
    """Opens sealed choices with one vote's private key, opening each envelope once."""

    def __init__(self, private_key: bytes | X25519PrivateKey):
        self._private = _private_key(private_key)
        self._keys: dict[bytes, AESGCM] = {}

    def open(self, sealed: bytes, *, context: bytes) -> str:
        """The choice; raises ``SealingError`` for a wrong key, context or tampered bytes."""
        sealed = bytes(sealed)
        if len(sealed) != SEALED_BYTES or not sealed.startswith(SEALED_MAGIC):
            raise SealingError("not a sealed choice")
        start = len(SEALED_MAGIC)
        envelope = sealed[start : start + ENVELOPE_BYTES]
        nonce = sealed[start + ENVELOPE_BYTES : start + ENVELOPE_BYTES + NONCE_BYTES]
        aead = self._keys.get(envelope)
        if aead is None:
            try:
                key = HPKE_SUITE.decrypt(envelope, self._private, info=ENVELOPE_INFO)
            except (InvalidTag, ValueError) as exc:
                raise SealingError("the sealed choice's data key does not open") from exc
            aead = self._keys[envelope] = AESGCM(key)
        try:
            padded = aead.decrypt(nonce, sealed[start + ENVELOPE_BYTES + NONCE_BYTES :], context)
        except InvalidTag as exc:
            raise SealingError("the sealed choice does not open with this key and context") from exc
        data = padded.rstrip(b"\x00")
        if not data or b"\x00" in data:
            raise SealingError("the sealed choice is not a padded choice")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SealingError("the sealed choice is not UTF-8") from exc


_sealers: dict[bytes, ChoiceSealer] = {}
_sealers_lock = threading.Lock()


def _forget_sealers() -> None:
    _sealers.clear()


if hasattr(os, "register_at_fork"):  # a forked process draws its own data keys
    os.register_at_fork(after_in_child=_forget_sealers)


def seal_choice(choice: str, public_key_bytes: bytes | X25519PublicKey, *, context: bytes) -> bytes:
    """Seal ``choice`` to the vote's public key, bound to ``context`` (normally
    ``ballot_context(vote_id, pseudonym)``), with this process's current data key for that vote
    key (see above). Every choice gives ``SEALED_BYTES`` bytes, so the length reveals nothing."""
    public = _public_key(public_key_bytes)
    raw = public.public_bytes_raw()
    sealer = _sealers.get(raw)
    if sealer is None:
        with _sealers_lock:
            sealer = _sealers.setdefault(raw, ChoiceSealer(public))
            if len(_sealers) > 1000:  # closed votes' sealers are not needed again
                _sealers.clear()
                _sealers[raw] = sealer
    return sealer.seal(choice, context=context)


def open_choice(
    sealed: bytes, private_key_bytes: bytes | X25519PrivateKey, *, context: bytes
) -> str:
    """Open one sealed choice; raises ``SealingError`` for a wrong key, context or bytes. To open
    many, use one ``ChoiceOpener`` (it opens each data key once)."""
    return ChoiceOpener(private_key_bytes).open(sealed, context=context)


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
#: Format 4 heads also sign whether the head is the board's final one and the result's digest.
FINAL_HEAD_FIELDS = (*HEAD_FIELDS, "final", "result")
_HEAD_PREFIX = b"gongzhi-tree-head/1\x00"


def tree_head_message(head: dict) -> bytes:
    """The signed bytes of a tree head: a domain prefix, then canonical JSON of exactly the fields
    ``vote``, ``size``, ``root``, ``time``, ``manifest`` (a ``signature`` key, if present, is
    left out), or exactly those and ``final``, ``result`` (format 4: ``FINAL_HEAD_FIELDS``).
    ``manifest`` is the hash of the vote's fixed setup (``voting.verify``)."""
    fields = FINAL_HEAD_FIELDS if "final" in head or "result" in head else HEAD_FIELDS
    extra = sorted(k for k in head if k not in fields and k != "signature")
    missing = [k for k in fields if k not in head]
    if missing or extra:
        raise ValueError(f"a tree head has exactly the fields {fields}")
    return _HEAD_PREFIX + canonical_json({k: head[k] for k in fields})


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
