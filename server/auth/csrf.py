"""CSRF protection that lets API-token requests through.

Requests carrying ``Authorization: Bearer viva_...`` hold no ambient credential a browser
would attach on its own (a cross-site page cannot set that header without a CORS preflight,
which this app never grants), and :func:`server.auth.staff.provide_staff` authenticates them
by the token alone, ignoring cookies; so the double-submit check does not apply to them.
"""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import Receive, Scope, Send

__all__ = ["CSRF_REFUSED", "BearerAwareCSRFMiddleware"]

CSRF_REFUSED = (
    "This request lacks a valid CSRF token (the x-csrf-token header must repeat the "
    "viva_csrf cookie). Reload the page and try again."
)


class BearerAwareCSRFMiddleware(CSRFMiddleware):
    """Litestar's CSRF middleware, skipped for API-token (Bearer) requests."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            for name, value in scope["headers"]:
                if name == b"authorization" and value[:12].lower() == b"bearer viva_":
                    await self.app(scope, receive, send)
                    return
        try:
            await super().__call__(scope, receive, send)
        except PermissionDeniedException as exc:
            if exc.detail != "CSRF token verification failed":  # not ours: the handler's own
                raise
            raise PermissionDeniedException(detail=CSRF_REFUSED) from exc
