"""Bodies of the review endpoints: the queue, the review page, decisions and agreement."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from server.db.models import QuestionKind, ReviewDecision, ReviewStatus
from server.domain.responses.schemas import ProficiencyView, SuggestionView, TranscriptView

__all__ = [
    "REASON_CODES",
    "AgreementOut",
    "CandidatePage",
    "CandidateProgress",
    "Disagreement",
    "QuestionView",
    "QueueItem",
    "QueuePage",
    "ResolveIn",
    "ReviewIn",
    "ReviewItem",
    "ReviewOut",
    "ReviewResult",
    "RubricLevelView",
    "SuggestionView",
]

ReasonCode = Literal[
    "missed_key_point", "asr_error", "exemplar_mismatch", "off_topic_misjudged", "partial_answer", "other"
]
REASON_CODES: tuple[str, ...] = (
    "missed_key_point",
    "asr_error",
    "exemplar_mismatch",
    "off_topic_misjudged",
    "partial_answer",
    "other",
)
Comment = Annotated[str, msgspec.Meta(max_length=4000)]


class ReviewIn(msgspec.Struct, forbid_unknown_fields=True):
    """A reviewer's decision: confirm the suggested level, or override it with a score and reason."""

    decision: Literal["confirm", "override"]
    expected_version: Annotated[int, msgspec.Meta(ge=0, le=2_147_483_647)]
    score: int | None = None
    reason_code: ReasonCode | None = None
    comment: Comment = ""


class ResolveIn(msgspec.Struct, forbid_unknown_fields=True):
    """The final score for answers whose independent reviewers disagree."""

    score: int
    comment: Comment
    expected_version: Annotated[int, msgspec.Meta(ge=0, le=2_147_483_647)]


class RubricLevelView(msgspec.Struct):
    """What an answer at one level of the rubric looks like."""

    level: int
    descriptor: str


class ReviewOut(msgspec.Struct):
    id: uuid.UUID
    reviewer_id: uuid.UUID | None
    reviewer_name: str | None
    decision: ReviewDecision
    score: int
    reason_code: str | None
    comment: str
    suggestion_id: uuid.UUID | None
    created_at: datetime


class QuestionView(msgspec.Struct):
    id: uuid.UUID
    position: int  # 0-based over every question, practice included
    number: int | None  # Q1..Qn over the scored questions in candidate order; None: practice
    prompt: str
    kind: QuestionKind
    competency_key: str | None
    competency_name: str | None
    scale_min: int
    scale_max: int
    levels: list[RubricLevelView]
    reveals: str
    red_flags: str


class Disagreement(msgspec.Struct):
    """My score next to what the AI suggested (shown once I have decided)."""

    my_score: int
    suggested_score: float | None
    suggested_level: int | None
    low: float | None
    high: float | None
    abstained: bool
    difference: int | None  # my score minus the suggested level
    agrees: bool | None  # my score equals the suggested level
    within_interval: bool | None


class ReviewItem(msgspec.Struct):
    """Everything the review page needs for one answer."""

    id: uuid.UUID
    review_version: int
    review_status: ReviewStatus
    reviews_required: int
    invitation_id: uuid.UUID
    candidate_name: str
    assessment_id: uuid.UUID
    assessment_title: str
    blind_review: bool
    question: QuestionView
    kind: QuestionKind
    take: int
    text: str | None
    duration_s: float | None
    is_partial: bool
    submitted_at: datetime | None
    video_url: str | None
    poster_url: str | None
    transcript: TranscriptView | None
    proficiency: ProficiencyView | None
    suggestion: SuggestionView | None
    suggestion_withheld: bool
    withheld_reason: str | None
    reviews: list[ReviewOut]
    reviews_hidden: int
    my_review: ReviewOut | None
    disagreement: Disagreement | None
    can_review: bool
    can_resolve: bool
    next_id: uuid.UUID | None


class ReviewResult(msgspec.Struct):
    """What a submitted decision changed."""

    review: ReviewOut
    review_status: ReviewStatus
    review_version: int
    final_score: int | None
    disagreement: Disagreement
    reviewers_agree: bool | None
    next_id: uuid.UUID | None


class QueueItem(msgspec.Struct):
    id: uuid.UUID
    invitation_id: uuid.UUID
    candidate_name: str
    assessment_id: uuid.UUID
    assessment_title: str
    question_id: uuid.UUID
    question_position: int
    question_number: int  # Q1..Qn over the scored questions, as on every staff screen
    question_prompt: str
    competency_key: str | None
    kind: QuestionKind
    submitted_at: datetime | None
    review_status: ReviewStatus
    review_version: int
    reviews_done: int
    reviews_required: int
    suggestion_withheld: bool
    suggested_score: float | None
    low: float | None
    high: float | None
    abstained: bool | None


class QueuePage(msgspec.Struct):
    items: list[QueueItem]
    total: int
    limit: int
    offset: int
    counts: dict[str, int]  # per review status, under the same filters
    next_cursor: str | None = None
    """Pass as ``cursor`` for the page after this one; ``None`` on the last page."""


class CandidateProgress(msgspec.Struct):
    invitation_id: uuid.UUID
    candidate_name: str
    assessment_id: uuid.UUID
    assessment_title: str
    responses: int
    ready: int
    processing: int
    failed: int
    pending: int
    partial: int
    conflict: int
    reviewed: int
    last_submitted_at: datetime | None


class CandidatePage(msgspec.Struct):
    items: list[CandidateProgress]
    total: int
    limit: int
    offset: int
    next_cursor: str | None = None
    """Pass as ``cursor`` for the page after this one; ``None`` on the last page."""


class AgreementOut(msgspec.Struct):
    """How often humans agree with each other and with the AI, on one assessment."""

    assessment_id: uuid.UUID
    reviewer_pairs: int
    exact_agreement: float | None
    adjacent_agreement: float | None
    cohen_kappa: float | None
    weighted_kappa: float | None
    conflicts_open: int
    conflicts_resolved: int
    ai_compared: int
    ai_exact_agreement: float | None
    ai_adjacent_agreement: float | None
    ai_weighted_kappa: float | None
    confirmed: int
    overridden: int
    override_reasons: dict[str, int]
