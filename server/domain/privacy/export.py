"""Everything stored about one candidate, as one JSON document (a subject access request)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import lazyload

from server.db.models import (
    AuditEvent,
    CandidateDemographics,
    Invitation,
    InvitationEmail,
    ProficiencyResult,
    Question,
    Response,
    Review,
    ShareLink,
    Suggestion,
    Transcript,
)

__all__ = ["CandidateExport", "export_candidate"]


class CandidateExport(msgspec.Struct):
    """The candidate's data; media are listed by object key and a (staff-only) download URL."""

    exported_at: datetime
    invitation: dict[str, Any]
    email: dict[str, Any] | None
    demographics: dict[str, Any] | None
    attempt: dict[str, Any] | None
    responses: list[dict[str, Any]]
    share_links: list[dict[str, Any]]
    audit_events: list[dict[str, Any]]


def _by_response(rows: Any) -> dict[uuid.UUID, list[Any]]:
    out: dict[uuid.UUID, list[Any]] = {}
    for row in rows:
        out.setdefault(row.response_id, []).append(row)
    return out


def _media(r: Response, public_url: str) -> dict[str, Any]:
    base = f"{public_url}/api/responses/{r.id}/media"
    media: dict[str, Any] = {}
    for variant, key in (("video", r.media_key), ("poster", r.poster_key), ("audio", r.audio_key)):
        if key:
            media[variant] = {"key": key, "url": f"{base}/{variant}"}
    return media


async def export_candidate(db: AsyncSession, inv: Invitation, *, public_url: str) -> CandidateExport:
    attempt = inv.attempt
    responses: list[Response] = []
    if attempt is not None:
        responses = list(
            (
                await db.execute(
                    select(Response)
                    .where(Response.attempt_id == attempt.id)
                    .order_by(Response.created_at)
                    .options(lazyload(Response.question))
                )
            ).scalars()
        )
    rids = [r.id for r in responses]
    prompts: dict[uuid.UUID, str] = (
        {
            qid: prompt
            for qid, prompt in (
                await db.execute(
                    select(Question.id, Question.prompt).where(
                        Question.id.in_({r.question_id for r in responses})
                    )
                )
            ).all()
        }
        if responses
        else {}
    )
    transcripts = (
        _by_response((await db.execute(select(Transcript).where(Transcript.response_id.in_(rids)))).scalars())
        if rids
        else {}
    )
    suggestions = (
        _by_response(
            (
                await db.execute(
                    select(Suggestion).where(Suggestion.response_id.in_(rids)).order_by(Suggestion.created_at)
                )
            ).scalars()
        )
        if rids
        else {}
    )
    reviews = (
        _by_response(
            (
                await db.execute(
                    select(Review).where(Review.response_id.in_(rids)).order_by(Review.created_at)
                )
            ).scalars()
        )
        if rids
        else {}
    )
    profs = (
        _by_response(
            (
                await db.execute(select(ProficiencyResult).where(ProficiencyResult.response_id.in_(rids)))
            ).scalars()
        )
        if rids
        else {}
    )
    out_responses = []
    for r in responses:
        t = (transcripts.get(r.id) or [None])[0]
        p = (profs.get(r.id) or [None])[0]
        out_responses.append(
            {
                "id": str(r.id),
                "question_id": str(r.question_id),
                "question": prompts.get(r.question_id),
                "take": r.take,
                "kind": r.kind.value,
                "is_current": r.is_current,
                "text": r.text,
                "duration_s": r.duration_s,
                "submitted_at": r.submitted_at,
                "state": r.state.value,
                "review_status": r.review_status.value,
                "media": _media(r, public_url),
                "media_deleted_at": r.media_deleted_at,
                "transcript": None
                if t is None
                else {
                    "text": t.text,
                    "language": t.language,
                    "segments": t.segments,
                    "model": f"{t.model_name} {t.model_version}",
                },
                "suggestions": [
                    {
                        "score": s.score,
                        "low": s.interval_low,
                        "high": s.interval_high,
                        "abstained": s.abstained,
                        "abstain_reason": s.abstain_reason,
                        "is_current": s.is_current,
                        "evidence": s.evidence,
                        "model_versions": s.model_versions,
                        "created_at": s.created_at,
                    }
                    for s in suggestions.get(r.id, [])
                ],
                "reviews": [
                    {
                        "score": rv.score,
                        "decision": rv.decision.value,
                        "reason_code": rv.reason_code,
                        "comment": rv.comment,
                        "reviewer": rv.reviewer.name if rv.reviewer else None,
                        "created_at": rv.created_at,
                    }
                    for rv in reviews.get(r.id, [])
                ],
                "proficiency": None
                if p is None
                else {
                    "band": p.band,
                    "band_low": p.band_low,
                    "band_high": p.band_high,
                    "score": p.score,
                    "meets_threshold": p.meets_threshold,
                    "signals": p.signals,
                    "reliable": p.reliable,
                    "reason": p.reason,
                    "version": p.version,
                },
            }
        )
    email = (
        await db.execute(select(InvitationEmail).where(InvitationEmail.invitation_id == inv.id))
    ).scalar_one_or_none()
    demo = (
        await db.execute(select(CandidateDemographics).where(CandidateDemographics.invitation_id == inv.id))
    ).scalar_one_or_none()
    links = (await db.execute(select(ShareLink).where(ShareLink.invitation_id == inv.id))).scalars()
    about = [inv.id, *rids] + ([attempt.id] if attempt else [])
    events = (
        await db.execute(
            select(AuditEvent)
            .where(or_(AuditEvent.target_id.in_(about), AuditEvent.actor_id == inv.id))
            .order_by(AuditEvent.created_at)
        )
    ).scalars()
    return CandidateExport(
        exported_at=datetime.now(UTC),
        invitation={
            "id": str(inv.id),
            "assessment_id": str(inv.assessment_id),
            "assessment_title": inv.assessment.title,
            "candidate_name": inv.candidate_name,
            "candidate_email": inv.candidate_email,
            "status": inv.status.value,
            "accommodations": dict(inv.accommodations),
            "created_at": inv.created_at,
            "expires_at": inv.expires_at,
            "revoked_at": inv.revoked_at,
        },
        email=None
        if email is None
        else {
            "status": email.status,
            "tries": email.tries,
            "queued_at": email.queued_at,
            "sent_at": email.sent_at,
            "last_error": email.last_error,
        },
        demographics=None
        if demo is None
        else {"sex": demo.sex, "race_ethnicity": demo.race_ethnicity, "given_at": demo.updated_at},
        attempt=None
        if attempt is None
        else {
            "id": str(attempt.id),
            "consented_at": attempt.consented_at,
            "consent_version": attempt.consent_version,
            "consent_language": attempt.consent_language,
            "completed_at": attempt.completed_at,
        },
        responses=out_responses,
        share_links=[
            {
                "id": str(sl.id),
                "created_at": sl.created_at,
                "expires_at": sl.expires_at,
                "revoked_at": sl.revoked_at,
            }
            for sl in links
        ],
        audit_events=[
            {
                "action": e.action,
                "actor_kind": e.actor_kind.value,
                "target_kind": e.target_kind,
                "target_id": str(e.target_id),
                "data": e.data,
                "created_at": e.created_at,
            }
            for e in events
        ],
    )
