"""Encrypt small secrets kept at rest (webhook signing secrets, a pending email's link token).

Fernet (AES-128-CBC + HMAC-SHA256) from ``cryptography``, keyed from the installation's
``VIVA_SECRET_KEY``; changing that key makes sealed values unreadable (webhooks must then be
recreated and pending invitation emails resent).
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

__all__ = ["seal", "unseal"]


def _fernet(secret_key: str) -> Fernet:
    digest = hashlib.sha256(b"viva-sealing-v1:" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(secret_key: str, value: str) -> str:
    """``value`` encrypted and authenticated under a key derived from ``secret_key``."""
    return _fernet(secret_key).encrypt(value.encode()).decode("ascii")


def unseal(secret_key: str, sealed: str) -> str:
    """The value :func:`seal` encrypted; ``ValueError`` if it was tampered with or the key changed."""
    try:
        return _fernet(secret_key).decrypt(sealed.encode("ascii")).decode()
    except InvalidToken as exc:
        raise ValueError("sealed value cannot be decrypted with the current secret key") from exc
