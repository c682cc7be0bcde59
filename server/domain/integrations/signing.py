"""Webhook signatures, Stripe-style: ``Viva-Signature: t=<unix seconds>,v1=<hex>``.

How a receiver verifies a delivery:

1. Read the raw request body as bytes (before any JSON parsing) and the
   ``Viva-Signature`` header; split the header on ``,`` into ``t`` and ``v1``.
2. Compute ``HMAC-SHA256(key=<the webhook's secret, UTF-8>, msg=f"{t}.".encode() + body)``
   as lowercase hex.
3. Compare it with ``v1`` in constant time (``hmac.compare_digest``) and reject the
   request if they differ or if ``t`` is more than 5 minutes from your clock (replays).
4. Deduplicate on the ``Viva-Delivery`` header: a retried delivery keeps its id.

:func:`verify` below is that procedure, usable as a reference implementation.
"""

from __future__ import annotations

import hashlib
import hmac
import time

__all__ = ["SIGNATURE_HEADER", "sign", "verify"]

SIGNATURE_HEADER = "Viva-Signature"
TOLERANCE_S = 300


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    """The ``Viva-Signature`` header value for ``body``."""
    t = int(time.time()) if timestamp is None else timestamp
    return f"t={t},v1={_digest(secret, t, body)}"


def verify(
    secret: str, header: str, body: bytes, *, tolerance_s: int = TOLERANCE_S, now: float | None = None
) -> bool:
    """Whether ``header`` is a valid, fresh signature of ``body`` under ``secret``."""
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        t = int(parts["t"][0])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - t) > tolerance_s:
        return False
    expected = _digest(secret, t, body)
    return any(hmac.compare_digest(expected, v) for v in parts.get("v1", []))
