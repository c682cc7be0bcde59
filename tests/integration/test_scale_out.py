"""Scale-out on real parts (issue 18): nginx in front of two `media` instances, one `api` and two
`viva worker`s, all on one PostgreSQL (SAQ) and one S3 endpoint (moto's server), every one a
real process started from the installed packages.

Two candidates record through the proxy and each take lands on its own media instance (the
proxy hashes the candidate token, infra/nginx/nginx.conf as shipped, only the addresses
changed) and is stored once; a reviewer decides through the proxy; both workers take jobs.
Then one media instance is SIGKILLed in the middle of a take: the candidate's next take is
recorded by the other at once, nothing stored before is lost, and the killed instance's spool
is uploaded when it comes back.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from minio import Minio
from minio.commonconfig import ENABLED
from minio.versioningconfig import VersioningConfig
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from server.db.models import Response, ResponseState
from tests.integration.conftest import sign_in
from tests.support.live_server import LiveServer, free_port, live_server
from tests.support.postgres import PostgresServer
from tests.support.reviews import open_db
from tests.support.s3 import S3Endpoint
from tests.support.webrtc_client import WebRTCClient, make_test_media
from tests.support.world import _org

pytestmark = [
    pytest.mark.integration,
    pytest.mark.timeout(600),  # 6.5 min at a shared load average of ~20; Whisper on the workers dominates
    pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (infra/dev/setup.sh)"),
]

ROOT = Path(__file__).resolve().parents[2]
TAKE_S = 3.0
KILLED_AFTER_S = 8.0
CONNECT_S = 30.0


@pytest.fixture
def pg_db(pg_server: PostgresServer, pg_template: str) -> Iterator[tuple[str, str]]:
    name = f"viva_scale_{uuid.uuid4().hex[:8]}"
    pg_server.psql(f"CREATE DATABASE {name} TEMPLATE {pg_template}")
    yield pg_server.url(name), f"postgresql://{pg_server.user}@{pg_server.host}:{pg_server.port}/{name}"
    pg_server.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def nginx(tmp: Path, *, api: list[int], media: list[int]) -> Iterator[str]:
    """infra/nginx/nginx.conf as shipped, its upstreams pointed at these loopback ports."""
    text = (ROOT / "infra" / "nginx" / "nginx.conf").read_text()
    text = text.replace(
        "        server api:8000 max_fails=2 fail_timeout=10s;\n",
        "".join(f"        server 127.0.0.1:{p} max_fails=2 fail_timeout=10s;\n" for p in api),
    )
    text = text.replace(
        "        server media:8000 max_fails=1 fail_timeout=15s;\n",
        "".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=15s;\n" for p in media),
    )
    port = free_port()
    text = text.replace("        listen 8000;", f"        listen 127.0.0.1:{port};")
    assert text.count("127.0.0.1:") == len(api) + len(media) + 1, "the shipped config changed shape"
    tmp.mkdir(parents=True, exist_ok=True)
    conf = tmp / "nginx.conf"
    conf.write_text(text)
    log = open(tmp / "nginx.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            "nginx",
            "-p",
            str(tmp),
            "-c",
            str(conf),
            "-g",
            f"daemon off; pid {tmp}/nginx.pid; error_log stderr;",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"{url}/health", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, (tmp / "nginx.log").read_text()
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        yield url
    finally:
        proc.send_signal(signal.SIGQUIT)  # graceful
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@contextmanager
def worker(tmp: Path, env: dict[str, str]) -> Iterator[Path]:
    tmp.mkdir(parents=True, exist_ok=True)
    log_path = tmp / "worker.log"
    log = open(log_path, "wb")  # noqa: SIM115
    full = {k: v for k, v in os.environ.items() if not k.startswith("VIVA_")}
    full |= {"PYTHONUNBUFFERED": "1", "HF_HUB_OFFLINE": "1", **env}
    proc = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "worker", "--data-dir", str(tmp)],
        env=full,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield log_path
        assert proc.poll() is None, log_path.read_text()[-3000:]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


async def wait_for(probe: Any, *, timeout: float, what: str, every: float = 0.25) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        await asyncio.sleep(every)


async def _instance_of(http: httpx.AsyncClient, token: str) -> str:
    """Which media instance the proxy sends this link's take signalling to (a probe for a take
    that does not exist: the media instance refuses it and names itself)."""
    r = await http.get(f"/api/candidate/{token}/takes/{uuid.uuid4()}/level")
    assert r.status_code in (404, 409), r.text
    return r.headers["x-viva-instance"]


async def _video_questions(http: httpx.AsyncClient, token: str) -> list[str]:
    r = await http.post(f"/api/candidate/{token}/consent", json={"accept": True})
    assert r.status_code == 200, r.text
    return [q["id"] for q in r.json()["questions"] if q["kind"] == "video" and not q["is_practice"]]


async def _start_take(
    http: httpx.AsyncClient, token: str, question: str, media: Path
) -> tuple[WebRTCClient, str, str]:
    client = WebRTCClient(media)
    sdp, sdp_type = await client.offer()
    take_id = str(uuid.uuid4())
    r = await http.post(
        f"/api/candidate/{token}/takes",
        json={"question_id": question, "take_id": take_id, "sdp": sdp, "type": sdp_type},
    )
    assert r.status_code == 201, r.text
    await client.accept(r.json()["sdp"], r.json()["type"])
    await client.wait_connected(CONNECT_S)
    return client, take_id, r.headers["x-viva-instance"]


async def _record(
    http: httpx.AsyncClient, token: str, question: str, media: Path
) -> tuple[dict[str, Any], str]:
    client, take_id, instance = await _start_take(http, token, question, media)
    try:
        await client.send(TAKE_S, then_pause=True, timeout=TAKE_S + 30)
        r = await http.post(f"/api/candidate/{token}/takes/{take_id}/stop")
        assert r.status_code == 200, r.text
        assert r.headers["x-viva-instance"] == instance  # the stop reached the peer's instance
    finally:
        await client.close()
    return r.json() | {"take_id": take_id}, instance


async def _rows(db_url: str, take_ids: list[str]) -> dict[str, Response]:
    async with open_db(db_url) as db:
        rows = (
            await db.execute(select(Response).where(Response.take_id.in_([uuid.UUID(t) for t in take_ids])))
        ).scalars()
        return {str(r.take_id): r for r in rows}


async def test_two_media_one_api_two_workers_behind_nginx(
    tmp_path: Path, pg_db: tuple[str, str], s3: S3Endpoint
) -> None:
    db_url, saq_url = pg_db
    engine = create_async_engine(db_url, poolclass=NullPool)
    try:  # eight links, so that two of them hash onto different media instances
        org = await _org(engine, "gamma", {f"Cand{i}": {} for i in range(8)})
    finally:
        await engine.dispose()
    bucket = f"scale-{uuid.uuid4().hex[:12]}"
    store = Minio(
        s3.endpoint.removeprefix("http://"), access_key=s3.access_key, secret_key=s3.secret_key, secure=False
    )
    store.make_bucket(bucket)
    store.set_bucket_versioning(bucket, VersioningConfig(ENABLED))  # "stored once": one version per key
    talk = make_test_media(tmp_path / "talk.webm", seconds=30)
    api_port, media_ports = free_port(), [free_port(), free_port()]
    env = {
        "VIVA_DATABASE_URL": db_url,
        "VIVA_SECRET_KEY": "k" * 40,
        "VIVA_JOBS_BACKEND": "saq",
        "VIVA_SAQ_URL": saq_url,
        "VIVA_JOBS_CONCURRENCY": "1",
        "VIVA_S3_ENDPOINT": s3.endpoint,
        "VIVA_S3_ACCESS_KEY": s3.access_key,
        "VIVA_S3_SECRET_KEY": s3.secret_key,
        "VIVA_S3_BUCKET": bucket,
        "VIVA_TRUSTED_PROXIES": "127.0.0.1",
        "VIVA_LOG_JSON": "1",
    }

    def media(i: int) -> Any:
        name = f"media-{i}"
        return live_server(
            tmp_path / name,
            env | {"VIVA_ROLE": "media", "VIVA_INSTANCE_NAME": name},
            port=media_ports[i],
        )

    with ExitStack() as stack:
        workers = [stack.enter_context(worker(tmp_path / f"worker-{i}", env)) for i in range(2)]
        servers: list[LiveServer] = [stack.enter_context(media(i)) for i in range(2)]
        stack.enter_context(
            live_server(
                tmp_path / "api", env | {"VIVA_ROLE": "api", "VIVA_INSTANCE_NAME": "api"}, port=api_port
            )
        )
        proxy = stack.enter_context(nginx(tmp_path / "nginx", api=[api_port], media=media_ports))
        async with httpx.AsyncClient(base_url=proxy, timeout=60) as http:
            # the UI and the API come from the api instance
            r = await http.get("/health")
            assert r.status_code == 200 and r.headers["x-viva-instance"] == "api", r.text
            where = {name: await _instance_of(http, token) for name, token in org.tokens.items()}
            for name, token in org.tokens.items():  # stable: the same link, the same instance
                assert await _instance_of(http, token) == where[name]
            by_instance = {inst: name for name, inst in where.items()}
            assert set(by_instance) == {"media-0", "media-1"}, where
            first, second = by_instance["media-0"], by_instance["media-1"]
            tokens = {n: org.tokens[n] for n in (first, second)}
            questions = {n: await _video_questions(http, t) for n, t in tokens.items()}

            # two candidates record at once, each on its own media instance
            results = await asyncio.gather(
                *(_record(http, tokens[n], questions[n][0], talk) for n in (first, second))
            )
            assert [inst for _, inst in results] == ["media-0", "media-1"]
            answers = [a for a, _ in results]
            for a in answers:
                assert a["submitted"] and not a["is_partial"] and abs(a["duration_s"] - TAKE_S) < 0.6, a

            # one more take by the first candidate: media-0 dies in the middle of it
            client, killed_take, inst = await _start_take(http, tokens[first], questions[first][1], talk)
            assert inst == "media-0"
            # long enough for the muxer to have written its first clusters to the spool
            await client.send(KILLED_AFTER_S, timeout=KILLED_AFTER_S + 30)
            servers[0].process.send_signal(signal.SIGKILL)
            servers[0].process.wait(timeout=10)
            await client.close()
            spool0 = tmp_path / "media-0" / "spool"
            left = list(spool0.glob(f"{killed_take}*"))
            assert left and left[0].stat().st_size > 0, "the killed instance left its recording in its spool"

            # the candidate's next take goes to the other instance at once
            retake, inst = await _record(http, tokens[first], questions[first][2], talk)
            assert inst == "media-1" and retake["submitted"] and not retake["is_partial"], retake

            # the two earlier takes are stored, once each, in the object store
            done = [answers[0]["take_id"], answers[1]["take_id"], retake["take_id"]]

            async def stored(take_ids: list[str]) -> bool:
                rows = await _rows(db_url, take_ids)
                return len(rows) == len(take_ids) and all(
                    r.state is not ResponseState.UPLOADING and r.media_key for r in rows.values()
                )

            await wait_for(lambda: stored(done), timeout=60, what="the three takes to be uploaded")

            # media-0 comes back on its port with its spool: the killed take is uploaded
            servers[0] = stack.enter_context(media(0))
            try:
                await wait_for(lambda: stored([killed_take]), timeout=60, what="the killed take's upload")
            except TimeoutError as exc:
                raise AssertionError(servers[0].output()[-3000:]) from exc
            killed = (await _rows(db_url, [killed_take]))[killed_take]
            assert killed.is_partial and killed.duration_s and killed.duration_s > 2.0, killed.duration_s
            assert not list(spool0.glob("*.media")) and not list(spool0.glob("*.json"))

            rows = await _rows(db_url, [*done, killed_take])
            keys = sorted(str(r.media_key) for r in rows.values())
            versions = list(
                store.list_objects(bucket, prefix="responses/", recursive=True, include_version=True)
            )
            recordings = sorted(v.object_name for v in versions if v.object_name in keys)
            assert recordings == keys  # each take stored once (one version per key), nothing lost

            # the workers process them; a reviewer decides through the proxy
            ids = [str(r.id) for r in rows.values()]
            await sign_in(http, org.reviewer_email)

            async def all_ready() -> bool:
                states = [r.state for r in (await _rows(db_url, list(rows))).values()]
                return all(s in (ResponseState.READY, ResponseState.FAILED) for s in states)

            try:
                await wait_for(all_ready, timeout=420, every=1.0, what="the workers to process every take")
            except TimeoutError as exc:
                raise AssertionError("\n".join(w.read_text()[-2000:] for w in workers)) from exc
            rid = str(rows[answers[0]["take_id"]].id)
            rows = await _rows(db_url, list(rows))
            assert rows[answers[0]["take_id"]].state is ResponseState.READY, rows[
                answers[0]["take_id"]
            ].state_reason
            item = (await http.get(f"/api/review/responses/{rid}")).json()
            r = await http.post(
                f"/api/review/responses/{rid}/reviews",
                json={  # the AI abstains on JFK's speech (off-topic): the reviewer scores it
                    "decision": "override",
                    "score": 2,
                    "reason_code": "missed_key_point",
                    "comment": "Off-topic: a speech, not an answer.",
                    "expected_version": item["review_version"],
                },
                headers={"x-csrf-token": http.cookies.get("viva_csrf", "")},
            )
            assert r.status_code == 200, r.text
            assert r.headers["x-viva-instance"] == "api" and r.json()["review_status"] == "reviewed"

        ran = [w.read_text().count("response_ready") for w in workers]
        assert all(ran) and sum(ran) >= len(ids), f"takes processed per worker: {ran}"
