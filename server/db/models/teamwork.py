"""Who works on an assessment, and what the team says about a candidate (issue 16)."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from advanced_alchemy.base import UUIDAuditBase
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db.models.organization import User

__all__ = ["AssessmentMember", "CandidateNote", "CandidateRating"]


class AssessmentMember(UUIDAuditBase):
    """A reviewer or hiring manager assigned to an assessment.

    Hiring managers see only the assessments they are assigned to. Reviewers see an
    assessment when they are assigned to it or when it has no reviewer assigned at all (so
    organizations that never assign keep working as before). Admins see everything.
    """

    __tablename__ = "assessment_members"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "user_id", name="uq_assessment_members_pair"),)

    assessment_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)

    user: Mapped[User] = relationship(lazy="joined")


class CandidateRating(UUIDAuditBase):
    """One person's rating of a candidate (1-5) with a comment; one per person, editable."""

    __tablename__ = "candidate_ratings"
    __table_args__ = (
        sa.UniqueConstraint("invitation_id", "user_id", name="uq_candidate_ratings_pair"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )

    invitation_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("invitations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    rating: Mapped[int] = mapped_column(sa.SmallInteger)
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    user: Mapped[User | None] = relationship(lazy="joined")


class CandidateNote(UUIDAuditBase):
    """A note on a candidate (not on one answer), shown to the team on the report."""

    __tablename__ = "candidate_notes"

    invitation_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("invitations.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)

    author: Mapped[User | None] = relationship(lazy="joined")
