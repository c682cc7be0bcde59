"""Changing an assessment's structure once it exists, without breaking answers already given.

Rules, in one place:

* Dimensions are replaced as a whole; weights must add up to 100 (422, nothing changed).
  Competencies are matched by ``key``: a kept key keeps its questions (even when it moves to
  another dimension). A competency still used by questions cannot be removed (409 naming the
  questions; answered ones must keep it, unanswered ones can be moved or deleted first).
* A question "has answers" once any candidate response to it exists (a draft included).
  Such a question cannot be deleted and its kind cannot change (409).
* Reorder takes every question id exactly once.
* Bank questions are copied with their rubric and exemplars; the copy no longer follows the
  bank.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Assessment, Competency, Dimension, Question, Response, Rubric, RubricLevel
from server.domain.assessments.builder_schemas import FromBankIn, QuestionPatch, ReorderIn, RubricTextPatch
from server.domain.assessments.schemas import DimensionIn, QuestionIn
from server.domain.assessments.services import add_question, validate_dimensions
from server.domain.bank.format import to_question_in
from server.errors import Conflict, InvalidInput, NotFound
from server.seed.bank import shipped_bank

__all__ = [
    "add_from_bank",
    "answer_counts",
    "delete_question",
    "get_question",
    "patch_question",
    "reorder_questions",
    "replace_dimensions",
]


def _label(q: Question) -> str:
    prompt = q.prompt if len(q.prompt) <= 60 else q.prompt[:57] + "..."
    return f'#{q.position + 1} "{prompt}"'


async def answer_counts(db: AsyncSession, question_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """How many candidate responses (drafts included) each question has."""
    if not question_ids:
        return {}
    rows = await db.execute(
        select(Response.question_id, func.count())
        .where(Response.question_id.in_(list(question_ids)))
        .group_by(Response.question_id)
    )
    return {qid: n for qid, n in rows.all()}


def get_question(assessment: Assessment, question_id: uuid.UUID) -> Question:
    for q in assessment.questions:
        if q.id == question_id:
            return q
    raise NotFound("No such question in this assessment.")


async def replace_dimensions(
    db: AsyncSession, assessment: Assessment, dimensions: Sequence[DimensionIn]
) -> Assessment:
    """Replace dimensions, weights and competencies; validated before anything changes."""
    validate_dimensions(dimensions)
    existing = {c.key: c for d in assessment.dimensions for c in d.competencies}
    wanted = {c.key for d in dimensions for c in d.competencies}
    removed = set(existing) - wanted
    if removed:
        users = [q for q in assessment.questions if q.competency is not None and q.competency.key in removed]
        counts = await answer_counts(db, [q.id for q in users])
        answered = [q for q in users if counts.get(q.id)]
        if answered:
            keys = sorted({q.competency.key for q in answered if q.competency})
            raise Conflict(
                f"Competency {', '.join(repr(k) for k in keys)} cannot be removed: questions "
                f"with answers use it ({'; '.join(_label(q) for q in answered)}).",
                field="dimensions",
                question_ids=[str(q.id) for q in answered],
            )
        if users:
            keys = sorted({q.competency.key for q in users if q.competency})
            raise Conflict(
                f"Competency {', '.join(repr(k) for k in keys)} is still used by "
                f"{'; '.join(_label(q) for q in users)}; move those questions to another "
                f"competency or delete them first.",
                field="dimensions",
                question_ids=[str(q.id) for q in users],
            )
    by_name = {d.name.strip().lower(): d for d in assessment.dimensions}
    new_dims: list[tuple[Dimension, list[Competency]]] = []
    for d_pos, d in enumerate(dimensions):
        dim = by_name.pop(d.name.strip().lower(), None) or Dimension(
            assessment_id=assessment.id, name=d.name.strip(), weight=d.weight
        )
        dim.name, dim.weight, dim.position = d.name.strip(), d.weight, d_pos
        comps: list[Competency] = []
        for c_pos, c in enumerate(d.competencies):
            comp = existing.get(c.key) or Competency(key=c.key)
            comp.name, comp.description, comp.position = c.name.strip(), c.description, c_pos
            comps.append(comp)
        new_dims.append((dim, comps))
    for dim, comps in new_dims:
        dim.competencies = comps
    assessment.dimensions = [dim for dim, _ in new_dims]
    await db.flush()
    await db.refresh(assessment, ["dimensions"])
    return assessment


async def patch_question(
    db: AsyncSession, assessment: Assessment, question: Question, data: QuestionPatch
) -> Question:
    """Change a question's fields; the kind is fixed once the question has answers."""
    answered = (await answer_counts(db, [question.id])).get(question.id, 0)
    if data.kind is not msgspec.UNSET and data.kind is not question.kind and answered:
        raise Conflict(
            f"This question has {answered} answer(s) given as {question.kind.value}; "
            f"its kind can no longer change. Add a new question instead.",
            field="kind",
        )
    competency = question.competency
    if data.competency is not msgspec.UNSET:
        if data.competency is None:
            competency = None
        else:
            known = {c.key: c for d in assessment.dimensions for c in d.competencies}
            competency = known.get(data.competency)
            if competency is None:
                raise InvalidInput(
                    f"Unknown competency '{data.competency}'. Known competencies: "
                    f"{', '.join(sorted(known)) or 'none'}.",
                    field="competency",
                )
    is_practice = question.is_practice if data.is_practice is msgspec.UNSET else data.is_practice
    if competency is None and not is_practice:
        raise InvalidInput(
            "Every scored question needs a competency (practice questions may leave it out).",
            field="competency",
        )
    for name in ("kind", "think_time_s", "max_answer_s", "max_chars", "retakes_allowed", "is_practice"):
        value = getattr(data, name)
        if value is not msgspec.UNSET:
            setattr(question, name, value)
    if data.prompt is not msgspec.UNSET:
        question.prompt = data.prompt.strip()
    question.competency = competency
    if data.rubric is not msgspec.UNSET:
        _patch_rubric(question, data.rubric)
    await db.flush()
    return question


def _patch_rubric(question: Question, data: RubricTextPatch) -> None:
    """Replace the rubric's level descriptors, reveals and red flags; exemplars stay."""
    if question.rubric is None:
        question.rubric = Rubric(levels=[], exemplars=[])
    rubric = question.rubric
    if data.levels is not msgspec.UNSET:
        given = [lv.level for lv in data.levels]
        if len(set(given)) != len(given):
            raise InvalidInput("Each rubric level (1-5) may be described only once.", field="rubric.levels")
        descriptors = {lv.level: lv.descriptor.strip() for lv in data.levels}
        for existing in list(rubric.levels):
            if existing.level in descriptors:
                existing.descriptor = descriptors.pop(existing.level)
            else:
                rubric.levels.remove(existing)
        rubric.levels.extend(RubricLevel(level=lv, descriptor=d) for lv, d in sorted(descriptors.items()))
    if data.reveals is not msgspec.UNSET:
        rubric.reveals = data.reveals.strip()
    if data.red_flags is not msgspec.UNSET:
        rubric.red_flags = data.red_flags.strip()


async def delete_question(db: AsyncSession, assessment: Assessment, question: Question) -> None:
    """Delete a question nobody answered; the others keep their order."""
    answered = (await answer_counts(db, [question.id])).get(question.id, 0)
    if answered:
        raise Conflict(
            f"Question {_label(question)} has {answered} answer(s) and cannot be "
            f"deleted; archive the assessment or build a new one instead."
        )
    assessment.questions.remove(question)
    for pos, q in enumerate(assessment.questions):
        q.position = pos
    await db.flush()


async def reorder_questions(db: AsyncSession, assessment: Assessment, data: ReorderIn) -> Assessment:
    current = {q.id: q for q in assessment.questions}
    given = data.question_ids
    repeated = sorted({str(i) for i in given if given.count(i) > 1})
    unknown = [str(i) for i in given if i not in current]
    missing = [str(i) for i in current if i not in set(given)]
    if repeated or unknown or missing:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing)}")
        if unknown:
            parts.append(f"not in this assessment {', '.join(unknown)}")
        if repeated:
            parts.append(f"listed twice {', '.join(repeated)}")
        raise InvalidInput(
            "Give every question of the assessment exactly once: " + "; ".join(parts) + ".",
            field="question_ids",
        )
    for pos, qid in enumerate(given):
        current[qid].position = pos
    await db.flush()
    await db.refresh(assessment, ["questions"])
    return assessment


async def add_from_bank(db: AsyncSession, assessment: Assessment, data: FromBankIn) -> list[Question]:
    """Copy bank questions (rubric and exemplars included); all checked before any is added."""
    by_id = {q.id: q for q in shipped_bank()}
    unknown = [b for b in data.bank_ids if b not in by_id]
    if unknown:
        raise InvalidInput(
            f"Unknown bank question id(s): {', '.join(unknown)}.", field="bank_ids", unknown=unknown
        )
    known = {c.key for d in assessment.dimensions for c in d.competencies}
    missing = [b for b in data.bank_ids if by_id[b].competency not in known]
    if missing:
        detail = ", ".join(f"{b} needs '{by_id[b].competency}'" for b in missing)
        raise InvalidInput(
            f"These bank questions measure competencies this assessment does not "
            f"have ({detail}); add the competency under Dimensions first.",
            field="bank_ids",
        )
    added = []
    for b in data.bank_ids:
        payload = msgspec.convert(to_question_in(by_id[b]), QuestionIn)
        added.append(await add_question(db, assessment, payload))
    return added
