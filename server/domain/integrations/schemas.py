"""Request and response bodies for API tokens and webhooks."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from server.db.models import ApiTokenScope

__all__ = [
    "ApiTokenCreate",
    "ApiTokenCreated",
    "ApiTokenOut",
    "DeliveryOut",
    "WebhookCreate",
    "WebhookCreated",
    "WebhookOut",
]

Event = Literal[
    "invitation.completed",
    "response.scored",
    "review.completed",
    "candidate.completed",
    "candidate.reviewed",
    "candidate.decided",
]


class ApiTokenCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[
        str, msgspec.Meta(min_length=1, max_length=120, description="What the token is for, e.g. 'ATS sync'")
    ]
    scopes: Annotated[
        list[ApiTokenScope],
        msgspec.Meta(
            min_length=1,
            max_length=4,
            description="read: every GET; invite: create invitations; decide: set candidate decisions",
        ),
    ] = msgspec.field(default_factory=lambda: [ApiTokenScope.READ])
    expires_in_days: (
        Annotated[
            int,
            msgspec.Meta(
                ge=1,
                le=3650,
                description=("Days until the token stops working; omit for a token that lasts until revoked"),
            ),
        ]
        | None
    ) = None


class ApiTokenOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    created_by_id: uuid.UUID | None
    scopes: list[ApiTokenScope]
    expires_at: datetime | None


class ApiTokenCreated(ApiTokenOut):
    token: Annotated[
        str, msgspec.Meta(description=("Send as `Authorization: Bearer <token>`; shown only now"))
    ]


class WebhookCreate(msgspec.Struct, forbid_unknown_fields=True):
    url: Annotated[str, msgspec.Meta(min_length=8, max_length=2000, pattern=r"^https?://")]
    events: Annotated[list[Event], msgspec.Meta(min_length=1)]
    description: Annotated[str, msgspec.Meta(max_length=200)] = ""


class WebhookOut(msgspec.Struct):
    id: uuid.UUID
    url: str
    events: list[str]
    description: str
    created_at: datetime
    pending: int = 0
    failed: int = 0


class WebhookCreated(WebhookOut, kw_only=True):
    secret: Annotated[
        str, msgspec.Meta(description=("Signing secret for verifying `Viva-Signature`; shown only now"))
    ]


class DeliveryOut(msgspec.Struct):
    id: uuid.UUID
    event: str
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime
    payload: dict[str, Any]
