"""The audit log: one call to record who did what."""

from __future__ import annotations

import uuid
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import ActorKind, AuditEvent

__all__ = ["record", "record_by"]


def record(
    db: AsyncSession,
    *,
    action: str,
    target_kind: str,
    target_id: uuid.UUID | None,
    organization_id: uuid.UUID | None,
    actor_kind: ActorKind = ActorKind.STAFF,
    actor_id: uuid.UUID | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction (committed with the change it describes)."""
    event = AuditEvent(
        organization_id=organization_id,
        actor_kind=actor_kind,
        actor_id=actor_id,
        action=action,
        target_kind=target_kind,
        target_id=target_id,
        data=data or {},
    )
    db.add(event)
    return event


class _StaffActor(Protocol):
    @property
    def organization_id(self) -> uuid.UUID: ...
    @property
    def user_id(self) -> uuid.UUID: ...


def record_by(
    staff: _StaffActor,
    db: AsyncSession,
    *,
    action: str,
    target_kind: str,
    target_id: uuid.UUID | None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """`record` for what a signed-in staff member did in their own organization."""
    return record(
        db,
        action=action,
        target_kind=target_kind,
        target_id=target_id,
        organization_id=staff.organization_id,
        actor_id=staff.user_id,
        data=data,
    )
