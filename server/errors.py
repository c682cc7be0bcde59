"""The error tree services raise, and the one place it becomes HTTP.

Every error carries a message a person can act on; the mapper turns it into
an RFC 9457 problem-details response.
"""

from __future__ import annotations

from typing import Any, ClassVar

import structlog
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.exceptions import (
    NotFoundException as LitestarNotFound,
)
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

__all__ = [
    "Conflict",
    "Forbidden",
    "Gone",
    "InvalidInput",
    "NotFound",
    "PayloadTooLarge",
    "TooManyRequests",
    "Unauthorized",
    "VivaError",
    "exception_handlers",
]

log = structlog.get_logger(__name__)


class VivaError(Exception):
    """Base of every error the product raises on purpose."""

    status_code: ClassVar[int] = 400
    title: ClassVar[str] = "Bad request"

    def __init__(self, detail: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.extra = extra


class InvalidInput(VivaError):
    """The request is well formed but its content cannot be accepted."""

    status_code = 422
    title = "Invalid input"


class Unauthorized(VivaError):
    """No valid credentials."""

    status_code = 401
    title = "Not signed in"


class Forbidden(VivaError):
    """Signed in, but not allowed to do this."""

    status_code = 403
    title = "Forbidden"


class NotFound(VivaError):
    """Nothing of that kind exists, or it is not visible to the caller."""

    status_code = 404
    title = "Not found"


class Conflict(VivaError):
    """The request clashes with the current state (a duplicate, a stale version)."""

    status_code = 409
    title = "Conflict"


class Gone(VivaError):
    """It existed but can no longer be used (an expired or revoked invitation)."""

    status_code = 410
    title = "Gone"


class PayloadTooLarge(VivaError):
    """The body is larger than allowed."""

    status_code = 413
    title = "Payload too large"


class TooManyRequests(VivaError):
    """Slow down."""

    status_code = 429
    title = "Too many requests"


def _problem(status: int, title: str, detail: str, **extra: Any) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {"type": "about:blank", "status": status, "title": title, "detail": detail}
    body.update({k: v for k, v in extra.items() if v is not None})
    return Response(body, status_code=status, media_type="application/problem+json")


def _viva_error(_: Request[Any, Any, Any], exc: VivaError) -> Response[dict[str, Any]]:
    return _problem(exc.status_code, exc.title, exc.detail, field=exc.field, **exc.extra)


def _validation_error(_: Request[Any, Any, Any], exc: ValidationException) -> Response[dict[str, Any]]:
    errors = exc.extra if isinstance(exc.extra, list) else None
    parts = []
    for err in errors or []:
        if isinstance(err, dict):
            where = err.get("key") or err.get("source") or ""
            parts.append(f"{where}: {err.get('message', '')}".strip(": "))
    detail = "; ".join(p for p in parts if p) or str(exc.detail)
    return _problem(400, "Invalid request", detail, errors=errors)


def _http_error(_: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    titles = {401: "Not signed in", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
              413: "Payload too large", 415: "Unsupported media type", 429: "Too many requests"}
    status = exc.status_code
    return _problem(status, titles.get(status, "Request failed"), str(exc.detail))


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.exception("unhandled_error", path=request.url.path, method=request.method)
    return _problem(HTTP_500_INTERNAL_SERVER_ERROR, "Internal error",
                    "Something went wrong on our side; it has been logged. Please try again.")


exception_handlers: dict[type[Exception] | int, Any] = {
    VivaError: _viva_error,
    ValidationException: _validation_error,
    NotAuthorizedException: _http_error,
    PermissionDeniedException: _http_error,
    LitestarNotFound: _http_error,
    HTTPException: _http_error,
    Exception: _unexpected,
}
