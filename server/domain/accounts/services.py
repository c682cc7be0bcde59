"""Staff accounts: creating users, checking passwords, changing them, ending sessions."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.password_policy import check_password
from server.auth.passwords import hash_password, needs_rehash, verify_password
from server.db.models import Organization, Role, StaffSession, User
from server.errors import Conflict, InvalidInput, NotFound, Unauthorized

__all__ = [
    "authenticate",
    "change_password",
    "create_user",
    "end_sessions",
    "find_verified",
    "list_users",
    "normalize_email",
    "set_password",
]


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def find_verified(db: AsyncSession, email: str) -> User | None:
    """The account that signs in with ``email``: at most one has it verified (a unique index)."""
    return (
        await db.execute(
            select(User).where(User.email == normalize_email(email), User.email_verified_at.is_not(None))
        )
    ).scalar_one_or_none()


async def authenticate(db: AsyncSession, email: str, password: str) -> User:
    """The active user with these credentials; one vague 401 for every failure."""
    user = await find_verified(db, email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or user.password_hash is None or not ok or not user.is_active:
        raise Unauthorized("Wrong email or password.")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = datetime.now(UTC)
    return user


async def create_user(
    db: AsyncSession, *, organization_id: uuid.UUID, email: str, name: str, password: str, role: Role
) -> User:
    """An operator's account (CLI, seed): usable at once, its address taken as verified."""
    email = normalize_email(email)
    check_password(password, email=email, name=name)
    if await find_verified(db, email) is not None:
        raise Conflict(f"A user with the email {email} already exists.", field="email")
    if await db.get(Organization, organization_id) is None:
        raise NotFound("No such organization.")
    if (
        await db.execute(select(User).where(User.organization_id == organization_id, User.email == email))
    ).scalar_one_or_none():
        raise Conflict(f"A user with the email {email} already exists.", field="email")
    user = User(
        organization_id=organization_id,
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        role=role,
        email_verified_at=datetime.now(UTC),
    )
    db.add(user)
    await db.flush()
    return user


async def list_users(db: AsyncSession, organization_id: uuid.UUID) -> list[User]:
    rows = await db.execute(select(User).where(User.organization_id == organization_id).order_by(User.email))
    return list(rows.scalars())


async def end_sessions(db: AsyncSession, user_id: uuid.UUID, *, keep: uuid.UUID | None = None) -> None:
    """End every session of the user at once (but ``keep``, the one making the request)."""
    query = delete(StaffSession).where(StaffSession.user_id == user_id)
    if keep is not None:
        query = query.where(StaffSession.id != keep)
    await db.execute(query)


def set_password(user: User, password: str) -> None:
    """Replace the user's password after checking it against the policy (ASVS 2.1)."""
    check_password(password, email=user.email, name=user.name, field="new_password")
    user.password_hash = hash_password(password)


async def change_password(
    db: AsyncSession, user_id: uuid.UUID, *, current: str, new: str, session_id: uuid.UUID | None
) -> User:
    """The signed-in user's own change: the current password first; other sessions end."""
    user = await db.get(User, user_id)
    if user is None or not verify_password(user.password_hash, current):
        raise InvalidInput("The current password is not right.", field="current_password")
    if new == current:
        raise InvalidInput("Choose a new password that differs from the current one.", field="new_password")
    set_password(user, new)
    await end_sessions(db, user.id, keep=session_id)
    return user
