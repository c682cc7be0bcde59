"""The object store goes away while takes are recorded, then comes back: every answer arrives once.

Real processes: `viva serve` configured for S3, a real S3 endpoint over HTTP (moto's server)
behind a TCP proxy process that is SIGKILLed (the store vanishes, its data survives) and
started again, aiortc peers recording real media, PostgreSQL with SAQ as the job queue.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from minio import Minio
from minio.commonconfig import ENABLED
from minio.versioningconfig import VersioningConfig
from sqlalchemy import select

from media.probe import probe_media
from server.db.models import Response, ResponseState
from server.storage import video_key
from tests.faults.conftest import wait_for
from tests.faults.tcp_proxy import tcp_proxy
from tests.integration.test_takes_webrtc import _consent, _record, _video_question
from tests.support.live_server import free_port, live_server
from tests.support.reviews import open_db
from tests.support.s3 import S3Endpoint
from tests.support.world import build_world

pytestmark = pytest.mark.integration

TAKE_S = 3.0


async def _health(http: httpx.AsyncClient) -> tuple[int, dict[str, Any]]:
    r = await http.get("/health")
    return r.status_code, r.json()


async def _states(db_url: str, ids: list[str]) -> dict[str, ResponseState]:
    async with open_db(db_url) as db:
        rows = (
            await db.execute(
                select(Response.id, Response.state).where(Response.id.in_([uuid.UUID(i) for i in ids]))
            )
        ).all()
    return {str(rid): state for rid, state in rows}


async def test_takes_recorded_while_the_store_is_down_arrive_exactly_once(
    tmp_path: Path, s3: S3Endpoint, pg_db: tuple[str, str], talk: Path
) -> None:
    db_url, saq_url = pg_db
    world = await build_world(db_url)
    bucket = f"fault-{uuid.uuid4().hex[:12]}"
    direct = Minio(
        s3.endpoint.removeprefix("http://"), access_key=s3.access_key, secret_key=s3.secret_key, secure=False
    )
    direct.make_bucket(bucket)
    # Versioning keeps every PUT: "exactly once" means one version per key, not one overwrite.
    direct.set_bucket_versioning(bucket, VersioningConfig(ENABLED))
    host, port = s3.endpoint.removeprefix("http://").split(":")

    with tcp_proxy(free_port(), host, int(port)) as proxy:
        # No worker runs: processing stays queued, so only the upload path is exercised.
        env = {
            "VIVA_DATABASE_URL": db_url,
            "VIVA_SECRET_KEY": "k" * 40,
            "VIVA_JOBS_BACKEND": "saq",
            "VIVA_SAQ_URL": saq_url,
            "VIVA_S3_ENDPOINT": proxy.url,
            "VIVA_S3_ACCESS_KEY": s3.access_key,
            "VIVA_S3_SECRET_KEY": s3.secret_key,
            "VIVA_S3_BUCKET": bucket,
        }
        with live_server(tmp_path / "data", env) as server:
            spool = server.data_dir / "spool"
            async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
                status, body = await _health(http)
                assert status == 200 and body["object_store"] == "ok", body

                proxy.kill()  # the store vanishes
                status, body = await _health(http)
                assert status == 503 and body["status"] == "degraded", body
                assert body["object_store"].startswith("error") and body["database"] == "ok"

                # Three candidates answer at the same time while the store is down.
                takes: list[tuple[str, dict[str, Any]]] = []
                for name in ("Alice", "Amir", "Bob"):
                    token = (world.a.tokens | world.b.tokens)[name]
                    view = await _consent(http, token)
                    takes.append((token, _video_question(view)))
                results = await asyncio.gather(
                    *(_record(http, token, q["id"], talk, seconds=TAKE_S) for token, q in takes)
                )
                answers = [answer for answer, _client in results]
                for answer in answers:
                    assert answer["submitted"] and not answer["is_partial"], answer
                    assert abs(answer["duration_s"] - TAKE_S) < 0.6, answer
                ids = [a["id"] for a in answers]
                keys = {video_key(rid) for rid in ids}

                def manifest(answer: dict[str, Any]) -> dict[str, Any] | None:
                    path = spool / f"{answer['take_id']}.json"
                    return json.loads(path.read_text()) if path.exists() else None

                async def all_failed_once() -> bool:
                    entries = [manifest(a) for a in answers]
                    return all(e is not None and e["attempts"] >= 1 for e in entries)

                await wait_for(all_failed_once, timeout=30, what="failed uploads to be recorded")
                sizes = {m["key"]: m["size"] for a in answers if (m := manifest(a))}
                assert set(sizes) == keys and all(size > 0 for size in sizes.values())
                assert all(s is ResponseState.UPLOADING for s in (await _states(db_url, ids)).values())
                assert not list(direct.list_objects(bucket, prefix="responses/", recursive=True))
                # the candidate sees every take as answered while its upload waits
                for token, q in takes:
                    view = (await http.get(f"/api/candidate/{token}")).json()
                    shown = next(x for x in view["questions"] if x["id"] == q["id"])
                    assert shown["answered"] and shown["takes_used"] == 1

                proxy.start()  # the store is back, with everything it held

                async def healthy() -> bool:
                    return (await _health(http))[0] == 200

                await wait_for(healthy, timeout=15, what="/health to report the store up")

                async def all_queued() -> bool:
                    states = await _states(db_url, ids)
                    return all(s is ResponseState.QUEUED for s in states.values())

                try:
                    await wait_for(
                        all_queued,
                        timeout=60,
                        every=0.25,
                        what="every upload to land and its response to be queued",
                    )
                except TimeoutError as exc:
                    raise AssertionError(server.output()[-3000:]) from exc

            versions = list(
                direct.list_objects(bucket, prefix="responses/", recursive=True, include_version=True)
            )
            names = [v.object_name for v in versions]
            assert sorted(names) == sorted(keys), names  # one version of each, nothing else
            for v in versions:
                assert v.size == sizes[v.object_name] and v.is_latest == "true"
            assert not list(spool.glob("*.json")) and not list(spool.glob("*.media"))
            local = tmp_path / "answer.webm"
            direct.fget_object(bucket, sorted(keys)[0], str(local))
            probe = probe_media(local)
            assert probe.audio is not None and probe.video is not None
            assert abs(probe.duration - TAKE_S) < 0.6, probe.duration
