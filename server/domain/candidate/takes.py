"""Video takes: which takes a candidate may start, stop and accept (rules, not transport)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Invitation, QuestionKind, Response, ResponseState
from server.domain.candidate.clocks import ensure_clock
from server.domain.candidate.limits import scaled_seconds
from server.domain.candidate.services import question_of, require_attempt
from server.errors import Conflict, InvalidInput, NotFound, VivaError
from server.recording.capacity import Holder
from server.recording.service import RecordingService

__all__ = ["accept_take", "new_take", "own_take", "start_take"]


async def own_take(db: AsyncSession, inv: Invitation, take_id: uuid.UUID) -> Response:
    attempt = require_attempt(inv)
    # populate_existing: the recorder may have changed the row in another session meanwhile
    response = (
        await db.execute(
            select(Response).where(Response.take_id == take_id).execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()
    if response is None or response.attempt_id != attempt.id:
        raise NotFound("No such take in your assessment. If you were recording, start the answer again.")
    return response


async def start_take(
    db: AsyncSession,
    inv: Invitation,
    *,
    question_id: uuid.UUID,
    take_id: uuid.UUID,
    sdp: str,
    sdp_type: str,
    recording: RecordingService,
) -> tuple[Response, str, int]:
    """Check the rules, create the take's response row, and answer the offer.

    Returns the response, the SDP answer and the take's maximum length in seconds.
    """
    if sdp_type != "offer":
        raise InvalidInput("Send an SDP offer (type 'offer').", field="type")
    response, max_seconds = await new_take(
        db, inv, question_id=question_id, take_id=take_id, recording=recording
    )
    try:
        session = await recording.open_take(
            take_id=take_id,
            sdp=sdp,
            sdp_type=sdp_type,
            max_seconds=max_seconds,
            holder=Holder(invitation_id=inv.id, organization_id=inv.organization_id),
        )
    except VivaError:  # a bad offer, a full server or another live take: no take was started
        await db.delete(response)
        await db.commit()
        raise
    return response, session.answer_sdp, max_seconds


async def new_take(
    db: AsyncSession,
    inv: Invitation,
    *,
    question_id: uuid.UUID,
    take_id: uuid.UUID,
    recording: RecordingService,
) -> tuple[Response, int]:
    """Check the rules and commit a new take's response row (recorded live or uploaded).

    Returns the response and the take's maximum length in seconds.
    """
    attempt = require_attempt(inv)
    question = question_of(inv, question_id)
    if question.kind is not QuestionKind.VIDEO:
        raise InvalidInput("This question is answered in writing, not on video.")
    if (await db.execute(select(Response.id).where(Response.take_id == take_id))).first():
        raise Conflict("This take was already started; start a new take with a new id.")
    takes = list(
        (
            await db.execute(
                select(Response).where(Response.attempt_id == attempt.id, Response.question_id == question.id)
            )
        ).scalars()
    )
    for stale in [t for t in takes if t.submitted_at is None]:
        if recording.live(stale.take_id) is not None:
            raise Conflict(
                "A recording for this question is already running in another window. Stop it there first.",
                code="recording_elsewhere",
            )
        await db.delete(stale)  # a take that died with its process and recorded nothing
        recording.uploads.remove(str(stale.take_id))  # or an upload abandoned before its end
    takes = [t for t in takes if t.submitted_at is not None]
    if any(t.accepted_at is not None for t in takes):
        raise Conflict("You have already confirmed your answer to this question.", code="answer_confirmed")
    allowed = 1 + question.retakes_allowed
    if len(takes) >= allowed:
        raise Conflict(
            f"No retakes left for this question: {allowed} take(s) allowed, "
            f"{len(takes)} recorded. Your last take is kept as your answer.",
            code="no_retakes_left",
        )
    max_seconds = scaled_seconds(question.max_answer_s, inv)
    await ensure_clock(db, attempt, question, answering=True)
    response = Response(
        attempt_id=attempt.id,
        question_id=question.id,
        take_id=take_id,
        take=max((t.take for t in takes), default=0) + 1,
        kind=QuestionKind.VIDEO,
        state=ResponseState.UPLOADING,
        is_current=False,
    )
    db.add(response)
    try:
        await db.commit()  # the recorder's end-of-take callback must find this row
    except IntegrityError as exc:  # another start for this question won the race
        await db.rollback()
        raise Conflict(
            "Another take of this question was started at the same moment (another "
            "window or a double click). Use that one, or stop it and start again."
        ) from exc
    return response, max_seconds


async def accept_take(db: AsyncSession, inv: Invitation, take_id: uuid.UUID) -> Response:
    """Confirm a finished take as the answer; no further takes for that question."""
    response = await own_take(db, inv, take_id)
    if response.submitted_at is None:
        raise Conflict("This take is still recording; stop it first.")
    if not response.is_current:
        raise Conflict("A later take replaced this one.")
    response.accepted_at = response.accepted_at or datetime.now(UTC)
    await db.flush()
    return response
