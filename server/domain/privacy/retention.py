"""Media retention: recordings of attempts completed more than ``retention_days`` ago are deleted.

Per organization (``PATCH /api/organization``). The job deletes every object under
``server.storage.response_prefix`` (video, audio, poster), clears the response's keys and stamps
``media_deleted_at``; transcripts, scores and reviews stay. Idempotent and safe to run twice:
objects are deleted before the row is marked, and deleting a missing object is no error.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy import or_, select, update

from server.audit import record
from server.db.models import ActorKind, Attempt, Invitation, Organization, Response
from server.jobs.context import JobContext
from server.storage import response_prefix

__all__ = ["apply_retention", "expire_media"]

log = structlog.get_logger(__name__)

_BATCH = 200


async def expire_media(
    ctx: JobContext, organization_id: uuid.UUID, days: int, now: datetime | None = None
) -> int:
    """Delete the media of the organization's responses older than ``days``; returns how many."""
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=days)
    total = 0
    while True:
        async with ctx.sessions() as db:
            ids = list(
                (
                    await db.execute(
                        select(Response.id)
                        .join(Attempt, Attempt.id == Response.attempt_id)
                        .join(Invitation, Invitation.id == Attempt.invitation_id)
                        .where(
                            Invitation.organization_id == organization_id,
                            Attempt.completed_at.is_not(None),
                            Attempt.completed_at < cutoff,
                            Response.media_deleted_at.is_(None),
                            or_(
                                Response.media_key.is_not(None),
                                Response.poster_key.is_not(None),
                                Response.audio_key.is_not(None),
                            ),
                        )
                        .limit(_BATCH)
                    )
                ).scalars()
            )
        if not ids:
            break

        def delete_objects(batch: list[uuid.UUID] = ids) -> int:
            return sum(ctx.store.delete_prefix(response_prefix(rid)) for rid in batch)

        objects = await asyncio.to_thread(delete_objects)
        async with ctx.sessions() as db:
            await db.execute(
                update(Response)
                .where(Response.id.in_(ids))
                .values(media_key=None, poster_key=None, audio_key=None, media_deleted_at=now)
                .execution_options(synchronize_session=False)
            )
            record(
                db,
                action="retention.delete_media",
                target_kind="organization",
                target_id=organization_id,
                organization_id=organization_id,
                actor_kind=ActorKind.SYSTEM,
                data={
                    "responses": len(ids),
                    "objects": objects,
                    "retention_days": days,
                    "completed_before": cutoff.isoformat(),
                },
            )
            await db.commit()
        total += len(ids)
        log.info(
            "retention_media_deleted",
            organization_id=str(organization_id),
            responses=len(ids),
            objects=objects,
        )
    return total


async def apply_retention(ctx: JobContext) -> None:
    """Apply every organization's retention period (run at start and every hour)."""
    async with ctx.sessions() as db:
        orgs = (
            await db.execute(
                select(Organization.id, Organization.retention_days).where(
                    Organization.retention_days.is_not(None)
                )
            )
        ).all()
    for org_id, days in orgs:
        if days is not None and days > 0:
            await expire_media(ctx, org_id, int(days))
