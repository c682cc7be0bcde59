"""Data kept apart from the assessment: invitation emails and volunteered demographics."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from advanced_alchemy.base import UUIDAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy.orm import Mapped, mapped_column

__all__ = ["CandidateDemographics", "InvitationEmail"]


class InvitationEmail(UUIDAuditBase):
    """The invitation email of one invitation: queued, sent or failed, with the last error.

    The link's token is kept encrypted only while a send is pending, so a retry after a
    restart can still build the link; it is cleared once sent or given up.
    """

    __tablename__ = "invitation_emails"

    invitation_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("invitations.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(sa.String(16), default="queued")  # queued|sent|failed
    tries: Mapped[int] = mapped_column(default=0)
    token_sealed: Mapped[str | None] = mapped_column(sa.Text, default=None)
    queued_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    last_error: Mapped[str | None] = mapped_column(sa.Text, default=None)


class CandidateDemographics(UUIDAuditBase):
    """Group information a candidate chose to give, for bias audits only; never shown to reviewers."""

    __tablename__ = "candidate_demographics"

    invitation_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("invitations.id", ondelete="CASCADE"), unique=True
    )
    sex: Mapped[str | None] = mapped_column(sa.String(40), default=None)
    race_ethnicity: Mapped[str | None] = mapped_column(sa.String(60), default=None)
