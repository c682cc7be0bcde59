"""Share links: read-only, time-limited, revocable; the database keeps only the token's hash."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.tokens import hash_token, new_token, token_matches
from server.db.models import Invitation, ShareLink
from server.domain.reports.schemas import ShareLinkOut
from server.errors import Gone, NotFound

__all__ = ["create_link", "get_link", "link_out", "list_links", "resolve_link", "revoke_link"]


def link_out(link: ShareLink, now: datetime | None = None) -> ShareLinkOut:
    now = now or datetime.now(UTC)
    status: Literal["active", "expired", "revoked"] = (
        "revoked" if link.revoked_at is not None else "expired" if link.expires_at <= now else "active"
    )
    return ShareLinkOut(
        id=link.id,
        invitation_id=link.invitation_id,
        expires_at=link.expires_at,
        revoked_at=link.revoked_at,
        created_at=link.created_at,
        status=status,
    )


async def create_link(
    db: AsyncSession, inv: Invitation, *, hours: int, created_by: uuid.UUID
) -> tuple[ShareLink, str]:
    """A new link and its raw token (returned once, never stored)."""
    token, digest = new_token()
    link = ShareLink(
        organization_id=inv.organization_id,
        invitation_id=inv.id,
        token_hash=digest,
        expires_at=datetime.now(UTC) + timedelta(hours=hours),
        created_by_id=created_by,
    )
    db.add(link)
    await db.flush()
    return link, token


async def list_links(db: AsyncSession, invitation_id: uuid.UUID) -> list[ShareLink]:
    return list(
        (
            await db.execute(
                select(ShareLink)
                .where(ShareLink.invitation_id == invitation_id)
                .order_by(ShareLink.created_at.desc())
            )
        ).scalars()
    )


async def get_link(db: AsyncSession, organization_id: uuid.UUID, link_id: uuid.UUID) -> ShareLink:
    link = await db.get(ShareLink, link_id)
    if link is None or link.organization_id != organization_id:
        raise NotFound("No such share link in your organization.")
    return link


async def revoke_link(db: AsyncSession, link: ShareLink) -> None:
    if link.revoked_at is None:
        link.revoked_at = datetime.now(UTC)
        await db.flush()


async def resolve_link(db: AsyncSession, token: str) -> ShareLink:
    """The link behind a token: 404 if unknown, 410 once revoked or expired."""
    if not token or len(token) > 200:
        raise NotFound("This report link is not valid.")
    link = (
        await db.execute(select(ShareLink).where(ShareLink.token_hash == hash_token(token)))
    ).scalar_one_or_none()
    if link is None or not token_matches(token, link.token_hash):
        raise NotFound("This report link is not valid.")
    if link.revoked_at is not None:
        raise Gone("This report link was withdrawn by the company that shared it.")
    if link.expires_at <= datetime.now(UTC):
        raise Gone(f"This report link expired on {link.expires_at:%d %B %Y %H:%M} UTC; ask for a new one.")
    return link
