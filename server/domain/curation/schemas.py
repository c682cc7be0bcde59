"""Request and response bodies of exemplar curation, agreement and re-scoring."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec

__all__ = [
    "AgreementMetrics",
    "AgreementPreviewOut",
    "AnswerChange",
    "ExemplarCreate",
    "ExemplarPatch",
    "PromoteIn",
    "QuestionAgreementOut",
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


class QuestionAgreementOut(msgspec.Struct):
    question_id: uuid.UUID
    metrics: AgreementMetrics


class AnswerChange(msgspec.Struct):
    """One reviewed answer: the human score, the current suggestion and the re-scored one."""

    response_id: uuid.UUID
    human: int
    before_level: int | None
    after_level: int | None
    before_score: float | None
    after_score: float | None


class AgreementPreviewOut(msgspec.Struct):
    """Current suggestions vs. suggestions re-made in memory with the current exemplars."""

    question_id: uuid.UUID
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
