"""Deciding on an answer: the review page, confirm/override, two-reviewer agreement, resolution.

Rules, in one place:

* Every decision carries the ``review_version`` the reviewer saw. The version is bumped with a
  conditional ``UPDATE ... WHERE review_version = :seen`` before the review row is written, so of
  two concurrent decisions exactly one wins; the other gets 409 naming who saved first.
* With ``reviews_per_response = N >= 2`` each reviewer decides once; after N independent reviews
  the answer is ``reviewed`` when all N scores are **equal** and ``conflict`` otherwise (exact
  agreement, so the final score is one rubric level and "the latest review is decisive" stays
  true for training). A conflict is settled by ``resolve`` from an admin or a reviewer who did
  not take part. Adjacent agreement is reported by ``/api/review/agreement`` but does not settle.
* With N = 1 a later decision (with the current version) supersedes the earlier one, in the
  audit log with before and after.
* Blind review: while an answer still collects independent reviews and I have not given mine,
  the AI suggestion (score, interval, evidence, abstention) is withheld from me, and so are the
  other reviewers' decisions when N >= 2. A blind reviewer gives a score; the stored decision is
  ``confirm`` when it equals the suggested level and ``override`` otherwise.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.attributes import set_committed_value

from server.audit import record_by
from server.auth.staff import Staff
from server.db.documents import AssessmentSettings
from server.db.models import (
    Assessment,
    Attempt,
    EnglishReview,
    Invitation,
    ProficiencyResult,
    Question,
    Response,
    ResponseState,
    Review,
    ReviewDecision,
    ReviewStatus,
    Rubric,
    Suggestion,
    Transcript,
)
from server.domain.assessments.members import visible
from server.domain.assessments.numbering import scored_number_column
from server.domain.integrations import events as webhook_events
from server.domain.responses.services import media_urls
from server.domain.responses.views import (
    proficiency_view,
    suggested_level,
    suggestion_view,
    transcript_view,
)
from server.domain.reviews.queue import QueueFilter, next_in_queue
from server.domain.reviews.schemas import (
    Disagreement,
    QuestionView,
    ResolveIn,
    ReviewIn,
    ReviewItem,
    ReviewOut,
    ReviewResult,
    RubricLevelView,
)
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.security.media_links import MediaLinkSigner

__all__ = ["decide", "resolve", "review_item", "suggested_level"]

COLLECTING = (ReviewStatus.PENDING, ReviewStatus.PARTIAL)


@dataclass(slots=True)
class _Target:
    response: Response
    invitation_id: uuid.UUID
    candidate_name: str
    assessment_id: uuid.UUID
    assessment_title: str
    settings: AssessmentSettings
    scale: tuple[int, int]
    question_number: int | None  # as staff screens show it; None for a practice question

    @property
    def required(self) -> int:
        return self.settings.reviews_per_response

    @property
    def blind(self) -> bool:
        return self.settings.blind_review


async def _target(
    db: AsyncSession, staff: Staff, response_id: uuid.UUID, *, with_question: bool = False
) -> _Target:
    stmt = (
        select(
            Response,
            Invitation.id,
            Invitation.candidate_name,
            Assessment.id,
            Assessment.title,
            Assessment.settings,
            Rubric.scale_min,
            Rubric.scale_max,
            scored_number_column(),
        )
        .join(Question, Question.id == Response.question_id)
        .join(Assessment, Assessment.id == Question.assessment_id)
        .join(Attempt, Attempt.id == Response.attempt_id)
        .join(Invitation, Invitation.id == Attempt.invitation_id)
        .outerjoin(Rubric, Rubric.question_id == Question.id)
        .where(Response.id == response_id, Assessment.organization_id == staff.organization_id)
    )
    # the same rule as the queue: an assessment assigned to other reviewers stays out of reach
    if (shown := visible(staff)) is not None:
        stmt = stmt.where(shown)
    if not with_question:
        stmt = stmt.options(lazyload(Response.question))
    row = (await db.execute(stmt)).first()
    if row is None:
        raise NotFound("No such answer in your organization, or its assessment is not shared with you.")
    r, inv_id, name, aid, title, settings, lo, hi, number = row
    return _Target(
        response=r,
        invitation_id=inv_id,
        candidate_name=name,
        assessment_id=aid,
        assessment_title=title,
        settings=settings,
        scale=(lo if lo is not None else 1, hi if hi is not None else 5),
        question_number=number,
    )


async def _suggestion(db: AsyncSession, response_id: uuid.UUID) -> Suggestion | None:
    return (
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


async def _reviews(db: AsyncSession, response_id: uuid.UUID) -> list[Review]:
    return list(
        (
            await db.execute(
                select(Review).where(Review.response_id == response_id).order_by(Review.created_at, Review.id)
            )
        ).scalars()
    )


def _review_out(r: Review) -> ReviewOut:
    return ReviewOut(
        id=r.id,
        reviewer_id=r.reviewer_id,
        reviewer_name=r.reviewer.name if r.reviewer is not None else None,
        decision=r.decision,
        score=r.score,
        reason_code=r.reason_code,
        comment=r.comment,
        suggestion_id=r.suggestion_id,
        created_at=r.created_at,
    )


def _disagreement(score: int, s: Suggestion | None, scale: tuple[int, int]) -> Disagreement:
    level = suggested_level(s, scale)
    within = None
    if s is not None and s.interval_low is not None and s.interval_high is not None:
        within = s.interval_low <= score <= s.interval_high
    return Disagreement(
        my_score=score,
        suggested_score=None if s is None else s.score,
        suggested_level=level,
        low=None if s is None else s.interval_low,
        high=None if s is None else s.interval_high,
        abstained=s is None or s.abstained,
        difference=None if level is None else score - level,
        agrees=None if level is None else score == level,
        within_interval=within,
    )


def _independent(reviews: list[Review]) -> list[Review]:
    return [r for r in reviews if r.decision is not ReviewDecision.RESOLVE]


def _final(status: ReviewStatus, reviews: list[Review]) -> int | None:
    return reviews[-1].score if status is ReviewStatus.REVIEWED and reviews else None


def _ago(when: datetime) -> str:
    secs = max(0, int((datetime.now(UTC) - when).total_seconds()))
    if secs < 90:
        return f"{secs} s"
    if secs < 90 * 60:
        return f"{secs // 60} min"
    if secs < 36 * 3600:
        return f"{secs // 3600} h"
    return f"on {when:%d %B %Y}"


async def _stale(db: AsyncSession, staff: Staff, response_id: uuid.UUID) -> Conflict:
    """409 naming who saved last, read after the losing UPDATE (so it sees the winner's commit)."""
    version = (
        await db.execute(select(Response.review_version).where(Response.id == response_id))
    ).scalar_one()
    latest = (
        (
            await db.execute(
                select(Review)
                .where(Review.response_id == response_id)
                .order_by(Review.created_at.desc(), Review.id.desc())
                .limit(1)
            )
        )
        .scalars()
        .first()
    )
    if latest is None:
        return Conflict(
            "This answer changed since you opened it; reload to see its current state.",
            current_version=version,
        )
    mine = latest.reviewer_id == staff.user_id
    who = "You" if mine else (latest.reviewer.name if latest.reviewer else "Another reviewer")
    verb = "resolved" if latest.decision is ReviewDecision.RESOLVE else "reviewed"
    whose = "your" if mine else "their"
    return Conflict(
        f"{who} {verb} this {_ago(latest.created_at)} ago; reload to see {whose} decision.",
        current_version=version,
        saved_by=who,
    )


async def _bump(db: AsyncSession, staff: Staff, t: _Target, expected: int, status: ReviewStatus) -> None:
    """Claim the next version; of two concurrent claims on one version exactly one succeeds."""
    done = await db.execute(
        update(Response)
        .where(Response.id == t.response.id, Response.review_version == expected)
        .values(review_version=expected + 1, review_status=status)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise await _stale(db, staff, t.response.id)
    set_committed_value(t.response, "review_version", expected + 1)
    set_committed_value(t.response, "review_status", status)
    await webhook_events.review_status_changed(db, t.response, status)


def _check_reviewable(r: Response) -> None:
    if not r.is_current:
        raise Conflict("This take was replaced by a retake; review the candidate's current answer.")
    if r.state is not ResponseState.READY:
        raise Conflict(
            f"This answer is still being processed ({r.state.value}); it can be reviewed once it is ready."
        )


def _suggestion_audit(s: Suggestion | None, scale: tuple[int, int]) -> dict[str, Any] | None:
    if s is None:
        return None
    return {
        "id": str(s.id),
        "score": s.score,
        "rounded_level": suggested_level(s, scale),
        "low": s.interval_low,
        "high": s.interval_high,
        "level": s.level,
        "abstained": s.abstained,
        "abstain_reason": s.abstain_reason,
    }


def _in_scale(score: int | None, scale: tuple[int, int]) -> int:
    if score is None or not scale[0] <= score <= scale[1]:
        raise InvalidInput(f"Give a score from {scale[0]} to {scale[1]} (the rubric's scale).", field="score")
    return score


def _decision(
    data: ReviewIn, s: Suggestion | None, scale: tuple[int, int], blind: bool
) -> tuple[int, ReviewDecision, str | None]:
    """The score, stored decision and reason code a request amounts to (422 when it cannot stand)."""
    reason = data.reason_code
    if reason == "other" and not data.comment.strip():
        raise InvalidInput(
            "Reason 'other' needs a comment saying what the suggestion got wrong.", field="comment"
        )
    level = suggested_level(s, scale)
    if blind:  # the reviewer has not seen the suggestion: their own score decides
        score = _in_scale(data.score, scale)
        return score, (ReviewDecision.CONFIRM if score == level else ReviewDecision.OVERRIDE), reason
    if data.decision == "confirm":
        if level is None:
            why = f" ({s.abstain_reason})" if s is not None and s.abstain_reason else ""
            raise InvalidInput(
                "There is no suggested score to confirm: the AI abstained"
                + why
                + ". Override with your own score and a reason.",
                field="decision",
            )
        if data.score is not None and data.score != level:
            raise InvalidInput(
                f"Confirming takes the suggested level {level}; to give "
                f"{data.score}, override with a reason.",
                field="score",
            )
        return level, ReviewDecision.CONFIRM, None
    score = _in_scale(data.score, scale)
    if reason is None:
        raise InvalidInput("Say why you override the suggestion: choose a reason code.", field="reason_code")
    return score, ReviewDecision.OVERRIDE, reason


async def decide(
    db: AsyncSession, staff: Staff, response_id: uuid.UUID, data: ReviewIn, queue: QueueFilter
) -> ReviewResult:
    """Record a reviewer's confirm or override of one answer."""
    t = await _target(db, staff, response_id)
    r = t.response
    _check_reviewable(r)
    s = await _suggestion(db, r.id)
    reviews = await _reviews(db, r.id)
    independent = _independent(reviews)
    mine = any(rv.reviewer_id == staff.user_id for rv in independent)
    withheld = t.blind and r.review_status in COLLECTING and not mine
    score, decision, reason = _decision(data, s, t.scale, withheld)
    if data.expected_version != r.review_version:
        raise await _stale(db, staff, r.id)
    before = {
        "review_status": r.review_status.value,
        "review_version": r.review_version,
        "final_score": _final(r.review_status, reviews),
    }
    agree: bool | None = None
    if t.required >= 2:
        if r.review_status not in COLLECTING:
            raise Conflict(
                f"This answer already has its {t.required} independent reviews "
                f"({r.review_status.value}); a disagreement is settled by resolving it."
            )
        if mine:
            raise Conflict(
                f"You already reviewed this answer; {t.required} different reviewers "
                "must score it independently."
            )
        scores = [rv.score for rv in independent] + [score]
        if len(scores) < t.required:
            status = ReviewStatus.PARTIAL
        else:
            agree = len(set(scores)) == 1
            status = ReviewStatus.REVIEWED if agree else ReviewStatus.CONFLICT
    elif r.review_status is ReviewStatus.CONFLICT:
        raise Conflict("The reviewers of this answer disagree; it is settled by resolving it.")
    else:
        status = ReviewStatus.REVIEWED
    await _bump(db, staff, t, data.expected_version, status)
    review = Review(
        response_id=r.id,
        reviewer_id=staff.user_id,
        suggestion_id=None if s is None else s.id,
        score=score,
        decision=decision,
        reason_code=reason,
        comment=data.comment.strip(),
    )
    db.add(review)
    await db.flush()
    await db.refresh(review, ["reviewer"])
    final = score if status is ReviewStatus.REVIEWED else None
    record_by(
        staff,
        db,
        action=f"review.{decision.value}",
        target_kind="response",
        target_id=r.id,
        data={
            "review_id": str(review.id),
            "before": before,
            "after": {
                "review_status": status.value,
                "review_version": r.review_version,
                "final_score": final,
                "score": score,
                "decision": decision.value,
                "reason_code": reason,
                "comment": review.comment,
            },
            "blind": withheld,
            "suggestion": _suggestion_audit(s, t.scale),
        },
    )
    return ReviewResult(
        review=_review_out(review),
        review_status=status,
        review_version=r.review_version,
        final_score=final,
        disagreement=_disagreement(score, s, t.scale),
        reviewers_agree=agree,
        next_id=await next_in_queue(db, staff, queue, after=r.id),
    )


async def resolve(
    db: AsyncSession, staff: Staff, response_id: uuid.UUID, data: ResolveIn, queue: QueueFilter
) -> ReviewResult:
    """Set the final score of an answer whose independent reviewers disagree."""
    t = await _target(db, staff, response_id)
    r = t.response
    _check_reviewable(r)
    reviews = await _reviews(db, r.id)
    if data.expected_version != r.review_version:
        raise await _stale(db, staff, r.id)
    if r.review_status is not ReviewStatus.CONFLICT:
        raise Conflict(
            f"Only answers whose reviewers disagree need resolving; this one is {r.review_status.value}."
        )
    if not staff.is_admin and any(rv.reviewer_id == staff.user_id for rv in _independent(reviews)):
        raise Forbidden("You gave one of the disagreeing reviews; an admin or a third reviewer resolves it.")
    score = _in_scale(data.score, t.scale)
    if not data.comment.strip():
        raise InvalidInput("Say in a comment why this score settles the disagreement.", field="comment")
    s = await _suggestion(db, r.id)
    before = {
        "review_status": r.review_status.value,
        "review_version": r.review_version,
        "final_score": None,
        "scores": [rv.score for rv in _independent(reviews)],
    }
    await _bump(db, staff, t, data.expected_version, ReviewStatus.REVIEWED)
    review = Review(
        response_id=r.id,
        reviewer_id=staff.user_id,
        suggestion_id=None if s is None else s.id,
        score=score,
        decision=ReviewDecision.RESOLVE,
        comment=data.comment.strip(),
    )
    db.add(review)
    await db.flush()
    await db.refresh(review, ["reviewer"])
    record_by(
        staff,
        db,
        action="review.resolve",
        target_kind="response",
        target_id=r.id,
        data={
            "review_id": str(review.id),
            "before": before,
            "after": {
                "review_status": ReviewStatus.REVIEWED.value,
                "review_version": r.review_version,
                "final_score": score,
                "score": score,
                "decision": "resolve",
                "comment": review.comment,
            },
            "suggestion": _suggestion_audit(s, t.scale),
        },
    )
    return ReviewResult(
        review=_review_out(review),
        review_status=ReviewStatus.REVIEWED,
        review_version=r.review_version,
        final_score=score,
        disagreement=_disagreement(score, s, t.scale),
        reviewers_agree=None,
        next_id=await next_in_queue(db, staff, queue, after=r.id),
    )


def _question_view(q: Question, number: int | None) -> QuestionView:
    rubric = q.rubric
    return QuestionView(
        id=q.id,
        position=q.position,
        number=number,
        prompt=q.prompt,
        kind=q.kind,
        competency_key=q.competency.key if q.competency else None,
        competency_name=q.competency.name if q.competency else None,
        scale_min=rubric.scale_min if rubric else 1,
        scale_max=rubric.scale_max if rubric else 5,
        levels=[RubricLevelView(level=lv.level, descriptor=lv.descriptor) for lv in rubric.levels]
        if rubric
        else [],
        reveals=rubric.reveals if rubric else "",
        red_flags=rubric.red_flags if rubric else "",
    )


async def review_item(
    db: AsyncSession,
    staff: Staff,
    response_id: uuid.UUID,
    queue: QueueFilter,
    signer: MediaLinkSigner | None = None,
) -> ReviewItem:
    """The review page of one answer, with what blind mode and independence allow me to see."""
    t = await _target(db, staff, response_id, with_question=True)
    r = t.response
    s = await _suggestion(db, r.id)
    reviews = await _reviews(db, r.id)
    transcript = (
        await db.execute(select(Transcript).where(Transcript.response_id == r.id))
    ).scalar_one_or_none()
    prof = (
        await db.execute(select(ProficiencyResult).where(ProficiencyResult.response_id == r.id))
    ).scalar_one_or_none()
    independent = _independent(reviews)
    mine = next((rv for rv in reversed(independent) if rv.reviewer_id == staff.user_id), None)
    collecting = r.review_status in COLLECTING
    withheld = t.blind and collecting and mine is None
    # Blind review hides the AI's English level until this person gave their own for the candidate
    english_withheld = (
        t.blind
        and prof is not None
        and (
            await db.execute(
                select(EnglishReview.id)
                .where(
                    EnglishReview.invitation_id == t.invitation_id, EnglishReview.reviewer_id == staff.user_id
                )
                .limit(1)
            )
        ).first()
        is None
    )
    hide_others = t.required >= 2 and collecting and mine is None
    shown = [rv for rv in reviews if rv.reviewer_id == staff.user_id] if hide_others else reviews
    ready = r.is_current and r.state is ResponseState.READY
    if t.required >= 2:
        can_review = ready and collecting and mine is None
    else:
        can_review = ready and r.review_status is not ReviewStatus.CONFLICT
    can_resolve = (
        ready
        and r.review_status is ReviewStatus.CONFLICT
        and (staff.is_admin or not any(rv.reviewer_id == staff.user_id for rv in independent))
    )
    # Signed, expiring media links for people (server/security/media_links.py); API tokens get
    # plain ones, authorized by the token.
    media = media_urls(r, None if staff.via_token else signer, staff.user_id)
    return ReviewItem(
        id=r.id,
        review_version=r.review_version,
        review_status=r.review_status,
        reviews_required=t.required,
        invitation_id=t.invitation_id,
        candidate_name=t.candidate_name,
        assessment_id=t.assessment_id,
        assessment_title=t.assessment_title,
        blind_review=t.blind,
        question=_question_view(r.question, t.question_number),
        kind=r.kind,
        take=r.take,
        text=r.text,
        duration_s=r.duration_s,
        is_partial=r.is_partial,
        submitted_at=r.submitted_at,
        video_url=media["video_url"],
        poster_url=media["poster_url"],
        transcript=None if transcript is None else transcript_view(transcript),
        proficiency=None if prof is None else proficiency_view(prof, withheld=english_withheld),
        suggestion=None if (s is None or withheld) else suggestion_view(s, t.scale),
        suggestion_withheld=withheld,
        withheld_reason=("Blind review: the AI suggestion is shown once you have given your own score.")
        if withheld
        else None,
        reviews=[_review_out(rv) for rv in shown],
        reviews_hidden=len(reviews) - len(shown),
        my_review=None if mine is None else _review_out(mine),
        disagreement=None if mine is None else _disagreement(mine.score, s, t.scale),
        can_review=can_review,
        can_resolve=can_resolve,
        next_id=await next_in_queue(db, staff, queue, after=r.id),
    )
