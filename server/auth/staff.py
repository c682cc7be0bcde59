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

from server.auth.tokens import hash_token, new_token
from server.db.models import Role, StaffSession, User
from server.errors import Forbidden, Unauthorized

__all__ = [
    "SESSION_COOKIE",
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

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


async def start_session(db: AsyncSession, user: User, *, hours: int,
                        user_agent: str | None) -> tuple[str, datetime]:
    """Create a session row; returns the cookie token and its expiry."""
    token, digest = new_token()
    expires = datetime.now(UTC) + timedelta(hours=hours)
    db.add(StaffSession(user_id=user.id, token_hash=digest, expires_at=expires,
                        user_agent=(user_agent or "")[:400] or None))
    await db.flush()
    return token, expires


async def end_session(db: AsyncSession, token: str | None) -> None:
    if token:
        await db.execute(delete(StaffSession).where(StaffSession.token_hash == hash_token(token)))


def session_cookie(token: str, *, max_age: int, secure: bool) -> Cookie:
    return Cookie(key=SESSION_COOKIE, value=token, max_age=max_age, httponly=True,
                  secure=secure, samesite="lax", path="/")


async def provide_staff(request: Request[Any, Any, Any],
                        db_session: NamedDependency[AsyncSession]) -> Staff:
    """The signed-in staff member; 401 if the session cookie is missing, unknown or expired."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise Unauthorized("Sign in to continue.")
    row = (await db_session.execute(
        select(StaffSession).where(StaffSession.token_hash == hash_token(token))
    )).scalar_one_or_none()
    now = datetime.now(UTC)
    if row is None or row.expires_at <= now or not row.user.is_active:
        raise Unauthorized("Your session has ended. Sign in again.")
    user = row.user
    return Staff(user_id=user.id, organization_id=user.organization_id, email=user.email,
                 name=user.name, role=user.role, session_id=row.id)


async def provide_admin(request: Request[Any, Any, Any],
                        db_session: NamedDependency[AsyncSession]) -> Staff:
    """Like :func:`provide_staff`, but 403 unless the member is an admin."""
    staff = await provide_staff(request, db_session)
    if not staff.is_admin:
        raise Forbidden("Only an admin of this organization can do this.")
    return staff
