"""The hiring funnel: invited, started, completed, reviewed, decided; rates, medians, drop-off.

Computed from a handful of grouped queries over the invitations of one assessment (or of the
whole organization), never per candidate.
"""

from __future__ import annotations

import statistics
import uuid
from collections import Counter
from datetime import UTC, datetime

import msgspec
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Assessment, Attempt, Invitation, InvitationStatus, Response, Review
from server.domain.assessments.numbering import candidate_order, scored_numbers
from server.domain.invitations.stages import STAGES, Stage, StageCounts, stage_counts, stage_of

__all__ = ["DropOff", "Funnel", "funnel"]


class DropOff(msgspec.Struct):
    """Candidates who started but stopped before this scored question (it is their first unanswered)."""

    question_id: uuid.UUID
    number: int
    prompt: str
    stopped: int


class Funnel(msgspec.Struct):
    assessment_id: uuid.UUID | None  # None: the whole organization
    invited: int
    started: int
    completed: int
    reviewed: int
    decided: int
    decisions: dict[str, int]  # advanced / on_hold / rejected
    stages: dict[str, int]  # every stage, current counts
    completion_rate: float | None  # completed / invited
    start_to_complete_rate: float | None  # completed / started
    median_minutes_to_complete: float | None  # consent to completion
    median_hours_to_review: float | None  # completion to the last review of a reviewed candidate
    median_hours_to_decision: float | None  # completion to the current decision
    drop_off: list[DropOff]  # per scored question (per assessment only)


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 3) if den else None


async def funnel(
    db: AsyncSession,
    organization_id: uuid.UUID,
    assessment: Assessment | None,
    *,
    visible: ColumnElement[bool] | None = None,
) -> Funnel:
    """The funnel of ``assessment`` (or of every assessment ``visible`` keeps, when None)."""
    where: ColumnElement[bool] = Invitation.organization_id == organization_id
    if visible is not None:
        where = where & visible
    if assessment is not None:
        where = where & (Invitation.assessment_id == assessment.id)
    rows = (
        await db.execute(
            select(Invitation, Attempt.id, Attempt.consented_at, Attempt.completed_at)
            .outerjoin(Attempt, Attempt.invitation_id == Invitation.id)
            .where(where)
        )
    ).all()
    counts = await stage_counts(db, where)
    last_review: dict[uuid.UUID, datetime] = {
        i: t
        for i, t in (
            await db.execute(
                select(Attempt.invitation_id, func.max(Review.created_at))
                .join(Invitation, Invitation.id == Attempt.invitation_id)
                .join(Response, Response.attempt_id == Attempt.id)
                .join(Review, Review.response_id == Response.id)
                .where(where, Response.is_current.is_(True))
                .group_by(Attempt.invitation_id)
            )
        ).all()
    }
    now = datetime.now(UTC)
    stages: Counter[Stage] = Counter()
    started = completed = reviewed = decided = 0
    to_complete: list[float] = []
    to_review: list[float] = []
    to_decide: list[float] = []
    stopped_attempts: list[uuid.UUID] = []
    for inv, attempt_id, consented_at, completed_at in rows:
        c = counts.get(inv.id, StageCounts())
        stages[stage_of(inv, c, now)] += 1
        if attempt_id is None:
            continue
        started += 1
        if completed_at is None or inv.status is not InvitationStatus.COMPLETED:
            stopped_attempts.append(attempt_id)
            continue
        completed += 1
        to_complete.append((completed_at - consented_at).total_seconds() / 60)
        if c.answers and c.reviewed == c.answers:
            reviewed += 1
            if (at := last_review.get(inv.id)) is not None:
                to_review.append(max(0.0, (at - completed_at).total_seconds() / 3600))
        if inv.decision is not None:
            decided += 1
            if inv.decided_at is not None:
                to_decide.append(max(0.0, (inv.decided_at - completed_at).total_seconds() / 3600))
    drop: list[DropOff] = []
    if assessment is not None:
        drop = await _drop_off(db, assessment, stopped_attempts)
    return Funnel(
        assessment_id=assessment.id if assessment else None,
        invited=len(rows),
        started=started,
        completed=completed,
        reviewed=reviewed,
        decided=decided,
        decisions={d: stages[d] for d in ("advanced", "on_hold", "rejected")},
        stages={s: stages[s] for s in STAGES},
        completion_rate=_rate(completed, len(rows)),
        start_to_complete_rate=_rate(completed, started),
        median_minutes_to_complete=_median(to_complete),
        median_hours_to_review=_median(to_review),
        median_hours_to_decision=_median(to_decide),
        drop_off=drop,
    )


async def _drop_off(db: AsyncSession, assessment: Assessment, attempts: list[uuid.UUID]) -> list[DropOff]:
    """For each scored question, how many unfinished attempts stop there (first one unanswered)."""
    order = [q for q in candidate_order(assessment.questions) if not q.is_practice]
    numbers = scored_numbers(assessment.questions)
    answered: dict[uuid.UUID, set[uuid.UUID]] = {a: set() for a in attempts}
    if attempts:
        for attempt_id, question_id in (
            await db.execute(
                select(Response.attempt_id, Response.question_id)
                .where(Response.attempt_id.in_(attempts), Response.submitted_at.is_not(None))
                .distinct()
            )
        ).all():
            answered[attempt_id].add(question_id)
    stopped: Counter[uuid.UUID] = Counter()
    for done in answered.values():
        first = next((q for q in order if q.id not in done), None)
        if first is not None:
            stopped[first.id] += 1
    return [
        DropOff(question_id=q.id, number=numbers.get(q.id, i + 1), prompt=q.prompt, stopped=stopped[q.id])
        for i, q in enumerate(order)
    ]
