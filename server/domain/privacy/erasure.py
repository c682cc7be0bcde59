"""Erasing one candidate: their rows and media go; an audit entry with ids and counts stays.

Objects are deleted first (a failure leaves the rows, so the erasure can simply be retried);
then the invitation row is deleted and the database cascades to the attempt, every take,
transcript, suggestion, review, proficiency result, share link, email record and
volunteered demographics. Exemplars promoted from the candidate's answers hold their words,
so they go too, and earlier audit entries about the candidate lose their free-text data.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from media.object_store import ObjectStore
from server.db.models import (
    Attempt,
    AuditEvent,
    Exemplar,
    Invitation,
    ProficiencyResult,
    Response,
    Review,
    ShareLink,
    Suggestion,
    Transcript,
)
from server.storage import response_prefix

__all__ = ["erase_candidate"]


async def _count(db: AsyncSession, model: Any, column: Any, ids: list[uuid.UUID]) -> int:
    if not ids:
        return 0
    return int(
        (await db.execute(select(func.count()).select_from(model).where(column.in_(ids)))).scalar_one()
    )


def _delete_media(store: ObjectStore, response_ids: list[uuid.UUID], keys: list[str]) -> int:
    removed = sum(store.delete_prefix(response_prefix(rid)) for rid in response_ids)
    for key in keys:  # anything stored outside the usual prefix
        if store.exists(key):
            store.delete(key)
            removed += 1
    return removed


async def erase_candidate(db: AsyncSession, store: ObjectStore, inv: Invitation) -> dict[str, int]:
    """Delete everything stored about the invitation's candidate; returns counts per kind."""
    attempt_id = (
        await db.execute(select(Attempt.id).where(Attempt.invitation_id == inv.id))
    ).scalar_one_or_none()
    responses = (
        (
            await db.execute(
                select(Response.id, Response.media_key, Response.poster_key, Response.audio_key).where(
                    Response.attempt_id == attempt_id
                )
            )
        ).all()
        if attempt_id
        else []
    )
    rids = [r[0] for r in responses]
    prefixes = tuple(f"{response_prefix(rid)}/" for rid in rids)
    odd_keys = [k for r in responses for k in r[1:] if k and not k.startswith(prefixes)]
    counts = {
        "responses": len(rids),
        "transcripts": await _count(db, Transcript, Transcript.response_id, rids),
        "suggestions": await _count(db, Suggestion, Suggestion.response_id, rids),
        "reviews": await _count(db, Review, Review.response_id, rids),
        "proficiency_results": await _count(db, ProficiencyResult, ProficiencyResult.response_id, rids),
        "share_links": await _count(db, ShareLink, ShareLink.invitation_id, [inv.id]),
        "exemplars": await _count(db, Exemplar, Exemplar.source_response_id, rids),
    }
    counts["media_objects"] = await asyncio.to_thread(_delete_media, store, rids, odd_keys)
    if rids:
        await db.execute(delete(Exemplar).where(Exemplar.source_response_id.in_(rids)))
    about = [inv.id, *rids] + ([attempt_id] if attempt_id else [])
    await db.execute(
        update(AuditEvent)
        .where(or_(AuditEvent.target_id.in_(about), AuditEvent.actor_id == inv.id))
        .values(data={"redacted": "candidate data erased"})
        .execution_options(synchronize_session=False)
    )
    await db.execute(
        delete(Invitation).where(Invitation.id == inv.id).execution_options(synchronize_session=False)
    )
    db.expunge(inv)
    await db.flush()
    return counts
