"""A peer connection that records nothing: it tells the candidate their devices work.

The browser connects before the first question; the server polls
:meth:`DeviceCheckSession.status` and shows "we can hear you" once the audio
level rises above silence and video frames arrive.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from media.audio_level import AudioLevel, AudioLevelMeter
from media.errors import InvalidOffer
from media.offer import validate_offer
from media.peer import SessionConfig, StopReason, rtc_configuration

if TYPE_CHECKING:
    from aiortc import RTCPeerConnection
    from aiortc.mediastreams import MediaStreamTrack

__all__ = ["DeviceCheckSession", "DeviceCheckStatus"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DeviceCheckStatus:
    """What arrives from the candidate's microphone and camera."""

    connection: str
    audio: AudioLevel
    video_frames: int
    width: int | None
    height: int | None


class DeviceCheckSession:
    """Answers an offer and measures the incoming media without recording it.

    Ends by itself after ``max_seconds`` (a forgotten tab costs nothing for long).
    """

    def __init__(self, take_id: str, max_seconds: float) -> None:
        self.take_id = take_id
        self.created_at = time.monotonic()
        self.answer_sdp = ""
        self.answer_type = "answer"
        self._max_seconds = max_seconds
        self._pc: RTCPeerConnection | None = None
        self._meter = AudioLevelMeter()
        self._video_frames = 0
        self._size: tuple[int, int] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._finished: asyncio.Future[DeviceCheckStatus] = asyncio.get_running_loop().create_future()

    @classmethod
    async def open(
        cls,
        *,
        take_id: str,
        sdp: str,
        sdp_type: str = "offer",
        config: SessionConfig | None = None,
        max_seconds: float = 120.0,
    ) -> DeviceCheckSession:
        """Validate the offer and answer it.

        Raises:
            InvalidOffer: The offer cannot be used.
        """
        from aiortc import RTCPeerConnection, RTCSessionDescription

        config = config or SessionConfig()
        validate_offer(sdp, sdp_type, config.offer_limits)
        session = cls(take_id, max_seconds)
        pc = session._pc = RTCPeerConnection(rtc_configuration(config.ice_servers))
        pc.on("track", session._on_track)
        pc.on("connectionstatechange", session._on_connection_state)
        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type=sdp_type))
            await pc.setLocalDescription(await pc.createAnswer())
        except Exception as exc:
            await pc.close()
            raise InvalidOffer(f"the SDP offer was refused: {exc}") from exc
        session.answer_sdp = pc.localDescription.sdp
        session._tasks.append(asyncio.create_task(session._expire()))
        return session

    @property
    def finished(self) -> bool:
        """Whether the check has ended."""
        return self._finished.done()

    def status(self) -> DeviceCheckStatus:
        """The latest audio level and video arrival."""
        return DeviceCheckStatus(
            connection=self._pc.connectionState if self._pc else "new",
            audio=self._meter.level(),
            video_frames=self._video_frames,
            width=self._size[0] if self._size else None,
            height=self._size[1] if self._size else None,
        )

    def _on_connection_state(self) -> None:
        if self._pc is not None and self._pc.connectionState in ("failed", "closed"):
            asyncio.get_running_loop().create_task(self.stop(StopReason.CONNECTION_LOST))

    def _on_track(self, track: MediaStreamTrack) -> None:
        if track.kind in ("audio", "video"):
            self._tasks.append(asyncio.create_task(self._consume(track)))

    async def _consume(self, track: MediaStreamTrack) -> None:
        from aiortc.mediastreams import MediaStreamError
        from av import AudioFrame, VideoFrame

        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            if isinstance(frame, AudioFrame):
                self._meter.feed(frame)
            elif isinstance(frame, VideoFrame):
                self._video_frames += 1
                self._size = (frame.width, frame.height)

    async def _expire(self) -> None:
        await asyncio.sleep(self._max_seconds)
        asyncio.get_running_loop().create_task(self.stop(StopReason.EXPIRED))

    async def stop(self, reason: StopReason = StopReason.STOPPED) -> DeviceCheckStatus:
        """Hang up; returns the last status (idempotent)."""
        if not self._finished.done():
            status = self.status()
            self._finished.set_result(status)
            current = asyncio.current_task()
            for task in self._tasks:
                if task is not current:
                    task.cancel()
            if self._pc is not None:
                await self._pc.close()
            log.info("device check %s ended (%s)", self.take_id, reason)
        return await asyncio.shield(self._finished)

    async def wait_finished(self, timeout: float | None = None) -> DeviceCheckStatus:
        """Wait until the check ends."""
        return await asyncio.wait_for(asyncio.shield(self._finished), timeout)
