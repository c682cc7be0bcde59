"""One-time links to set a password: staff invitations and password resets.

The link's token is random (256 bits); only its SHA-256 is stored, it expires (an invitation
after ``VIVA_STAFF_LINK_HOURS``, a reset after an hour), and it is spent on first use. Issuing
a new link for a member voids the older unused ones. Setting the password through an invitation
link verifies the address (the person read the mail sent to it); if that address already signs
in to another organization, only the link's holder (the address's owner) is told.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.tokens import hash_token, new_token, token_matches
from server.db.models import AccountToken, AccountTokenPurpose, User
from server.domain.accounts.services import end_sessions, find_verified, set_password
from server.errors import Conflict, Gone, NotFound

__all__ = ["RESET_HOURS", "IssuedLink", "issue_link", "open_link", "recent_resets", "redeem_link"]

RESET_HOURS = 1


@dataclass(frozen=True, slots=True)
class IssuedLink:
    token: str
    row: AccountToken


async def issue_link(
    db: AsyncSession, user: User, *, purpose: AccountTokenPurpose, hours: int, created_by: uuid.UUID | None
) -> IssuedLink:
    """A fresh link for ``user``; their older unused links stop working."""
    now = datetime.now(UTC)
    await db.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
        .values(used_at=now, updated_at=now)
    )
    token, digest = new_token()
    row = AccountToken(
        user_id=user.id,
        purpose=purpose,
        token_hash=digest,
        expires_at=now + timedelta(hours=hours),
        created_by=created_by,
    )
    db.add(row)
    await db.flush()
    return IssuedLink(token=token, row=row)


async def open_link(db: AsyncSession, token: str) -> AccountToken:
    """The live link for ``token``: 404 if unknown, 410 if spent or expired."""
    row = (
        await db.execute(select(AccountToken).where(AccountToken.token_hash == hash_token(token)))
    ).scalar_one_or_none()
    if row is None or not token_matches(token, row.token_hash):
        raise NotFound(
            "This link is not valid. Check that you copied all of it, or ask an "
            "admin of your organization for a new one."
        )
    if row.used_at is not None:
        raise Gone(
            "This link was already used. Sign in, or ask an admin of your organization for a new link."
        )
    if row.expires_at <= datetime.now(UTC):
        raise Gone(
            f"This link expired on {row.expires_at:%d %B %Y at %H:%M} UTC. Ask an admin "
            "of your organization for a new one."
        )
    if not row.user.is_active:
        raise Gone("This account is deactivated. Ask an admin of your organization.")
    return row


async def redeem_link(db: AsyncSession, token: str, password: str) -> User:
    """Set the password through the link (spending it); every other session of the user ends."""
    row = await open_link(db, token)
    user = row.user
    if row.purpose is AccountTokenPurpose.INVITE and user.email_verified_at is None:
        other = await find_verified(db, user.email)
        if other is not None and other.id != user.id:
            raise Conflict(
                "This email address already signs in to Viva for another "
                "organization. Ask the admin who invited you to invite a different "
                "address."
            )
        user.email_verified_at = datetime.now(UTC)
    set_password(user, password)
    now = datetime.now(UTC)
    row.used_at = now
    await end_sessions(db, user.id)
    await db.flush()
    return user


async def recent_resets(db: AsyncSession, user_id: uuid.UUID, since: datetime) -> int:
    """How many reset links were issued to the user since ``since`` (reset throttling)."""
    return int(
        await db.scalar(
            select(func.count())
            .select_from(AccountToken)
            .where(
                AccountToken.user_id == user_id,
                AccountToken.purpose == AccountTokenPurpose.RESET,
                AccountToken.created_at >= since,
            )
        )
        or 0
    )
