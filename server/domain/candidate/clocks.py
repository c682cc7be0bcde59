"""The server's clocks for each question: when think time and the answer started, and the limits.

A question's clock starts when the candidate chooses to begin it (its prompt is revealed only
then) and is written once: a reload or a second tab reads the same start, so preparation time
never restarts. A written answer's time limit (think time plus answer time, as the estimate
counts it, scaled by accommodations) is enforced here: writes are accepted until the limit plus
a short grace for the network, and after that the last saved draft becomes the answer.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import (
    Attempt,
    Invitation,
    Question,
    QuestionClock,
    QuestionKind,
    Response,
    ResponseState,
)
from server.domain.candidate.limits import scaled_seconds

__all__ = [
    "WRITE_GRACE_S",
    "QuestionTimes",
    "clocks_of",
    "ensure_clock",
    "settle_written",
    "times_of",
]

WRITE_GRACE_S = 10
"""How late a written answer's last autosave or submit may arrive: the browser submits when its
countdown reaches zero, and the request needs a moment to travel."""


@dataclass(frozen=True, slots=True)
class QuestionTimes:
    """One question's clock as the candidate sees it (UTC)."""

    think_started_at: datetime
    think_ends_at: datetime
    answer_started_at: datetime | None
    answer_ends_at: datetime | None  # written answers only: their hard limit

    def written_closed(self, now: datetime, *, grace_s: int = WRITE_GRACE_S) -> bool:
        """True once no write to this written answer is accepted any more."""
        return self.answer_ends_at is not None and now > self.answer_ends_at + timedelta(seconds=grace_s)


def times_of(clock: QuestionClock, question: Question, inv: Invitation) -> QuestionTimes:
    think_ends = clock.think_started_at + timedelta(seconds=scaled_seconds(question.think_time_s, inv))
    answer_ends = None
    if question.kind is QuestionKind.WRITTEN:
        answer_ends = clock.think_started_at + timedelta(
            seconds=scaled_seconds(question.think_time_s + question.max_answer_s, inv)
        )
    return QuestionTimes(
        think_started_at=clock.think_started_at,
        think_ends_at=think_ends,
        answer_started_at=clock.answer_started_at,
        answer_ends_at=answer_ends,
    )


async def clocks_of(db: AsyncSession, attempt: Attempt | None) -> dict[uuid.UUID, QuestionClock]:
    if attempt is None:
        return {}
    rows = await db.execute(select(QuestionClock).where(QuestionClock.attempt_id == attempt.id))
    return {c.question_id: c for c in rows.scalars()}


async def ensure_clock(
    db: AsyncSession, attempt: Attempt, question: Question, *, answering: bool = False
) -> QuestionClock:
    """The question's clock, started now if it has not started; ``answering`` also starts the
    answer's clock. Two tabs starting it at once end up with the first one's row."""
    now = datetime.now(UTC)
    stmt = select(QuestionClock).where(
        QuestionClock.attempt_id == attempt.id, QuestionClock.question_id == question.id
    )
    clock = (await db.execute(stmt)).scalar_one_or_none()
    if clock is None:
        try:
            async with db.begin_nested():
                clock = QuestionClock(attempt_id=attempt.id, question_id=question.id, think_started_at=now)
                db.add(clock)
        except IntegrityError:  # another tab or instance started it first: use its clock
            clock = (await db.execute(stmt.execution_options(populate_existing=True))).scalar_one()
    if answering and clock.answer_started_at is None:
        clock.answer_started_at = now
        await db.flush()
    return clock


async def settle_written(
    db: AsyncSession, inv: Invitation, *, grace_s: int = WRITE_GRACE_S
) -> list[Response]:
    """Submit the saved draft of every written answer whose time ran out; returns those newly
    submitted (to be processed). An empty draft submits nothing: the question is then closed
    without an answer."""
    attempt = inv.attempt
    if attempt is None or attempt.completed_at is not None:
        return []
    now = datetime.now(UTC)
    questions = {q.id: q for q in inv.assessment.questions if q.kind is QuestionKind.WRITTEN}
    clocks = [c for c in (await clocks_of(db, attempt)).values() if c.question_id in questions]
    closed = [
        c.question_id
        for c in clocks
        if times_of(c, questions[c.question_id], inv).written_closed(now, grace_s=grace_s)
    ]
    if not closed:
        return []
    drafts = (
        (
            await db.execute(
                select(Response).where(
                    Response.attempt_id == attempt.id,
                    Response.question_id.in_(closed),
                    Response.is_current.is_(True),
                    Response.submitted_at.is_(None),
                )
            )
        )
        .scalars()
        .all()
    )
    submitted = []
    for draft in drafts:
        if not (draft.text or "").strip():
            continue
        draft.submitted_at = now
        draft.state = ResponseState.QUEUED
        draft.state_changed_at = now
        submitted.append(draft)
    await db.flush()
    return submitted
