"""How an organization presents itself to candidates: logo, colour, words and contacts."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from advanced_alchemy.base import UUIDAuditBase
from sqlalchemy.orm import Mapped, mapped_column

__all__ = ["Branding"]


class Branding(UUIDAuditBase):
    """One organization's candidate-facing branding (absent: the defaults)."""

    __tablename__ = "brandings"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), unique=True
    )
    accent_color: Mapped[str | None] = mapped_column(sa.String(7), default=None)  # "#RRGGBB"
    welcome_text: Mapped[str] = mapped_column(sa.Text, default="")
    contact_email: Mapped[str | None] = mapped_column(sa.String(320), default=None)
    privacy_url: Mapped[str | None] = mapped_column(sa.String(2000), default=None)
    logo: Mapped[bytes | None] = mapped_column(sa.LargeBinary, default=None)  # re-encoded PNG
    logo_version: Mapped[int] = mapped_column(default=0)
    # The hiring team's welcome video on the candidate's first page (server/storage.py's key).
    welcome_video_key: Mapped[str | None] = mapped_column(sa.String(300), default=None)
    welcome_video_seconds: Mapped[float | None] = mapped_column(sa.Float, default=None)
    welcome_video_version: Mapped[int] = mapped_column(default=0, server_default="0")
