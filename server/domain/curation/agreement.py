"""AI vs. reviewers on one question, now and with the current exemplars (a dry run).

The current view compares each reviewed answer's current suggestion with its final human
score. The preview re-scores the same answers in memory, leave-one-out as the pipeline does
(an answer's own confirmed score, and any exemplar promoted from it, are left out of what it
is compared with), with the organization's current calibration; nothing is stored.
"""

from __future__ import annotations

import asyncio
import dataclasses
import math
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.evaluation.metrics import metric_set
from server.db.models import (
    Assessment,
    Question,
    Response,
    ReviewStatus,
    Suggestion,
)
from server.domain.curation.schemas import (
    AgreementMetrics,
    AgreementPreviewOut,
    AnswerChange,
    PreviewIn,
)
from server.domain.reviews.services import suggested_level
from server.errors import InvalidInput
from server.jobs.context import JobContext
from server.jobs.scoring_inputs import (
    answer_of,
    calibrator_for,
    final_scores,
    rubric_of,
    scored_examples_for,
)

if TYPE_CHECKING:  # scoring loads in the job's thread (ModelHub.warm_imports), not at import
    from scoring.rubric import Rubric
    from scoring.suggestion import Suggestion as ScoredSuggestion

__all__ = ["MAX_PREVIEW", "Scored", "current_agreement", "metrics", "preview_agreement"]

MAX_PREVIEW = 500  # the most recent reviewed answers a preview re-scores


@dataclass(frozen=True, slots=True)
class Scored:
    """One reviewed answer's human score and one suggestion for it (level None: abstained)."""

    human: int
    score: float | None
    level: int | None
    low: float | None
    high: float | None
    abstain_code: str | None = None


def _num(x: float) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def metrics(items: Sequence[Scored], labels: Sequence[int]) -> AgreementMetrics:
    """Agreement of suggestions with human scores (metrics from ``scoring.evaluation``)."""
    scored = [i for i in items if i.level is not None and i.score is not None]
    reasons = Counter(i.abstain_code or "unspecified" for i in items if i.level is None)
    index = {lv: k for k, lv in enumerate(labels)}
    confusion = [[0] * len(labels) for _ in labels]
    for i in scored:
        assert i.level is not None
        confusion[index[i.human]][index[i.level]] += 1
    if not scored:
        return AgreementMetrics(
            n=len(items),
            n_scored=0,
            abstain_rate=1.0 if items else None,
            exact_agreement=None,
            adjacent_agreement=None,
            qwk=None,
            coverage=None,
            mean_interval_width=None,
            rmse=None,
            labels=list(labels),
            confusion=confusion,
            abstain_reasons=dict(reasons),
        )
    human = np.asarray([i.human for i in scored])
    level = np.asarray([i.level for i in scored])
    with_interval = any(i.low is not None and i.high is not None for i in scored)
    score = [float(i.score) for i in scored if i.score is not None]
    ms = metric_set(
        human=human,
        score=score,
        level=level,
        low=[i.low if i.low is not None else s for i, s in zip(scored, score, strict=True)],
        high=[i.high if i.high is not None else s for i, s in zip(scored, score, strict=True)],
        labels=labels,
        n_total=len(items),
        abstain_reasons=dict(reasons),
    )
    return AgreementMetrics(
        n=len(items),
        n_scored=ms.n_scored,
        abstain_rate=_num(ms.abstain_rate),
        exact_agreement=_num(ms.accuracy),
        adjacent_agreement=float((np.abs(human - level) <= 1).mean()),
        qwk=_num(ms.qwk) if len(set(human.tolist()) | set(level.tolist())) > 1 else None,
        coverage=_num(ms.coverage) if with_interval else None,
        mean_interval_width=_num(ms.mean_width) if with_interval else None,
        rmse=_num(ms.rmse),
        labels=list(labels),
        confusion=confusion,
        abstain_reasons=dict(reasons),
    )


@dataclass(slots=True)
class _Reviewed:
    response: Response
    human: int
    suggestion: Suggestion | None


def _labels(question: Question) -> list[int]:
    r = question.rubric
    return list(range(r.scale_min, r.scale_max + 1)) if r is not None else [1, 2, 3, 4, 5]


async def _reviewed(db: AsyncSession, question: Question, *, limit: int | None = None) -> list[_Reviewed]:
    """Current, fully reviewed answers to the question, newest first, with their suggestion."""
    stmt = (
        select(Response)
        .where(
            Response.question_id == question.id,
            Response.is_current.is_(True),
            Response.review_status == ReviewStatus.REVIEWED,
        )
        .order_by(Response.submitted_at.desc(), Response.id)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    responses = list((await db.execute(stmt)).scalars())
    finals = await final_scores(db, [r.id for r in responses])
    suggestions = (
        {
            s.response_id: s
            for s in (
                await db.execute(
                    select(Suggestion).where(
                        Suggestion.response_id.in_([r.id for r in responses]), Suggestion.is_current.is_(True)
                    )
                )
            ).scalars()
        }
        if responses
        else {}
    )
    return [_Reviewed(r, finals[r.id].score, suggestions.get(r.id)) for r in responses if r.id in finals]


def _from_suggestion(human: int, s: Suggestion, scale: tuple[int, int]) -> Scored:
    return Scored(
        human=human,
        score=None if s.abstained else s.score,
        level=suggested_level(s, scale),
        low=s.interval_low,
        high=s.interval_high,
        abstain_code=s.evidence.abstain_code if s.abstained else None,
    )


async def current_agreement(db: AsyncSession, question: Question) -> AgreementMetrics:
    """Current suggestions vs. final human scores, over reviewed answers that have one."""
    labels = _labels(question)
    scale = (labels[0], labels[-1])
    items = [
        _from_suggestion(x.human, x.suggestion, scale)
        for x in await _reviewed(db, question)
        if x.suggestion is not None
    ]
    return metrics(items, labels)


def _without_exemplars(rubric: Rubric, texts: Sequence[str]) -> Rubric:
    if not texts:
        return rubric
    drop = set(texts)
    return dataclasses.replace(
        rubric,
        levels=tuple(
            dataclasses.replace(lv, exemplars=tuple(t for t in lv.exemplars if t not in drop))
            for lv in rubric.levels
        ),
    )


@dataclass(frozen=True, slots=True)
class _Entry:
    level: int
    text: str
    source_response_id: uuid.UUID | None


def _active(question: Question) -> dict[uuid.UUID | str, _Entry]:
    r = question.rubric
    return {
        e.id: _Entry(e.level, e.text, e.source_response_id)
        for e in (r.exemplars if r is not None else ())
        if e.retired_at is None
    }


def _apply(
    question: Question, current: dict[uuid.UUID | str, _Entry], draft: PreviewIn
) -> dict[uuid.UUID | str, _Entry]:
    """The active exemplars with the draft's retirements, edits and additions applied."""
    lo, hi = _labels(question)[0], _labels(question)[-1]
    out = dict(current)

    def check_level(level: int) -> None:
        if not lo <= level <= hi:
            raise InvalidInput(f"Level {level} is outside this rubric's scale ({lo}-{hi}).", field="level")

    def existing(eid: uuid.UUID, what: str) -> _Entry:
        if eid not in out:
            raise InvalidInput(
                f"Cannot {what} exemplar {eid}: it is not an active exemplar of "
                "this question (retired, deleted, or from another question).",
                field=what,
            )
        return out[eid]

    for eid in draft.retire:
        existing(eid, "retire")
        del out[eid]
    for edit in draft.edit:
        old = existing(edit.id, "edit")
        if edit.level is not None:
            check_level(edit.level)
        text = old.text if edit.text is None else edit.text.strip()
        if not text:
            raise InvalidInput("An exemplar needs some text.", field="text")
        out[edit.id] = _Entry(
            edit.level if edit.level is not None else old.level, text, old.source_response_id
        )
    for n, add in enumerate(draft.add):
        check_level(add.level)
        if not add.text.strip():
            raise InvalidInput("An exemplar needs some text.", field="text")
        out[f"new-{n}"] = _Entry(add.level, add.text.strip(), None)
    return out


def _rubric_with(base: Rubric, entries: dict[uuid.UUID | str, _Entry]) -> Rubric:
    by_level: dict[int, list[str]] = {}
    for e in entries.values():
        by_level.setdefault(e.level, []).append(e.text)
    return dataclasses.replace(
        base,
        levels=tuple(
            dataclasses.replace(lv, exemplars=tuple(by_level.get(lv.level, ()))) for lv in base.levels
        ),
    )


def _promoted(entries: dict[uuid.UUID | str, _Entry]) -> dict[uuid.UUID, list[str]]:
    out: dict[uuid.UUID, list[str]] = {}
    for e in entries.values():
        if e.source_response_id is not None:
            out.setdefault(e.source_response_id, []).append(e.text)
    return out


async def preview_agreement(
    db: AsyncSession, ctx: JobContext, question: Question, draft: PreviewIn | None = None
) -> AgreementPreviewOut:
    """Re-score the reviewed answers in memory; store nothing.

    Without a draft: stored suggestions vs. the current exemplars. With one: the current
    exemplars vs. the draft applied to them (both scored the same way, so only the draft
    differs).
    """
    labels = _labels(question)
    scale = (labels[0], labels[-1])
    current = _active(question)
    drafted = _apply(question, current, draft) if draft is not None else None
    reviewed = await _reviewed(db, question, limit=MAX_PREVIEW)
    assessment = await db.get(Assessment, question.assessment_id)
    assert assessment is not None
    interval = assessment.settings.interval_level
    calibrator = await calibrator_for(db, assessment.organization_id, level=interval)
    examples = await scored_examples_for(db, question.id)
    answers = [(await answer_of(db, x.response))[0] for x in reviewed]
    base = rubric_of(question)
    variants = [current] if drafted is None else [current, drafted]

    def run() -> tuple[list[list[ScoredSuggestion]], dict[str, str]]:
        scorer = ctx.models.scorer()  # loads the encoder on first use: in this thread
        results: list[list[ScoredSuggestion]] = []
        for entries in variants:
            rubric, promoted = _rubric_with(base, entries), _promoted(entries)
            out = []
            for x, answer in zip(reviewed, answers, strict=True):
                own = str(x.response.id)
                prepared = scorer.prepare(
                    _without_exemplars(rubric, promoted.get(x.response.id, ())),
                    [e for e in examples if e.example_id != own],
                )
                out.append(scorer.suggest(prepared, answer, calibrator=calibrator))
            results.append(out)
        return results, dict(scorer.model_versions)

    fresh, versions = await asyncio.to_thread(run)

    def scored(x: _Reviewed, s: ScoredSuggestion) -> Scored:
        return Scored(
            human=x.human,
            score=s.score,
            level=s.rounded_level,
            low=s.interval_low,
            high=s.interval_high,
            abstain_code=s.abstain_reason.value if s.abstain_reason else None,
        )

    before: list[Scored] = []
    after: list[Scored] = []
    changes = []
    for k, x in enumerate(reviewed):
        new = scored(x, fresh[-1][k])
        after.append(new)
        if drafted is not None:
            old: Scored | None = scored(x, fresh[0][k])
        else:
            old = _from_suggestion(x.human, x.suggestion, scale) if x.suggestion is not None else None
        if old is not None:
            before.append(old)
        changes.append(
            AnswerChange(
                response_id=x.response.id,
                human=x.human,
                before_level=old.level if old else None,
                after_level=new.level,
                before_score=old.score if old else None,
                after_score=new.score,
            )
        )
    return AgreementPreviewOut(
        question_id=question.id,
        before_basis="stored" if drafted is None else "current_exemplars",
        draft=drafted is not None,
        before=metrics(before, labels),
        after=metrics(after, labels),
        answers=changes,
        model_versions=versions,
    )
