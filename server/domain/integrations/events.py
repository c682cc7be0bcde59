"""Emitting webhook events: one delivery row per subscribed webhook, in the caller's transaction.

Rows are written with the change they report (an outbox), so an event is never sent for a
change that rolled back nor lost for one that committed; :mod:`.delivery` sends them.
Payloads carry ids only, never personal data: receivers fetch details with an API token.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import (
    Attempt,
    Invitation,
    InvitationStatus,
    Response,
    ReviewStatus,
    Suggestion,
    Webhook,
    WebhookDelivery,
)
from server.jobs.context import JobContext

__all__ = [
    "EVENTS",
    "candidate_decided",
    "emit",
    "invitation_completed",
    "response_scored",
    "review_status_changed",
]

log = structlog.get_logger(__name__)

EVENTS = (
    "invitation.completed",
    "response.scored",
    "review.completed",
    "candidate.completed",  # the candidate finished (stage: completed)
    "candidate.reviewed",  # every current answer of a completed candidate is reviewed
    "candidate.decided",  # a person advanced, held or rejected the candidate, or cleared it
)


async def emit(db: AsyncSession, organization_id: uuid.UUID, event: str, data: dict[str, Any]) -> int:
    """Queue ``event`` for every webhook of the organization subscribed to it."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    hooks = [
        h
        for h in (
            await db.execute(select(Webhook).where(Webhook.organization_id == organization_id))
        ).scalars()
        if event in (h.events or [])
    ]
    now = datetime.now(UTC)
    payload = {
        "id": str(uuid.uuid4()),
        "type": event,
        "created_at": now.isoformat(),
        "organization_id": str(organization_id),
        "data": data,
    }
    for hook in hooks:
        db.add(
            WebhookDelivery(
                webhook_id=hook.id, event=event, payload=payload, status="pending", next_attempt_at=now
            )
        )
    return len(hooks)


def _candidate(inv: Invitation, stage: str) -> dict[str, Any]:
    return {"invitation_id": str(inv.id), "assessment_id": str(inv.assessment_id), "stage": stage}


async def invitation_completed(db: AsyncSession, inv: Invitation) -> int:
    """A candidate finished their assessment (``invitation.completed`` and ``candidate.completed``)."""
    ids = {"invitation_id": str(inv.id), "assessment_id": str(inv.assessment_id)}
    n = await emit(db, inv.organization_id, "invitation.completed", ids)
    return n + await emit(db, inv.organization_id, "candidate.completed", _candidate(inv, "completed"))


async def candidate_decided(db: AsyncSession, inv: Invitation, stage: str, *, previous: str | None) -> int:
    """A decision was set, changed or cleared; ``decision`` is null once cleared."""
    data = _candidate(inv, stage)
    data |= {
        "decision": inv.decision.value if inv.decision else None,
        "reason": inv.decision_reason,
        "previous_decision": previous,
        "decided_at": inv.decided_at.isoformat() if inv.decided_at else None,
    }
    return await emit(db, inv.organization_id, "candidate.decided", data)


async def _candidate_reviewed(db: AsyncSession, response_id: uuid.UUID) -> int:
    """``candidate.reviewed`` when this review made every current answer of a completed candidate reviewed."""
    inv = (
        await db.execute(
            select(Invitation)
            .join(Attempt, Attempt.invitation_id == Invitation.id)
            .join(Response, Response.attempt_id == Attempt.id)
            .where(Response.id == response_id)
        )
    ).scalar_one_or_none()
    if inv is None or inv.status is not InvitationStatus.COMPLETED:
        return 0
    await db.flush()
    pending = (
        await db.execute(
            select(func.count(Response.id))
            .join(Attempt, Attempt.id == Response.attempt_id)
            .where(
                Attempt.invitation_id == inv.id,
                Response.is_current.is_(True),
                Response.submitted_at.is_not(None),
                Response.review_status != ReviewStatus.REVIEWED,
            )
        )
    ).scalar_one()
    if pending:
        return 0
    stage = inv.decision.value if inv.decision else "reviewed"
    return await emit(db, inv.organization_id, "candidate.reviewed", _candidate(inv, stage))


async def _response_ids(db: AsyncSession, response_id: uuid.UUID) -> tuple[uuid.UUID, dict[str, Any]] | None:
    row = (
        await db.execute(
            select(Invitation.organization_id, Invitation.id, Invitation.assessment_id, Response.question_id)
            .join(Attempt, Attempt.invitation_id == Invitation.id)
            .join(Response, Response.attempt_id == Attempt.id)
            .where(Response.id == response_id)
        )
    ).first()
    if row is None:
        return None
    org, inv_id, assessment_id, question_id = row
    return org, {
        "response_id": str(response_id),
        "invitation_id": str(inv_id),
        "assessment_id": str(assessment_id),
        "question_id": str(question_id),
    }


async def response_scored(ctx: JobContext, response_id: uuid.UUID) -> None:
    """The pipeline finished an answer (suggestion or abstention ready); best effort, logged."""
    try:
        async with ctx.sessions() as db:
            found = await _response_ids(db, response_id)
            if found is None:
                return
            org, data = found
            s = (
                (
                    await db.execute(
                        select(Suggestion)
                        .where(Suggestion.response_id == response_id, Suggestion.is_current.is_(True))
                        .order_by(Suggestion.created_at.desc())
                        .limit(1)
                    )
                )
                .scalars()
                .first()
            )
            data["abstained"] = None if s is None else s.abstained
            if await emit(db, org, "response.scored", data):
                await db.commit()
    except Exception:
        log.exception("webhook_emit_failed", webhook_event="response.scored", response_id=str(response_id))


async def review_status_changed(db: AsyncSession, response: Response, status: ReviewStatus) -> int:
    """A review decision made an answer ``reviewed`` (its final score is set or changed)."""
    if status is not ReviewStatus.REVIEWED:
        return 0
    found = await _response_ids(db, response.id)
    if found is None:
        return 0
    org, data = found
    data["review_version"] = response.review_version
    n = await emit(db, org, "review.completed", data)
    return n + await _candidate_reviewed(db, response.id)
