"""Tenants, their staff, staff sessions and the audit log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from advanced_alchemy.base import UUIDAuditBase
from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db.models.enums import ActorKind, Role, str_enum

__all__ = ["AuditEvent", "Organization", "StaffSession", "User"]


class Organization(UUIDAuditBase):
    """A hiring company; every other row belongs to exactly one."""

    __tablename__ = "organizations"

    name: Mapped[str] = mapped_column(sa.String(200))
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    retention_days: Mapped[int | None] = mapped_column(default=None)


class User(UUIDAuditBase):
    """A staff member: an admin or a reviewer of one organization."""

    __tablename__ = "users"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    is_active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)

    organization: Mapped[Organization] = relationship(lazy="joined")


class StaffSession(UUIDAuditBase):
    """A signed-in browser: the cookie holds a random token, the table only its hash."""

    __tablename__ = "staff_sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                               index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    user_agent: Mapped[str | None] = mapped_column(sa.String(400), default=None)

    user: Mapped[User] = relationship(lazy="joined")


class AuditEvent(UUIDAuditBase):
    """Who did what to which record, and when; append-only."""

    __tablename__ = "audit_events"

    organization_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True, default=None)
    actor_kind: Mapped[ActorKind] = mapped_column(str_enum(ActorKind))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    action: Mapped[str] = mapped_column(sa.String(80), index=True)
    target_kind: Mapped[str] = mapped_column(sa.String(40))
    target_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
