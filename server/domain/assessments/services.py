"""Building and reading assessments; every rule about their structure lives here."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from server.db.models import (
    Assessment,
    Competency,
    Dimension,
    Exemplar,
    Question,
    Rubric,
    RubricLevel,
)
from server.domain.assessments.numbering import scored_numbers
from server.domain.assessments.schemas import (
    AssessmentCreate,
    AssessmentOut,
    AssessmentSummary,
    AssessmentUpdate,
    CompetencyOut,
    DimensionIn,
    DimensionOut,
    ExemplarOut,
    QuestionIn,
    QuestionOut,
    RubricIn,
    RubricOut,
)
from server.errors import InvalidInput, NotFound

__all__ = [
    "add_question",
    "assessment_out",
    "create_assessment",
    "get_assessment",
    "list_assessments",
    "question_out",
    "update_assessment",
    "validate_dimensions",
]

WEIGHT_TOLERANCE = 0.01


def validate_dimensions(dimensions: Sequence[DimensionIn]) -> None:
    """Weights must sum to 100 and names/competency keys must be unique."""
    total = sum(d.weight for d in dimensions)
    if abs(total - 100.0) > WEIGHT_TOLERANCE:
        parts = ", ".join(f"{d.name} {d.weight:g}%" for d in dimensions)
        raise InvalidInput(
            f"Dimension weights must add up to 100%; they add up to {total:g}% ({parts}).", field="dimensions"
        )
    names = [d.name.strip().lower() for d in dimensions]
    if len(set(names)) != len(names):
        raise InvalidInput("Two dimensions have the same name.", field="dimensions")
    keys = [c.key for d in dimensions for c in d.competencies]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise InvalidInput(
            f"Competency keys must be unique; repeated: {', '.join(dupes)}.", field="dimensions"
        )


def _rubric(data: RubricIn) -> Rubric:
    levels = [lv.level for lv in data.levels]
    if len(set(levels)) != len(levels):
        raise InvalidInput("Each rubric level (1-5) may be described only once.", field="rubric")
    return Rubric(
        reveals=data.reveals,
        red_flags=data.red_flags,
        levels=[RubricLevel(level=lv.level, descriptor=lv.descriptor) for lv in data.levels],
        exemplars=[Exemplar(level=ex.level, text=ex.text.strip()) for ex in data.exemplars],
    )


def _question(data: QuestionIn, position: int, competencies: dict[str, Competency]) -> Question:
    competency = None
    if data.competency is not None:
        competency = competencies.get(data.competency)
        if competency is None:
            known = ", ".join(sorted(competencies)) or "none"
            raise InvalidInput(
                f"Unknown competency '{data.competency}'. Known competencies: {known}.", field="competency"
            )
    elif not data.is_practice:
        raise InvalidInput(
            "Every scored question needs a competency (practice questions may leave it out).",
            field="competency",
        )
    return Question(
        prompt=data.prompt.strip(),
        kind=data.kind,
        competency=competency,
        think_time_s=data.think_time_s,
        max_answer_s=data.max_answer_s,
        max_chars=data.max_chars,
        retakes_allowed=data.retakes_allowed,
        is_practice=data.is_practice,
        position=position,
        rubric=_rubric(data.rubric) if data.rubric else None,
    )


async def create_assessment(
    db: AsyncSession, organization_id: uuid.UUID, data: AssessmentCreate
) -> Assessment:
    """Validate the whole structure first, then store it in one go."""
    validate_dimensions(data.dimensions)
    competencies: dict[str, Competency] = {}
    dimensions = []
    for d_pos, d in enumerate(data.dimensions):
        comps = []
        for c_pos, c in enumerate(d.competencies):
            comp = Competency(key=c.key, name=c.name.strip(), description=c.description, position=c_pos)
            competencies[c.key] = comp
            comps.append(comp)
        dimensions.append(Dimension(name=d.name.strip(), weight=d.weight, position=d_pos, competencies=comps))
    questions = [_question(q, i, competencies) for i, q in enumerate(data.questions)]
    assessment = Assessment(
        organization_id=organization_id,
        title=data.title.strip(),
        role=data.role.strip(),
        intro=data.intro,
        settings=data.settings,
        dimensions=dimensions,
        questions=questions,
    )
    db.add(assessment)
    await db.flush()
    return assessment


async def get_assessment(
    db: AsyncSession, organization_id: uuid.UUID, assessment_id: uuid.UUID
) -> Assessment:
    """The assessment if it belongs to ``organization_id``; 404 otherwise (no leak of existence)."""
    assessment = await db.get(Assessment, assessment_id)
    if assessment is None or assessment.organization_id != organization_id:
        raise NotFound("No such assessment in your organization.")
    return assessment


async def list_assessments(
    db: AsyncSession, organization_id: uuid.UUID, visible: ColumnElement[bool] | None = None
) -> list[AssessmentSummary]:
    """The organization's assessments, newest first; ``visible`` narrows them to what a member sees."""
    counts = (
        select(Question.assessment_id, func.count().label("n")).group_by(Question.assessment_id).subquery()
    )
    rows = await db.execute(
        select(
            Assessment.id, Assessment.title, Assessment.role, Assessment.status, func.coalesce(counts.c.n, 0)
        )
        .outerjoin(counts, counts.c.assessment_id == Assessment.id)
        .where(Assessment.organization_id == organization_id, *([] if visible is None else [visible]))
        .order_by(Assessment.created_at.desc())
    )
    return [AssessmentSummary(id=r[0], title=r[1], role=r[2], status=r[3], question_count=r[4]) for r in rows]


async def update_assessment(db: AsyncSession, assessment: Assessment, data: AssessmentUpdate) -> Assessment:
    for name in ("title", "role", "intro", "status"):
        value = getattr(data, name)
        if value is not None:
            setattr(assessment, name, value.strip() if isinstance(value, str) else value)
    if data.settings is not None:
        assessment.settings = data.settings
    await db.flush()
    return assessment


async def add_question(db: AsyncSession, assessment: Assessment, data: QuestionIn) -> Question:
    competencies = {c.key: c for d in assessment.dimensions for c in d.competencies}
    position = max((q.position for q in assessment.questions), default=-1) + 1
    question = _question(data, position, competencies)
    question.assessment_id = assessment.id
    db.add(question)
    await db.flush()
    await db.refresh(assessment, ["questions"])
    return question


def _rubric_out(rubric: Rubric) -> RubricOut:
    return RubricOut(
        id=rubric.id,
        scale_min=rubric.scale_min,
        scale_max=rubric.scale_max,
        levels={str(lv.level): lv.descriptor for lv in rubric.levels},
        exemplars=[
            ExemplarOut(
                id=e.id,
                level=e.level,
                text=e.text,
                source_response_id=e.source_response_id,
                retired=e.retired_at is not None,
            )
            for e in rubric.exemplars
        ],
        reveals=rubric.reveals,
        red_flags=rubric.red_flags,
    )


def question_out(q: Question, numbers: Mapping[uuid.UUID, int], *, with_rubric: bool = True) -> QuestionOut:
    """``numbers``: ``scored_numbers`` of the question's assessment."""
    return QuestionOut(
        id=q.id,
        position=q.position,
        number=numbers.get(q.id),
        prompt=q.prompt,
        kind=q.kind,
        competency=q.competency.key if q.competency else None,
        think_time_s=q.think_time_s,
        max_answer_s=q.max_answer_s,
        max_chars=q.max_chars,
        retakes_allowed=q.retakes_allowed,
        is_practice=q.is_practice,
        rubric=_rubric_out(q.rubric) if with_rubric and q.rubric else None,
    )


def assessment_out(a: Assessment) -> AssessmentOut:
    numbers = scored_numbers(a.questions)
    return AssessmentOut(
        id=a.id,
        title=a.title,
        role=a.role,
        intro=a.intro,
        status=a.status,
        settings=a.settings,
        dimensions=[
            DimensionOut(
                id=d.id,
                name=d.name,
                weight=d.weight,
                competencies=[
                    CompetencyOut(id=c.id, key=c.key, name=c.name, description=c.description)
                    for c in d.competencies
                ],
            )
            for d in a.dimensions
        ],
        questions=[question_out(q, numbers) for q in a.questions],
    )
