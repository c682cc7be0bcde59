"""Stored suggestions get their new interval when the calibration changes.

A confirmed review changes the organization's calibration (the prior is replaced regime by
regime and question by question as reviews arrive), so every suggestion still waiting for
a person is given the interval the new calibration gives it: the queue's "AI confidence"
filter and "uncertain first" order, and the reports of unconfirmed answers, follow at once.
No model runs: the stored score, spread, regime and kind of exemplars are all it takes
(``scoring.exemplar_scorer.interval_for``, the rule used at scoring time).

The job is idempotent: it writes only intervals that differ from the stored ones, so a
second run with nothing new changes nothing. Suggestions of answers already reviewed keep
the interval the reviewer saw.
"""

from __future__ import annotations

import math
import uuid
from typing import TYPE_CHECKING

import msgspec
import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Assessment, Question, Response, ReviewStatus, Suggestion
from server.jobs.context import JobContext
from server.jobs.scoring_inputs import calibrator_for

if TYPE_CHECKING:
    from scoring.calibration import ConformalCalibrator

__all__ = ["RECALIBRATE_TASK", "enqueue_recalibration", "recalibrate", "recalibrate_suggestions"]

log = structlog.get_logger(__name__)

RECALIBRATE_TASK = "recalibrate_suggestions"


def _same(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and math.isclose(a, b, rel_tol=0.0, abs_tol=1e-9)


async def recalibrate(db: AsyncSession, organization_id: uuid.UUID) -> int:
    """Recompute the intervals of the organization's current, unreviewed suggestions.

    Returns how many suggestions changed (0 on a second run with nothing new). The caller
    commits.
    """
    from scoring.exemplar_scorer import interval_for

    rows = (
        await db.execute(
            select(Suggestion, Response.question_id)
            .join(Response, Response.id == Suggestion.response_id)
            .join(Question, Question.id == Response.question_id)
            .join(Assessment, Assessment.id == Question.assessment_id)
            .where(
                Assessment.organization_id == organization_id,
                Suggestion.is_current.is_(True),
                Suggestion.abstained.is_(False),
                Suggestion.score.is_not(None),
                Response.is_current.is_(True),
                Response.review_status != ReviewStatus.REVIEWED,
            )
        )
    ).all()
    calibrators: dict[float, ConformalCalibrator] = {}
    changed = 0
    for row, question_id in rows:
        ev = row.evidence
        if ev is None or ev.spread is None or not ev.scale or row.score is None:
            continue  # stored before spreads and scales were kept: a re-score fixes it
        if row.level not in calibrators:
            calibrators[row.level] = await calibrator_for(db, organization_id, level=row.level)
        iv = interval_for(
            calibrators[row.level],
            score=row.score,
            spread=float(ev.spread),
            question_id=str(question_id),
            regime=ev.regime,
            kind=ev.exemplar_kind,
            low=float(ev.scale[0]),
            high=float(ev.scale[-1]),
            band=ev.reliability.band if ev.reliability is not None else None,
        )
        if (
            _same(row.interval_low, iv.low)
            and _same(row.interval_high, iv.high)
            and ev.interval_method == iv.method
            and ev.n_calibration == iv.n_calibration
        ):
            continue
        row.interval_low, row.interval_high = iv.low, iv.high
        row.evidence = msgspec.structs.replace(ev, interval_method=iv.method, n_calibration=iv.n_calibration)
        changed += 1
    return changed


async def recalibrate_suggestions(ctx: JobContext, *, organization_id: str) -> None:
    """The job: recompute and store, in one transaction."""
    async with ctx.sessions() as db:
        changed = await recalibrate(db, uuid.UUID(organization_id))
        await db.commit()
    log.info("suggestions_recalibrated", organization_id=organization_id, changed=changed)


async def enqueue_recalibration(ctx: JobContext, organization_id: uuid.UUID, *, reason: str) -> None:
    """Queue a recalibration after ``reason`` (e.g. a review) was committed.

    Each reason gets its own key: a run already under way may have read the calibration
    before this change, and the job is idempotent, so a second run costs little.
    """
    await ctx.queue.enqueue(
        RECALIBRATE_TASK, key=f"recalibrate:{organization_id}:{reason}", organization_id=str(organization_id)
    )
