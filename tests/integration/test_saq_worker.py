"""Scale-out: the app enqueues on SAQ (PostgreSQL), a separate `viva worker` process runs the job."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from media.object_store import LocalObjectStore
from tests.integration.conftest import sign_in
from tests.integration.test_pipeline import STRONG, _wait_state
from tests.support.live_server import live_server
from tests.support.postgres import PostgresServer
from tests.support.world import add_video_response, build_world

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_written_answer_processed_by_a_separate_saq_worker(
    tmp_path: Path, pg_server: PostgresServer, pg_template: str
) -> None:
    name = f"viva_saq_{uuid.uuid4().hex[:8]}"
    pg_server.psql(f"CREATE DATABASE {name} TEMPLATE {pg_template}")
    db_url = pg_server.url(name)
    world = await build_world(db_url)
    env = {
        "VIVA_DATABASE_URL": db_url,
        "VIVA_SECRET_KEY": "k" * 40,
        "VIVA_JOBS_BACKEND": "saq",
        "VIVA_SAQ_URL": f"postgresql://{pg_server.user}@{pg_server.host}:{pg_server.port}/{name}",
    }
    data = tmp_path / "data"
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115
    worker_env = {k: v for k, v in os.environ.items() if not k.startswith("VIVA_")} | env
    worker = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "worker", "--data-dir", str(data)],
        env=worker_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        with live_server(data, env) as server:
            async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
                token = world.a.tokens["Alice"]
                view = (await http.post(f"/api/candidate/{token}/consent", json={"accept": True})).json()
                q = next(q for q in view["questions"] if q["kind"] == "written")
                r = await http.put(
                    f"/api/candidate/{token}/written/{q['id']}",
                    json={"take_id": str(uuid.uuid4()), "text": STRONG, "submit": True},
                )
                assert r.status_code == 200, r.text
                await sign_in(http, world.a.reviewer_email)
                try:
                    body = await _wait_state(http, r.json()["id"], {"ready", "failed"}, timeout=120)
                except TimeoutError as exc:
                    log.flush()
                    raise AssertionError(
                        f"worker log:\n{(tmp_path / 'worker.log').read_text()[-4000:]}"
                        f"\nserver log:\n{server.output()[-3000:]}"
                    ) from exc
            assert body["state"] == "ready", body["state_reason"]
            assert body["suggestion"]["score"] is not None
            assert "response_ready" not in server.output()  # the app did not run it itself
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
        pg_server.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    assert "response_ready" in (tmp_path / "worker.log").read_text()


async def test_a_failing_answer_is_retried_on_saq_until_it_fails_visibly(
    tmp_path: Path, pg_server: PostgresServer, pg_template: str
) -> None:
    """A retry is enqueued from inside the failing job; SAQ must not drop it as a duplicate."""
    name = f"viva_saq_{uuid.uuid4().hex[:8]}"
    pg_server.psql(f"CREATE DATABASE {name} TEMPLATE {pg_template}")
    db_url = pg_server.url(name)
    world = await build_world(db_url)
    data = tmp_path / "data"
    store = LocalObjectStore(root=data / "media")
    question = world.a.question_ids[1]  # a video question
    rid = await add_video_response(
        db_url, world.a.invitation_ids["Alice"], question, store, b"this is not a WebM file", duration_s=5.0
    )
    env = {
        "VIVA_DATABASE_URL": db_url,
        "VIVA_SECRET_KEY": "k" * 40,
        "VIVA_JOBS_BACKEND": "saq",
        "VIVA_JOBS_MAX_TRIES": "3",
        "VIVA_JOBS_BACKOFF_SECONDS": "0.5",
        "VIVA_SAQ_URL": f"postgresql://{pg_server.user}@{pg_server.host}:{pg_server.port}/{name}",
    }
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115
    worker_env = {k: v for k, v in os.environ.items() if not k.startswith("VIVA_")} | env
    worker = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "worker", "--data-dir", str(data)],
        env=worker_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        with live_server(data, env) as server:
            async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
                await sign_in(http, world.a.reviewer_email)
                try:
                    body = await _wait_state(http, rid, {"failed"}, timeout=120)
                except TimeoutError as exc:
                    log.flush()
                    raise AssertionError(
                        f"worker log:\n{(tmp_path / 'worker.log').read_text()[-4000:]}"
                    ) from exc
        assert "failed 3 times" in body["state_reason"], body["state_reason"]
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
        pg_server.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
