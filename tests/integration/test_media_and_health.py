"""Staff stream media with HTTP Range; health checks the database and the object store."""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest

from tests.support.world import World, add_video_response

pytestmark = pytest.mark.integration


async def _video_response(db_url: str, world: World, store: Any) -> tuple[uuid.UUID, bytes]:
    data = os.urandom(300_000)
    rid = await add_video_response(
        db_url, world.a.invitation_ids["Alice"], world.a.question_ids[1], store, data, duration_s=12.5
    )
    return rid, data


async def test_video_is_served_with_range_support(client: Any, world: World, db_url: str, login: Any) -> None:
    rid, data = await _video_response(db_url, world, client.app.state.store)
    await login(world.a.reviewer_email)
    url = f"/api/responses/{rid}/media/video"
    whole = await client.get(url)
    assert whole.status_code == 200 and whole.content == data
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.headers["content-type"] == "video/webm"
    part = await client.get(url, headers={"Range": "bytes=1000-1999"})
    assert part.status_code == 206 and part.content == data[1000:2000]
    assert part.headers["content-range"] == f"bytes 1000-1999/{len(data)}"
    tail = await client.get(url, headers={"Range": "bytes=-500"})
    assert tail.status_code == 206 and tail.content == data[-500:]
    open_end = await client.get(url, headers={"Range": "bytes=299000-"})
    assert open_end.content == data[299000:]
    outside = await client.get(url, headers={"Range": f"bytes={len(data)}-"})
    assert outside.status_code == 416
    assert outside.headers["content-range"] == f"bytes */{len(data)}"
    detail = await client.get(f"/api/responses/{rid}")
    assert detail.json()["has_video"] is True and detail.json()["candidate_name"] == "Alice"


async def test_media_of_another_organization_is_not_served(
    client: Any, world: World, db_url: str, login: Any
) -> None:
    rid, _ = await _video_response(db_url, world, client.app.state.store)
    await login(world.b.admin_email)
    assert (await client.get(f"/api/responses/{rid}/media/video")).status_code == 404
    await client.post("/api/auth/logout")
    client.cookies.delete("viva_session")
    assert (await client.get(f"/api/responses/{rid}/media/video")).status_code == 401


async def test_health_reports_database_and_store(client: Any) -> None:
    r = await client.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["database"] == "ok" and body["object_store"] == "ok"
    assert body["storage_backend"] == "local"


async def test_health_is_503_when_the_object_store_is_down(tmp_path: Any, sqlite_url: str) -> None:
    from litestar.testing import AsyncTestClient

    from server.app import create_app
    from tests.conftest import make_settings

    settings = make_settings(
        tmp_path,
        sqlite_url,
        VIVA_S3_ENDPOINT="http://127.0.0.1:9",
        VIVA_S3_ACCESS_KEY="x",
        VIVA_S3_SECRET_KEY="y",
    )
    async with AsyncTestClient(app=create_app(settings)) as c:
        r = await c.get("/health")
    assert r.status_code == 503
    assert r.json()["database"] == "ok" and r.json()["object_store"].startswith("error")


async def test_openapi_schema_is_served(client: Any) -> None:
    r = await client.get("/schema/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert "/api/auth/login" in paths and "/api/candidate/{token}" in paths
