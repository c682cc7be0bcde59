"""The error tree services raise, and the one place it becomes HTTP.

Every error carries a message a person can act on, and may carry response headers (e.g.
``Retry-After``) and extra body fields; the mapper turns it into an RFC 9457 problem-details
response whose body is a :class:`Problem` (plus those fields). Nothing else builds one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import msgspec
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
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

__all__ = [
    "Conflict",
    "Forbidden",
    "Gone",
    "InvalidInput",
    "MisdirectedRequest",
    "NotFound",
    "PayloadTooLarge",
    "Problem",
    "TooManyRequests",
    "Unauthorized",
    "VivaError",
    "database_unreachable",
    "exception_handlers",
]

log = structlog.get_logger(__name__)
PROBLEM_MEDIA_TYPE = "application/problem+json"


class Problem(msgspec.Struct, omit_defaults=True):
    """RFC 9457 problem details; some errors add fields (``errors``, ``problems``, ``retry_after``)."""

    type: str
    status: int
    title: str
    detail: str
    field: str | None = None


class VivaError(Exception):
    """Base of every error the product raises on purpose.

    Args:
        detail: What went wrong and what to do about it, for a person.
        field: The request field at fault, if one is.
        headers: Response headers the answer carries (e.g. ``Retry-After``).
        **extra: More body fields (JSON-ready values; None values are left out).
    """

    status_code: ClassVar[int] = 400
    title: ClassVar[str] = "Bad request"

    def __init__(
        self, detail: str, *, field: str | None = None, headers: Mapping[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.headers = dict(headers or {})
        self.extra = extra

    def __init_subclass__(cls, *, status: int | None = None, title: str | None = None, **kwargs: Any) -> None:
        """``class NotFound(VivaError, status=404, title="Not found")``: the answer's status and title."""
        super().__init_subclass__(**kwargs)
        if status is not None:
            cls.status_code = status
        if title is not None:
            cls.title = title


class InvalidInput(VivaError, status=422, title="Invalid input"):
    """The request is well formed but its content cannot be accepted."""


class Unauthorized(VivaError, status=401, title="Not signed in"):
    """No valid credentials."""


class Forbidden(VivaError, status=403, title="Forbidden"):
    """Signed in, but not allowed to do this."""


class NotFound(VivaError, status=404, title="Not found"):
    """Nothing of that kind exists, or it is not visible to the caller."""


class Conflict(VivaError, status=409, title="Conflict"):
    """The request clashes with the current state (a duplicate, a stale version)."""


class Gone(VivaError, status=410, title="Gone"):
    """It existed but can no longer be used (an expired or revoked invitation)."""


class PayloadTooLarge(VivaError, status=413, title="Payload too large"):
    """The body is larger than allowed."""


class MisdirectedRequest(VivaError, status=421, title="Misdirected request"):
    """This instance cannot answer the request (say, take signalling sent to an `api` instance)."""


class TooManyRequests(VivaError, status=429, title="Too many requests"):
    """Slow down."""


def _problem(
    status: int,
    title: str,
    detail: str,
    *,
    field: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = msgspec.to_builtins(
        Problem(type="about:blank", status=status, title=title, detail=detail, field=field)
    )
    body.update({k: v for k, v in extra.items() if v is not None})
    return Response(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=dict(headers or {}))


def _viva_error(_: Request[Any, Any, Any], exc: VivaError) -> Response[dict[str, Any]]:
    return _problem(exc.status_code, exc.title, exc.detail, field=exc.field, headers=exc.headers, **exc.extra)


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
    titles = {
        401: "Not signed in",
        403: "Forbidden",
        404: "Not found",
        405: "Method not allowed",
        413: "Payload too large",
        415: "Unsupported media type",
        429: "Too many requests",
    }
    status = exc.status_code
    detail = str(exc.detail)
    if status == 413 and detail == "Request Entity Too Large":  # Litestar's body-size limit
        detail = (
            "The request body is larger than this server accepts (VIVA_MAX_BODY_BYTES); "
            "send less, e.g. split the file, and try again."
        )
    return _problem(status, titles.get(status, "Request failed"), detail)


# SQLSTATE classes that mean "the database cannot serve you right now": connection
# exceptions, operator intervention (shutting down, starting up), too many connections.
_UNAVAILABLE_SQLSTATES = ("08", "57P", "53300")
_DB_DRIVERS = ("asyncpg", "aiosqlite", "sqlalchemy")
RETRY_AFTER_S = 5


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain and len(chain) < 20:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _raised_by_db_driver(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        if str(tb.tb_frame.f_globals.get("__name__", "")).startswith(_DB_DRIVERS):
            return True
        tb = tb.tb_next
    return False


def database_unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) means the database is down, restarting or
    unreachable, rather than a bug: such requests get a 503 and can simply be retried."""
    for e in _causes(exc):
        if isinstance(e, OperationalError | InterfaceError | PoolTimeout):
            return True
        if isinstance(e, DBAPIError) and e.connection_invalidated:
            return True
        sqlstate = getattr(e, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate.startswith(_UNAVAILABLE_SQLSTATES):
            return True
        if type(e).__module__.startswith("asyncpg") and type(e).__name__ in {
            "InterfaceError",
            "InternalClientError",
            "ConnectionDoesNotExistError",
        }:
            return True  # the driver's view of a connection cut mid-operation
        if isinstance(e, ConnectionError | TimeoutError) and _raised_by_db_driver(e):
            return True
    return False


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    if database_unreachable(exc):
        log.warning(
            "database_unavailable",
            path=request.url.path,
            method=request.method,
            error=f"{type(exc).__name__}: {exc}"[:300],
        )
        return _problem(
            503,
            "Service unavailable",
            "Viva cannot reach its database right now (it may be restarting). "
            f"Please try again in {RETRY_AFTER_S} seconds.",
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )
    log.exception("unhandled_error", path=request.url.path, method=request.method)
    return _problem(
        HTTP_500_INTERNAL_SERVER_ERROR,
        "Internal error",
        "Something went wrong on our side; it has been logged. Please try again.",
    )


exception_handlers: dict[type[Exception] | int, Any] = {
    VivaError: _viva_error,
    ValidationException: _validation_error,
    NotAuthorizedException: _http_error,
    PermissionDeniedException: _http_error,
    LitestarNotFound: _http_error,
    HTTPException: _http_error,
    Exception: _unexpected,
}
