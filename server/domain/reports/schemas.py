"""Bodies of the report endpoints: one candidate's report, the comparison, share links."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

__all__ = [
    "CompareOut",
    "CompareRow",
    "EnglishOut",
    "InvitationReport",
    "NoteOut",
    "QuestionResult",
    "ScoreOut",
    "ShareCreate",
    "ShareCreated",
    "ShareLinkOut",
    "SharedAnswer",
    "SharedSegment",
]

Source = Literal["human", "suggestion", "abstained", "withheld", "processing", "failed", "missing"]


class ScoreOut(msgspec.Struct):
    """A score on 0-100 with its interval; human scores carry no model uncertainty."""

    name: str
    score: float | None
    low: float | None
    high: float | None
    level: float
    coverage: float
    n_responses: int
    n_scored: int
    n_human: int
    missing: list[str]
    abstained: list[str]
    # set on the overall score while a dimension has no scored answer: score is then null
    # and note says "partial: N of M answers"
    partial: bool = False
    note: str = ""


class QuestionResult(msgspec.Struct):
    question_id: uuid.UUID
    position: int  # 0-based over every question, practice included
    number: int  # what staff screens show: Q1..Qn over the scored questions, in candidate order
    prompt: str
    competency: str | None
    dimension: str | None
    scale_min: int
    scale_max: int
    response_id: uuid.UUID | None
    review_status: str | None
    source: Source
    confirmed: bool  # a human decided this score
    score: float | None  # the human score, else the (unconfirmed) suggestion
    low: float | None
    high: float | None
    decision: str | None
    abstain_reason: str | None
    english_band: str | None


class EnglishOut(msgspec.Struct):
    """The candidate's CEFR band over the answers, its interval, and the three-way threshold check.

    ``verdict`` is one of ``likely_meets``, ``uncertain``, ``likely_below``,
    ``not_enough_speech`` (or ``withheld``: blind review, the viewer has not given a level yet);
    ``confirmed_*`` is the latest person's level; ``meets_threshold`` is True/False only for the first and
    third (kept for existing clients). ``score*`` are on the 1 (A1) .. 6 (C2) scale.
    """

    band: str | None
    band_low: str | None
    band_high: str | None
    threshold: str
    meets_threshold: bool | None
    responses: int
    verdict: str = "not_enough_speech"
    score: float | None = None
    score_low: float | None = None
    score_high: float | None = None
    words: int = 0
    ai_withheld: bool = False
    confirmed_level: str | None = None
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None
    confirmed_reason: str | None = None
    confirmed_agrees: bool | None = None
    confirmations: int = 0


class EnglishReviewIn(msgspec.Struct, forbid_unknown_fields=True):
    """A person's CEFR level for the candidate (A1..C2) and why, confirming or correcting the AI's."""

    level: Annotated[str, msgspec.Meta(max_length=4, examples=["B2"])]
    reason: Annotated[str, msgspec.Meta(max_length=2000)]


class NoteOut(msgspec.Struct):
    question_position: int
    question_number: int
    reviewer_name: str | None
    decision: str
    score: int
    reason_code: str | None
    comment: str
    created_at: datetime


class SharedSegment(msgspec.Struct):
    """A stretch of the transcript with its times (seconds into the video)."""

    start: float
    end: float
    text: str


class SharedAnswer(msgspec.Struct):
    """One answer as a share link that includes media shows it: video (signed, expiring URLs),
    written text and transcript."""

    question_id: uuid.UUID
    number: int
    prompt: str
    kind: str  # video | written
    video_url: str | None
    poster_url: str | None
    text: str | None  # a written answer
    transcript: str | None  # what speech recognition heard; None: no transcript yet
    segments: list[SharedSegment]
    duration_s: float | None
    media_expires_at: datetime | None  # the media URLs stop working then; reload for new ones


class InvitationReport(msgspec.Struct):
    invitation_id: uuid.UUID
    candidate_name: str
    candidate_email: str | None  # never in a shared report
    assessment_id: uuid.UUID
    assessment_title: str
    status: str
    level: float
    overall: ScoreOut
    dimensions: list[ScoreOut]
    competencies: list[ScoreOut]
    questions: list[QuestionResult]
    english: EnglishOut
    notes: list[NoteOut]
    counts: dict[str, int]  # confirmed, overridden, resolved, unconfirmed, needs_human, missing
    generated_at: datetime
    shared: bool = False
    # a share link made with include_media: the answers' video, text and transcript
    media_included: bool = False
    answers: list[SharedAnswer] = []


class CompareRow(msgspec.Struct):
    invitation_id: uuid.UUID
    candidate_name: str
    status: str
    overall: ScoreOut
    dimensions: list[ScoreOut]
    confirmed: int
    unconfirmed: int


class CompareOut(msgspec.Struct):
    assessment_id: uuid.UUID
    assessment_title: str
    dimensions: list[dict[str, float | str]]  # [{"name": ..., "weight": ...}]
    rows: list[CompareRow]


class CohortRow(msgspec.Struct):
    """One candidate of a cohort export: stage, decision, scores with intervals, English, links."""

    invitation_id: uuid.UUID
    candidate_name: str
    candidate_email: str
    status: str
    stage: str
    decision: str | None
    decision_reason: str | None
    decision_note: str | None
    decided_at: datetime | None
    completed_at: datetime | None
    overall: ScoreOut
    dimensions: list[ScoreOut]
    competencies: list[ScoreOut]
    english: EnglishOut
    counts: dict[str, int]
    report_url: str


class CohortExport(msgspec.Struct):
    """Every candidate of one assessment (or the ones asked for), with the compare table."""

    assessment_id: uuid.UUID
    assessment_title: str
    generated_at: datetime
    dimensions: list[str]
    competencies: list[str]
    candidates: list[CohortRow]
    compare: CompareOut


class ShareCreate(msgspec.Struct, forbid_unknown_fields=True):
    expires_in_hours: Annotated[int, msgspec.Meta(ge=1, le=24 * 30)] = 72
    # the answers' video, written text and transcript come with the report (off by default)
    include_media: bool = False


class ShareLinkOut(msgspec.Struct):
    id: uuid.UUID
    invitation_id: uuid.UUID
    expires_at: datetime
    revoked_at: datetime | None
    created_at: datetime
    status: Literal["active", "expired", "revoked"]
    include_media: bool = False


class ShareCreated(msgspec.Struct):
    id: uuid.UUID
    invitation_id: uuid.UUID
    expires_at: datetime
    url: str  # shown once; only the token's SHA-256 is stored
    token: str
    include_media: bool = False
