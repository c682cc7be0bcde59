"""Candidate reports: human scores where decided, else unconfirmed suggestions, aggregated.

Per question the score is the decisive (latest) review of a reviewed answer, else the current
suggestion marked unconfirmed. ``scoring.aggregate`` combines them into competency, dimension
and overall scores on 0-100; human scores carry no model uncertainty, abstentions and missing
answers are never imputed (see ``coverage``). The English band is the median of the answers'
CEFR bands, with the lowest and highest band as its range.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import lazyload
from sqlalchemy.sql.elements import ColumnElement

from scoring import aggregate as agg
from scoring.proficiency.candidate import AnswerLevel, combine_answers
from scoring.suggestion import Suggestion as ScoredSuggestion
from server.db.models import (
    Assessment,
    Attempt,
    Invitation,
    ProficiencyResult,
    Question,
    Response,
    ResponseState,
    Review,
    ReviewStatus,
    Suggestion,
)
from server.domain.assessments.numbering import candidate_order, scored_numbers
from server.domain.invitations.services import effective_status
from server.domain.reports.built_cache import built_scores
from server.domain.reports.english import english_for_viewer
from server.domain.reports.schemas import (
    CohortExport,
    CohortRow,
    CompareOut,
    CompareRow,
    EnglishOut,
    InvitationReport,
    NoteOut,
    QuestionResult,
    ScoreOut,
)
from server.domain.reviews.services import suggested_level
from server.errors import NotFound

__all__ = ["CEFR", "cohort", "compare", "english_band", "get_invitation", "invitation_report"]

CEFR = ("A1", "A2", "B1", "B2", "C1", "C2")


@dataclass(slots=True)
class _Answer:
    response: Response
    suggestion: Suggestion | None = None
    reviews: list[Review] = field(default_factory=list)
    proficiency: ProficiencyResult | None = None


async def get_invitation(
    db: AsyncSession, organization_id: uuid.UUID | None, invitation_id: uuid.UUID
) -> Invitation:
    inv = await db.get(Invitation, invitation_id)
    if inv is None or (organization_id is not None and inv.organization_id != organization_id):
        raise NotFound("No such candidate in your organization.")
    return inv


async def _answers(db: AsyncSession, where: ColumnElement[bool]) -> dict[uuid.UUID, dict[uuid.UUID, _Answer]]:
    """Current answers by invitation and question, with suggestion, reviews and proficiency;
    four queries whatever the number of candidates."""

    def scoped(stmt: Any, col: Any) -> Any:
        return (
            stmt.join(Response, Response.id == col)
            .join(Attempt, Attempt.id == Response.attempt_id)
            .join(Invitation, Invitation.id == Attempt.invitation_id)
            .where(where, Response.is_current.is_(True))
        )

    rows = (
        await db.execute(
            select(Response, Attempt.invitation_id)
            .join(Attempt, Attempt.id == Response.attempt_id)
            .join(Invitation, Invitation.id == Attempt.invitation_id)
            .where(where, Response.is_current.is_(True))
            .options(lazyload(Response.question))
        )
    ).all()
    by_id = {r.id: _Answer(response=r) for r, _ in rows}
    for s in (
        await db.execute(
            scoped(select(Suggestion), Suggestion.response_id)
            .where(Suggestion.is_current.is_(True))
            .order_by(Suggestion.created_at)
        )
    ).scalars():
        by_id[s.response_id].suggestion = s
    for rv in (
        await db.execute(scoped(select(Review), Review.response_id).order_by(Review.created_at, Review.id))
    ).scalars():
        by_id[rv.response_id].reviews.append(rv)
    for p in (await db.execute(scoped(select(ProficiencyResult), ProficiencyResult.response_id))).scalars():
        by_id[p.response_id].proficiency = p
    out: dict[uuid.UUID, dict[uuid.UUID, _Answer]] = defaultdict(dict)
    for r, inv_id in rows:
        out[inv_id][r.question_id] = by_id[r.id]
    return out


def _scale(q: Question) -> tuple[int, int]:
    return (q.rubric.scale_min, q.rubric.scale_max) if q.rubric else (1, 5)


def _question_result(
    q: Question, number: int, a: _Answer | None, hide_unconfirmed: bool, dimension: str | None
) -> tuple[QuestionResult, agg.ResponseScore | None]:
    lo, hi = _scale(q)
    comp = q.competency.name if q.competency else None
    base: dict[str, Any] = {
        "question_id": q.id,
        "position": q.position,
        "number": number,
        "prompt": q.prompt,
        "competency": comp,
        "dimension": dimension,
        "scale_min": lo,
        "scale_max": hi,
        "response_id": None,
        "review_status": None,
        "source": "missing",
        "confirmed": False,
        "score": None,
        "low": None,
        "high": None,
        "decision": None,
        "abstain_reason": None,
        "english_band": None,
    }
    if a is None:
        return QuestionResult(**base), None
    r, s = a.response, a.suggestion
    base.update(
        response_id=r.id,
        review_status=r.review_status.value,
        english_band=a.proficiency.band if a.proficiency else None,
    )
    if r.review_status is ReviewStatus.REVIEWED and a.reviews:
        final = a.reviews[-1]
        base.update(source="human", confirmed=True, score=float(final.score), decision=final.decision.value)
        return QuestionResult(**base), agg.ResponseScore(
            question_id=str(q.id), scale_low=lo, scale_high=hi, human_score=float(final.score)
        )
    if r.state is not ResponseState.READY or s is None:
        base["source"] = "failed" if r.state is ResponseState.FAILED else "processing"
        return QuestionResult(**base), None
    if hide_unconfirmed:
        base["source"] = "withheld"
        return QuestionResult(**base), None
    scored = ScoredSuggestion(
        score=s.score,
        rounded_level=suggested_level(s, (lo, hi)),
        interval_low=s.interval_low,
        interval_high=s.interval_high,
        level=s.level,
        abstained=s.abstained or s.score is None,
    )
    if scored.abstained:
        base.update(source="abstained", abstain_reason=s.abstain_reason)
    else:
        base.update(source="suggestion", score=s.score, low=s.interval_low, high=s.interval_high)
    return QuestionResult(**base), agg.ResponseScore(
        question_id=str(q.id), scale_low=lo, scale_high=hi, suggestion=scored
    )


def _score_out(s: agg.AggregateScore) -> ScoreOut:
    return ScoreOut(
        name=s.name,
        score=s.score,
        low=s.low,
        high=s.high,
        level=s.level,
        coverage=s.coverage,
        n_responses=s.n_responses,
        n_scored=s.n_scored,
        n_human=s.n_human,
        missing=list(s.missing),
        abstained=list(s.abstained),
        partial=s.partial,
        note=s.note,
    )


def _words(p: ProficiencyResult) -> int:
    for sig in p.signals or ():
        if sig.name == "words" and sig.value is not None:
            return int(sig.value)
    return 0


def english_band(profs: list[ProficiencyResult], threshold: str) -> EnglishOut:
    """The candidate's level from every answer's (``scoring.proficiency.candidate``), checked three ways."""
    levels = [
        AnswerLevel(score=p.score, score_low=p.score_low, score_high=p.score_high, words=_words(p))
        for p in profs
        if p.score is not None and p.score_low is not None and p.score_high is not None
    ]
    if threshold not in CEFR:
        threshold = "B2"
    c = combine_answers(levels, threshold)
    return EnglishOut(
        band=c.band,
        band_low=c.band_low,
        band_high=c.band_high,
        threshold=threshold,
        meets_threshold={"likely_meets": True, "likely_below": False}.get(c.verdict),
        responses=c.answers,
        verdict=c.verdict,
        score=c.score,
        score_low=c.score_low,
        score_high=c.score_high,
        words=c.words,
    )


@dataclass(slots=True)
class _Built:
    questions: list[QuestionResult]
    result: agg.AggregateResult
    notes: list[NoteOut]
    counts: dict[str, int]
    english: EnglishOut


def _build(a: Assessment, answers: dict[uuid.UUID, _Answer], hide_unconfirmed: bool) -> _Built:
    level = a.settings.interval_level
    numbers = scored_numbers(a.questions)
    scored_qs = [q for q in candidate_order(a.questions) if not q.is_practice]
    dim_of = {c.id: d.name for d in a.dimensions for c in d.competencies}
    questions, scores = [], {}
    counts = dict.fromkeys(
        ("confirmed", "overridden", "resolved", "unconfirmed", "needs_human", "missing"), 0
    )
    for q in scored_qs:
        res, rs = _question_result(
            q,
            numbers[q.id],
            answers.get(q.id),
            hide_unconfirmed,
            dim_of.get(q.competency_id) if q.competency_id else None,
        )
        questions.append(res)
        if rs is not None:
            scores[str(q.id)] = rs
        key = {
            "human": {"confirm": "confirmed", "override": "overridden", "resolve": "resolved"}.get(
                res.decision or "", "confirmed"
            ),
            "suggestion": "unconfirmed",
            "abstained": "needs_human",
            "withheld": "unconfirmed",
        }.get(res.source, "missing")
        counts[key] += 1
    dims = [
        agg.Dimension(
            name=d.name,
            weight=d.weight,
            competencies=tuple(
                agg.Competency(
                    name=c.name, question_ids=tuple(str(q.id) for q in scored_qs if q.competency_id == c.id)
                )
                for c in d.competencies
            ),
        )
        for d in a.dimensions
    ]
    position = {q.id: q.position for q in scored_qs}
    notes = [
        NoteOut(
            question_position=position[ans.response.question_id],
            question_number=numbers[ans.response.question_id],
            reviewer_name=rv.reviewer.name if rv.reviewer else None,
            decision=rv.decision.value,
            score=rv.score,
            reason_code=rv.reason_code,
            comment=rv.comment,
            created_at=rv.created_at,
        )
        for ans in answers.values()
        if ans.response.question_id in position
        for rv in ans.reviews
        if rv.comment.strip()
    ]
    notes.sort(key=lambda n: (n.question_number, n.created_at))
    profs = [
        ans.proficiency
        for ans in answers.values()
        if ans.proficiency is not None and ans.response.question_id in position
    ]
    english = english_band(profs, a.settings.english_threshold)
    return _Built(
        questions=questions,
        result=agg.aggregate(dims, scores, level=level),
        notes=notes,
        counts=counts,
        english=english,
    )


def build_cohort_member(a: Assessment, answers: dict[uuid.UUID, _Answer] | None, hide: bool) -> _Built:
    """``_build`` as ``built_cache.built_scores`` calls it (no answers: an empty candidate)."""
    return _build(a, answers or {}, hide)


async def _assessment(db: AsyncSession, assessment_id: uuid.UUID) -> Assessment:
    a = await db.get(Assessment, assessment_id)
    assert a is not None
    return a


def _hide(a: Assessment, viewer_is_admin: bool) -> bool:
    """Blind review: reviewers must not read unconfirmed AI scores off a report either."""
    return a.settings.blind_review and not viewer_is_admin


async def invitation_report(
    db: AsyncSession,
    inv: Invitation,
    *,
    viewer_is_admin: bool,
    shared: bool = False,
    viewer_id: uuid.UUID | None = None,
) -> InvitationReport:
    a = await _assessment(db, inv.assessment_id)
    answers = (await _answers(db, Invitation.id == inv.id)).get(inv.id, {})
    built = _build(a, answers, _hide(a, viewer_is_admin))
    english = await english_for_viewer(
        db, inv, built.english, viewer_id=viewer_id, blind=_hide(a, viewer_is_admin) and not shared
    )
    questions, notes = built.questions, built.notes
    if shared:  # the recipient sees scores, notes and who wrote them, not where answers live
        questions = [msgspec.structs.replace(q, response_id=None) for q in questions]
    return InvitationReport(
        invitation_id=inv.id,
        candidate_name=inv.candidate_name,
        candidate_email=None if shared else inv.candidate_email,
        assessment_id=a.id,
        assessment_title=a.title,
        status=effective_status(inv),
        level=built.result.overall.level,
        overall=_score_out(built.result.overall),
        dimensions=[_score_out(d) for d in built.result.dimensions],
        competencies=[_score_out(c) for c in built.result.competencies],
        questions=questions,
        english=english,
        notes=notes,
        counts=built.counts,
        generated_at=datetime.now(UTC),
        shared=shared,
    )


async def ai_english(db: AsyncSession, inv: Invitation) -> EnglishOut:
    """The AI's English level of one candidate, unhidden (what a person's decision is stored against)."""
    a = await _assessment(db, inv.assessment_id)
    answers = (await _answers(db, Invitation.id == inv.id)).get(inv.id, {})
    return _build(a, answers, False).english


async def compare(
    db: AsyncSession, organization_id: uuid.UUID, assessment_id: uuid.UUID, *, viewer_is_admin: bool
) -> CompareOut:
    """Candidates of one assessment side by side (those with at least one answer), best first."""
    a = await db.get(Assessment, assessment_id)
    if a is None or a.organization_id != organization_id:
        raise NotFound("No such assessment in your organization.")
    hide = _hide(a, viewer_is_admin)
    built_by = await built_scores(
        db, a, Invitation.assessment_id == assessment_id, hide, _answers, build_cohort_member
    )
    invs = (
        {
            i.id: i
            for i in (
                await db.execute(
                    select(Invitation)
                    .where(Invitation.id.in_(list(built_by)))
                    .options(lazyload(Invitation.attempt), lazyload(Invitation.assessment))
                )
            ).scalars()
        }
        if built_by
        else {}
    )
    rows = []
    for inv_id, built in built_by.items():
        inv = invs[inv_id]
        rows.append(
            CompareRow(
                invitation_id=inv_id,
                candidate_name=inv.candidate_name,
                status=effective_status(inv),
                overall=_score_out(built.result.overall),
                dimensions=[_score_out(d) for d in built.result.dimensions],
                confirmed=sum(built.counts[k] for k in ("confirmed", "overridden", "resolved")),
                unconfirmed=built.counts["unconfirmed"] + built.counts["needs_human"],
            )
        )
    rows.sort(key=lambda r: (r.overall.score is None, -(r.overall.score or 0.0), r.candidate_name))
    return CompareOut(
        assessment_id=a.id,
        assessment_title=a.title,
        dimensions=[{"name": d.name, "weight": d.weight} for d in a.dimensions],
        rows=rows,
    )


async def cohort(
    db: AsyncSession,
    organization_id: uuid.UUID,
    assessment_id: uuid.UUID,
    *,
    viewer_is_admin: bool,
    viewer_id: uuid.UUID | None,
    public_url: str,
    ids: list[uuid.UUID] | None = None,
) -> CohortExport:
    """Every candidate of the assessment (or ``ids`` of it), as the viewer may see them."""
    from server.domain.invitations.stages import StageCounts, stage_counts, stage_of

    a = await db.get(Assessment, assessment_id)
    if a is None or a.organization_id != organization_id:
        raise NotFound("No such assessment in your organization.")
    where: ColumnElement[bool] = (Invitation.organization_id == organization_id) & (
        Invitation.assessment_id == assessment_id
    )
    if ids is not None:
        where = where & Invitation.id.in_(ids)
    invs = list((await db.execute(select(Invitation).where(where).order_by(Invitation.created_at))).scalars())
    answers = await _answers(db, where)
    counts = await stage_counts(db, where)
    hide = _hide(a, viewer_is_admin)
    now = datetime.now(UTC)
    rows = []
    for inv in invs:
        built = _build(a, answers.get(inv.id, {}), hide)
        eng = await english_for_viewer(db, inv, built.english, viewer_id=viewer_id, blind=hide)
        rows.append(
            CohortRow(
                invitation_id=inv.id,
                candidate_name=inv.candidate_name,
                candidate_email=inv.candidate_email,
                status=effective_status(inv),
                stage=stage_of(inv, counts.get(inv.id, StageCounts()), now),
                decision=inv.decision.value if inv.decision else None,
                decision_reason=inv.decision_reason,
                decision_note=inv.decision_note,
                decided_at=inv.decided_at,
                completed_at=inv.attempt.completed_at if inv.attempt else None,
                overall=_score_out(built.result.overall),
                dimensions=[_score_out(d) for d in built.result.dimensions],
                competencies=[_score_out(c) for c in built.result.competencies],
                english=eng,
                counts=built.counts,
                report_url=f"{public_url}/app/reports/{inv.id}",
            )
        )
    table = await compare(db, organization_id, assessment_id, viewer_is_admin=viewer_is_admin)
    if ids is not None:
        wanted = set(ids)
        table = msgspec.structs.replace(table, rows=[r for r in table.rows if r.invitation_id in wanted])
    return CohortExport(
        assessment_id=a.id,
        assessment_title=a.title,
        generated_at=now,
        dimensions=[d.name for d in a.dimensions],
        competencies=[c.name for d in a.dimensions for c in d.competencies],
        candidates=rows,
        compare=table,
    )
