"""Request and response bodies for invitations."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec

__all__ = ["Accommodations", "InvitationCreate", "InvitationCreated", "InvitationOut"]


class Accommodations(msgspec.Struct, forbid_unknown_fields=True):
    extra_time_pct: Annotated[
        int,
        msgspec.Meta(
            ge=0, le=200, description=("Extra think and answer time in percent, e.g. 50 for time and a half")
        ),
    ] = 0


class InvitationCreate(msgspec.Struct, forbid_unknown_fields=True):
    candidate_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    candidate_email: Annotated[str, msgspec.Meta(max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    expires_in_days: Annotated[int, msgspec.Meta(ge=1, le=90)] | None = None
    accommodations: Accommodations = msgspec.field(default_factory=Accommodations)


class InvitationOut(msgspec.Struct):
    id: uuid.UUID
    assessment_id: uuid.UUID
    candidate_name: str
    candidate_email: str
    status: str
    expires_at: datetime
    accommodations: dict[str, int]
    created_at: datetime


class InvitationCreated(InvitationOut):
    link: str
    token: str
