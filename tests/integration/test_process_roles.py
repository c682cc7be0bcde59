"""`viva serve --role api|media|all` (issue 18): an `api` instance records nothing and says where
take signalling belongs; a `media` instance records and names itself; `all` is the one-process demo."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiortc import RTCConfiguration, RTCPeerConnection

from tests.conftest import make_settings
from tests.security.test_hostile_input import app_client
from tests.support.world import World, build_world

pytestmark = pytest.mark.integration


@pytest.fixture
async def world(db_url: str) -> World:
    return await build_world(db_url)


@pytest.fixture
async def offer() -> AsyncIterator[str]:
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.addTransceiver("audio", direction="sendonly")
    pc.addTransceiver("video", direction="sendonly")
    await pc.setLocalDescription(await pc.createOffer())
    yield pc.localDescription.sdp
    await pc.close()


async def _video_question(client: Any, token: str) -> str:
    r = await client.post(f"/api/candidate/{token}/consent", json={"accept": True})
    assert r.status_code == 200, r.text
    return str(next(q["id"] for q in r.json()["questions"] if q["kind"] == "video"))


async def test_an_api_instance_refuses_take_signalling_with_a_clear_421(
    tmp_path: Path, db_url: str, world: World, offer: str
) -> None:
    settings = make_settings(tmp_path, db_url, VIVA_ROLE="api", VIVA_INSTANCE_NAME="api-1")
    async with app_client(settings) as client:
        token = world.a.tokens["Alice"]
        question = await _video_question(client, token)
        r = await client.post(
            f"/api/candidate/{token}/takes",
            json={"question_id": question, "take_id": str(uuid.uuid4()), "sdp": offer, "type": "offer"},
        )
        assert r.status_code == 421, r.text
        assert "media instance" in r.json()["detail"]
        assert r.headers["x-viva-instance"] == "api-1"
        r = await client.post(f"/api/candidate/{token}/device-check", json={"sdp": offer, "type": "offer"})
        assert r.status_code == 421
        # the rest of the candidate API is served as usual
        assert (await client.get(f"/api/candidate/{token}/ice-servers")).status_code == 200
        assert (await client.get("/health")).status_code == 200


async def test_a_media_instance_records_and_names_itself(
    tmp_path: Path, db_url: str, world: World, offer: str
) -> None:
    settings = make_settings(tmp_path, db_url, VIVA_ROLE="media", VIVA_INSTANCE_NAME="media-7")
    async with app_client(settings) as client:
        token = world.a.tokens["Alice"]
        await _video_question(client, token)
        r = await client.post(f"/api/candidate/{token}/device-check", json={"sdp": offer, "type": "offer"})
        assert r.status_code == 201, r.text
        assert r.headers["x-viva-instance"] == "media-7"
        assert "a=candidate" in r.json()["sdp"] or "a=ice-ufrag" in r.json()["sdp"]


async def test_the_default_role_is_all_and_sends_no_instance_header(
    tmp_path: Path, db_url: str, world: World, offer: str
) -> None:
    settings = make_settings(tmp_path, db_url)
    assert settings.app.role == "all"
    async with app_client(settings) as client:
        token = world.a.tokens["Alice"]
        await _video_question(client, token)
        r = await client.post(f"/api/candidate/{token}/device-check", json={"sdp": offer, "type": "offer"})
        assert r.status_code == 201, r.text
        assert "x-viva-instance" not in r.headers


def test_an_unknown_role_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="VIVA_ROLE"):
        make_settings(tmp_path, "sqlite+aiosqlite:///x.db", VIVA_ROLE="edge")


def test_the_schema_documents_421_on_every_operation_that_needs_a_media_instance() -> None:
    """Takes, device checks and tus uploads take the recording service, which `--role api` does
    not run: their OpenAPI problems list 421; no other operation does."""
    import json

    schema = json.loads((Path(__file__).parents[2] / "frontend" / "openapi.json").read_text())
    with_421 = {
        (path, method)
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if "421" in op.get("responses", {})
    }
    media = {
        (path, method)
        for path, ops in schema["paths"].items()
        for method in ops
        if path.startswith("/api/candidate/{token}/")
        and path.split("/")[4] in ("takes", "device-check", "uploads")
    }
    # accepting a take is a database change any instance serves (nginx still sends it to media)
    assert with_421 == media - {("/api/candidate/{token}/takes/{take_id}/accept", "post")}
    assert ("/api/candidate/{token}/takes", "post") in with_421
    assert ("/api/candidate/{token}/uploads/{take_id}", "patch") in with_421
    assert (
        "role" in schema["paths"]["/api/candidate/{token}/takes"]["post"]["responses"]["421"]["description"]
    )
