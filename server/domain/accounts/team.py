"""The team of an organization, run by its admins: invite, change role, deactivate, unlock.

An invited colleague gets an account without a password and a one-time link to set one
(:mod:`server.domain.accounts.links`); their address is verified by that link, so an
organization can invite any address without learning whether it is used elsewhere (F9).
Every organization keeps at least one active admin: removing or demoting the last one is a
409 that says so.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Role, User
from server.domain.accounts.services import end_sessions, normalize_email
from server.errors import Conflict, InvalidInput, NotFound

__all__ = ["change_role", "get_member", "invite_member", "set_active"]


async def get_member(db: AsyncSession, organization_id: uuid.UUID, user_id: uuid.UUID) -> User:
    user = await db.get(User, user_id)
    if user is None or user.organization_id != organization_id:
        raise NotFound("No such member of your organization.")
    return user


async def invite_member(
    db: AsyncSession, *, organization_id: uuid.UUID, email: str, name: str, role: Role
) -> User:
    """A pending member (no password yet); 409 only if the address is already in this team."""
    email = normalize_email(email)
    if not name.strip():
        raise InvalidInput("Enter the colleague's name.", field="name")
    existing = (
        await db.execute(select(User).where(User.organization_id == organization_id, User.email == email))
    ).scalar_one_or_none()
    if existing is not None:
        raise Conflict(
            f"{email} is already a member of your organization"
            f"{' (deactivated: reactivate them instead)' if not existing.is_active else ''}.",
            field="email",
        )
    user = User(
        organization_id=organization_id, email=email, name=name.strip(), password_hash=None, role=role
    )
    db.add(user)
    await db.flush()
    return user


async def _other_active_admins(db: AsyncSession, user: User) -> int:
    return int(
        await db.scalar(
            select(func.count())
            .select_from(User)
            .where(
                User.organization_id == user.organization_id,
                User.role == Role.ADMIN,
                User.is_active.is_(True),
                User.id != user.id,
            )
        )
        or 0
    )


async def _guard_last_admin(db: AsyncSession, user: User, doing: str) -> None:
    if user.role is Role.ADMIN and user.is_active and not await _other_active_admins(db, user):
        raise Conflict(
            f"{user.name} is the last admin of your organization and cannot be "
            f"{doing}. Make another member an admin first."
        )


async def change_role(db: AsyncSession, user: User, role: Role) -> User:
    if role is not user.role:
        if role is not Role.ADMIN:
            await _guard_last_admin(db, user, "demoted")
        user.role = role
    return user


async def set_active(db: AsyncSession, user: User, active: bool) -> User:
    """Deactivate (every session ends at once) or reactivate a member."""
    if not active:
        await _guard_last_admin(db, user, "deactivated")
        await end_sessions(db, user.id)
    user.is_active = active
    return user
