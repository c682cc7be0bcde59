"""Processing one response: transcribe (video) -> score -> English proficiency.

Every stage is idempotent and keyed by the response id; the response's state says where it
is. A failure is retried with exponential backoff and, after ``max_tries``, ends in the
visible ``failed`` state with the reason. Work a crash left half-done is found again by
:func:`recover` when a process starts.
"""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
import structlog
from sqlalchemy import select, update

from server.db.documents import (
    ProficiencySignal,
    SuggestionEvidence,
    TranscriptGap,
    TranscriptSegment,
)
from server.db.models import (
    TRANSITIONS,
    Assessment,
    ProficiencyResult,
    QuestionKind,
    Response,
    ResponseState,
    Suggestion,
    Transcript,
)
from server.domain.integrations import events as webhook_events
from server.jobs.context import JobContext
from server.jobs.scoring_inputs import (
    answer_of,
    calibrator_for,
    reliability_of,
    rubric_of,
    scored_examples_for,
)
from server.storage import audio_key as audio_key_of
from server.storage import poster_key as poster_key_of

if TYPE_CHECKING:  # scoring loads in the job's thread (ModelHub.warm_imports), not at import
    from scoring.proficiency.result import ProficiencyResult as EnglishResult
    from scoring.suggestion import Suggestion as ScoredSuggestion
    from scoring.transcript import Transcript as AsrTranscript

__all__ = ["ACTIVE_STATES", "process_response", "recover", "rubric_of"]

log = structlog.get_logger(__name__)

ACTIVE_STATES = (
    ResponseState.QUEUED,
    ResponseState.TRANSCRIBING,
    ResponseState.SCORING,
    ResponseState.ASSESSING,
)


async def _set_state(
    ctx: JobContext, rid: uuid.UUID, state: ResponseState, reason: str | None = None
) -> None:
    async with ctx.sessions() as db:
        r = await db.get(Response, rid)
        if r is None:
            return
        if state is not r.state and state not in TRANSITIONS[r.state]:
            raise RuntimeError(f"response {rid}: {r.state} -> {state} is not allowed")
        r.state, r.state_reason, r.state_changed_at = state, reason, datetime.now(UTC)
        await db.commit()


async def process_response(ctx: JobContext, *, response_id: str) -> None:
    """Run whatever stages the response still needs; safe to run twice."""
    rid = uuid.UUID(response_id)
    async with ctx.sessions() as db:
        r = await db.get(Response, rid)
        if r is None or r.state not in ACTIVE_STATES or r.submitted_at is None:
            return
        if not r.is_current:
            return  # a later take replaced it; nothing to suggest for this one
    stage = "processing"
    try:
        await asyncio.to_thread(ctx.models.warm_imports)
        if r.kind is QuestionKind.VIDEO:
            stage = "transcription"
            await _transcribe(ctx, rid)
        stage = "scoring"
        await _set_state(ctx, rid, ResponseState.SCORING)
        await _score(ctx, rid)
        stage = "English assessment"
        await _set_state(ctx, rid, ResponseState.ASSESSING)
        await _proficiency(ctx, rid)
        await _set_state(ctx, rid, ResponseState.READY)
        await webhook_events.response_scored(ctx, rid)
        log.info("response_ready", response_id=response_id)
    except Exception as exc:
        await _retry_or_fail(ctx, rid, stage, exc)


async def _retry_or_fail(ctx: JobContext, rid: uuid.UUID, stage: str, exc: Exception) -> None:
    error = f"{type(exc).__name__}: {exc}"[:500]
    max_tries = ctx.settings.jobs.max_tries
    async with ctx.sessions() as db:
        r = await db.get(Response, rid)
        if r is None:
            return
        r.processing_tries += 1
        tries = r.processing_tries
        r.state_changed_at = datetime.now(UTC)
        if tries >= max_tries:
            r.state = ResponseState.FAILED
            r.state_reason = f"{stage.capitalize()} failed {tries} times; last error: {error}"
        else:
            r.state = ResponseState.QUEUED
            r.state_reason = f"{stage} failed (try {tries} of {max_tries}), retrying: {error}"
        await db.commit()
    if tries >= max_tries:
        log.error("response_failed", response_id=str(rid), stage=stage, error=error)
        return
    delay = ctx.settings.jobs.backoff_seconds * 2 ** (tries - 1)
    log.warning("response_retry", response_id=str(rid), stage=stage, tries=tries, delay_s=delay, error=error)
    await ctx.enqueue_processing(rid, delay_s=delay, retry=tries)


# -- transcription ------------------------------------------------------------------------
def _derive_and_transcribe(ctx: JobContext, rid: uuid.UUID, video_key: str) -> tuple[AsrTranscript, str, str]:
    """Blocking: fetch the video, derive WAV and poster, store them, transcribe the WAV."""
    from media.derive import extract_wav, make_poster

    store = ctx.store
    with tempfile.TemporaryDirectory(prefix="viva-job-") as tmp:
        video = store.download(video_key, Path(tmp) / "answer.webm")
        wav = extract_wav(video, Path(tmp) / "audio.wav")
        audio_key = audio_key_of(rid)
        store.put_file(audio_key, wav.path, "audio/wav")
        poster_key = poster_key_of(rid)
        try:
            poster = make_poster(video, Path(tmp) / "poster.jpg", at_s=min(1.0, wav.duration / 2))
            store.put_file(poster_key, poster.path, "image/jpeg")
        except Exception as exc:  # an audio-only or black take still gets transcribed
            log.warning("poster_failed", response_id=str(rid), error=str(exc))
            poster_key = ""
        transcript = ctx.models.transcriber().transcribe(wav.path)
    return transcript, audio_key, poster_key


async def _transcribe(ctx: JobContext, rid: uuid.UUID) -> None:
    async with ctx.sessions() as db:
        if (await db.execute(select(Transcript.id).where(Transcript.response_id == rid))).first():
            return  # done before a crash
        r = await db.get(Response, rid)
        assert r is not None
        if r.media_key is None:
            raise RuntimeError("the response has no stored video")
        video_key = r.media_key
    await _set_state(ctx, rid, ResponseState.TRANSCRIBING)
    transcript, audio_key, poster_key = await asyncio.to_thread(_derive_and_transcribe, ctx, rid, video_key)
    async with ctx.sessions() as db:
        if (await db.execute(select(Transcript.id).where(Transcript.response_id == rid))).first():
            return  # another worker finished first: keep exactly one transcript
        db.add(
            Transcript(
                response_id=rid,
                text=transcript.text,
                language=transcript.language,
                language_probability=transcript.language_probability,
                duration_s=transcript.duration,
                no_speech=transcript.no_speech,
                segments=msgspec.convert(msgspec.to_builtins(transcript.segments), list[TranscriptSegment]),
                model_name=transcript.model_name,
                model_version=transcript.model_version,
                gaps=msgspec.convert(msgspec.to_builtins(transcript.gaps), list[TranscriptGap]),
                speech_s=transcript.speech_seconds,
                completeness=transcript.completeness,
            )
        )
        r = await db.get(Response, rid)
        assert r is not None
        r.audio_key = audio_key
        r.poster_key = poster_key or None
        await db.commit()
    log.info(
        "transcribed",
        response_id=str(rid),
        words=len(transcript.words),
        no_speech=transcript.no_speech,
        model=transcript.model_name,
        completeness=transcript.completeness,
        gaps=len(transcript.gaps),
    )


# -- scoring ------------------------------------------------------------------------------
async def _score(ctx: JobContext, rid: uuid.UUID) -> None:
    async with ctx.sessions() as db:
        r = await db.get(Response, rid)
        assert r is not None
        question = r.question
        assessment = await db.get(Assessment, question.assessment_id)
        assert assessment is not None
        level = assessment.settings.interval_level
        answer, asr = await answer_of(db, r)
        reliability = reliability_of(answer, asr)
        rubric = rubric_of(question)
        examples = await scored_examples_for(db, question.id, exclude=rid)
        calibrator = await calibrator_for(db, assessment.organization_id, level=level)

    def run() -> ScoredSuggestion:
        scorer = ctx.models.scorer()  # loads the encoder on first use: in this thread
        prepared = scorer.prepare(rubric, examples)
        return scorer.suggest(prepared, answer, calibrator=calibrator)

    suggestion = await asyncio.to_thread(run)
    data: dict[str, Any] = msgspec.to_builtins(suggestion)
    async with ctx.sessions() as db:
        await db.execute(update(Suggestion).where(Suggestion.response_id == rid).values(is_current=False))
        db.add(
            Suggestion(
                response_id=rid,
                is_current=True,
                score=suggestion.score,
                interval_low=suggestion.interval_low,
                interval_high=suggestion.interval_high,
                level=suggestion.level,
                abstained=suggestion.abstained,
                abstain_reason=suggestion.abstain_message,
                evidence=msgspec.convert(
                    {
                        **data["evidence"],
                        "spread": suggestion.spread,
                        "regime": suggestion.regime,
                        "rounded_level": suggestion.rounded_level,
                        "abstain_code": data.get("abstain_reason"),
                        "scale": [rubric.low, rubric.high],
                        "reliability": msgspec.to_builtins(reliability),
                    },
                    SuggestionEvidence,
                ),
                model_versions=dict(suggestion.model_versions),
            )
        )
        await db.commit()
    log.info(
        "scored",
        response_id=str(rid),
        score=suggestion.score,
        abstained=suggestion.abstained,
        reason=data.get("abstain_reason"),
    )


# -- English proficiency ------------------------------------------------------------------
async def _proficiency(ctx: JobContext, rid: uuid.UUID) -> None:
    from scoring.proficiency.assess import assess_speech, assess_text

    async with ctx.sessions() as db:
        r = await db.get(Response, rid)
        assert r is not None
        assessment = await db.get(Assessment, r.question.assessment_id)
        assert assessment is not None
        threshold = assessment.settings.english_threshold
        level = assessment.settings.interval_level
        answer, asr = await answer_of(db, r)

    def run() -> EnglishResult:
        if asr is not None:
            return assess_speech(asr.words, asr.text, threshold=threshold, interval_level=level)
        return assess_text(answer.text, threshold=threshold, interval_level=level)

    result = await asyncio.to_thread(run)
    data: dict[str, Any] = result.to_dict()
    async with ctx.sessions() as db:
        row = (
            await db.execute(select(ProficiencyResult).where(ProficiencyResult.response_id == rid))
        ).scalar_one_or_none()
        if row is None:
            row = ProficiencyResult(response_id=rid, version=str(data.get("version", "")))
            db.add(row)
        row.band, row.band_low, row.band_high = data["band"], data["band_low"], data["band_high"]
        row.score, row.score_low, row.score_high = data["score"], data["score_low"], data["score_high"]
        row.threshold = threshold
        row.meets_threshold = data.get("meets_threshold")
        row.signals = msgspec.convert(data.get("signals", []), list[ProficiencySignal])
        row.reliable, row.reason = bool(data.get("reliable")), data.get("reason")
        row.verdict, row.model_version = result.verdict, result.model_version
        row.version = str(data.get("version", ""))
        await db.commit()


async def recover(ctx: JobContext) -> int:
    """Queue every response a crash or restart left in the middle of processing."""
    async with ctx.sessions() as db:
        ids = list(
            (
                await db.execute(
                    select(Response.id).where(
                        Response.state.in_(ACTIVE_STATES),
                        Response.is_current.is_(True),
                        Response.submitted_at.is_not(None),
                    )
                )
            ).scalars()
        )
    for rid in ids:
        await ctx.enqueue_processing(rid)
    if ids:
        log.info("processing_recovered", responses=len(ids))
    return len(ids)
