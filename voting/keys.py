"""The bulletin board's long-lived keys, kept as files under ``settings.BOARD_KEY_DIR``.

- ``board-secret``: 32 random bytes. From it (HKDF, ``voting.sealing.derive_key``) come the key
  that wraps every vote's private key (AES-256-GCM, purpose ``vote-key-wrap``) and the key of
  the per-vote party pseudonyms (purpose ``party-pseudonym``).
- ``tree-head.ed25519``: the raw 32-byte Ed25519 private key that signs tree heads; its public
  key is published (``signing_public_key_bytes``) and pinned by verifiers.

Both are created on first use with permissions 0600 (directory 0700), atomically: the bytes are
written to a private temporary file which is then hard-linked into place, so two processes
starting together agree on one key. Back them up: without ``board-secret`` no open vote can be
counted.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

from .sealing import derive_key

SECRET_FILE = "board-secret"  # noqa: S105 - a file name, not a secret
SIGNING_FILE = "tree-head.ed25519"


def _key_dir() -> Path:
    path = Path(settings.BOARD_KEY_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _read_or_create(name: str, size: int = 32) -> bytes:
    path = _key_dir() / name
    if not path.exists():
        tmp = path.with_name(f".{name}.{os.getpid()}.{os.urandom(4).hex()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, os.urandom(size))
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    data = path.read_bytes()
    if len(data) != size:
        raise RuntimeError(f"{path} is not a {size}-byte key file")
    return data


@lru_cache(maxsize=4)
def _secret(key_dir: str) -> bytes:
    return _read_or_create(SECRET_FILE)


def board_secret() -> bytes:
    return _secret(str(settings.BOARD_KEY_DIR))


def wrapping_key() -> bytes:
    """The AES-256 key wrapping each vote's X25519 private key at rest."""
    return derive_key(board_secret(), "vote-key-wrap")


def pseudonym_key() -> bytes:
    """The HMAC key of party pseudonyms (``voting.sealing.party_pseudonym``)."""
    return derive_key(board_secret(), "party-pseudonym")


@lru_cache(maxsize=4)
def _signing(key_dir: str) -> bytes:
    return _read_or_create(SIGNING_FILE)


def signing_key() -> Ed25519PrivateKey:
    """The portal's Ed25519 tree-head signing key."""
    return Ed25519PrivateKey.from_private_bytes(_signing(str(settings.BOARD_KEY_DIR)))


def signing_public_key_bytes() -> bytes:
    return signing_key().public_key().public_bytes_raw()
