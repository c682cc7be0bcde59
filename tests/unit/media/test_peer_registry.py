"""The registry reports every take's end once, and closes everything at shutdown."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from media.device_check import DeviceCheckSession
from media.errors import RecordingFailed
from media.peer import RecordedTake, SessionConfig, StopReason
from media.registry import PeerRegistry, SessionLimitReached
from media.spool import Spool
from tests.support.webrtc_client import Connect, WebRTCClient

pytestmark = pytest.mark.integration


async def test_takes_ending_any_way_are_spooled_once(connect_take: Connect, tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    ended: list[tuple[str, Any, BaseException | None]] = []

    async def on_finished(take_id: str, take: Any, error: BaseException | None) -> None:
        ended.append((take_id, take, error))
        if isinstance(take, RecordedTake):
            spool.submit(take_id, take.path, metadata={"reason": take.reason.value})

    registry = PeerRegistry(max_sessions=2, on_finished=on_finished)
    _, take_a = await connect_take(SessionConfig(max_duration_s=1.5), take_id="a")
    client_b, take_b = await connect_take(take_id="b")
    registry.add(take_a)
    registry.add(take_b)
    with pytest.raises(RecordingFailed, match="already being recorded"):
        registry.add(take_b)
    with pytest.raises(SessionLimitReached, match="at capacity"):
        registry.ensure_capacity()

    await take_a.wait_finished(timeout=10)  # ends itself at the maximum duration
    await client_b.send(1.0)
    await registry.close_all()

    assert len(registry) == 0
    assert sorted((t, take.reason, take.partial) for t, take, _ in ended) == [
        ("a", StopReason.MAX_DURATION, False),
        ("b", StopReason.SHUTDOWN, True),
    ]
    assert {e.take_id: e.metadata["reason"] for e in spool.pending()} == {
        "a": "max_duration",
        "b": "shutdown",
    }


async def test_reaper_stops_sessions_past_their_age(connect_take: Connect) -> None:
    registry = PeerRegistry(max_age_s=0.5)
    client, take = await connect_take()
    registry.add(take)
    await client.send(1.0)

    assert await registry.reap() == ["take-1"]
    result = await take.wait_finished(timeout=5)
    assert result.reason is StopReason.EXPIRED and result.partial


async def test_device_check_reports_audio_and_video_without_recording(
    source_media: Path, tmp_path: Path
) -> None:
    client = WebRTCClient(source_media)
    sdp, sdp_type = await client.offer()
    check = await DeviceCheckSession.open(
        take_id="check-1", sdp=sdp, sdp_type=sdp_type, config=SessionConfig()
    )
    try:
        await client.accept(check.answer_sdp, check.answer_type)
        await client.send(1.5)
        for _ in range(100):  # frames sent are decoded a moment later
            status = check.status()
            if status.video_frames and status.audio.dbfs > -60:
                break
            await asyncio.sleep(0.02)
        assert status.connection == "connected"
        assert status.audio.arriving and status.audio.dbfs > -60
        assert status.video_frames > 10 and (status.width, status.height) == (320, 240)
    finally:
        await client.close()
    final = await check.wait_finished(timeout=5)  # the hang-up ends the check
    assert final.video_frames >= status.video_frames
    assert list(tmp_path.iterdir()) == []
