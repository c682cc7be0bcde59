"""Failed sign-in counters, shared by every app process through the database."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from advanced_alchemy.base import UUIDAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy.orm import Mapped, mapped_column

__all__ = ["LoginThrottle"]


class LoginThrottle(UUIDAuditBase):
    """Failed sign-ins for one key (a hashed account email, or a client address) in a window."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(sa.String(100), unique=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
