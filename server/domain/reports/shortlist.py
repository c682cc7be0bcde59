"""The shortlist of an assessment: candidates ranked by overall score with its interval,
filtered, with what the side-by-side view needs and "where to probe" in the next interview.

Where to probe: the competencies scored below ``PROBE_BELOW`` (lowest first), then those with
the widest interval, at most ``PROBE_COUNT``; each with two bank questions on that competency
that the candidate was not asked (no question of the assessment has the same prompt).
"""

from __future__ import annotations

import uuid
from statistics import fmean

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import lazyload

from server.auth.staff import Staff
from server.db.models import Assessment, CandidateNote, Invitation
from server.domain.bank.services import search
from server.domain.invitations.services import effective_status
from server.domain.reports.built_cache import built_scores
from server.domain.reports.schemas import EnglishOut, ScoreOut
from server.domain.reports.services import _answers, _hide, _score_out, build_cohort_member
from server.domain.teamwork.schemas import NoteOut
from server.domain.teamwork.services import notes_by_invitation, ratings_by_invitation, visible_ratings
from server.errors import NotFound

__all__ = ["PROBE_BELOW", "PROBE_COUNT", "ProbeOut", "ShortlistFilter", "ShortlistOut", "shortlist"]

PROBE_BELOW = 60.0  # a competency under this (0-100) is worth probing
PROBE_COUNT = 3
FOLLOW_UPS = 2


class FollowUp(msgspec.Struct):
    bank_id: str
    prompt: str


class ProbeOut(msgspec.Struct):
    competency: str
    competency_key: str | None
    score: float | None
    low: float | None
    high: float | None
    why: str  # "low score", "wide interval" or "not scored"
    questions: list[FollowUp]


class ShortlistRow(msgspec.Struct):
    rank: int
    invitation_id: uuid.UUID
    candidate_name: str
    status: str
    overall: ScoreOut
    dimensions: list[ScoreOut]
    competencies: list[ScoreOut]
    english: EnglishOut
    confirmed: int
    unconfirmed: int
    fully_reviewed: bool
    decision: str | None
    decision_reason: str | None
    mean_rating: float | None  # over the ratings I may see (blind review: after my own)
    ratings: int
    notes: int
    # the team's notes, oldest first: what side by side shows of "reviewer notes"
    team_notes: list[NoteOut]
    probe: list[ProbeOut]


class ShortlistFilter(msgspec.Struct, frozen=True):
    english_meets: bool = False  # only candidates whose English level meets the threshold
    min_competency: float | None = None  # no competency below this (0-100)
    fully_reviewed: bool = False  # only candidates whose every answer a person has scored


class ShortlistOut(msgspec.Struct):
    assessment_id: uuid.UUID
    assessment_title: str
    english_threshold: str
    total: int  # candidates with at least one answer
    shown: int  # of them, the ones the filters keep (every page)
    rows: list[ShortlistRow]  # the page asked for (all of them without `limit`)
    offset: int = 0
    limit: int | None = None


def _follow_ups(key: str | None, asked: set[str]) -> list[FollowUp]:
    if key is None:
        return []
    out = []
    for q in search(competency=key):
        if q.prompt.strip().lower() in asked:
            continue
        out.append(FollowUp(bank_id=q.id, prompt=q.prompt))
        if len(out) == FOLLOW_UPS:
            break
    return out


def _probe(
    competencies: list[ScoreOut], keys: dict[str, str], cache: dict[str | None, list[FollowUp]]
) -> list[ProbeOut]:
    low = sorted(
        (c for c in competencies if c.score is None or c.score < PROBE_BELOW),
        key=lambda c: (c.score is not None, c.score or 0.0),
    )
    rest = sorted(
        (c for c in competencies if c not in low and c.low is not None and c.high is not None),
        key=lambda c: -((c.high or 0.0) - (c.low or 0.0)),
    )
    out = []
    for c in (low + rest)[:PROBE_COUNT]:
        key = keys.get(c.name)
        why = "not scored" if c.score is None else "low score" if c.score < PROBE_BELOW else "wide interval"
        out.append(
            ProbeOut(
                competency=c.name,
                competency_key=key,
                score=c.score,
                low=c.low,
                high=c.high,
                why=why,
                questions=cache[key],
            )
        )
    return out


async def shortlist(
    db: AsyncSession,
    staff: Staff,
    assessment_id: uuid.UUID,
    f: ShortlistFilter,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> ShortlistOut:
    """Ranked rows; ``limit``/``offset`` page them (ranks and ``shown`` are over every kept row)."""
    a = await db.get(Assessment, assessment_id)
    if a is None or a.organization_id != staff.organization_id:
        raise NotFound("No such assessment in your organization.")
    hide = _hide(a, staff.is_admin)
    built_by = await built_scores(
        db, a, Invitation.assessment_id == assessment_id, hide, _answers, build_cohort_member
    )
    ids = list(built_by)
    invs = (
        {
            i.id: i
            for i in (
                await db.execute(
                    # the attempt (and through it every answer again) and the assessment are not needed
                    select(Invitation)
                    .where(Invitation.id.in_(ids))
                    .options(lazyload(Invitation.attempt), lazyload(Invitation.assessment))
                )
            ).scalars()
        }
        if ids
        else {}
    )
    ratings = await ratings_by_invitation(db, ids)
    notes: dict[uuid.UUID, int] = {}
    if ids:
        counted = await db.execute(
            select(CandidateNote.invitation_id, func.count())
            .where(CandidateNote.invitation_id.in_(ids))
            .group_by(CandidateNote.invitation_id)
        )
        notes = {row[0]: int(row[1]) for row in counted}
    keys = {c.name: c.key for d in a.dimensions for c in d.competencies}
    asked = {q.prompt.strip().lower() for q in a.questions}
    cache = {k: _follow_ups(k, asked) for k in [*keys.values(), None]}
    # Filter and rank on what is already built; only the page asked for becomes rows.
    kept = []
    for inv_id, built in built_by.items():
        comps = [_score_out(c) for c in built.result.competencies]
        english = built.english
        if hide:
            english = msgspec.structs.replace(
                english, band=None, band_low=None, band_high=None, meets_threshold=None, verdict="withheld"
            )
        confirmed = sum(built.counts[k] for k in ("confirmed", "overridden", "resolved"))
        unconfirmed = built.counts["unconfirmed"] + built.counts["needs_human"]
        fully = confirmed > 0 and unconfirmed == 0 and built.counts.get("missing", 0) == 0
        if f.english_meets and english.verdict != "likely_meets":
            continue
        if f.min_competency is not None and any(c.score is None or c.score < f.min_competency for c in comps):
            continue
        if f.fully_reviewed and not fully:
            continue
        kept.append((inv_id, built, comps, english, confirmed, unconfirmed, fully))
    kept.sort(
        key=lambda k: (
            k[1].result.overall.score is None,
            -(k[1].result.overall.score or 0.0),
            invs[k[0]].candidate_name,
        )
    )
    page = kept[offset : None if limit is None else offset + limit]
    me = None if staff.via_token else staff.user_id
    team_notes = await notes_by_invitation(db, [k[0] for k in page], me)
    rows: list[ShortlistRow] = []
    for rank, (inv_id, built, comps, english, confirmed, unconfirmed, fully) in enumerate(page, offset + 1):
        inv = invs[inv_id]
        shown, _ = visible_ratings(ratings.get(inv_id, []), staff, a.settings.blind_review)
        rows.append(
            ShortlistRow(
                rank=rank,
                invitation_id=inv_id,
                candidate_name=inv.candidate_name,
                status=effective_status(inv),
                overall=_score_out(built.result.overall),
                dimensions=[_score_out(d) for d in built.result.dimensions],
                competencies=comps,
                english=english,
                confirmed=confirmed,
                unconfirmed=unconfirmed,
                fully_reviewed=fully,
                decision=None if inv.decision is None else inv.decision.value,
                decision_reason=inv.decision_reason,
                mean_rating=round(fmean(r.rating for r in shown), 2) if shown else None,
                ratings=len(ratings.get(inv_id, [])),
                notes=int(notes.get(inv_id, 0)),
                team_notes=team_notes.get(inv_id, []),
                probe=_probe(comps, keys, cache),
            )
        )
    return ShortlistOut(
        assessment_id=a.id,
        assessment_title=a.title,
        english_threshold=a.settings.english_threshold,
        total=len(built_by),
        shown=len(kept),
        rows=rows,
        offset=offset,
        limit=limit,
    )
