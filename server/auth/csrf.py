"""CSRF protection that lets API-token requests through.

Requests carrying ``Authorization: Bearer viva_...`` hold no ambient credential a browser
would attach on its own (a cross-site page cannot set that header without a CORS preflight,
which this app never grants), and :func:`server.auth.staff.provide_staff` authenticates them
by the token alone, ignoring cookies; so the double-submit check does not apply to them.
"""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import Receive, Scope, Send

__all__ = ["BearerAwareCSRFMiddleware"]


class BearerAwareCSRFMiddleware(CSRFMiddleware):
    """Litestar's CSRF middleware, skipped for API-token (Bearer) requests."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            for name, value in scope["headers"]:
                if name == b"authorization" and value[:12].lower() == b"bearer viva_":
                    await self.app(scope, receive, send)
                    return
        await super().__call__(scope, receive, send)
