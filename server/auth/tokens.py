"""Random bearer tokens (invitation links, staff sessions); only their hashes are stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets

__all__ = ["hash_token", "new_token", "token_matches"]

TOKEN_BYTES = 32  # 256 bits, well above the 128-bit floor


def new_token() -> tuple[str, str]:
    """A fresh URL-safe token and its SHA-256 hex digest (what the database keeps)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    """Constant-time comparison of a presented token against a stored hash."""
    return hmac.compare_digest(hash_token(token), stored_hash)
