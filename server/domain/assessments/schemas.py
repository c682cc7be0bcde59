"""Request and response bodies for assessments and their structure."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec

from server.db.documents import AssessmentSettings
from server.db.models import AssessmentStatus, QuestionKind

__all__ = [
    "AssessmentCreate",
    "AssessmentOut",
    "AssessmentSettings",
    "AssessmentSummary",
    "AssessmentUpdate",
    "CompetencyIn",
    "CompetencyOut",
    "DimensionIn",
    "DimensionOut",
    "ExemplarIn",
    "ExemplarOut",
    "QuestionIn",
    "QuestionOut",
    "RubricIn",
    "RubricLevelIn",
    "RubricOut",
]

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
Key = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=60,
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        description="Short identifier: lowercase letters, digits, - and _",
    ),
]
Level = Annotated[int, msgspec.Meta(ge=1, le=5)]


class CompetencyIn(msgspec.Struct, forbid_unknown_fields=True):
    key: Key
    name: Name
    description: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class DimensionIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    weight: Annotated[float, msgspec.Meta(ge=0, le=100, description="Percent; all sum to 100")]
    competencies: Annotated[list[CompetencyIn], msgspec.Meta(min_length=1, max_length=20)]


class RubricLevelIn(msgspec.Struct, forbid_unknown_fields=True):
    level: Level
    descriptor: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]


class ExemplarIn(msgspec.Struct, forbid_unknown_fields=True):
    level: Level
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=20000)]


class RubricIn(msgspec.Struct, forbid_unknown_fields=True):
    levels: Annotated[list[RubricLevelIn], msgspec.Meta(max_length=5)] = []
    exemplars: Annotated[list[ExemplarIn], msgspec.Meta(max_length=200)] = []
    reveals: Annotated[str, msgspec.Meta(max_length=4000)] = ""
    red_flags: Annotated[str, msgspec.Meta(max_length=4000)] = ""


class QuestionIn(msgspec.Struct, forbid_unknown_fields=True):
    prompt: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
    kind: QuestionKind
    competency: Key | None = None
    think_time_s: Annotated[int, msgspec.Meta(ge=0, le=600)] = 30
    max_answer_s: Annotated[int, msgspec.Meta(ge=10, le=900)] = 180
    max_chars: Annotated[int, msgspec.Meta(ge=50, le=20000)] = 4000
    retakes_allowed: Annotated[int, msgspec.Meta(ge=0, le=5)] = 1
    is_practice: bool = False
    rubric: RubricIn | None = None


class AssessmentCreate(msgspec.Struct, forbid_unknown_fields=True):
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    role: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    dimensions: Annotated[list[DimensionIn], msgspec.Meta(min_length=1, max_length=10)]
    questions: Annotated[list[QuestionIn], msgspec.Meta(max_length=60)] = []
    intro: Annotated[str, msgspec.Meta(max_length=10000)] = ""
    settings: AssessmentSettings = msgspec.field(default_factory=AssessmentSettings)


class AssessmentUpdate(msgspec.Struct, forbid_unknown_fields=True):
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    role: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    intro: Annotated[str, msgspec.Meta(max_length=10000)] | None = None
    status: AssessmentStatus | None = None
    settings: AssessmentSettings | None = None


class CompetencyOut(msgspec.Struct):
    id: uuid.UUID
    key: str
    name: str
    description: str


class DimensionOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    weight: float
    competencies: list[CompetencyOut]


class ExemplarOut(msgspec.Struct):
    id: uuid.UUID
    level: int
    text: str
    source_response_id: uuid.UUID | None
    retired: bool


class RubricOut(msgspec.Struct):
    id: uuid.UUID
    scale_min: int
    scale_max: int
    levels: dict[str, str]
    exemplars: list[ExemplarOut]
    reveals: str
    red_flags: str


class QuestionOut(msgspec.Struct):
    id: uuid.UUID
    position: int  # 0-based over every question, practice included
    number: int | None  # Q1..Qn over the scored questions in candidate order; None: practice
    prompt: str
    kind: QuestionKind
    competency: str | None
    think_time_s: int
    max_answer_s: int
    max_chars: int
    retakes_allowed: int
    is_practice: bool
    rubric: RubricOut | None


class AssessmentSummary(msgspec.Struct):
    id: uuid.UUID
    title: str
    role: str
    status: AssessmentStatus
    question_count: int


class AssessmentOut(msgspec.Struct):
    id: uuid.UUID
    title: str
    role: str
    intro: str
    status: AssessmentStatus
    settings: AssessmentSettings
    dimensions: list[DimensionOut]
    questions: list[QuestionOut]
