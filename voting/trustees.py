"""Trustees hold a vote's key (issue 18): threshold key custody, pure.

No Django; ``cryptography`` and pycryptodome's Shamir secret sharing only. Every primitive is
theirs; this module only composes them (docs/board.md, "Trustees"):

- **Trustee key pair.** Each trustee of a vote gets an X25519 key pair. The private part leaves
  the portal once, as a *key file* protected by a passphrase the trustee chooses: scrypt
  (RFC 7914; ``cryptography``) derives an AES-256-GCM key from the passphrase; the file's vote,
  trustee number and public key are authenticated with the private key, so a file cannot be
  relabelled for another vote or trustee. The portal keeps only the public part.
- **Key split.** The vote's X25519 private key (32 bytes) is cut into two 16-byte halves and
  each half is split with pycryptodome's ``Shamir.split(k, n)`` over GF(2^128); trustee ``i``'s
  share is the pair of ``i``-th shares. Each share is sealed to its trustee's public key with
  HPKE (RFC 9180; DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM), the vote and trustee
  number bound in as ``info``. The caller then erases the vote's private key.
- **Opening.** A trustee's key file and passphrase open their sealed share (``open_share``);
  ``combine`` rebuilds the private key from ``k`` shares and checks it against the vote's public
  key. Fewer than ``k`` shares give an unrelated key, which the check refuses: Shamir's scheme
  reveals nothing about the key to anyone holding ``k - 1`` shares.

Errors are ``TrusteeKeyError`` with a ``code`` the caller turns into words in the reader's
language: ``not_a_key_file``, ``other_vote``, ``other_trustee``, ``wrong_passphrase``,
``share_not_sealed_to_this_key``, ``too_few_shares``, ``shares_do_not_match``.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass

from Crypto.Protocol.SecretSharing import Shamir
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from .board_format import b64
from .sealing import HPKE_SUITE, canonical_json, vote_public_key

KEY_FILE_FORMAT = "gongzhi-trustee-key/1"
SHARE_INFO = b"gongzhi-trustee-share/1"
MIN_THRESHOLD = 2
MIN_PASSPHRASE = 10
# scrypt cost: 2^15 x 8 x 128 bytes = 32 MiB and about a tenth of a second per try here, the
# parameters RFC 7914 gives for interactive use; stored in the file so they can be raised.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1


class TrusteeKeyError(ValueError):
    """A key file, passphrase or share that cannot be used; ``code`` says which."""

    def __init__(self, code: str, message: str = ""):
        super().__init__(message or code)
        self.code = code


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise TrusteeKeyError("not_a_key_file")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as exc:
        raise TrusteeKeyError("not_a_key_file") from exc


def check_threshold(k: int, n: int) -> None:
    """``k`` of ``n`` trustees: at least two, never more than there are trustees."""
    if not (isinstance(k, int) and isinstance(n, int)) or k < MIN_THRESHOLD or n < k:
        raise ValueError(f"a threshold needs {MIN_THRESHOLD} <= k <= n (got k={k}, n={n})")


# --- the trustee's key pair and key file -----------------------------------------------------


@dataclass(frozen=True)
class TrusteeKeys:
    public: bytes  # raw X25519, 32 bytes: stored and published
    key_file: bytes  # the private part under the passphrase: handed over once, never stored


def _file_header(vote_id: str, trustee: int, public: bytes) -> dict:
    return {
        "format": KEY_FILE_FORMAT,
        "vote": str(vote_id),
        "trustee": trustee,
        "public": b64(public),
    }


def _passphrase_key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def make_trustee_keys(*, vote_id: str, trustee: int, passphrase: str) -> TrusteeKeys:
    """A fresh key pair for trustee number ``trustee`` (1..n) of ``vote_id``, the private part
    sealed under ``passphrase`` (at least ``MIN_PASSPHRASE`` characters)."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValueError(f"the passphrase needs at least {MIN_PASSPHRASE} characters")
    private = X25519PrivateKey.generate()
    public = private.public_key().public_bytes_raw()
    header = _file_header(vote_id, trustee, public)
    salt, nonce = os.urandom(16), os.urandom(12)
    key = _passphrase_key(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    sealed = AESGCM(key).encrypt(nonce, private.private_bytes_raw(), canonical_json(header))
    document = {
        **header,
        "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": b64(salt)},
        "nonce": b64(nonce),
        "sealed": b64(sealed),
    }
    return TrusteeKeys(
        public=public, key_file=json.dumps(document, indent=1).encode("utf-8") + b"\n"
    )


def read_key_file(
    key_file: bytes, passphrase: str, *, vote_id: str, trustee: int, public: bytes
) -> bytes:
    """The raw private key in ``key_file``, which must be trustee ``trustee``'s of ``vote_id``
    with the stored ``public`` key; raises ``TrusteeKeyError`` otherwise."""
    try:
        document = json.loads(bytes(key_file).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise TrusteeKeyError("not_a_key_file") from exc
    if not isinstance(document, dict) or document.get("format") != KEY_FILE_FORMAT:
        raise TrusteeKeyError("not_a_key_file")
    if document.get("vote") != str(vote_id):
        raise TrusteeKeyError("other_vote")
    if document.get("trustee") != trustee or _unb64(document.get("public")) != bytes(public):
        raise TrusteeKeyError("other_trustee")
    kdf = document.get("kdf")
    if not isinstance(kdf, dict) or kdf.get("name") != "scrypt":
        raise TrusteeKeyError("not_a_key_file")
    try:
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
    except (KeyError, TypeError, ValueError) as exc:
        raise TrusteeKeyError("not_a_key_file") from exc
    if not (2**14 <= n <= 2**20 and 1 <= r <= 16 and 1 <= p <= 4):
        raise TrusteeKeyError("not_a_key_file")
    key = _passphrase_key(passphrase, _unb64(kdf.get("salt")), n, r, p)
    header = _file_header(vote_id, trustee, bytes(public))
    try:
        raw = AESGCM(key).decrypt(
            _unb64(document.get("nonce")), _unb64(document.get("sealed")), canonical_json(header)
        )
    except (InvalidTag, ValueError) as exc:
        raise TrusteeKeyError("wrong_passphrase") from exc
    if X25519PrivateKey.from_private_bytes(raw).public_key().public_bytes_raw() != bytes(public):
        raise TrusteeKeyError("other_trustee")
    return raw


# --- splitting the vote's key and opening the shares -----------------------------------------


#: Purpose of the shares of the key sealing a vote's dispute links (ballot-to-party list kept
#: for the objection period, docs/board.md "Who can learn what"). The vote key's shares have
#: no purpose (their ``info`` is unchanged from before), so the two kinds never open as each other.
LINKS_PURPOSE = "dispute-links"


def _share_info(vote_id: str, trustee: int, purpose: str = "") -> bytes:
    fields: dict = {"vote": str(vote_id), "trustee": trustee}
    if purpose:
        fields["purpose"] = purpose
    return SHARE_INFO + b"\x00" + canonical_json(fields)


def split_vote_key(
    vote_private: bytes, *, vote_id: str, k: int, trustee_publics: list[bytes], purpose: str = ""
) -> list[bytes]:
    """The vote's private key split ``k`` of ``n = len(trustee_publics)``; one sealed share per
    trustee, in their order (trustee ``i`` is number ``i + 1``). The caller erases the key.
    With a ``purpose`` (``LINKS_PURPOSE``) any other 32-byte secret is split the same way,
    its shares bound to that purpose."""
    n = len(trustee_publics)
    check_threshold(k, n)
    vote_private = bytes(vote_private)
    if len(vote_private) != 32:
        raise ValueError("a vote key is 32 bytes")
    first = Shamir.split(k, n, vote_private[:16])
    second = Shamir.split(k, n, vote_private[16:])
    sealed = []
    for number, ((i, a), (j, b), public) in enumerate(
        zip(first, second, trustee_publics, strict=True), start=1
    ):
        assert i == j == number
        share = canonical_json({"index": number, "a": b64(a), "b": b64(b)})
        recipient = X25519PublicKey.from_public_bytes(bytes(public))
        info = _share_info(vote_id, number, purpose)
        sealed.append(HPKE_SUITE.encrypt(share, recipient, info=info))
    return sealed


def open_share(
    sealed_share: bytes, trustee_private: bytes, *, vote_id: str, trustee: int, purpose: str = ""
) -> bytes:
    """Trustee ``trustee``'s share (plain, canonical JSON), opened with their private key."""
    private = X25519PrivateKey.from_private_bytes(bytes(trustee_private))
    info = _share_info(vote_id, trustee, purpose)
    try:
        share = HPKE_SUITE.decrypt(bytes(sealed_share), private, info=info)
    except (InvalidTag, ValueError) as exc:
        raise TrusteeKeyError("share_not_sealed_to_this_key") from exc
    if json.loads(share).get("index") != trustee:
        raise TrusteeKeyError("share_not_sealed_to_this_key")
    return share


def combine(shares: list[bytes], *, k: int, vote_public: bytes) -> bytes:
    """The vote's private key from ``k`` or more opened shares, checked against ``vote_public``.
    Fewer than ``k`` shares, or shares of another vote, raise ``TrusteeKeyError``."""
    private = combine_secret(shares, k=k)
    if vote_public_key(private) != bytes(vote_public):
        raise TrusteeKeyError("shares_do_not_match")
    return private


def combine_secret(shares: list[bytes], *, k: int) -> bytes:
    """The 32-byte secret from ``k`` or more opened shares, unchecked: the caller checks it
    (``combine`` against the vote's public key; the dispute links by their AES-GCM tag)."""
    parsed = {}
    for share in shares:
        data = json.loads(share)
        parsed[data["index"]] = (_unb64(data["a"]), _unb64(data["b"]))
    if len(parsed) < k:
        raise TrusteeKeyError("too_few_shares")
    chosen = sorted(parsed.items())[:k]
    first = Shamir.combine([(i, a) for i, (a, _b) in chosen])
    second = Shamir.combine([(i, b) for i, (_a, b) in chosen])
    return first + second


# --- the dispute links: the ballot-to-party list kept sealed for the objection period ---------

LINKS_FORMAT = b"gongzhi-dispute-links/1"


def seal_links(pairs: list[tuple[int, int]], *, vote_id: str) -> tuple[bytes, bytes]:
    """Seal the (party id, entry n) pairs of a vote under a fresh AES-256-GCM key: returns
    (key, sealed). The caller splits the key among the trustees (``split_vote_key`` with
    ``purpose=LINKS_PURPOSE``) or wraps it, and erases it."""
    key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    plain = canonical_json(sorted([int(p), int(n)] for p, n in pairs))
    aad = LINKS_FORMAT + b"\x00" + str(vote_id).encode("utf-8")
    return key, nonce + AESGCM(key).encrypt(nonce, plain, aad)


def open_links(sealed: bytes, key: bytes, *, vote_id: str) -> list[tuple[int, int]]:
    """The (party id, entry n) pairs sealed by ``seal_links``; a wrong key or another vote's
    list raises ``TrusteeKeyError`` (``shares_do_not_match``)."""
    sealed = bytes(sealed)
    aad = LINKS_FORMAT + b"\x00" + str(vote_id).encode("utf-8")
    try:
        plain = AESGCM(bytes(key)).decrypt(sealed[:12], sealed[12:], aad)
    except (InvalidTag, ValueError) as exc:
        raise TrusteeKeyError("shares_do_not_match") from exc
    return [(int(p), int(n)) for p, n in json.loads(plain)]
