"""Reading responses as staff, confined to the staff member's organization."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import (
    Assessment,
    Attempt,
    CandidateRating,
    Invitation,
    ProficiencyResult,
    Response,
    Review,
    ReviewStatus,
    Suggestion,
    Transcript,
)
from server.domain.responses.schemas import ResponseOut
from server.domain.responses.views import proficiency_view, suggestion_view, transcript_view
from server.errors import NotFound
from server.security.media_links import MediaLinkSigner

__all__ = ["get_response", "media_urls", "response_out"]


async def get_response(
    db: AsyncSession, organization_id: uuid.UUID, response_id: uuid.UUID
) -> tuple[Response, Invitation]:
    row = (
        await db.execute(
            select(Response, Invitation)
            .join(Attempt, Attempt.id == Response.attempt_id)
            .join(Invitation, Invitation.id == Attempt.invitation_id)
            .where(Response.id == response_id)
        )
    ).first()
    if row is None or row[1].organization_id != organization_id:
        raise NotFound("No such response in your organization.")
    return row[0], row[1]


async def _blind_for(
    db: AsyncSession, r: Response, inv: Invitation, viewer: uuid.UUID, *, hiring_manager: bool = False
) -> bool:
    """Blind review: the suggestion stays hidden until the viewer has committed a score.

    A hiring manager reviews no answer: they see it once they have rated the candidate.
    """
    assessment = await db.get(Assessment, inv.assessment_id)
    if assessment is None or not assessment.settings.blind_review:
        return False
    if hiring_manager:
        rated = (
            await db.execute(
                select(CandidateRating.id).where(
                    CandidateRating.invitation_id == inv.id, CandidateRating.user_id == viewer
                )
            )
        ).first()
        return rated is None
    if r.review_status not in (ReviewStatus.PENDING, ReviewStatus.PARTIAL):
        return False
    mine = (
        await db.execute(select(Review.id).where(Review.response_id == r.id, Review.reviewer_id == viewer))
    ).first()
    return mine is None


def media_urls(r: Response, signer: MediaLinkSigner | None, viewer: uuid.UUID) -> dict[str, str | None]:
    """URLs of the media ``r`` has (``None`` where absent): signed and expiring for ``viewer``
    when a signer is given, else plain (authorized by the session or API token)."""
    keys = {"video": r.media_key, "poster": r.poster_key, "audio": r.audio_key}
    return {
        f"{variant}_url": None
        if not key
        else (
            signer.url(r.id, variant, viewer)
            if signer is not None
            else f"/api/responses/{r.id}/media/{variant}"
        )
        for variant, key in keys.items()
    }


async def response_out(
    db: AsyncSession,
    r: Response,
    inv: Invitation,
    viewer: uuid.UUID,
    signer: MediaLinkSigner | None = None,
    *,
    hiring_manager: bool = False,
) -> ResponseOut:
    transcript = (
        await db.execute(select(Transcript).where(Transcript.response_id == r.id))
    ).scalar_one_or_none()
    suggestion = (
        (
            await db.execute(
                select(Suggestion)
                .where(Suggestion.response_id == r.id, Suggestion.is_current.is_(True))
                .order_by(Suggestion.created_at.desc())
            )
        )
        .scalars()
        .first()
    )
    withheld = suggestion is not None and await _blind_for(db, r, inv, viewer, hiring_manager=hiring_manager)
    if withheld:
        suggestion = None
    prof = (
        await db.execute(select(ProficiencyResult).where(ProficiencyResult.response_id == r.id))
    ).scalar_one_or_none()
    urls = media_urls(r, signer, viewer)
    return ResponseOut(
        **urls,
        id=r.id,
        question_id=r.question_id,
        invitation_id=inv.id,
        candidate_name=inv.candidate_name,
        kind=r.kind,
        take=r.take,
        text=r.text,
        duration_s=r.duration_s,
        is_partial=r.is_partial,
        state=r.state,
        state_reason=r.state_reason,
        review_status=r.review_status,
        submitted_at=r.submitted_at,
        has_video=r.media_key is not None,
        recording_mode=r.recording_mode,
        suggestion_withheld=withheld,
        transcript=None if transcript is None else transcript_view(transcript),
        suggestion=None if suggestion is None else suggestion_view(suggestion),
        proficiency=None if prof is None else proficiency_view(prof),
    )
