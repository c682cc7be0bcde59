"""Time-limited TURN credentials (the TURN REST API scheme coturn checks with ``use-auth-secret``).

A static TURN username and password handed to every candidate is a free relay for anyone who
opens one link. Instead each browser gets ``username = "<expiry unix time>:<label>"`` and
``credential = base64(HMAC-SHA1(secret, username))``; coturn, sharing the secret
(``static-auth-secret``), accepts it until the expiry and refuses it after.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

__all__ = ["turn_rest_credentials"]


def turn_rest_credentials(
    secret: str, *, label: str, ttl_s: int, now: float | None = None
) -> tuple[str, str]:
    """``(username, credential)`` valid for ``ttl_s`` seconds from ``now``."""
    expiry = int(now if now is not None else time.time()) + max(60, ttl_s)
    username = f"{expiry}:{label}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode("ascii")
