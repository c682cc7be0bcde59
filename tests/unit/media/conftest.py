"""Fixtures for media tests: real media files made with ffmpeg from real speech."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from media.errors import RecordingFailed
from media.peer import SessionConfig, TakeSession
from tests.support.webrtc_client import Connect, WebRTCClient, make_test_media

CONNECT_TIMEOUT_S = 15.0


@pytest.fixture(scope="session")
def source_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """10 s of 320x240 test pattern with JFK speech, as WebM (VP8 + Opus)."""
    return make_test_media(tmp_path_factory.mktemp("media") / "source.webm", seconds=10)


@pytest.fixture
async def connect_take(source_media: Path, tmp_path: Path) -> AsyncIterator[Connect]:
    """Open a TakeSession for a real aiortc client over loopback; both closed afterwards."""
    opened: list[tuple[WebRTCClient, TakeSession]] = []

    async def connect(
        config: SessionConfig | None = None,
        *,
        take_id: str = "take-1",
        video: bool = True,
        video_codec: str | None = None,
    ) -> tuple[WebRTCClient, TakeSession]:
        client = WebRTCClient(source_media, video=video, video_codec=video_codec)
        sdp, sdp_type = await client.offer()
        session = await TakeSession.open(
            take_id=take_id, sdp=sdp, sdp_type=sdp_type, output=tmp_path / f"{take_id}.webm", config=config
        )
        opened.append((client, session))
        await client.accept(session.answer_sdp, session.answer_type)
        await client.wait_connected(CONNECT_TIMEOUT_S)
        return client, session

    yield connect
    for client, session in opened:
        await client.close()
        if not session.finished:
            with contextlib.suppress(RecordingFailed):
                await session.stop()
    # Closed transports close their sockets in a callback on the loop: let it run before the
    # test's loop ends, or the garbage collector closes them during a later test (ResourceWarning).
    await asyncio.sleep(0.1)
