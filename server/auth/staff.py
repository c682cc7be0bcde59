"""Who the signed-in staff member is, as a dependency every staff endpoint declares."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Request
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.tokens import hash_token, new_token, token_matches
from server.db.models import ApiToken, ApiTokenScope, Role, StaffSession, User
from server.errors import Forbidden, Unauthorized

__all__ = [
    "FOR_HIRING_MANAGERS",
    "HIRING_MANAGER_OPT",
    "SESSION_COOKIE",
    "TOKEN_SCOPE_OPT",
    "Staff",
    "end_session",
    "provide_admin",
    "provide_staff",
    "session_cookie",
    "start_session",
]

SESSION_COOKIE = "viva_session"


@dataclass(frozen=True, slots=True)
class Staff:
    """The signed-in staff member, resolved once per request."""

    user_id: uuid.UUID
    organization_id: uuid.UUID
    email: str
    name: str
    role: Role
    session_id: uuid.UUID | None = None
    via_token: bool = False  # an organization API token (within its scopes), not a person

    @property
    def actor_user_id(self) -> uuid.UUID | None:
        """The person acting (for ``created_by`` columns); ``None`` for an API token."""
        return None if self.via_token else self.user_id

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_hiring_manager(self) -> bool:
        return self.role is Role.HIRING_MANAGER


async def start_session(
    db: AsyncSession, user: User, *, hours: int, user_agent: str | None
) -> tuple[str, datetime]:
    """Create a session row; returns the cookie token and its expiry."""
    token, digest = new_token()
    expires = datetime.now(UTC) + timedelta(hours=hours)
    db.add(
        StaffSession(
            user_id=user.id,
            token_hash=digest,
            expires_at=expires,
            user_agent=(user_agent or "")[:400] or None,
            last_seen_at=datetime.now(UTC),
        )
    )
    await db.flush()
    return token, expires


async def end_session(db: AsyncSession, token: str | None) -> None:
    if token:
        await db.execute(delete(StaffSession).where(StaffSession.token_hash == hash_token(token)))


def session_cookie(token: str, *, max_age: int, secure: bool) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        max_age=max_age,
        httponly=True,
        secure=secure,
        samesite="lax",
        path="/",
    )


_READ_METHODS = frozenset({"GET", "HEAD"})
# A route's ``opt`` key: hiring managers may call it (it checks their assessments itself).
# Every other staff route answers them 403, so a new endpoint is closed to them by default.
HIRING_MANAGER_OPT = "hiring_manager"
FOR_HIRING_MANAGERS: dict[str, Any] = {HIRING_MANAGER_OPT: True}
TOKEN_SCOPE_OPT = "token_scope"  # a route's ``opt`` key: the ApiTokenScope a token needs there


def _needed_scope(request: Request[Any, Any, Any]) -> ApiTokenScope | None:
    """The scope this route needs from an API token; ``None``: tokens cannot use it at all."""
    if request.method in _READ_METHODS:
        return ApiTokenScope.READ
    scope = request.route_handler.opt.get(TOKEN_SCOPE_OPT)
    return ApiTokenScope(scope) if scope else None


async def _api_token_staff(request: Request[Any, Any, Any], db: AsyncSession, authorization: str) -> Staff:
    """An organization API token as an admin-like machine member within its scopes (no cookie).

    GET needs the ``read`` scope; a change needs the scope its route names in
    ``opt["token_scope"]`` (creating invitations: ``invite``); other changes are refused.
    """
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token.startswith("viva_") or len(token) > 200:
        raise Unauthorized("Send an organization API token as 'Authorization: Bearer viva_...'.")
    row = (
        await db.execute(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    ).scalar_one_or_none()
    if row is None or not token_matches(token, row.token_hash) or row.revoked_at is not None:
        raise Unauthorized("This API token is unknown or was revoked.")
    now = datetime.now(UTC)
    if row.expires_at is not None and row.expires_at <= now:
        raise Unauthorized(
            f"This API token expired on {row.expires_at:%d %B %Y %H:%M} UTC; an admin "
            "can create a new one under Settings."
        )
    needed = _needed_scope(request)
    if needed is None:
        raise Forbidden("API tokens cannot do this; sign in as a person to make this change.")
    if needed.value not in (row.scopes or []):
        raise Forbidden(
            f"This API token lacks the '{needed.value}' scope. Create a token with "
            f"it in Settings → API tokens.",
            scope=needed.value,
        )
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        row.last_used_at = now
        await _commit_use(db)
    return Staff(
        user_id=row.id,
        organization_id=row.organization_id,
        email="",
        name=f"API token {row.name}",
        role=Role.ADMIN,
        via_token=True,
    )


async def _commit_use(db: AsyncSession) -> None:
    """Store a session's or token's last use at once, in its own short transaction.

    It is the request's first write; left to the request's commit, it would hold SQLite's one
    write lock for the whole request (a slow report or list blocking every other writer,
    the job worker included). The request's own writes start a new transaction after it."""
    await db.commit()


async def provide_staff(request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]) -> Staff:
    """The signed-in staff member; 401 if the session cookie is missing, unknown or expired.

    A session also ends after ``VIVA_SESSION_IDLE_MINUTES`` without a request (its last use
    is recorded at most once a minute). A request with an ``Authorization`` header is
    authenticated by that API token alone.
    """
    authorization = request.headers.get("authorization")
    if authorization is not None:
        return await _api_token_staff(request, db_session, authorization)
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise Unauthorized("Sign in to continue.")
    row = (
        await db_session.execute(select(StaffSession).where(StaffSession.token_hash == hash_token(token)))
    ).scalar_one_or_none()
    now = datetime.now(UTC)
    if (
        row is None
        or not token_matches(token, row.token_hash)
        or row.expires_at <= now
        or not row.user.is_active
    ):
        raise Unauthorized("Your session has ended. Sign in again.")
    idle = request.app.state["settings"].app.session_idle_minutes
    seen = row.last_seen_at or row.created_at
    if idle and now - seen > timedelta(minutes=idle):
        raise Unauthorized(f"You were signed out after {idle} minutes without activity. Sign in again.")
    if now - seen > timedelta(minutes=1):
        row.last_seen_at = now
        await _commit_use(db_session)
    user = row.user
    if user.role is Role.HIRING_MANAGER and not request.route_handler.opt.get(HIRING_MANAGER_OPT):
        raise Forbidden(
            "Hiring managers see the candidates and reports of the assessments shared with "
            "them and rate candidates; this needs an admin or a reviewer."
        )
    return Staff(
        user_id=user.id,
        organization_id=user.organization_id,
        email=user.email,
        name=user.name,
        role=user.role,
        session_id=row.id,
    )


async def provide_admin(request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]) -> Staff:
    """Like :func:`provide_staff`, but 403 unless the member is an admin."""
    staff = await provide_staff(request, db_session)
    if not staff.is_admin:
        raise Forbidden("Only an admin of this organization can do this.")
    return staff
