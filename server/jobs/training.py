"""What the scorer learns from: reviewer-confirmed answers and their calibration records."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import (
    Assessment,
    Question,
    QuestionKind,
    Response,
    Review,
    ReviewStatus,
    Suggestion,
    Transcript,
)

__all__ = ["calibrator_for", "final_scores", "scored_examples_for"]


async def final_scores(db: AsyncSession, response_ids: list[uuid.UUID]) -> dict[uuid.UUID, Review]:
    """The decisive (latest) review of each fully reviewed response."""
    if not response_ids:
        return {}
    rows = await db.execute(
        select(Review).join(Response, Response.id == Review.response_id)
        .where(Review.response_id.in_(response_ids),
               Response.review_status == ReviewStatus.REVIEWED)
        .order_by(Review.response_id, Review.created_at))
    latest: dict[uuid.UUID, Review] = {}
    for review in rows.scalars():
        latest[review.response_id] = review
    return latest


async def scored_examples_for(db: AsyncSession, question_id: uuid.UUID, *,
                              exclude: uuid.UUID | None = None) -> list[Any]:
    """Reviewed answers to this question, as scored examples (their text and human score)."""
    from scoring.rubric import ScoredExample

    responses = list((await db.execute(select(Response).where(
        Response.question_id == question_id, Response.is_current.is_(True),
        Response.review_status == ReviewStatus.REVIEWED))).scalars())
    responses = [r for r in responses if r.id != exclude]
    finals = await final_scores(db, [r.id for r in responses])
    texts: dict[uuid.UUID, str] = {r.id: r.text or "" for r in responses
                                   if r.kind is QuestionKind.WRITTEN}
    video_ids = [r.id for r in responses if r.kind is QuestionKind.VIDEO]
    if video_ids:
        for t in (await db.execute(select(Transcript).where(
                Transcript.response_id.in_(video_ids)))).scalars():
            if not t.no_speech:
                texts[t.response_id] = t.text
    return [ScoredExample(text=texts[rid], score=review.score, example_id=str(rid))
            for rid, review in finals.items() if texts.get(rid, "").strip()]


async def calibrator_for(db: AsyncSession, organization_id: uuid.UUID, *, level: float) -> Any:
    """A conformal calibrator fitted on this organization's reviewed suggestions."""
    from scoring.calibration import CalibrationRecord, ConformalCalibrator
    from scoring.exemplar_scorer import calibration_groups

    rows = (await db.execute(
        select(Response.id, Response.question_id)
        .join(Question, Question.id == Response.question_id)
        .join(Assessment, Assessment.id == Question.assessment_id)
        .where(Assessment.organization_id == organization_id,
               Response.review_status == ReviewStatus.REVIEWED))).all()
    question_of = {rid: qid for rid, qid in rows}
    finals = await final_scores(db, list(question_of))
    wanted = {r.suggestion_id for r in finals.values() if r.suggestion_id is not None}
    suggestions = {s.id: s for s in (await db.execute(
        select(Suggestion).where(Suggestion.id.in_(wanted)))).scalars()} if wanted else {}
    records = []
    for rid, review in finals.items():
        s = suggestions.get(review.suggestion_id) if review.suggestion_id else None
        spread = s.evidence.spread if s is not None else None
        if s is None or s.abstained or s.score is None or spread is None:
            continue
        records.append(CalibrationRecord(
            suggested=s.score, spread=float(spread), human=float(review.score),
            groups=calibration_groups(str(question_of[rid]),
                                      s.evidence.regime)))
    return ConformalCalibrator.fit(records, level=level)
