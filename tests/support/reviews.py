"""Answers ready for review, written straight into the database (no models loaded)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from server.db.documents import (
    EvidenceLevel,
    EvidenceNearest,
    SuggestionEvidence,
    TranscriptSegment,
    TranscriptWord,
)
from server.db.engine import session_maker
from server.db.models import (
    Assessment,
    Attempt,
    ProficiencyResult,
    QuestionKind,
    Response,
    ResponseState,
    Role,
    Suggestion,
    Transcript,
)
from server.domain.accounts.services import create_user
from server.storage import poster_key, video_key
from tests.support.world import PASSWORD

__all__ = [
    "add_ready_response",
    "add_staff",
    "add_suggestion",
    "open_db",
    "set_review_settings",
    "stored_evidence",
]


def stored_evidence(**changes: Any) -> SuggestionEvidence:
    """A suggestion's evidence as the exemplar scorer stores it (one exemplar, no calibration yet),
    with ``changes``."""
    base = SuggestionEvidence(
        levels=(),
        reference_similarity=None,
        reference_coverage=None,
        max_similarity=0.7,
        n_exemplars=1,
        n_scored_examples=0,
        example_share=0.0,
        interval_method="",
        n_calibration=0,
        spread=0.5,
        regime="exemplars",
        rounded_level=None,
        abstain_code=None,
        scale=(1, 5),
    )
    return msgspec.structs.replace(base, **changes)


@asynccontextmanager
async def open_db(url: str) -> AsyncIterator[AsyncSession]:
    """A session on an engine of its own (the app's pool lives on the app's loop)."""
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with session_maker(engine)() as db:
            yield db
    finally:
        await engine.dispose()


async def add_ready_response(
    url: str,
    inv_id: uuid.UUID,
    question_id: uuid.UUID,
    *,
    score: float | None = 3.2,
    low: float | None = 2.5,
    high: float | None = 4.0,
    rounded_level: int | None = None,
    abstained: bool = False,
    abstain_reason: str | None = None,
    text: str = "I would check the data pipeline first.",
    video: bool = False,
    band: str | None = "B2",
    band_range: tuple[str, str] | None = None,
    meets_threshold: bool | None = True,
    submitted_ago_s: float = 60.0,
    state: ResponseState = ResponseState.READY,
) -> uuid.UUID:
    """One current answer with its suggestion (or abstention) and proficiency, as the pipeline
    leaves it; video answers get a transcript with word timings."""
    async with open_db(url) as db:
        attempt = (
            await db.execute(select(Attempt).where(Attempt.invitation_id == inv_id))
        ).scalar_one_or_none()
        if attempt is None:
            attempt = Attempt(invitation_id=inv_id, consented_at=datetime.now(UTC), consent_version="test")
            db.add(attempt)
            await db.flush()
        r = Response(
            attempt_id=attempt.id,
            question_id=question_id,
            take_id=uuid.uuid4(),
            kind=QuestionKind.VIDEO if video else QuestionKind.WRITTEN,
            text=None if video else text,
            state=state,
            submitted_at=datetime.now(UTC) - timedelta(seconds=submitted_ago_s),
            duration_s=12.0 if video else None,
        )
        db.add(r)
        await db.flush()
        if video:
            r.media_key = video_key(r.id)
            r.poster_key = poster_key(r.id)
            words = tuple(
                TranscriptWord(start=0.5 * i, end=0.5 * i + 0.4, word=w, probability=0.9)
                for i, w in enumerate(text.split())
            )
            segment = TranscriptSegment(
                start=0.0, end=0.5 * len(words), text=text, avg_logprob=-0.2, no_speech_prob=0.01, words=words
            )
            db.add(
                Transcript(
                    response_id=r.id,
                    text=text,
                    language="en",
                    language_probability=0.99,
                    duration_s=12.0,
                    segments=[segment],
                    model_name="test-whisper",
                    model_version="0",
                )
            )
        if state is ResponseState.READY:
            await add_suggestion(
                db,
                r.id,
                None if abstained else low,
                None if abstained else high,
                score=None if abstained else score,
                abstained=abstained,
                abstain_reason=abstain_reason,
                rounded_level=(
                    rounded_level
                    if rounded_level is not None
                    else (None if score is None or abstained else int(score + 0.5))
                ),
            )
            lo, hi = band_range or (band, band)
            cefr = ("A1", "A2", "B1", "B2", "C1", "C2")
            at = (lambda b: float(cefr.index(b) + 1)) if band is not None else None
            db.add(
                ProficiencyResult(
                    response_id=r.id,
                    band=band,
                    band_low=lo,
                    band_high=hi,
                    score=at(band) if at else None,
                    score_low=at(lo) - 0.4 if at and lo else None,
                    score_high=at(hi) + 0.4 if at and hi else None,
                    threshold="B2",
                    meets_threshold=meets_threshold,
                    reliable=band is not None,
                    version="test",
                    signals=[
                        {
                            "name": "words",
                            "value": 120.0,
                            "unit": "words",
                            "typical_low": None,
                            "typical_high": None,
                            "description": "Words recognised.",
                        }
                    ],
                )
            )
        await db.commit()
        return r.id


async def add_suggestion(
    db: AsyncSession,
    response_id: uuid.UUID,
    low: float | None,
    high: float | None,
    *,
    score: float | None,
    abstained: bool = False,
    abstain_reason: str | None = None,
    rounded_level: int | None = None,
    spread: float = 0.5,
) -> Suggestion:
    """A new current suggestion of the answer, scored ``score`` in ``[low, high]`` with the model's
    ``spread`` (what a recalibration widens by), as the pipeline stores it: the answer's earlier
    suggestions stop being current. The caller commits."""
    await db.execute(update(Suggestion).where(Suggestion.response_id == response_id).values(is_current=False))
    suggestion = Suggestion(
        response_id=response_id,
        is_current=True,
        score=score,
        interval_low=low,
        interval_high=high,
        level=0.8,
        abstained=abstained,
        abstain_reason=abstain_reason,
        evidence=stored_evidence(
            levels=(
                EvidenceLevel(
                    level=3,
                    label="3",
                    descriptor="",
                    probability=0.6,
                    nearest=(EvidenceNearest(text="an exemplar", similarity=0.7, source="exemplar"),),
                    sentences=(),
                ),
            ),
            rounded_level=rounded_level,
            spread=spread,
        ),
        model_versions={"encoder": "test-encoder"},
    )
    db.add(suggestion)
    await db.flush()
    return suggestion


async def set_review_settings(url: str, assessment_id: uuid.UUID, **settings: Any) -> None:
    async with open_db(url) as db:
        a = await db.get(Assessment, assessment_id)
        assert a is not None
        a.settings = msgspec.structs.replace(a.settings, **settings)
        await db.commit()


async def add_staff(
    url: str, organization_id: uuid.UUID, email: str, name: str, role: Role = Role.REVIEWER
) -> uuid.UUID:
    async with open_db(url) as db:
        user = await create_user(
            db, organization_id=organization_id, email=email, name=name, password=PASSWORD, role=role
        )
        await db.commit()
        return user.id


async def override(
    client: Any,
    headers: dict[str, str],
    response_id: uuid.UUID,
    *,
    score: int,
    comment: str,
    reason_code: str = "missed_key_point",
) -> None:
    """The first review of an answer (``expected_version`` 0), overriding its suggestion with
    ``score``, as the staff member ``headers`` sign in; it must be saved."""
    r = await client.post(
        f"/api/review/responses/{response_id}/reviews",
        headers=headers,
        json={
            "decision": "override",
            "score": score,
            "reason_code": reason_code,
            "comment": comment,
            "expected_version": 0,
        },
    )
    assert r.status_code == 200, r.text
