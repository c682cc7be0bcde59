"""Share links: read-only, time-limited, revocable; the database keeps only the token's hash."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.tokens import hash_token, new_token, token_matches
from server.db.models import Attempt, Invitation, Response, ShareLink, Transcript
from server.db.rows import newest_first, of_organization
from server.domain.reports.schemas import InvitationReport, SharedAnswer, SharedSegment, ShareLinkOut
from server.errors import Forbidden, Gone, NotFound
from server.security.media_links import SHARE_LINK, MediaLinkError, MediaLinkSigner

__all__ = [
    "create_link",
    "get_link",
    "link_out",
    "list_links",
    "media_response",
    "resolve_link",
    "revoke_link",
    "shared_answers",
]


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
        include_media=link.include_media,
    )


async def create_link(
    db: AsyncSession, inv: Invitation, *, hours: int, created_by: uuid.UUID, include_media: bool = False
) -> tuple[ShareLink, str]:
    """A new link and its raw token (returned once, never stored)."""
    token, digest = new_token()
    link = ShareLink(
        organization_id=inv.organization_id,
        invitation_id=inv.id,
        token_hash=digest,
        expires_at=datetime.now(UTC) + timedelta(hours=hours),
        created_by_id=created_by,
        include_media=include_media,
    )
    db.add(link)
    await db.flush()
    return link, token


async def list_links(db: AsyncSession, invitation_id: uuid.UUID) -> list[ShareLink]:
    return await newest_first(db, ShareLink, ShareLink.invitation_id == invitation_id)


async def get_link(db: AsyncSession, organization_id: uuid.UUID, link_id: uuid.UUID) -> ShareLink:
    return of_organization(
        await db.get(ShareLink, link_id), organization_id, "No such share link in your organization."
    )


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
    _check_live(link)
    return link


def _check_live(link: ShareLink) -> None:
    if link.revoked_at is not None:
        raise Gone("This report link was withdrawn by the company that shared it.")
    if link.expires_at <= datetime.now(UTC):
        raise Gone(f"This report link expired on {link.expires_at:%d %B %Y %H:%M} UTC; ask for a new one.")


async def shared_answers(
    db: AsyncSession, link: ShareLink, report: InvitationReport, signer: MediaLinkSigner
) -> list[SharedAnswer]:
    """The candidate's current answers in the report's order, each video with URLs signed for
    this share link (expiring with the media lifetime or the link, whichever comes first)."""
    rows = (
        await db.execute(
            select(Response, Transcript)
            .join(Attempt, Attempt.id == Response.attempt_id)
            .outerjoin(Transcript, Transcript.response_id == Response.id)
            .where(Attempt.invitation_id == link.invitation_id, Response.is_current.is_(True))
        )
    ).all()
    by_question = {r.question_id: (r, t) for r, t in rows}
    not_after = link.expires_at.timestamp()
    out: list[SharedAnswer] = []
    for q in report.questions:
        if q.question_id not in by_question:
            continue
        r, t = by_question[q.question_id]
        urls: dict[str, str | None] = {"video": None, "poster": None}
        expiry: int | None = None
        for variant, key in (("video", r.media_key), ("poster", r.poster_key)):
            if key:
                urls[variant], expiry = signer.share_url(r.id, variant, link.id, not_after=not_after)
        out.append(
            SharedAnswer(
                question_id=q.question_id,
                number=q.number,
                prompt=q.prompt,
                kind=str(r.question.kind),
                video_url=urls["video"],
                poster_url=urls["poster"],
                text=r.text,
                transcript=None if t is None else t.text,
                segments=[]
                if t is None
                else [SharedSegment(start=s.start, end=s.end, text=s.text) for s in t.segments],
                duration_s=r.duration_s,
                media_expires_at=None if expiry is None else datetime.fromtimestamp(expiry, UTC),
            )
        )
    return out


async def media_response(
    db: AsyncSession,
    signer: MediaLinkSigner,
    response_id: uuid.UUID,
    variant: str,
    *,
    expires: str | None,
    link: str | None,
    sig: str | None,
) -> Response:
    """The response a share media link opens: 403 for a forged, expired or foreign link or one
    whose share link no longer includes media; 410 once the share link expired or was revoked."""
    try:
        grant = signer.verify(SHARE_LINK, response_id, variant, expires=expires, holder=link, sig=sig)
    except MediaLinkError as exc:
        raise Forbidden(str(exc)) from exc
    share = await db.get(ShareLink, grant.link_id)
    if share is None or not share.include_media:
        raise Forbidden("This report link does not include the answers' media.")
    _check_live(share)
    r = await db.get(Response, response_id)
    attempt = None if r is None else await db.get(Attempt, r.attempt_id)
    if r is None or attempt is None or attempt.invitation_id != share.invitation_id:
        raise Forbidden("This media link is not for the shared report's candidate.")
    return r
