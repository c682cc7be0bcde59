"""Read-only share links to a candidate's report; only the token's hash is stored."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from advanced_alchemy.base import UUIDAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy.orm import Mapped, mapped_column

__all__ = ["ShareLink"]


class ShareLink(UUIDAuditBase):
    """A time-limited, revocable link that shows one candidate's report to anyone holding it."""

    __tablename__ = "share_links"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    invitation_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("invitations.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    # the answers' video, written text and transcript come with the report (chosen when made)
    include_media: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
