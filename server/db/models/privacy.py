"""Data kept apart from the assessment: invitation emails and volunteered demographics."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from advanced_alchemy.base import UUIDAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy.orm import Mapped, mapped_column

__all__ = ["CandidateDemographics", "DecisionEmail", "EmailTemplate", "InvitationEmail", "InvitationReminder"]


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


class InvitationReminder(UUIDAuditBase):
    """One automatic reminder (one rule) of one invitation: at most one row per invitation and rule.

    The unique (invitation, rule) pair is the claim: the worker whose insert succeeds sends it,
    so several workers running the reminder job at once never send a reminder twice. ``status``
    is ``sending`` while claimed, then ``sent`` or ``failed`` (retried by a later run, up to the
    email tries).
    """

    __tablename__ = "invitation_reminders"
    __table_args__ = (sa.UniqueConstraint("invitation_id", "rule", name="uq_invitation_reminders_rule"),)

    invitation_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("invitations.id", ondelete="CASCADE"), index=True
    )
    rule: Mapped[str] = mapped_column(sa.String(20))  # not_started | before_expiry
    status: Mapped[str] = mapped_column(sa.String(16), default="sending")  # sending|sent|failed
    tries: Mapped[int] = mapped_column(default=0)
    claimed_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    last_error: Mapped[str | None] = mapped_column(sa.Text, default=None)


class DecisionEmail(UUIDAuditBase):
    """The decision email of one invitation (opt-in per organization): queued, sent or failed.

    One row per invitation; queueing again after the decision changed sends the new one.
    """

    __tablename__ = "decision_emails"

    invitation_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("invitations.id", ondelete="CASCADE"), unique=True
    )
    decision: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(
        sa.String(16), default="queued", index=True
    )  # queued|sending|sent|failed
    tries: Mapped[int] = mapped_column(default=0)
    queued_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    last_error: Mapped[str | None] = mapped_column(sa.Text, default=None)


class EmailTemplate(UUIDAuditBase):
    """An organization's own text of one candidate email (invitation, reminder, decision)."""

    __tablename__ = "email_templates"
    __table_args__ = (sa.UniqueConstraint("organization_id", "kind", name="uq_email_templates_kind"),)

    organization_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(20))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)


class CandidateDemographics(UUIDAuditBase):
    """Group information a candidate chose to give, for bias audits only; never shown to reviewers."""

    __tablename__ = "candidate_demographics"

    invitation_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("invitations.id", ondelete="CASCADE"), unique=True
    )
    sex: Mapped[str | None] = mapped_column(sa.String(40), default=None)
    race_ethnicity: Mapped[str | None] = mapped_column(sa.String(60), default=None)
