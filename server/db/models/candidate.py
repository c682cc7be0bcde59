"""What candidates touch: invitations, their attempt, and their responses."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from advanced_alchemy.base import UUIDAuditBase
from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from media.recording import RecordingMode
from server.db.models.assessment import Assessment, Question
from server.db.models.enums import (
    CandidateDecision,
    InvitationStatus,
    QuestionKind,
    ResponseState,
    ReviewStatus,
    str_enum,
)

__all__ = [
    "OPEN_QUEUE",
    "OPEN_STATUSES",
    "UNSCORED",
    "Attempt",
    "Invitation",
    "QuestionClock",
    "Response",
    "open_queue",
]


class Invitation(UUIDAuditBase):
    """One candidate's link to one assessment; only the token's hash is stored."""

    __tablename__ = "invitations"
    __table_args__ = (
        # the candidate list: newest first, per organization or per assessment (keyset pages)
        sa.Index("ix_invitations_org_created", "organization_id", "created_at", "id"),
        sa.Index("ix_invitations_assessment_created", "assessment_id", "created_at", "id"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    assessment_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    candidate_name: Mapped[str] = mapped_column(sa.String(200))
    candidate_email: Mapped[str] = mapped_column(sa.String(320))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    status: Mapped[InvitationStatus] = mapped_column(
        str_enum(InvitationStatus), default=InvitationStatus.INVITED
    )
    # e.g. {"extra_time_pct": 50}
    accommodations: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    # A person's decision (advanced / on hold / rejected), reversible; history in the audit log.
    decision: Mapped[CandidateDecision | None] = mapped_column(
        str_enum(CandidateDecision), default=None, index=True
    )
    decision_reason: Mapped[str | None] = mapped_column(sa.String(64), default=None)
    decision_note: Mapped[str | None] = mapped_column(sa.Text, default=None)
    decided_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), default=None
    )

    # The link's token, sealed (server/auth/sealing.py), kept while email is on so that the
    # automatic reminders can carry the same link; cleared once the invitation is over.
    link_sealed: Mapped[str | None] = mapped_column(sa.Text, default=None)
    # The candidate followed the reminder email's opt-out link: no more automatic reminders.
    reminders_opted_out_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)

    assessment: Mapped[Assessment] = relationship(lazy="joined")
    attempt: Mapped[Attempt | None] = relationship(
        back_populates="invitation", uselist=False, lazy="selectin"
    )


class Attempt(UUIDAuditBase):
    """A candidate's one sitting of an assessment, resumable until completed."""

    __tablename__ = "attempts"

    invitation_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("invitations.id", ondelete="CASCADE"), unique=True
    )
    consented_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    consent_version: Mapped[str] = mapped_column(sa.String(40))
    # The language the consent text was shown in (None: consented before pages were translated).
    consent_language: Mapped[str | None] = mapped_column(sa.String(8), default=None)
    completed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)

    invitation: Mapped[Invitation] = relationship(back_populates="attempt")
    responses: Mapped[list[Response]] = relationship(
        back_populates="attempt", lazy="selectin", order_by="Response.created_at"
    )


# The review statuses of an answer still waiting for reviewers (the open queue).
OPEN_STATUSES = (ReviewStatus.PENDING, ReviewStatus.PARTIAL, ReviewStatus.CONFLICT)


def open_queue(table: str | None = None) -> str:
    """The open queue (current, ready answers still waiting for reviewers) as SQL text: the
    predicate of its partial indexes, with the columns qualified by ``table`` when given."""
    col = f"{table}." if table else ""
    statuses = ", ".join(f"'{s.value}'" for s in OPEN_STATUSES)
    return (
        f"{col}is_current IS true AND {col}state = '{ResponseState.READY.value}' "
        f"AND {col}review_status IN ({statuses})"
    )


OPEN_QUEUE = open_queue()
# The uncertainty of an answer with no current suggestion, or whose suggestion abstained: it
# sorts as the most uncertain.
UNSCORED = 1e9


class Response(UUIDAuditBase):
    """One take of an answer to one question; retakes make new rows, one is current."""

    __tablename__ = "responses"
    __table_args__ = (
        sa.UniqueConstraint("attempt_id", "question_id", "take"),
        sa.Index("ix_responses_state", "state"),
        sa.Index("ix_responses_review_status", "review_status"),
        # the review queue: open, current, ready answers in submission order (keyset pages)
        sa.Index("ix_responses_queue", "review_status", "is_current", "state", "submitted_at", "id"),
        # the open queue's first page without sorting every open answer: PostgreSQL walks this
        # in order and stops at the page (its planner proves the predicate from the queue's
        # filter; SQLite's does not with bound parameters and keeps ix_responses_queue)
        sa.Index(
            "ix_responses_open_queue",
            "submitted_at",
            "id",
            postgresql_where=sa.text(OPEN_QUEUE),
            sqlite_where=sa.text(OPEN_QUEUE),
        ),
        # the "uncertain first" order of the open queue, walked in order like the one above
        sa.Index(
            "ix_responses_open_uncertain",
            sa.literal_column("uncertainty").desc(),
            "submitted_at",
            "id",
            postgresql_where=sa.text(OPEN_QUEUE),
            sqlite_where=sa.text(OPEN_QUEUE),
        ),
    )

    attempt_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("attempts.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    take_id: Mapped[uuid.UUID] = mapped_column(unique=True)  # client-chosen; makes submits idempotent
    take: Mapped[int] = mapped_column(default=1)
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind))
    text: Mapped[str | None] = mapped_column(sa.Text, default=None)
    media_key: Mapped[str | None] = mapped_column(sa.String(512), default=None)
    poster_key: Mapped[str | None] = mapped_column(sa.String(512), default=None)
    audio_key: Mapped[str | None] = mapped_column(sa.String(512), default=None)
    duration_s: Mapped[float | None] = mapped_column(default=None)
    is_partial: Mapped[bool] = mapped_column(default=False)
    # How the server wrote the take's file: the frames as received, or decoded and encoded
    # again (H.264-only browsers); None for typed answers, uploads and takes before it was kept.
    recording_mode: Mapped[RecordingMode | None] = mapped_column(str_enum(RecordingMode), default=None)
    is_current: Mapped[bool] = mapped_column(default=True)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    state: Mapped[ResponseState] = mapped_column(str_enum(ResponseState), default=ResponseState.QUEUED)
    state_reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
    state_changed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    processing_tries: Mapped[int] = mapped_column(default=0)
    review_status: Mapped[ReviewStatus] = mapped_column(str_enum(ReviewStatus), default=ReviewStatus.PENDING)
    review_version: Mapped[int] = mapped_column(default=0)
    # The current suggestion's interval width (rubric points), or UNSCORED while there is none or
    # it abstained: the queue's "uncertain first" sort key. Kept by triggers on suggestions
    # (server/db/counters.py); never written by the app.
    uncertainty: Mapped[float] = mapped_column(default=UNSCORED, server_default=sa.text(repr(UNSCORED)))
    media_deleted_at: Mapped[datetime | None] = mapped_column(
        DateTimeUTC(timezone=True), default=None
    )  # by retention

    attempt: Mapped[Attempt] = relationship(back_populates="responses")
    question: Mapped[Question] = relationship(lazy="joined")


class QuestionClock(UUIDAuditBase):
    """When a candidate's think time and answer time started on one question (server clocks).

    Written once per question and never moved, so a reload or a second tab resumes the same
    clocks instead of restarting them.
    """

    __tablename__ = "question_clocks"
    __table_args__ = (sa.UniqueConstraint("attempt_id", "question_id"),)

    attempt_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("attempts.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    think_started_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    answer_started_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
