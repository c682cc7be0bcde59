"""Staff accounts: creating users and checking passwords."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.passwords import hash_password, needs_rehash, verify_password
from server.db.models import Organization, Role, User
from server.errors import Conflict, InvalidInput, NotFound, Unauthorized

__all__ = ["authenticate", "create_user", "list_users"]


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def authenticate(db: AsyncSession, email: str, password: str) -> User:
    """The active user with these credentials; one vague 401 for every failure."""
    user = (await db.execute(
        select(User).where(User.email == normalize_email(email))
    )).scalar_one_or_none()
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        raise Unauthorized("Wrong email or password.")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = datetime.now(UTC)
    return user


async def create_user(db: AsyncSession, *, organization_id: uuid.UUID, email: str, name: str,
                      password: str, role: Role) -> User:
    email = normalize_email(email)
    if len(password) < 10:
        raise InvalidInput("The password must have at least 10 characters.", field="password")
    if await db.scalar(select(func.count()).select_from(User).where(User.email == email)):
        raise Conflict(f"A user with the email {email} already exists.", field="email")
    if await db.get(Organization, organization_id) is None:
        raise NotFound("No such organization.")
    user = User(organization_id=organization_id, email=email, name=name.strip(),
                password_hash=hash_password(password), role=role)
    db.add(user)
    await db.flush()
    return user


async def list_users(db: AsyncSession, organization_id: uuid.UUID) -> list[User]:
    rows = await db.execute(select(User).where(User.organization_id == organization_id)
                            .order_by(User.email))
    return list(rows.scalars())
