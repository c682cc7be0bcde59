"""Re-scoring pending answers after exemplar changes, and following its progress.

Only current answers that are ``ready`` and not reviewed at all (``pending``, no review yet)
go back to ``queued`` (the one transition ``ready`` allows) and are processed again; answers
with any review keep the suggestion their reviewers saw. A run is recorded as an audit event
(``assessment.rescore``) that lists the affected responses: the status endpoint reads the
latest one, so no table of runs is needed.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.audit import record
from server.auth.staff import Staff
from server.db.models import (
    TRANSITIONS,
    Assessment,
    AuditEvent,
    Response,
    ResponseState,
    Review,
    ReviewStatus,
)
from server.domain.curation.schemas import RescoreRunOut, RescoreStatusOut
from server.errors import NotFound
from server.jobs.pipeline import ACTIVE_STATES

__all__ = ["ACTION", "rescore_status", "start_rescore"]

ACTION = "assessment.rescore"
REASON = "Re-scoring with the question's current exemplars"


async def start_rescore(
    db: AsyncSession, staff: Staff, assessment: Assessment, question_ids: Sequence[uuid.UUID]
) -> RescoreRunOut:
    """Move the eligible answers back to ``queued`` (the caller commits, then enqueues them)."""
    ids = list(question_ids)
    current = (
        list(
            (
                await db.execute(
                    select(Response).where(
                        Response.question_id.in_(ids),
                        Response.is_current.is_(True),
                        Response.submitted_at.is_not(None),
                    )
                )
            ).scalars()
        )
        if ids
        else []
    )
    reviewed = sum(r.review_status is not ReviewStatus.PENDING for r in current)
    candidates = [
        r for r in current if r.review_status is ReviewStatus.PENDING and r.state is ResponseState.READY
    ]
    with_reviews = (
        set(
            (
                await db.execute(
                    select(Review.response_id).where(Review.response_id.in_([r.id for r in candidates]))
                )
            ).scalars()
        )
        if candidates
        else set()
    )
    chosen = [r for r in candidates if r.id not in with_reviews]
    now = datetime.now(UTC)
    for r in chosen:
        assert ResponseState.QUEUED in TRANSITIONS[r.state]
        r.state, r.state_reason, r.state_changed_at = ResponseState.QUEUED, REASON, now
        r.processing_tries = 0
    run_id = uuid.uuid4()
    record(
        db,
        action=ACTION,
        target_kind="assessment",
        target_id=assessment.id,
        organization_id=assessment.organization_id,
        actor_id=staff.user_id,
        data={
            "run_id": str(run_id),
            "question_ids": [str(i) for i in ids],
            "response_ids": [str(r.id) for r in chosen],
        },
    )
    await db.flush()
    return RescoreRunOut(
        run_id=run_id,
        assessment_id=assessment.id,
        question_ids=ids,
        queued=len(chosen),
        response_ids=[r.id for r in chosen],
        skipped_reviewed=reviewed + len(with_reviews),
        skipped_not_ready=len(current) - reviewed - len(candidates),
        started_at=now,
    )


async def rescore_status(db: AsyncSession, assessment: Assessment) -> RescoreStatusOut:
    event = (
        await db.execute(
            select(AuditEvent)
            .where(
                AuditEvent.action == ACTION,
                AuditEvent.target_id == assessment.id,
                AuditEvent.organization_id == assessment.organization_id,
            )
            .order_by(AuditEvent.created_at.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    if event is None:
        raise NotFound("No re-scoring has been started for this assessment.")
    ids = [uuid.UUID(i) for i in event.data.get("response_ids", [])]
    states = (
        Counter(
            s.value for s in (await db.execute(select(Response.state).where(Response.id.in_(ids)))).scalars()
        )
        if ids
        else Counter()
    )
    return RescoreStatusOut(
        run_id=uuid.UUID(event.data["run_id"]),
        assessment_id=assessment.id,
        started_at=event.created_at,
        total=len(ids),
        states=dict(states),
        done=not any(states[s.value] for s in ACTIVE_STATES),
    )
