"""Staff views of a response."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec

from server.db.models import QuestionKind, ResponseState, ReviewStatus

__all__ = ["ResponseOut"]


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
    suggestion_withheld: bool = False  # blind review: shown once you have committed a score
    transcript: dict[str, Any] | None = None
    suggestion: dict[str, Any] | None = None
    proficiency: dict[str, Any] | None = None
    # Signed links that play without a session until they expire (VIVA_MEDIA_LINK_SECONDS).
    video_url: str | None = None
    poster_url: str | None = None
    audio_url: str | None = None
