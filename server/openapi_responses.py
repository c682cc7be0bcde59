"""The error (and empty) responses of every operation, documented in the OpenAPI schema.

Handlers raise the :mod:`server.errors` tree; each error becomes an RFC 9457 problem-details
body (``application/problem+json``). Which statuses an operation can answer follows from how
it is reached, so they are documented here in one place rather than on each handler:

- 400: a parameter or body that does not match the schema (every operation);
- 401 / 403: staff operations (no session; not an admin, a read-only API token, or a
  missing CSRF header on a change);
- 404: anything that looks something up (a path id, a link token, the caller's own data);
- 409 / 410: a clash with the current state; a link that expired or was revoked;
- 413 / 422: a body too large, or well formed but not acceptable;
- 429: too many sign-in attempts, or the server's recording capacity is full.

A 204 is documented without a body, whatever the handler's return annotation says.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.routes import HTTPRoute

from server.auth.staff import provide_admin, provide_staff

__all__ = ["Problem", "document_responses"]

PROBLEM_MEDIA_TYPE = "application/problem+json"
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
_TOKEN_ROUTES = ("/api/candidate/", "/api/share/")
_CAPACITY_ROUTES = ("/takes", "/device-check")


class Problem(msgspec.Struct):
    """RFC 9457 problem details; some errors add fields (``field``, ``errors``, ``problems``)."""

    type: str
    status: int
    title: str
    detail: str
    field: str | None = None


_DESCRIPTIONS = {
    400: "The request does not match the schema (see `detail` and `errors`).",
    401: "Not signed in, or the session or API token is not valid.",
    403: "Signed in but not allowed (admin only, read-only API token, or no CSRF header).",
    404: "Not found, or not visible to the caller.",
    409: "Clashes with the current state (a duplicate, a stale version, a finished step).",
    410: "The link expired or was revoked.",
    413: "The body is larger than allowed.",
    416: "The requested range is outside the media.",
    422: "Well formed, but the content cannot be accepted (see `detail` and `field`).",
    429: "Too many requests; wait and try again.",
}


def _staff_guard(handler: HTTPRouteHandler) -> Any:
    provider = handler.resolve_dependencies().get("staff")
    return getattr(provider, "dependency", None)


def _problem_codes(path: str, method: str, handler: HTTPRouteHandler) -> set[int]:
    params = handler.parsed_fn_signature.parameters
    has_body = "data" in params or path.endswith("/invitations/csv")
    guard = _staff_guard(handler)
    codes = {400}
    if guard in (provide_staff, provide_admin):
        codes |= {401, 403, 404}
    if method not in _SAFE:
        codes |= {403, 404, 409, 422}
    if has_body:
        codes |= {413, 422}
    if "{" in path or path.startswith(_TOKEN_ROUTES):
        codes.add(404)
    if path.startswith(_TOKEN_ROUTES):
        codes |= {409, 410, 422}
    if path.endswith(_CAPACITY_ROUTES) or path == "/api/auth/login":
        codes.add(429)
    if path == "/api/auth/login":
        codes.add(401)
    if "/media/" in path:
        codes.add(416)
    if len(params) > 0 and method in _SAFE:
        codes.add(422)
    return codes


def document_responses(app: Litestar) -> None:
    """Add the problem-details responses to every operation of ``app`` (before its schema)."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if not handler.include_in_schema:
                continue
            method = sorted(handler.http_methods)[0]
            documented = dict(handler.responses or {})
            for code in sorted(_problem_codes(route.path_format, method, handler)):
                documented.setdefault(code, ResponseSpec(
                    data_container=Problem, description=_DESCRIPTIONS[code],
                    media_type=PROBLEM_MEDIA_TYPE, generate_examples=False))
            if handler.status_code == 204:
                documented.setdefault(204, ResponseSpec(data_container=None,
                                                        description="Done; nothing follows."))
            handler.responses = documented
