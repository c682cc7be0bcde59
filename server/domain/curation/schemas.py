"""Request and response bodies of exemplar curation, agreement and re-scoring."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from server.domain.assessments.schemas import ExemplarOut

__all__ = [
    "AgreementMetrics",
    "AgreementPreviewOut",
    "AnswerChange",
    "ExemplarCheckIn",
    "ExemplarCheckOut",
    "ExemplarCreate",
    "ExemplarEdit",
    "ExemplarLeftOut",
    "ExemplarPatch",
    "PreviewIn",
    "PromoteIn",
    "QuestionAgreementOut",
    "QuestionContext",
    "RescoreRunOut",
    "RescoreStatusOut",
]

Level = Annotated[int, msgspec.Meta(ge=1, le=5)]
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=20000)]


class ExemplarCreate(msgspec.Struct, forbid_unknown_fields=True):
    level: Level
    text: Text


class ExemplarPatch(msgspec.Struct, forbid_unknown_fields=True):
    level: Level | None = None
    text: Text | None = None


class ExemplarEdit(msgspec.Struct, forbid_unknown_fields=True):
    id: uuid.UUID
    level: Level | None = None
    text: Text | None = None


class PreviewIn(msgspec.Struct, forbid_unknown_fields=True):
    """Exemplar changes not saved yet: the preview scores with them applied in memory."""

    add: Annotated[list[ExemplarCreate], msgspec.Meta(max_length=50)] = []
    edit: Annotated[list[ExemplarEdit], msgspec.Meta(max_length=50)] = []
    retire: Annotated[list[uuid.UUID], msgspec.Meta(max_length=50)] = []


class ExemplarCheckIn(msgspec.Struct, forbid_unknown_fields=True):
    """A question's draft rubric: how well do its exemplars separate the levels?"""

    prompt: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
    exemplars: Annotated[list[ExemplarCreate], msgspec.Meta(max_length=50)]
    levels: dict[str, Annotated[str, msgspec.Meta(max_length=4000)]] = {}  # "1".."5" -> descriptor


class ExemplarLeftOut(msgspec.Struct):
    """One exemplar scored against the others (``score`` None: the scorer abstained)."""

    index: int  # position in the request's exemplars
    level: int
    score: float | None
    abstain_reason: str | None = None


class ExemplarCheckOut(msgspec.Struct):
    """Leave-one-out on the exemplars, and one sentence saying what it means for a recruiter.

    ``ordered_pairs`` of ``pairs``: pairs of exemplars at different levels whose scores come
    out in the same order as their levels; ``mean_error``: mean distance of a score from its
    exemplar's level. ``verdict``: ``good`` (at least 90% of pairs ordered and the lowest
    level scored below the highest), ``fair`` (at least 70%), ``weak`` otherwise.
    """

    verdict: Literal["good", "fair", "weak"]
    sentence: str
    ordered_pairs: int
    pairs: int
    mean_error: float | None
    exemplars: list[ExemplarLeftOut]
    model_versions: dict[str, str]


class PromoteIn(msgspec.Struct, forbid_unknown_fields=True):
    level: Level | None = msgspec.field(default=None)


class AgreementMetrics(msgspec.Struct):
    """How the AI's suggested levels compare with the final human scores.

    ``confusion[i][j]`` counts answers a human scored ``labels[i]`` and the AI ``labels[j]``;
    abstentions are left out of every rate except ``abstain_rate``. A rate is ``null`` when
    undefined (nothing to compare, or a single level only for QWK).
    """

    n: int
    n_scored: int
    abstain_rate: float | None
    exact_agreement: float | None
    adjacent_agreement: float | None
    qwk: float | None
    coverage: float | None
    mean_interval_width: float | None
    rmse: float | None
    labels: list[int]
    confusion: list[list[int]]
    abstain_reasons: dict[str, int]


class QuestionContext(msgspec.Struct):
    """What an admin curating a question needs beside the figures: where it sits, its rubric
    levels and every exemplar (retired ones too, marked)."""

    assessment_id: uuid.UUID
    assessment_title: str
    position: int  # 0-based over every question, practice included
    number: int | None  # Q1..Qn over the scored questions in candidate order; None: practice
    is_practice: bool  # practice answers are not scored: nothing to curate or agree on
    prompt: str
    kind: str
    competency_name: str | None
    scale_min: int
    scale_max: int
    levels: dict[str, str]
    exemplars: list[ExemplarOut]


class QuestionAgreementOut(msgspec.Struct):
    question_id: uuid.UUID
    metrics: AgreementMetrics
    question: QuestionContext


class AnswerChange(msgspec.Struct):
    """One reviewed answer: the human score, the current suggestion and the re-scored one."""

    response_id: uuid.UUID
    human: int
    before_level: int | None
    after_level: int | None
    before_score: float | None
    after_score: float | None


class AgreementPreviewOut(msgspec.Struct):
    """Before vs. after, both over the same reviewed answers.

    Without a draft, *before* is the stored suggestions and *after* re-scores with the current
    exemplars (``before_basis`` = ``stored``). With a draft, both are re-scored in memory:
    *before* with the current exemplars, *after* with the draft applied
    (``before_basis`` = ``current_exemplars``).
    """

    question_id: uuid.UUID
    before_basis: Literal["stored", "current_exemplars"]
    draft: bool
    before: AgreementMetrics
    after: AgreementMetrics
    answers: list[AnswerChange]
    model_versions: dict[str, str]


class RescoreRunOut(msgspec.Struct):
    run_id: uuid.UUID
    assessment_id: uuid.UUID
    question_ids: list[uuid.UUID]
    queued: int
    response_ids: list[uuid.UUID]
    skipped_reviewed: int
    skipped_not_ready: int
    started_at: datetime


class RescoreStatusOut(msgspec.Struct):
    """Where the responses of the latest re-scoring run are now."""

    run_id: uuid.UUID
    assessment_id: uuid.UUID
    started_at: datetime
    total: int
    states: dict[str, int]
    done: bool
