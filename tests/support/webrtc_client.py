"""A real aiortc peer that plays a media file to a server, as a browser would.

Used by the media tests and by ``bench/bench_recording.py``. It counts what it
sends, can stop sending without hanging up (a frozen tab) and can hang up
abruptly (a closed laptop lid still sends nothing, a closed tab sends BYE).
"""

from __future__ import annotations

import asyncio
import fractions
import shutil
import subprocess
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaPlayer
from aiortc.mediastreams import MediaStreamTrack
from av import AudioFrame, Packet

__all__ = ["Connect", "CountingTrack", "WebRTCClient", "make_test_media"]

if TYPE_CHECKING:
    from media.peer import TakeSession

Connect = Callable[..., Awaitable[tuple["WebRTCClient", "TakeSession"]]]
"""A fixture that connects a fresh client to a fresh TakeSession."""

DATA = Path(__file__).resolve().parent.parent / "data"
SPEECH = DATA / "jfk.flac"


def make_test_media(
    path: Path,
    *,
    seconds: float,
    width: int = 320,
    height: int = 240,
    fps: int = 30,
    keyframe_every: int | None = None,
) -> Path:
    """Write a WebM with a moving test pattern and looped JFK speech (real speech audio).

    ``keyframe_every`` (frames) bounds the keyframe interval; clients that send the file's
    packets as they are cannot answer keyframe requests, so this is how soon they recover.
    """
    if path.exists():
        return path
    ffmpeg = shutil.which("ffmpeg") or "ffmpeg"
    subprocess.run(
        [
            ffmpeg,
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size={width}x{height}:rate={fps}",
            "-stream_loop",
            "-1",
            "-i",
            str(SPEECH),
            "-t",
            f"{seconds}",
            "-map",
            "0:v",
            "-map",
            "1:a",
            "-c:v",
            "libvpx",
            "-b:v",
            "1M",
            "-deadline",
            "realtime",
            "-cpu-used",
            "8",
            *(["-g", str(keyframe_every)] if keyframe_every else []),
            "-c:a",
            "libopus",
            "-b:a",
            "64k",
            str(path),
        ],
        check=True,
    )
    return path


class CountingTrack(MediaStreamTrack):
    """Forwards a source track, counting frames and the media time sent."""

    def __init__(self, source: MediaStreamTrack) -> None:
        super().__init__()
        self.kind = source.kind
        self._source = source
        self.frames = 0
        self.seconds = 0.0
        self._resumed = asyncio.Event()
        self._resumed.set()
        self.limit_s: float | None = None
        self._waiters: list[tuple[float, asyncio.Future[None]]] = []

    async def recv(self) -> Any:
        await self._resumed.wait()
        if self.limit_s is not None and self.seconds >= self.limit_s:
            self.pause()
            await self._resumed.wait()
        frame = await self._source.recv()
        self.frames += 1
        if frame.pts is not None and frame.time_base is not None:
            tb = fractions.Fraction(frame.time_base)
            if isinstance(frame, Packet):  # pre-encoded (MediaPlayer(decode=False))
                duration = (frame.duration or 0) * tb if self.kind == "audio" else fractions.Fraction(0)
            elif isinstance(frame, AudioFrame):
                duration = fractions.Fraction(frame.samples, frame.sample_rate)
            else:
                duration = fractions.Fraction(0)
            self.seconds = float(frame.pts * tb + duration)
        for entry in list(self._waiters):
            if self.seconds >= entry[0] and not entry[1].done():
                entry[1].set_result(None)
                self._waiters.remove(entry)
        return frame

    async def sent(self, seconds: float, *, timeout: float) -> None:
        """Wait until ``seconds`` of media have been handed to the sender."""
        if self.seconds >= seconds:
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((seconds, fut))
        await asyncio.wait_for(fut, timeout)

    def pause(self) -> None:
        """Stop handing frames to the sender (RTP stops; the connection stays up)."""
        self._resumed.clear()


class WebRTCClient:
    """An offering peer that sends a file's audio and video, like the candidate's browser.

    Args:
        media: A media file for ``MediaPlayer`` (see :func:`make_test_media`).
        video: Whether to send the video track too.
        configuration: ICE servers for the client side.
        video_codec: Offer only this video codec (``"H264"``: a browser without VP8).
        decode: ``False`` sends the file's VP8/Opus packets as they are (no encoder runs on
            the client, so a benchmark's clients cost little CPU; keyframe requests go
            unanswered, as the file's keyframes are fixed).
    """

    def __init__(
        self,
        media: Path,
        *,
        video: bool = True,
        configuration: RTCConfiguration | None = None,
        decode: bool = True,
        video_codec: str | None = None,
    ) -> None:
        self.player = MediaPlayer(str(media), decode=decode)
        self.video_codec = video_codec
        # No configuration would mean aiortc's default public STUN server; loopback needs none.
        self.pc = RTCPeerConnection(configuration or RTCConfiguration(iceServers=[]))
        self.audio = CountingTrack(self.player.audio) if self.player.audio else None
        self.video = CountingTrack(self.player.video) if video and self.player.video else None
        self.connected = asyncio.Event()
        self.pc.on("connectionstatechange", self._on_state)

    def _on_state(self) -> None:
        if self.pc.connectionState == "connected":
            self.connected.set()

    async def wait_connected(self, timeout: float) -> None:
        """Wait until ICE and DTLS are up."""
        await asyncio.wait_for(self.connected.wait(), timeout)

    async def offer(self) -> tuple[str, str]:
        """Create the offer, wait for ICE gathering, return ``(sdp, type)``."""
        from aiortc import RTCRtpSender

        for track in (self.audio, self.video):
            if track is not None:
                transceiver = self.pc.addTransceiver(track, direction="sendonly")
                if track.kind == "video" and self.video_codec:
                    caps = RTCRtpSender.getCapabilities("video")
                    transceiver.setCodecPreferences(
                        [
                            c
                            for c in (caps.codecs if caps else [])
                            if c.mimeType.lower() == f"video/{self.video_codec.lower()}"
                        ]
                    )
        await self.pc.setLocalDescription(await self.pc.createOffer())
        desc = self.pc.localDescription
        return desc.sdp, desc.type

    async def accept(self, sdp: str, sdp_type: str = "answer") -> None:
        """Apply the server's answer."""
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type=sdp_type))

    async def send(self, seconds: float, *, timeout: float = 30.0, then_pause: bool = False) -> None:
        """Wait until ``seconds`` of audio (and video) have been sent.

        With ``then_pause``, each track stops sending once it reaches ``seconds``,
        so the counts are exactly what a recording should hold.
        """
        if then_pause:
            for track in (self.audio, self.video):
                if track is not None:
                    track.limit_s = seconds
        waits = [t.sent(seconds, timeout=timeout) for t in (self.audio, self.video) if t]
        await asyncio.gather(*waits)

    def pause(self) -> None:
        """Stop sending media without hanging up."""
        for track in (self.audio, self.video):
            if track is not None:
                track.pause()

    @property
    def frames_sent(self) -> dict[str, int]:
        """Frames handed to the sender, per kind."""
        return {t.kind: t.frames for t in (self.audio, self.video) if t is not None}

    async def close(self) -> None:
        """Hang up (sends RTCP BYE and DTLS close) and stop the player."""
        for track in (self.audio, self.video):
            if track is not None:
                track.stop()
        await self.pc.close()
        for source in (self.player.audio, self.player.video):
            if source is not None:
                source.stop()
