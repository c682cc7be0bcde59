"""What the models produced and what humans decided."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from advanced_alchemy.base import UUIDAuditBase
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db.documents import (
    ModelVersions,
    ProficiencySignal,
    StructJson,
    SuggestionEvidence,
    TranscriptGap,
    TranscriptSegment,
)
from server.db.models.enums import ReviewDecision, str_enum
from server.db.models.organization import User

__all__ = ["EnglishReview", "ProficiencyResult", "Review", "Suggestion", "Transcript"]


class Transcript(UUIDAuditBase):
    """Speech-to-text of one response, word by word, with the model that made it."""

    __tablename__ = "transcripts"

    response_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("responses.id", ondelete="CASCADE"), unique=True
    )
    text: Mapped[str] = mapped_column(sa.Text, default="")
    language: Mapped[str | None] = mapped_column(sa.String(16), default=None)
    language_probability: Mapped[float | None] = mapped_column(default=None)
    duration_s: Mapped[float | None] = mapped_column(default=None)
    no_speech: Mapped[bool] = mapped_column(default=False)
    segments: Mapped[list[TranscriptSegment]] = mapped_column(
        StructJson(list[TranscriptSegment]), default=list
    )
    model_name: Mapped[str] = mapped_column(sa.String(80))
    model_version: Mapped[str] = mapped_column(sa.String(120))
    # Speech (VAD) no word covers; reasons in scoring.transcript.GAP_REASONS
    gaps: Mapped[list[TranscriptGap]] = mapped_column(StructJson(list[TranscriptGap]), default=list)
    speech_s: Mapped[float | None] = mapped_column(default=None)
    # Share of speech_s the words cover; None when no speech was detected or not measured (older rows)
    completeness: Mapped[float | None] = mapped_column(default=None)


class Suggestion(UUIDAuditBase):
    """The AI's suggested score for one response, or its abstention, with evidence."""

    __tablename__ = "suggestions"
    __table_args__ = (sa.Index("ix_suggestions_current", "response_id", "is_current"),)

    response_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("responses.id", ondelete="CASCADE"), index=True
    )
    is_current: Mapped[bool] = mapped_column(default=True)
    score: Mapped[float | None] = mapped_column(default=None)
    interval_low: Mapped[float | None] = mapped_column(default=None)
    interval_high: Mapped[float | None] = mapped_column(default=None)
    level: Mapped[float] = mapped_column(default=0.8)
    abstained: Mapped[bool] = mapped_column(default=False)
    abstain_reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
    evidence: Mapped[SuggestionEvidence] = mapped_column(StructJson(SuggestionEvidence))
    model_versions: Mapped[ModelVersions] = mapped_column(StructJson(ModelVersions), default=dict)


class ProficiencyResult(UUIDAuditBase):
    """English-proficiency signals and band for one response, apart from its score."""

    __tablename__ = "proficiency_results"

    response_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("responses.id", ondelete="CASCADE"), unique=True
    )
    band: Mapped[str | None] = mapped_column(sa.String(4), default=None)
    band_low: Mapped[str | None] = mapped_column(sa.String(4), default=None)
    band_high: Mapped[str | None] = mapped_column(sa.String(4), default=None)
    score: Mapped[float | None] = mapped_column(default=None)
    score_low: Mapped[float | None] = mapped_column(default=None)
    score_high: Mapped[float | None] = mapped_column(default=None)
    threshold: Mapped[str] = mapped_column(sa.String(4), default="B2")
    meets_threshold: Mapped[bool | None] = mapped_column(default=None)
    signals: Mapped[list[ProficiencySignal]] = mapped_column(
        StructJson(list[ProficiencySignal]), default=list
    )
    reliable: Mapped[bool] = mapped_column(default=True)
    reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
    # likely_meets | uncertain | likely_below | not_enough_speech (scoring.proficiency.result.Verdict)
    verdict: Mapped[str | None] = mapped_column(sa.String(24), default=None)
    model_version: Mapped[str | None] = mapped_column(sa.String(80), default=None)
    version: Mapped[str] = mapped_column(sa.String(80))


class Review(UUIDAuditBase):
    """A human decision on one response: confirm the suggestion or override it."""

    __tablename__ = "reviews"
    __table_args__ = (
        sa.CheckConstraint("score >= 0", name="score_nonneg"),
        # the queue leaves out what I reviewed: my reviews by reviewer
        sa.Index("ix_reviews_reviewer_response", "reviewer_id", "response_id"),
    )

    response_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("responses.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    suggestion_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("suggestions.id", ondelete="SET NULL"), default=None
    )
    score: Mapped[int]
    decision: Mapped[ReviewDecision] = mapped_column(str_enum(ReviewDecision))
    reason_code: Mapped[str | None] = mapped_column(sa.String(60), default=None)
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    reviewer: Mapped[User | None] = relationship(lazy="joined")


class EnglishReview(UUIDAuditBase):
    """A person's English level for one candidate, confirming or correcting the AI's; latest counts."""

    __tablename__ = "english_reviews"

    invitation_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("invitations.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    level: Mapped[str] = mapped_column(sa.String(4))
    reason: Mapped[str] = mapped_column(sa.Text)
    # What the AI said when the person decided (None when it had nothing): agreement statistics
    ai_band: Mapped[str | None] = mapped_column(sa.String(4), default=None)
    ai_verdict: Mapped[str | None] = mapped_column(sa.String(24), default=None)

    reviewer: Mapped[User | None] = relationship(lazy="joined")
