"""Staff views of a response."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from media.recording import RecordingMode
from server.db.documents import (
    ModelVersions,
    ProficiencySignal,
    SuggestionEvidence,
    TranscriptGap,
    TranscriptSegment,
)
from server.db.models import QuestionKind, ResponseState, ReviewStatus

__all__ = ["ProficiencyView", "ResponseOut", "SuggestionView", "TranscriptView"]


class TranscriptView(msgspec.Struct):
    """What speech recognition heard, word by word, and which model heard it."""

    text: str
    language: str | None
    no_speech: bool
    duration_s: float | None
    segments: list[TranscriptSegment]
    model_name: str
    model_version: str
    gaps: list[TranscriptGap] = []
    speech_s: float | None = None
    completeness: float | None = None  # share of speech_s the words cover; None: not measured


class ProficiencyView(msgspec.Struct):
    """The English band estimate of one answer, with its interval and the signals behind it."""

    band: str | None
    band_low: str | None
    band_high: str | None
    score: float | None
    score_low: float | None
    score_high: float | None
    threshold: str
    meets_threshold: bool | None
    signals: list[ProficiencySignal]
    reliable: bool
    reason: str | None
    version: str
    # likely_meets | uncertain | likely_below | not_enough_speech, or withheld (blind review)
    verdict: str | None = None
    model_version: str | None = None


class SuggestionView(msgspec.Struct):
    """The AI's suggestion (or abstention) as a reviewer sees it."""

    id: uuid.UUID
    score: float | None
    rounded_level: int | None
    low: float | None
    high: float | None
    level: float
    abstained: bool
    abstain_reason: str | None
    evidence: SuggestionEvidence
    model_versions: ModelVersions


class ResponseOut(msgspec.Struct):
    id: uuid.UUID
    question_id: uuid.UUID
    invitation_id: uuid.UUID
    candidate_name: str
    kind: QuestionKind
    take: int
    text: str | None
    duration_s: float | None
    is_partial: bool
    state: ResponseState
    state_reason: str | None
    review_status: ReviewStatus
    submitted_at: datetime | None
    has_video: bool
    recording_mode: RecordingMode | None = None
    """How the server wrote the video: as received (``passthrough``) or re-encoded (``decoded``)."""
    suggestion_withheld: bool = False  # blind review: shown once you have committed a score
    transcript: TranscriptView | None = None
    suggestion: SuggestionView | None = None
    proficiency: ProficiencyView | None = None
    # Signed links that play without a session until they expire (VIVA_MEDIA_LINK_SECONDS).
    video_url: str | None = None
    poster_url: str | None = None
    audio_url: str | None = None
