"""A candidate's side of an assessment: consent, progress, written answers, completion."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import (
    Attempt,
    Invitation,
    InvitationStatus,
    Question,
    QuestionClock,
    QuestionKind,
    Response,
    ResponseState,
)
from server.domain.assessments.numbering import candidate_order, scored_numbers
from server.domain.branding.services import candidate_branding
from server.domain.candidate.clocks import clocks_of, ensure_clock, times_of
from server.domain.candidate.consent import consent_terms, consent_version
from server.domain.candidate.limits import scaled_seconds
from server.domain.candidate.schemas import (
    CandidateQuestion,
    CandidateResponse,
    CandidateView,
    WrittenAnswer,
)
from server.domain.invitations.services import effective_status
from server.errors import Conflict, InvalidInput, NotFound

__all__ = [
    "answered_question_ids",
    "begin_question",
    "build_view",
    "complete",
    "consent",
    "get_own_response",
    "save_written",
    "scaled_seconds",
]


def _current(responses: list[Response], question_id: uuid.UUID) -> Response | None:
    takes = [r for r in responses if r.question_id == question_id and r.is_current]
    return takes[-1] if takes else None


def answered_question_ids(responses: list[Response]) -> set[uuid.UUID]:
    return {r.question_id for r in responses if r.is_current and r.submitted_at is not None}


async def _responses(db: AsyncSession, attempt: Attempt | None) -> list[Response]:
    if attempt is None:
        return []
    rows = await db.execute(
        select(Response)
        .where(Response.attempt_id == attempt.id)
        .order_by(Response.question_id, Response.take)
    )
    return list(rows.scalars())


async def _done_question_ids(
    db: AsyncSession,
    inv: Invitation,
    responses: list[Response],
    now: datetime,
) -> tuple[set[uuid.UUID], set[uuid.UUID], dict[uuid.UUID, QuestionClock]]:
    """(answered, closed unanswered by their time limit, clocks by question). A question in
    either set is behind the candidate: a written answer closes when its time is up."""
    answered = answered_question_ids(responses)
    clocks = await clocks_of(db, inv.attempt)
    closed = set()
    for q in inv.assessment.questions:
        ends = times_of(clocks[q.id], q, inv).answer_ends_at if q.id in clocks else None
        if ends is not None and now >= ends and q.id not in answered:
            closed.add(q.id)
    return answered, closed, clocks


async def build_view(db: AsyncSession, inv: Invitation) -> CandidateView:
    """Where the candidate stands. A prompt is revealed once its question's clock has started
    (the candidate chose to begin it) and stays visible for questions behind them.

    Once the assessment is completed the link shows only the thank-you page: no questions,
    prompts or drafts are sent any more.
    """
    assessment = inv.assessment
    now = datetime.now(UTC)
    if inv.status is InvitationStatus.COMPLETED:
        return CandidateView(
            candidate_name=inv.candidate_name,
            assessment_title=assessment.title,
            role=assessment.role,
            intro="",
            estimated_minutes=0,
            status=inv.status.value,
            consented=True,
            consent_version=inv.attempt.consent_version if inv.attempt else "",
            consent_terms=consent_terms(assessment),
            expires_at=inv.expires_at,
            questions=[],
            next_question_id=None,
            answered_count=0,
            scored_question_count=0,
            server_now=now,
            organization=await candidate_branding(db, inv.organization_id),
            english_threshold=assessment.settings.english_threshold,
        )
    responses = await _responses(db, inv.attempt)
    answered, closed, clocks = await _done_question_ids(db, inv, responses, now)
    questions = candidate_order(assessment.questions)
    numbers = scored_numbers(questions)
    next_q = next((q for q in questions if q.id not in answered and q.id not in closed), None)
    items = []
    for q in questions:
        current = _current(responses, q.id)
        takes = len({r.take for r in responses if r.question_id == q.id and r.submitted_at})
        clock = clocks.get(q.id)
        times = times_of(clock, q, inv) if clock is not None else None
        items.append(
            CandidateQuestion(
                id=q.id,
                number=numbers.get(q.id),
                kind=q.kind,
                is_practice=q.is_practice,
                think_time_s=scaled_seconds(q.think_time_s, inv),
                max_answer_s=scaled_seconds(q.max_answer_s, inv),
                max_chars=q.max_chars,
                retakes_allowed=q.retakes_allowed,
                takes_used=takes,
                answered=q.id in answered,
                draft=current.text if current and current.kind is QuestionKind.WRITTEN else None,
                prompt=q.prompt if times is not None else None,
                time_up=q.id in closed,
                think_started_at=times.think_started_at if times else None,
                think_ends_at=times.think_ends_at if times else None,
                answer_started_at=times.answer_started_at if times else None,
                answer_ends_at=times.answer_ends_at if times else None,
            )
        )
    scored = [q for q in questions if not q.is_practice]
    minutes = sum(scaled_seconds(q.think_time_s + q.max_answer_s, inv) for q in questions) / 60

    return CandidateView(
        candidate_name=inv.candidate_name,
        assessment_title=assessment.title,
        role=assessment.role,
        intro=assessment.intro,
        estimated_minutes=max(1, round(minutes)),
        status=effective_status(inv),
        consented=inv.attempt is not None,
        consent_version=consent_version(consent_terms(assessment)),
        consent_terms=consent_terms(assessment),
        expires_at=inv.expires_at,
        questions=items,
        next_question_id=next_q.id if next_q else None,
        answered_count=len([q for q in scored if q.id in answered]),
        scored_question_count=len(scored),
        server_now=now,
        organization=await candidate_branding(db, inv.organization_id),
        english_threshold=assessment.settings.english_threshold,
    )


async def begin_question(db: AsyncSession, inv: Invitation, question_id: uuid.UUID) -> None:
    """Start the next question's clock (its think time) now; again, or from a second tab, it
    keeps the first start. Only the next question can be begun: never one ahead of it."""
    attempt = require_attempt(inv)
    question = question_of(inv, question_id)
    responses = await _responses(db, attempt)
    answered, closed, clocks = await _done_question_ids(db, inv, responses, datetime.now(UTC))
    if question.id in clocks:
        return
    if question.id in answered or question.id in closed:
        raise Conflict("You have already answered this question.", code="already_answered")
    upcoming = next(
        q for q in candidate_order(inv.assessment.questions) if q.id not in answered and q.id not in closed
    )
    if upcoming.id != question.id:
        raise Conflict(
            "Answer the questions in order: another question comes before this one. "
            "Reload the page to continue where you are.",
            code="out_of_order",
        )
    await ensure_clock(db, attempt, question)


async def consent(db: AsyncSession, inv: Invitation, version: str, language: str | None = None) -> Attempt:
    """Record consent (once), with the version and language of the text shown, and start the attempt."""
    if inv.attempt is not None:
        return inv.attempt
    attempt = Attempt(
        invitation_id=inv.id,
        consented_at=datetime.now(UTC),
        consent_version=version,
        consent_language=language,
    )
    db.add(attempt)
    inv.status = InvitationStatus.STARTED
    await db.flush()
    await db.refresh(inv, ["attempt"])
    return attempt


def question_of(inv: Invitation, question_id: uuid.UUID) -> Question:
    for q in inv.assessment.questions:
        if q.id == question_id:
            return q
    raise NotFound("That question is not part of your assessment.")


def require_attempt(inv: Invitation) -> Attempt:
    if inv.attempt is None:
        raise Conflict(
            "Please read the introduction and give your consent before answering.", code="consent_needed"
        )
    return inv.attempt


async def save_written(
    db: AsyncSession, inv: Invitation, question_id: uuid.UUID, data: WrittenAnswer
) -> Response:
    """Autosave a draft or submit a written answer; a submitted answer never changes."""
    attempt = require_attempt(inv)
    question = question_of(inv, question_id)
    if question.kind is not QuestionKind.WRITTEN:
        raise InvalidInput("This question is answered on video, not in writing.")
    if len(data.text) > question.max_chars:
        raise InvalidInput(
            f"Your answer has {len(data.text)} characters; the limit for this "
            f"question is {question.max_chars}. Please shorten it.",
            field="text",
        )
    if data.submit and not data.text.strip():
        raise InvalidInput("Write an answer before submitting.", field="text")
    clock = await ensure_clock(db, attempt, question, answering=True)
    times = times_of(clock, question, inv)
    existing = (
        await db.execute(select(Response).where(Response.take_id == data.take_id))
    ).scalar_one_or_none()
    if existing is not None and (existing.attempt_id != attempt.id or existing.question_id != question.id):
        raise Conflict("That take belongs to another answer; reload the page.")
    submitted = (
        (
            await db.execute(
                select(Response).where(
                    Response.attempt_id == attempt.id,
                    Response.question_id == question.id,
                    Response.submitted_at.is_not(None),
                )
            )
        )
        .scalars()
        .first()
    )
    if (
        existing is not None
        and submitted is not None
        and data.submit
        and existing.id == submitted.id
        and existing.text == data.text
    ):
        return existing  # the same submit sent twice
    if times.written_closed(datetime.now(UTC)):
        kept = (
            "Your last saved draft was kept and submitted as your answer"
            if submitted
            else "Nothing had been saved, so this question has no answer"
        )
        raise Conflict(
            f"The time for this question ran out at {times.answer_ends_at:%H:%M:%S} "
            f"UTC. {kept}; later changes could not be accepted.",
            time_up=True,
            code="written_time_up",
            kept_draft=submitted is not None,
        )
    if submitted is not None:
        raise Conflict(
            "You have already submitted this answer; it can no longer change.", code="answer_submitted"
        )
    response = existing
    if response is None:
        response = (
            (
                await db.execute(
                    select(Response).where(
                        Response.attempt_id == attempt.id,
                        Response.question_id == question.id,
                        Response.is_current.is_(True),
                    )
                )
            )
            .scalars()
            .first()
        )
    if response is None:
        response = Response(
            attempt_id=attempt.id,
            question_id=question.id,
            take_id=data.take_id,
            take=1,
            kind=QuestionKind.WRITTEN,
            state=ResponseState.QUEUED,
        )
        db.add(response)
    response.text = data.text
    if data.submit:
        now = datetime.now(UTC)
        response.submitted_at = now
        response.state = ResponseState.QUEUED
        response.state_changed_at = now
    await db.flush()
    return response


async def complete(db: AsyncSession, inv: Invitation) -> Invitation:
    """Finish the attempt once every scored question has an answer."""
    attempt = require_attempt(inv)
    responses = await _responses(db, attempt)
    answered, closed, _ = await _done_question_ids(db, inv, responses, datetime.now(UTC))
    missing = [
        q
        for q in inv.assessment.questions
        if not q.is_practice and q.id not in answered and q.id not in closed
    ]
    if missing:
        raise Conflict(
            f"{len(missing)} question(s) still need an answer before you can finish.",
            missing=[str(q.id) for q in missing],
            code="questions_missing",
        )
    attempt.completed_at = datetime.now(UTC)
    inv.status = InvitationStatus.COMPLETED
    await db.flush()
    return inv


async def get_own_response(db: AsyncSession, inv: Invitation, response_id: uuid.UUID) -> Response:
    response = await db.get(Response, response_id)
    if response is None or inv.attempt is None or response.attempt_id != inv.attempt.id:
        raise NotFound("No such answer in your assessment.")
    return response


def response_out(r: Response) -> CandidateResponse:
    return CandidateResponse(
        id=r.id,
        question_id=r.question_id,
        take=r.take,
        kind=r.kind,
        text=r.text,
        duration_s=r.duration_s,
        submitted=r.submitted_at is not None,
        is_partial=r.is_partial,
    )
