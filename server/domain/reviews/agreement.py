"""Agreement between independent reviewers, and between reviewers and the AI, per assessment."""

from __future__ import annotations

import math
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.evaluation.metrics import quadratic_weighted_kappa
from server.db.models import (
    Question,
    Response,
    Review,
    ReviewDecision,
    ReviewStatus,
    Rubric,
    Suggestion,
)
from server.domain.reviews.queue import require_assessment
from server.domain.reviews.schemas import AgreementOut
from server.domain.reviews.services import suggested_level

__all__ = ["agreement", "cohen_kappa"]


def cohen_kappa(a: Sequence[int], b: Sequence[int]) -> float | None:
    """Unweighted Cohen's kappa; ``None`` when undefined (no pairs, or one label only)."""
    labels = sorted(set(a) | set(b))
    if not a or len(labels) < 2:
        return None
    index = {lv: i for i, lv in enumerate(labels)}
    table = np.zeros((len(labels), len(labels)))
    for x, y in zip(a, b, strict=True):
        table[index[x], index[y]] += 1
    n = table.sum()
    observed = float(np.trace(table)) / n
    expected = float((table.sum(axis=0) * table.sum(axis=1)).sum()) / n**2
    return None if expected >= 1.0 else (observed - expected) / (1.0 - expected)


def _rate(pairs: list[tuple[int, int]], within: int) -> float | None:
    return sum(abs(x - y) <= within for x, y in pairs) / len(pairs) if pairs else None


def _qwk(pairs: list[tuple[int, int]], labels: Sequence[int]) -> float | None:
    if not pairs or len({v for p in pairs for v in p}) < 2:
        return None
    value = quadratic_weighted_kappa([x for x, _ in pairs], [y for _, y in pairs], labels)
    return None if math.isnan(value) else value


async def agreement(db: AsyncSession, organization_id: uuid.UUID, assessment_id: uuid.UUID) -> AgreementOut:
    """Reviewer-reviewer pairs are each answer's first two independent reviews (by different
    people); reviewer-AI pairs are final human scores against the suggested level."""
    await require_assessment(db, organization_id, assessment_id)
    rows = (
        await db.execute(
            select(
                Review.response_id,
                Review.reviewer_id,
                Review.score,
                Review.decision,
                Review.reason_code,
                Response.review_status,
                Rubric.scale_min,
                Rubric.scale_max,
            )
            .join(Response, Response.id == Review.response_id)
            .join(Question, Question.id == Response.question_id)
            .outerjoin(Rubric, Rubric.question_id == Question.id)
            .where(Question.assessment_id == assessment_id, Response.is_current.is_(True))
            .order_by(Review.response_id, Review.created_at, Review.id)
        )
    ).all()
    by_response: dict[uuid.UUID, list[tuple[uuid.UUID | None, int, ReviewDecision]]] = defaultdict(list)
    status: dict[uuid.UUID, ReviewStatus] = {}
    scale: dict[uuid.UUID, tuple[int, int]] = {}
    decisions: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    low, high = 1, 5
    for rid, reviewer, score, decision, reason, st, lo, hi in rows:
        by_response[rid].append((reviewer, score, decision))
        status[rid] = st
        scale[rid] = (lo or 1, hi or 5)
        low, high = min(low, lo or 1), max(high, hi or 5)
        decisions[decision.value] += 1
        if decision is ReviewDecision.OVERRIDE:
            reasons[reason or "unspecified"] += 1
    pairs: list[tuple[int, int]] = []
    resolved = 0
    for reviews in by_response.values():
        independent = [(who, sc) for who, sc, d in reviews if d is not ReviewDecision.RESOLVE]
        if len(independent) >= 2 and independent[0][0] != independent[1][0]:
            pairs.append((independent[0][1], independent[1][1]))
        resolved += any(d is ReviewDecision.RESOLVE for _, _, d in reviews)
    finals = {
        rid: reviews[-1][1] for rid, reviews in by_response.items() if status[rid] is ReviewStatus.REVIEWED
    }
    suggestions: list[Suggestion] = (
        list(
            (
                await db.execute(
                    select(Suggestion).where(
                        Suggestion.response_id.in_(list(finals)), Suggestion.is_current.is_(True)
                    )
                )
            ).scalars()
        )
        if finals
        else []
    )
    ai_pairs = []
    for s in suggestions:
        level = suggested_level(s, scale[s.response_id])
        if level is not None:
            ai_pairs.append((finals[s.response_id], level))
    labels = list(range(low, high + 1))
    return AgreementOut(
        assessment_id=assessment_id,
        reviewer_pairs=len(pairs),
        exact_agreement=_rate(pairs, 0),
        adjacent_agreement=_rate(pairs, 1),
        cohen_kappa=cohen_kappa([x for x, _ in pairs], [y for _, y in pairs]),
        weighted_kappa=_qwk(pairs, labels),
        conflicts_open=sum(st is ReviewStatus.CONFLICT for st in status.values()),
        conflicts_resolved=resolved,
        ai_compared=len(ai_pairs),
        ai_exact_agreement=_rate(ai_pairs, 0),
        ai_adjacent_agreement=_rate(ai_pairs, 1),
        ai_weighted_kappa=_qwk(ai_pairs, labels),
        confirmed=decisions["confirm"],
        overridden=decisions["override"],
        override_reasons=dict(reasons),
    )
