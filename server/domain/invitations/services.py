"""Inviting candidates, revoking invitations, and resolving a candidate's token."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.tokens import hash_token, new_token, token_matches
from server.db.models import AssessmentStatus, Invitation, InvitationStatus
from server.domain.assessments.services import get_assessment
from server.domain.invitations.schemas import InvitationCreate, InvitationOut
from server.errors import Conflict, Gone, NotFound

__all__ = [
    "create_invitation",
    "effective_status",
    "get_invitation",
    "invitation_out",
    "list_invitations",
    "resolve_token",
    "revoke_invitation",
]


def effective_status(inv: Invitation, now: datetime | None = None) -> str:
    """The status a person would use: ``expired`` once the link's time is up."""
    now = now or datetime.now(UTC)
    if inv.status in (InvitationStatus.INVITED, InvitationStatus.STARTED) and inv.expires_at <= now:
        return "expired"
    return inv.status.value


def invitation_out(inv: Invitation) -> InvitationOut:
    return InvitationOut(
        id=inv.id,
        assessment_id=inv.assessment_id,
        candidate_name=inv.candidate_name,
        candidate_email=inv.candidate_email,
        status=effective_status(inv),
        expires_at=inv.expires_at,
        accommodations=dict(inv.accommodations),
        created_at=inv.created_at,
    )


async def create_invitation(
    db: AsyncSession,
    *,
    organization_id: uuid.UUID,
    assessment_id: uuid.UUID,
    data: InvitationCreate,
    created_by: uuid.UUID | None,
    default_days: int,
) -> tuple[Invitation, str]:
    """Store a new invitation; returns it with the raw token (shown once, never stored)."""
    assessment = await get_assessment(db, organization_id, assessment_id)
    if assessment.status is not AssessmentStatus.ACTIVE:
        raise Conflict(
            f"The assessment is {assessment.status.value}; activate it before inviting candidates."
        )
    if not any(not q.is_practice for q in assessment.questions):
        raise Conflict("The assessment has no scored questions yet; add some before inviting.")
    token, digest = new_token()
    days = data.expires_in_days or default_days
    inv = Invitation(
        organization_id=organization_id,
        assessment_id=assessment.id,
        candidate_name=data.candidate_name.strip(),
        candidate_email=data.candidate_email.strip().lower(),
        token_hash=digest,
        expires_at=datetime.now(UTC) + timedelta(days=days),
        accommodations=msgspec.to_builtins(data.accommodations),
        created_by_id=created_by,
    )
    db.add(inv)
    await db.flush()
    return inv, token


async def get_invitation(
    db: AsyncSession, organization_id: uuid.UUID, invitation_id: uuid.UUID
) -> Invitation:
    inv = await db.get(Invitation, invitation_id)
    if inv is None or inv.organization_id != organization_id:
        raise NotFound("No such invitation in your organization.")
    return inv


async def list_invitations(
    db: AsyncSession, organization_id: uuid.UUID, assessment_id: uuid.UUID
) -> list[Invitation]:
    rows = await db.execute(
        select(Invitation)
        .where(Invitation.organization_id == organization_id, Invitation.assessment_id == assessment_id)
        .order_by(Invitation.created_at.desc())
    )
    return list(rows.scalars())


async def revoke_invitation(db: AsyncSession, inv: Invitation) -> Invitation:
    """Withdraw the candidate's link, at any stage (idempotent).

    A completed invitation keeps its status and answers for review; only its link stops working.
    """
    if inv.status is not InvitationStatus.COMPLETED:
        inv.status = InvitationStatus.REVOKED
    inv.revoked_at = inv.revoked_at or datetime.now(UTC)
    await db.flush()
    return inv


async def resolve_token(
    db: AsyncSession, token: str, *, for_write: bool = False, allow_completed: bool = False
) -> Invitation:
    """The invitation behind a candidate's link, refused once revoked or expired (at any stage).

    Once completed, a link serves only what ``allow_completed`` callers show (the thank-you page);
    every other read and every write is refused.
    """
    if not token or len(token) > 200:
        raise NotFound(
            "This link is not valid. Check that you opened the whole link from your email.",
            code="link_invalid",
        )
    inv = (
        await db.execute(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    ).scalar_one_or_none()
    if inv is None or not token_matches(token, inv.token_hash):
        raise NotFound(
            "This link is not valid. Check that you opened the whole link from your email.",
            code="link_invalid",
        )
    if inv.status is InvitationStatus.REVOKED or inv.revoked_at is not None:
        raise Gone(
            "This invitation was withdrawn by the company that sent it. Contact them if "
            "you think this is a mistake.",
            code="invitation_withdrawn",
        )
    if inv.expires_at <= datetime.now(UTC):
        raise Gone(
            f"This invitation expired on {inv.expires_at:%d %B %Y}. Ask the company that "
            "invited you for a new link.",
            code="invitation_expired",
            expires_at=inv.expires_at.isoformat(),
        )
    if inv.status is InvitationStatus.COMPLETED and (for_write or not allow_completed):
        raise Conflict(
            "You have already completed this assessment; answers can no longer change "
            "and this link now shows only your confirmation.",
            code="already_completed",
        )
    return inv
