"""Random bearer tokens (invitation links, staff sessions); only their hashes are stored.

How a presented token is checked, and why it does not leak through timing: the database is
searched by the token's SHA-256 digest, never by the token. An index lookup compares digests
byte by byte and could in principle take longer the more leading bytes match, but what an
attacker controls is the token, not its digest: learning "my digest shares k leading bytes
with a stored one" says nothing usable about any stored token (finding a token with a chosen
digest prefix is a preimage search), so the lookup is not a timing oracle. The row found is
then confirmed with :func:`token_matches` (``hmac.compare_digest``, constant time) so no
code path compares secret material with ``==``. Tokens carry 256 bits of entropy, well beyond
guessing.
"""

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
    """The SHA-256 hex digest stored for ``token`` (what lookups search by)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    """Whether ``token`` hashes to ``stored_hash``, compared in constant time.

    Used on every row found by digest (invitation links, share links, staff sessions, API
    tokens) so the final check never short-circuits on the first differing byte.
    """
    return hmac.compare_digest(hash_token(token), stored_hash)
