"""The error (and empty) responses of every operation, documented in the OpenAPI schema.

Handlers raise the :mod:`server.errors` tree; each error becomes an RFC 9457 problem-details
body (:class:`server.errors.Problem`, ``application/problem+json``). Most statuses follow from
facts of the handler, so they are documented here in one place rather than on each handler:

- 400: a parameter or body that does not match the schema (every operation);
- 401 / 403 / 404: staff operations (no session; not an admin, a read-only API token, or a
  missing CSRF header on a change);
- 404: anything with a path parameter;
- 403 / 404 / 409 / 422: any change; 413 / 422: a request body; 422: query parameters;
- 421: anything that takes the recording service (takes, device checks, tus uploads), which an
  instance started with ``--role api`` does not run (``server/app.py``).

What only the handler knows it declares in its ``opt`` (or its controller's) with
:func:`problems`: a token-authorized link (:data:`LINK_PROBLEMS`), a full server (429), a
throttled sign-in (401, 429), a media range (416), a body read by hand (413, 422).

A 204 is documented without a body, whatever the handler's return annotation says.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.routes import HTTPRoute

from server.auth.staff import provide_admin, provide_staff
from server.errors import PROBLEM_MEDIA_TYPE, Problem

__all__ = ["LINK_PROBLEMS", "document_responses", "problems"]

_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
_OPT_PREFIX = "problems:"


def problems(reason: str, *codes: int) -> dict[str, frozenset[int]]:
    """An ``opt`` entry: more statuses an operation answers, named by why (layers add up)."""
    return {f"{_OPT_PREFIX}{reason}": frozenset(codes)}


# Authorized by a link token in the path: unknown (404), finished (409), expired or revoked
# (410), or not acceptable in its current state (422).
LINK_PROBLEMS = problems("link", 404, 409, 410, 422)


_DESCRIPTIONS = {
    400: "The request does not match the schema (see `detail` and `errors`).",
    401: "Not signed in, or the session or API token is not valid.",
    403: "Signed in but not allowed (admin only, an API token without the scope, or no CSRF header).",
    404: "Not found, or not visible to the caller.",
    409: "Clashes with the current state (a duplicate, a stale version, a finished step).",
    410: "The link expired or was revoked.",
    412: "A protocol version this server does not speak (tus: send `Tus-Resumable: 1.0.0`).",
    413: "The body is larger than allowed.",
    415: "The body is not of the content type the operation takes.",
    416: "The requested range is outside the media.",
    421: "Sent to an instance of the wrong role: take, device-check and upload requests go to a "
    "`media` (or `all`) instance, never to one started with `--role api`.",
    422: "Well formed, but the content cannot be accepted (see `detail` and `field`).",
    429: "Too many requests; wait and try again.",
}


def _staff_guard(handler: HTTPRouteHandler) -> Any:
    provider = handler.resolve_dependencies().get("staff")
    return getattr(provider, "dependency", None)


def _problem_codes(route: HTTPRoute, method: str, handler: HTTPRouteHandler) -> set[int]:
    params = handler.parsed_fn_signature.parameters
    codes = {400}
    if _staff_guard(handler) in (provide_staff, provide_admin):
        codes |= {401, 403, 404}
    if method not in _SAFE:
        codes |= {403, 404, 409, 422}
    if "data" in params:
        codes |= {413, 422}
    if route.path_parameters:
        codes.add(404)
    if len(params) > 0 and method in _SAFE:
        codes.add(422)
    if "recording" in params:  # the recording service: only an instance with --role media or all
        codes.add(421)
    for key, declared in handler.opt.items():
        if key.startswith(_OPT_PREFIX):
            codes |= set(declared)
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
            for code in sorted(_problem_codes(route, method, handler)):
                documented.setdefault(
                    code,
                    ResponseSpec(
                        data_container=Problem,
                        description=_DESCRIPTIONS[code],
                        media_type=PROBLEM_MEDIA_TYPE,
                        generate_examples=False,
                    ),
                )
            if handler.status_code == 204:
                documented.setdefault(
                    204, ResponseSpec(data_container=None, description="Done; nothing follows.")
                )
            handler.responses = documented
