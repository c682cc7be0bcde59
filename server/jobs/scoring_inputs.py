"""The one adapter from database rows to the scorer's inputs, typed.

The pipeline, training, curation and the recalibration job all read answers, rubrics,
confirmed examples, stored suggestions and the calibrator through these functions, so the
scorer sees the same thing whichever path scores an answer.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.documents import DoubtfulWord, TranscriptReliability
from server.db.models import (
    Assessment,
    Question,
    QuestionKind,
    Response,
    Review,
    ReviewStatus,
    Suggestion,
    Transcript,
)

if TYPE_CHECKING:  # scoring loads in the job's thread (ModelHub.warm_imports), not at import
    from scoring.calibration import ConformalCalibrator
    from scoring.rubric import Answer, Rubric, ScoredExample
    from scoring.suggestion import Suggestion as ScoredSuggestion
    from scoring.transcript import Transcript as AsrTranscript

__all__ = [
    "answer_of",
    "calibrator_for",
    "final_scores",
    "reliability_of",
    "rubric_of",
    "scored_examples_for",
    "stored_suggestion",
]


def _asr(row: Transcript) -> AsrTranscript:
    from scoring.transcript import Transcript as AsrTranscript

    return AsrTranscript.from_dict(
        {
            "text": row.text,
            "language": row.language or "en",
            "language_probability": row.language_probability or 0.0,
            "duration": row.duration_s or 0.0,
            "segments": msgspec.to_builtins(row.segments),
            "no_speech": row.no_speech,
            "model_name": row.model_name,
            "model_version": row.model_version,
            "gaps": msgspec.to_builtins(row.gaps),
            "speech_seconds": row.speech_s,
            "completeness": row.completeness,
        }
    )


async def answer_of(db: AsyncSession, r: Response) -> tuple[Answer, AsrTranscript | None]:
    """What the scorer reads of a response: its text (or transcript) and the transcript.

    A video response without a transcript yet reads as no speech (never an error), so
    curation can preview answers still in the pipeline.
    """
    from scoring.rubric import Answer

    if r.kind is QuestionKind.WRITTEN:
        return Answer(text=r.text or "", answer_id=str(r.id)), None
    row = (await db.execute(select(Transcript).where(Transcript.response_id == r.id))).scalar_one_or_none()
    if row is None:
        return Answer(text="", no_speech=True, answer_id=str(r.id)), None
    from scoring.reliability import words_per_second

    asr = _asr(row)
    return Answer(
        text=row.text,
        asr_confidence=asr.mean_word_probability,
        no_speech=row.no_speech,
        transcript_completeness=row.completeness,
        words_per_second=words_per_second(len(asr.words), asr.speech_seconds, asr.duration),
        answer_id=str(r.id),
    ), asr


def reliability_of(answer: Answer, asr: AsrTranscript | None) -> TranscriptReliability | None:
    """What the review page shows of the transcript a suggestion rests on (None: written)."""
    from scoring.reliability import doubtful_words, reliability_band

    if asr is None:
        return None
    band = reliability_band(answer.asr_confidence, answer.transcript_completeness, answer.words_per_second)
    if band is None:
        return None
    return TranscriptReliability(
        band=band,
        mean_word_probability=answer.asr_confidence,
        completeness=answer.transcript_completeness,
        words_per_second=answer.words_per_second,
        doubtful_words=tuple(
            DoubtfulWord(word=w.word, probability=w.probability, start=w.start, end=w.end)
            for w in doubtful_words(asr.words)
        ),
    )


def rubric_of(question: Question) -> Rubric:
    """The question's rubric as the scorer sees it (retired exemplars left out)."""
    from scoring.rubric import Rubric, RubricLevel

    rubric = question.rubric
    if rubric is None:
        return Rubric(question=question.prompt, question_id=str(question.id))
    scale = tuple(range(rubric.scale_min, rubric.scale_max + 1))
    descriptors = {lv.level: lv.descriptor for lv in rubric.levels}
    exemplars: dict[int, list[str]] = {}
    for ex in rubric.exemplars:
        if ex.retired_at is None:
            exemplars.setdefault(ex.level, []).append(ex.text)
    return Rubric(
        question=question.prompt,
        question_id=str(question.id),
        scale=scale,
        levels=tuple(
            RubricLevel(level=lv, descriptor=descriptors.get(lv, ""), exemplars=tuple(exemplars.get(lv, ())))
            for lv in scale
        ),
    )


async def final_scores(db: AsyncSession, response_ids: list[uuid.UUID]) -> dict[uuid.UUID, Review]:
    """The decisive (latest) review of each fully reviewed response."""
    if not response_ids:
        return {}
    rows = await db.execute(
        select(Review)
        .join(Response, Response.id == Review.response_id)
        .where(Review.response_id.in_(response_ids), Response.review_status == ReviewStatus.REVIEWED)
        .order_by(Review.response_id, Review.created_at)
    )
    latest: dict[uuid.UUID, Review] = {}
    for review in rows.scalars():
        latest[review.response_id] = review
    return latest


async def scored_examples_for(
    db: AsyncSession, question_id: uuid.UUID, *, exclude: uuid.UUID | None = None
) -> list[ScoredExample]:
    """Reviewed answers to this question, as scored examples (their text and human score)."""
    from scoring.rubric import ScoredExample

    responses = list(
        (
            await db.execute(
                select(Response).where(
                    Response.question_id == question_id,
                    Response.is_current.is_(True),
                    Response.review_status == ReviewStatus.REVIEWED,
                )
            )
        ).scalars()
    )
    responses = [r for r in responses if r.id != exclude]
    finals = await final_scores(db, [r.id for r in responses])
    texts: dict[uuid.UUID, str] = {r.id: r.text or "" for r in responses if r.kind is QuestionKind.WRITTEN}
    video_ids = [r.id for r in responses if r.kind is QuestionKind.VIDEO]
    if video_ids:
        for t in (
            await db.execute(select(Transcript).where(Transcript.response_id.in_(video_ids)))
        ).scalars():
            if not t.no_speech:
                texts[t.response_id] = t.text
    return [
        ScoredExample(text=texts[rid], score=review.score, example_id=str(rid))
        for rid, review in finals.items()
        if texts.get(rid, "").strip()
    ]


def stored_suggestion(row: Suggestion) -> ScoredSuggestion:
    """A stored suggestion row as the scorer's ``Suggestion`` (what calibration needs of it)."""
    from scoring.suggestion import Evidence
    from scoring.suggestion import Suggestion as ScoredSuggestion

    ev = row.evidence
    band = ev.reliability.band if ev is not None and ev.reliability is not None else ""
    return ScoredSuggestion(
        score=row.score,
        rounded_level=ev.rounded_level if ev is not None else None,
        interval_low=row.interval_low,
        interval_high=row.interval_high,
        level=row.level,
        abstained=row.abstained,
        spread=ev.spread if ev is not None else None,
        regime=ev.regime if ev is not None else "",
        evidence=Evidence(reliability_band=band),
    )


async def calibrator_for(
    db: AsyncSession, organization_id: uuid.UUID, *, level: float
) -> ConformalCalibrator:
    """A conformal calibrator fitted on this organization's reviewed suggestions.

    The shipped prior answers where the organization's own reviews are still too few.
    """
    from scoring.calibration import ConformalCalibrator, default_prior
    from scoring.exemplar_scorer import calibration_record

    rows = (
        await db.execute(
            select(Response.id, Response.question_id)
            .join(Question, Question.id == Response.question_id)
            .join(Assessment, Assessment.id == Question.assessment_id)
            .where(
                Assessment.organization_id == organization_id, Response.review_status == ReviewStatus.REVIEWED
            )
        )
    ).all()
    question_of = {rid: qid for rid, qid in rows}
    finals = await final_scores(db, list(question_of))
    wanted = {r.suggestion_id for r in finals.values() if r.suggestion_id is not None}
    suggestions = (
        {s.id: s for s in (await db.execute(select(Suggestion).where(Suggestion.id.in_(wanted)))).scalars()}
        if wanted
        else {}
    )
    records = []
    for rid, review in finals.items():
        row = suggestions.get(review.suggestion_id) if review.suggestion_id else None
        if row is None:
            continue
        s = stored_suggestion(row)
        if s.abstained or s.score is None or s.spread is None:
            continue
        records.append(calibration_record(s, float(review.score), str(question_of[rid])))
    return ConformalCalibrator.fit(records, level=level, prior=default_prior())
