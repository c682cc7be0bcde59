"""Tenants, their staff, staff sessions and the audit log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from advanced_alchemy.base import UUIDAuditBase
from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db.models.enums import AccountTokenPurpose, ActorKind, Role, str_enum

__all__ = ["AccountToken", "AccountTokenPurpose", "AuditEvent", "Organization", "StaffSession", "User"]


class Organization(UUIDAuditBase):
    """A hiring company; every other row belongs to exactly one."""

    __tablename__ = "organizations"

    name: Mapped[str] = mapped_column(sa.String(200))
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    retention_days: Mapped[int | None] = mapped_column(default=None)
    # Email candidates the decision (template "decision"): off unless an admin turns it on.
    decision_emails: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Display names of candidate stages for this team (stage -> name); missing ones show the default.
    stage_names: Mapped[dict[str, str]] = mapped_column(JsonB, default=dict)
    # The candidate pages' language (en, es, pt: branding/schemas.py) until a candidate switches.
    default_language: Mapped[str] = mapped_column(sa.String(8), default="en", server_default="en")


class User(UUIDAuditBase):
    """A staff member: an admin or a reviewer of one organization.

    An email is unique within its organization; across organizations only among verified
    accounts (``email_verified_at``: the person proved they own the address by setting a
    password through the link sent to it, or an operator created the account with the CLI).
    So one organization can neither learn of nor reserve another's addresses (issue 12, F9).
    """

    __tablename__ = "users"
    __table_args__ = (
        sa.UniqueConstraint("organization_id", "email", name="uq_users_organization_email"),
        sa.Index(
            "uq_users_verified_email",
            "email",
            unique=True,
            sqlite_where=sa.text("email_verified_at IS NOT NULL"),
            postgresql_where=sa.text("email_verified_at IS NOT NULL"),
        ),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(sa.String(320))
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    role: Mapped[Role] = mapped_column(str_enum(Role))
    is_active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)

    organization: Mapped[Organization] = relationship(lazy="joined")


class StaffSession(UUIDAuditBase):
    """A signed-in browser: the cookie holds a random token, the table only its hash."""

    __tablename__ = "staff_sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    user_agent: Mapped[str | None] = mapped_column(sa.String(400), default=None)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)

    user: Mapped[User] = relationship(lazy="joined")


class AccountToken(UUIDAuditBase):
    """A one-time link to set a password: a staff invitation or a password reset.

    Only the token's SHA-256 is stored; it expires, and it is spent on first use (``used_at``).
    """

    __tablename__ = "account_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[AccountTokenPurpose] = mapped_column(str_enum(AccountTokenPurpose))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    created_by: Mapped[uuid.UUID | None] = mapped_column(default=None)

    user: Mapped[User] = relationship(lazy="joined")


class AuditEvent(UUIDAuditBase):
    """Who did what to which record, and when; append-only."""

    __tablename__ = "audit_events"

    organization_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True, default=None
    )
    actor_kind: Mapped[ActorKind] = mapped_column(str_enum(ActorKind))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    action: Mapped[str] = mapped_column(sa.String(80), index=True)
    target_kind: Mapped[str] = mapped_column(sa.String(40))
    target_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
