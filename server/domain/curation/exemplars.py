"""Adding, editing, retiring and promoting exemplars; the scorer reads the active ones.

A retired exemplar stays stored (suggestions made with it stay explainable) but the scorer
ignores it (``rubric_of``). A promoted exemplar keeps ``source_response_id``: the real,
reviewer-confirmed answer it was taken from.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import (
    Assessment,
    Exemplar,
    Question,
    QuestionKind,
    Response,
    ReviewStatus,
    Rubric,
    Transcript,
)
from server.domain.assessments.schemas import ExemplarOut
from server.domain.curation.schemas import ExemplarPatch
from server.errors import Conflict, InvalidInput, NotFound
from server.jobs.training import final_scores

__all__ = [
    "add_exemplar",
    "answer_text",
    "edit_exemplar",
    "exemplar_out",
    "get_exemplar",
    "org_question",
    "promote",
    "retire",
]


def exemplar_out(e: Exemplar) -> ExemplarOut:
    return ExemplarOut(
        id=e.id,
        level=e.level,
        text=e.text,
        source_response_id=e.source_response_id,
        retired=e.retired_at is not None,
    )


async def org_question(db: AsyncSession, organization_id: uuid.UUID, question_id: uuid.UUID) -> Question:
    """The question if its assessment belongs to the organization; 404 otherwise."""
    q = (
        await db.execute(
            select(Question)
            .join(Assessment, Assessment.id == Question.assessment_id)
            .where(Question.id == question_id, Assessment.organization_id == organization_id)
        )
    ).scalar_one_or_none()
    if q is None:
        raise NotFound("No such question in your organization.")
    return q


async def get_exemplar(db: AsyncSession, organization_id: uuid.UUID, exemplar_id: uuid.UUID) -> Exemplar:
    e = (
        await db.execute(
            select(Exemplar)
            .join(Rubric, Rubric.id == Exemplar.rubric_id)
            .join(Question, Question.id == Rubric.question_id)
            .join(Assessment, Assessment.id == Question.assessment_id)
            .where(Exemplar.id == exemplar_id, Assessment.organization_id == organization_id)
        )
    ).scalar_one_or_none()
    if e is None:
        raise NotFound("No such exemplar in your organization.")
    return e


def _check_level(rubric: Rubric, level: int) -> None:
    if not rubric.scale_min <= level <= rubric.scale_max:
        raise InvalidInput(
            f"Level {level} is outside this rubric's scale ({rubric.scale_min}-{rubric.scale_max}).",
            field="level",
        )


def _check_unique(rubric: Rubric, text: str, *, but: Exemplar | None = None) -> None:
    for e in rubric.exemplars:
        if e is not but and e.retired_at is None and e.text.strip() == text:
            raise Conflict(
                f"This text is already an exemplar at level {e.level}.", field="text", exemplar_id=str(e.id)
            )


async def add_exemplar(
    db: AsyncSession,
    question: Question,
    *,
    level: int,
    text: str,
    source_response_id: uuid.UUID | None = None,
) -> Exemplar:
    if question.rubric is None:
        question.rubric = Rubric(levels=[], exemplars=[])
        await db.flush()
    rubric = question.rubric
    text = text.strip()
    if not text:
        raise InvalidInput("An exemplar needs some text.", field="text")
    _check_level(rubric, level)
    _check_unique(rubric, text)
    exemplar = Exemplar(level=level, text=text, source_response_id=source_response_id)
    rubric.exemplars.append(exemplar)
    await db.flush()
    return exemplar


async def edit_exemplar(db: AsyncSession, exemplar: Exemplar, data: ExemplarPatch) -> Exemplar:
    if exemplar.retired_at is not None:
        raise Conflict("This exemplar is retired; add a new one instead of editing it.")
    rubric = await db.get(Rubric, exemplar.rubric_id)
    assert rubric is not None
    if data.level is not None:
        _check_level(rubric, data.level)
        exemplar.level = data.level
    if data.text is not None:
        text = data.text.strip()
        if not text:
            raise InvalidInput("An exemplar needs some text.", field="text")
        _check_unique(rubric, text, but=exemplar)
        exemplar.text = text
    await db.flush()
    return exemplar


async def retire(db: AsyncSession, exemplar: Exemplar) -> bool:
    """Retire the exemplar; ``False`` when it already was (nothing changes)."""
    if exemplar.retired_at is not None:
        return False
    exemplar.retired_at = datetime.now(UTC)
    await db.flush()
    return True


async def answer_text(db: AsyncSession, r: Response) -> str:
    """The answer as the scorer reads it: written text or the transcript ("" for no speech)."""
    if r.kind is QuestionKind.WRITTEN:
        return (r.text or "").strip()
    t = (await db.execute(select(Transcript).where(Transcript.response_id == r.id))).scalar_one_or_none()
    return "" if t is None or t.no_speech else t.text.strip()


async def promote(
    db: AsyncSession, organization_id: uuid.UUID, response_id: uuid.UUID, level: int | None
) -> Exemplar:
    """Make a reviewer-confirmed answer an exemplar (level: its final human score by default)."""
    r = await db.get(Response, response_id)
    if r is None:
        raise NotFound("No such answer in your organization.")
    question = await org_question(db, organization_id, r.question_id)
    if r.review_status is not ReviewStatus.REVIEWED:
        raise Conflict(
            f"Only a reviewed answer can become an exemplar; this one is "
            f"{r.review_status.value}. Review it first."
        )
    text = await answer_text(db, r)
    if not text:
        raise InvalidInput("This answer has no speech or text to use as an exemplar.")
    final = (await final_scores(db, [r.id]))[r.id]
    if question.rubric is not None:
        for e in question.rubric.exemplars:
            if e.source_response_id == r.id and e.retired_at is None:
                raise Conflict(
                    f"This answer is already an exemplar at level {e.level}.", exemplar_id=str(e.id)
                )
    return await add_exemplar(
        db, question, level=level if level is not None else final.score, text=text, source_response_id=r.id
    )
