"""A `viva worker` is SIGKILLed mid-transcription: a new worker completes the job, once.

Real processes throughout: PostgreSQL, SAQ on PostgreSQL, two `viva worker` subprocesses
running the real tiny.en Whisper model on real speech (JFK, looped to 33 s).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from media.object_store import LocalObjectStore
from server.db.models import (
    ProficiencyResult,
    Question,
    QuestionKind,
    Response,
    ResponseState,
    Suggestion,
    Transcript,
)
from server.jobs.queue import SaqQueue
from tests.faults.conftest import wait_for
from tests.support.media_files import make_webm
from tests.support.reviews import open_db
from tests.support.world import add_video_response, build_world

pytestmark = [pytest.mark.integration, pytest.mark.slow]

HEARTBEAT_S = 4


@contextmanager
def _worker(data: Path, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("VIVA_")} | env
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "worker", "--data-dir", str(data)],
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


async def _state(db_url: str, rid: uuid.UUID) -> ResponseState:
    async with open_db(db_url) as db:
        r = await db.get(Response, rid)
        assert r is not None
        return r.state


async def _count(db_url: str, model: type, rid: uuid.UUID) -> int:
    async with open_db(db_url) as db:
        return int(
            (
                await db.execute(select(func.count()).select_from(model).where(model.response_id == rid))
            ).scalar_one()
        )  # type: ignore[attr-defined]


async def test_worker_killed_mid_transcription_job_completes_after_restart_with_one_transcript(
    tmp_path: Path, pg_db: tuple[str, str]
) -> None:
    db_url, saq_url = pg_db
    world = await build_world(db_url)
    data = tmp_path / "data"
    async with open_db(db_url) as db:
        question_id = (
            (
                await db.execute(
                    select(Question.id)
                    .where(
                        Question.assessment_id == world.a.assessment_id,
                        Question.kind == QuestionKind.VIDEO,
                        Question.is_practice.is_(False),
                    )
                    .order_by(Question.position)
                )
            )
            .scalars()
            .first()
        )
    assert question_id is not None
    store = LocalObjectStore(root=data / "media")
    rid = await add_video_response(
        db_url,
        world.a.invitation_ids["Alice"],
        question_id,
        store,
        # 33 s of test pattern with JFK's speech looped three times: a few seconds to transcribe.
        make_webm(tmp_path / "speech.webm", 33, loops=2).read_bytes(),
        duration_s=33.0,
    )
    # What the app does when an upload lands: one job per response, keyed by its id.
    queue = SaqQueue(saq_url, heartbeat_s=HEARTBEAT_S)
    await queue.start()
    try:
        await queue.enqueue("process_response", key=f"process:{rid}", response_id=str(rid))
    finally:
        await queue.stop()

    env = {
        "VIVA_DATABASE_URL": db_url,
        "VIVA_SECRET_KEY": "k" * 40,
        "VIVA_JOBS_BACKEND": "saq",
        "VIVA_SAQ_URL": saq_url,
        "VIVA_JOBS_HEARTBEAT_SECONDS": str(HEARTBEAT_S),
        "HF_HUB_OFFLINE": "1",
        "PYTHONUNBUFFERED": "1",
    }
    first_log, second_log = tmp_path / "worker-1.log", tmp_path / "worker-2.log"

    async def transcribing() -> bool:
        return await _state(db_url, rid) is ResponseState.TRANSCRIBING

    with _worker(data, env, first_log) as first:
        try:
            await wait_for(
                transcribing, timeout=120, every=0.05, what="the first worker to start transcribing"
            )
        except TimeoutError as exc:
            raise AssertionError(first_log.read_text()[-4000:]) from exc
        first.kill()  # SIGKILL: no shutdown hook, no cleanup, the job stays "active" in SAQ
        first.wait(timeout=10)
    assert "transcribed" not in first_log.read_text(), "the kill came too late"
    assert await _state(db_url, rid) is ResponseState.TRANSCRIBING
    assert await _count(db_url, Transcript, rid) == 0

    async def finished() -> ResponseState | None:
        state = await _state(db_url, rid)
        return state if state in (ResponseState.READY, ResponseState.FAILED) else None

    with _worker(data, env, second_log) as second:
        try:
            state = await wait_for(
                finished, timeout=150, every=0.25, what="the second worker to finish the job"
            )
        except TimeoutError as exc:
            raise AssertionError(second_log.read_text()[-4000:]) from exc
        assert second.poll() is None, second_log.read_text()[-4000:]
    assert state is ResponseState.READY, second_log.read_text()[-3000:]
    assert await _count(db_url, Transcript, rid) == 1
    assert await _count(db_url, Suggestion, rid) == 1
    assert await _count(db_url, ProficiencyResult, rid) == 1
    async with open_db(db_url) as db:
        transcript = (await db.execute(select(Transcript).where(Transcript.response_id == rid))).scalar_one()
        response = await db.get(Response, rid)
        assert response is not None
    assert "your country" in transcript.text.lower(), transcript.text
    assert response.audio_key and store.exists(response.audio_key)
    assert second_log.read_text().count("response_ready") == 1
    jobs = SaqQueue(saq_url)
    await jobs.start()
    try:
        job = await jobs.queue.job(f"process:{rid}")
    finally:
        await jobs.stop()
    # SAQ ran the job twice: the killed attempt (swept once its heartbeat went stale) and
    # the one that finished; the response's own retry counter saw no failure.
    assert job is not None and job.status == "complete" and job.attempts == 2, job
    assert response.processing_tries == 0
