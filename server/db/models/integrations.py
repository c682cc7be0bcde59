"""Machine access to an organization: API tokens and outgoing webhooks with their delivery log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from advanced_alchemy.base import UUIDAuditBase
from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy.orm import Mapped, mapped_column, relationship

__all__ = ["ApiToken", "Webhook", "WebhookDelivery"]


class ApiToken(UUIDAuditBase):
    """A bearer token acting for its organization within its scopes; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    name: Mapped[str] = mapped_column(sa.String(120))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(16))  # first characters, to tell tokens apart
    last_used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    # ApiTokenScope values; tokens made before scopes existed read only
    scopes: Mapped[list[str]] = mapped_column(JsonB, default=lambda: ["read"])
    expires_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class Webhook(UUIDAuditBase):
    """An HTTPS endpoint of the organization that receives signed event notifications."""

    __tablename__ = "webhooks"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    url: Mapped[str] = mapped_column(sa.String(2000))
    events: Mapped[list[str]] = mapped_column(JsonB, default=list)
    secret_sealed: Mapped[str] = mapped_column(sa.Text)  # the signing secret, encrypted at rest
    description: Mapped[str] = mapped_column(sa.String(200), default="")

    deliveries: Mapped[list[WebhookDelivery]] = relationship(
        back_populates="webhook", cascade="all, delete-orphan", passive_deletes=True, lazy="noload"
    )


class WebhookDelivery(UUIDAuditBase):
    """One event for one webhook: written with the change it reports, sent (and retried) by a job."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),)

    webhook_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("webhooks.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(sa.String(40))
    # ids only, never personal data: receivers fetch details with an API token
    payload: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")  # pending|delivered|failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    last_status_code: Mapped[int | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(sa.Text, default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)

    webhook: Mapped[Webhook] = relationship(back_populates="deliveries")
