"""People confirm or correct a candidate's English level; the report shows whose level counts.

Every decision is kept (history); the latest one is the confirmed level. In blind
review a reviewer does not see the AI's level on the report until they have given
their own, as with scores; admins always see it.
"""

from __future__ import annotations

import uuid

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.audit import record
from server.auth.staff import Staff
from server.db.models import EnglishReview, Invitation
from server.domain.reports.schemas import EnglishOut, EnglishReviewIn
from server.errors import Forbidden, InvalidInput

__all__ = ["CEFR_LEVELS", "english_for_viewer", "review_english"]

CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")


async def _reviews(db: AsyncSession, invitation_id: uuid.UUID) -> list[EnglishReview]:
    return list(
        (
            await db.execute(
                select(EnglishReview)
                .where(EnglishReview.invitation_id == invitation_id)
                .order_by(EnglishReview.created_at, EnglishReview.id)
            )
        ).scalars()
    )


async def english_for_viewer(
    db: AsyncSession, inv: Invitation, ai: EnglishOut, *, viewer_id: uuid.UUID | None, blind: bool
) -> EnglishOut:
    """The report's English section: the AI's level (withheld in blind review until the
    viewer has given theirs) and the latest person's level with who gave it and why."""
    reviews = await _reviews(db, inv.id)
    latest = reviews[-1] if reviews else None
    mine = viewer_id is not None and any(r.reviewer_id == viewer_id for r in reviews)
    out = ai
    if blind and not mine:
        out = msgspec.structs.replace(
            ai,
            band=None,
            band_low=None,
            band_high=None,
            score=None,
            score_low=None,
            score_high=None,
            meets_threshold=None,
            verdict="withheld",
            ai_withheld=True,
        )
    if latest is None:
        return out
    return msgspec.structs.replace(
        out,
        confirmed_level=latest.level,
        confirmed_reason=latest.reason,
        confirmed_by=latest.reviewer.name if latest.reviewer else None,
        confirmed_at=latest.created_at,
        confirmations=len(reviews),
        confirmed_agrees=None if latest.ai_band is None else latest.ai_band == latest.level,
    )


async def review_english(
    db: AsyncSession, staff: Staff, inv: Invitation, data: EnglishReviewIn, ai: EnglishOut
) -> None:
    """Store a person's level for the candidate (confirming or correcting the AI's).

    Raises:
        Forbidden: An API token (not a person) tried to decide.
        InvalidInput: The level is not a CEFR level or the reason is empty.
    """
    if staff.via_token:
        raise Forbidden("An API token cannot confirm an English level; a person must.")
    level = data.level.strip().upper()
    if level not in CEFR_LEVELS:
        raise InvalidInput(f"level must be one of {', '.join(CEFR_LEVELS)}, not {data.level!r}.")
    reason = data.reason.strip()
    if not reason:
        raise InvalidInput("Say why, in a few words (what you heard), so others can follow your level.")
    row = EnglishReview(
        invitation_id=inv.id,
        reviewer_id=staff.user_id,
        level=level,
        reason=reason,
        ai_band=ai.band,
        ai_verdict=ai.verdict,
    )
    db.add(row)
    await db.flush()
    record(
        db,
        action="english.reviewed",
        target_kind="invitation",
        target_id=inv.id,
        organization_id=inv.organization_id,
        actor_id=staff.user_id,
        data={"level": level, "ai_band": ai.band, "ai_verdict": ai.verdict},
    )
    await db.commit()
