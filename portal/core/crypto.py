"""Personal data at rest: identity numbers are encrypted (Fernet, keys from settings, rotation
by MultiFernet) and found again through a keyed hash (HMAC-SHA256), never stored in clear."""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def encrypt_text(text: str) -> str:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).encrypt(text.encode()).decode()


def decrypt_text(token: str) -> str:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).decrypt(token.encode()).decode()


def keyed_hash(text: str, *, purpose: str = "identity") -> str:
    key = f"{purpose}:{settings.IDENTITY_HASH_KEY}".encode()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
