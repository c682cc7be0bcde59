"""One WebRTC peer connection per take: answer the browser's offer, record, finish.

Signalling follows aiortc's server example: one offer in, one complete answer
out (ICE gathering finishes before the answer is returned; no trickle). A
session ends when the server calls :meth:`TakeSession.stop`, when the maximum
duration is reached, or when the candidate's connection goes away; whatever
was recorded is always finalized into a playable file.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from media.audio_level import AudioLevel, AudioLevelMeter
from media.errors import InvalidOffer, RecordingFailed
from media.offer import OfferLimits, OfferSummary, validate_offer
from media.passthrough import PassthroughOptions, PassthroughRecorder
from media.recording import RecorderOptions, RecordingMode, RecordingStats, WebmRecorder
from media.rtp_tap import can_tap

if TYPE_CHECKING:
    from aiortc import RTCPeerConnection, RTCRtpReceiver
    from aiortc.mediastreams import MediaStreamTrack

__all__ = [
    "IceServer",
    "RecordedTake",
    "SessionConfig",
    "StopReason",
    "TakeSession",
    "TakeState",
    "enlarge_receive_buffers",
    "recording_mode_for",
    "rtc_configuration",
]

log = logging.getLogger(__name__)

_WATCH_INTERVAL_S = 0.2


class TakeState(StrEnum):
    """Where a take session is in its life."""

    CONNECTING = "connecting"
    RECORDING = "recording"
    STOPPED = "stopped"
    FAILED = "failed"


class StopReason(StrEnum):
    """Why a take ended; all but the first two leave a partial recording."""

    STOPPED = "stopped"
    MAX_DURATION = "max_duration"
    CONNECTION_LOST = "connection_lost"
    MEDIA_TIMEOUT = "media_timeout"
    SHUTDOWN = "shutdown"
    EXPIRED = "expired"

    @property
    def partial(self) -> bool:
        """Whether a take ended this way is incomplete."""
        return self not in (StopReason.STOPPED, StopReason.MAX_DURATION)


@dataclass(frozen=True, slots=True, kw_only=True)
class IceServer:
    """A STUN or TURN server offered to the peer connection."""

    urls: tuple[str, ...]
    username: str | None = None
    credential: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionConfig:
    """Limits and network settings shared by every take session."""

    ice_servers: tuple[IceServer, ...] = ()
    max_duration_s: float = 600.0
    connect_timeout_s: float = 20.0
    disconnect_grace_s: float = 3.0
    media_timeout_s: float = 5.0
    offer_limits: OfferLimits = field(default_factory=OfferLimits)
    recorder: RecorderOptions = field(default_factory=RecorderOptions)
    recording: RecordingMode = RecordingMode.PASSTHROUGH
    """The preferred way to record; passthrough falls back to decoded per take when needed."""
    passthrough: PassthroughOptions = field(default_factory=PassthroughOptions)
    udp_receive_buffer: int = 4 * 1024 * 1024
    """SO_RCVBUF asked for on each take's ICE sockets (the kernel caps it at net.core.rmem_max)."""


@dataclass(frozen=True, slots=True)
class RecordedTake:
    """A finished recording waiting in the spool directory."""

    take_id: str
    path: Path
    duration: float
    partial: bool
    reason: StopReason
    stats: RecordingStats


def recording_mode_for(offer: OfferSummary, preferred: RecordingMode) -> RecordingMode:
    """How a take with this offer is recorded: passthrough needs Opus, and VP8 for video."""
    if (
        preferred is RecordingMode.PASSTHROUGH
        and "opus" in offer.audio_codecs
        and (not offer.has_video or "vp8" in offer.video_codecs)
    ):
        return RecordingMode.PASSTHROUGH
    return RecordingMode.DECODED


def enlarge_receive_buffers(pc: RTCPeerConnection, size: int) -> list[int]:
    """Ask for a ``size`` byte receive buffer on every UDP socket the peer gathered.

    A take at 640x480 arrives in bursts of 5-10 packets per frame; with many takes
    on one process the event loop reads each socket only every few tens of ms, and
    the kernel's default buffer (about 208 KiB) then overflows: measured on 2 cores,
    20 passthrough takes at once lost 140 datagrams to ``RcvbufErrors`` in 10 s,
    and each loss costs the frames until the next keyframe. The kernel grants at
    most ``net.core.rmem_max`` (see the README's deployment notes); a smaller grant is
    logged once per process, so an operator sees why. Reaches into aioice's sockets
    (no public API); a change there only skips the tuning. Returns the granted sizes.
    """
    import socket

    granted: list[int] = []
    seen: set[int] = set()
    for transceiver in pc.getTransceivers():
        ice = getattr(transceiver.receiver.transport, "transport", None)
        connection = getattr(getattr(ice, "iceGatherer", None), "_connection", None)
        for protocol in getattr(connection, "_protocols", ()):
            transport = getattr(protocol, "transport", None)
            sock = transport.get_extra_info("socket") if transport is not None else None
            if sock is None or sock.fileno() in seen:
                continue
            seen.add(sock.fileno())
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, size)
                granted.append(sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
            except OSError as exc:  # pragma: no cover - a platform without the option
                log.debug("SO_RCVBUF not set: %s", exc)
    global _small_buffer_logged
    full = 2 * size if sys.platform == "linux" else size  # Linux reports twice what it grants
    if granted and min(granted) < full and not _small_buffer_logged:
        _small_buffer_logged = True
        log.warning(
            "UDP receive buffers are capped at %d bytes (asked for %d): with many takes at once "
            "packets may be lost; raise net.core.rmem_max (see the README, 'Media hosts')",
            min(granted),
            size,
        )
    return granted


_small_buffer_logged = False


def _pin_passthrough_codecs(pc: RTCPeerConnection, offer: OfferSummary) -> None:
    """Receive only Opus (and VP8) so the answer leaves the browser no other choice."""
    from aiortc import RTCRtpReceiver

    wanted = {"audio": ("audio/opus",), "video": ("video/vp8", "video/rtx")}
    for kind in ("audio", "video") if offer.has_video else ("audio",):
        transceiver = pc.addTransceiver(kind, direction="recvonly")
        capabilities = RTCRtpReceiver.getCapabilities(kind)
        assert capabilities is not None
        transceiver.setCodecPreferences(
            [c for c in capabilities.codecs if c.mimeType.lower() in wanted[kind]]
        )


def rtc_configuration(servers: tuple[IceServer, ...]) -> Any:
    """aiortc's configuration for ``servers`` (an empty tuple means host candidates only)."""
    from aiortc import RTCConfiguration, RTCIceServer

    # An empty list, not None: None makes aiortc use a public Google STUN server.
    return RTCConfiguration(
        iceServers=[
            RTCIceServer(urls=list(s.urls), username=s.username, credential=s.credential) for s in servers
        ]
    )


class TakeSession:
    """Receives one take over WebRTC and records it to ``output`` as WebM.

    Create with :meth:`open`; send :attr:`answer_sdp` back to the browser.
    """

    def __init__(self, take_id: str, output: Path, config: SessionConfig, offer: OfferSummary) -> None:
        from aiortc import RTCPeerConnection

        self.take_id = take_id
        self.offer = offer
        self.answer_sdp = ""
        self.answer_type = "answer"
        self.created_at = time.monotonic()
        self._config = config
        self._state = TakeState.CONNECTING
        self._meter = AudioLevelMeter()
        self._output = output
        self.recording_mode = recording_mode_for(offer, config.recording)
        self._recorder: WebmRecorder | PassthroughRecorder = self._decoded_recorder()
        self._received: list[tuple[MediaStreamTrack, RTCRtpReceiver]] = []
        self._pc: RTCPeerConnection = RTCPeerConnection(rtc_configuration(config.ice_servers))
        self._recording_since: float | None = None
        self._unhealthy_since: float | None = None
        self._finished: asyncio.Future[RecordedTake] = asyncio.get_running_loop().create_future()
        self._stopping = False
        self._watchdog: asyncio.Task[None] | None = None
        self._pc.on("track", self._on_track)
        self._pc.on("connectionstatechange", self._on_connection_state)

    @classmethod
    async def open(
        cls,
        *,
        take_id: str,
        sdp: str,
        sdp_type: str = "offer",
        output: Path | str,
        config: SessionConfig | None = None,
    ) -> TakeSession:
        """Validate the offer, build the peer connection, start recording.

        Raises:
            InvalidOffer: The offer cannot be used (the caller answers 4xx).
        """
        from aiortc import RTCSessionDescription

        config = config or SessionConfig()
        summary = validate_offer(sdp, sdp_type, config.offer_limits)
        session = cls(take_id, Path(output), config, summary)
        try:
            if session.recording_mode is RecordingMode.PASSTHROUGH:
                _pin_passthrough_codecs(session._pc, summary)
            await session._pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type=sdp_type))
            await session._pc.setLocalDescription(await session._pc.createAnswer())
        except Exception as exc:
            await session._pc.close()
            raise InvalidOffer(f"the SDP offer was refused: {exc}") from exc
        enlarge_receive_buffers(session._pc, config.udp_receive_buffer)
        session.answer_sdp = session._pc.localDescription.sdp
        session._choose_recorder()
        await session._recorder.start()
        session._watchdog = asyncio.create_task(session._watch())
        return session

    @property
    def state(self) -> TakeState:
        """The session's current state."""
        return self._state

    @property
    def media_seconds(self) -> float:
        """Seconds of media recorded so far."""
        return self._recorder.media_seconds

    @property
    def finished(self) -> bool:
        """Whether the take has ended (stopped or failed)."""
        return self._finished.done()

    def audio_level(self) -> AudioLevel:
        """Level of the latest audio, for the browser's "we can hear you" indicator."""
        return self._meter.level()

    async def stop(self, reason: StopReason = StopReason.STOPPED) -> RecordedTake:
        """End the take, finalize the file and return it (idempotent).

        Raises:
            RecordingFailed: Nothing was recorded, or the file could not be written.
        """
        if not self._stopping:
            self._stopping = True
            await self._finish(reason)
        return await asyncio.shield(self._finished)

    async def wait_finished(self, timeout: float | None = None) -> RecordedTake:
        """Wait for the take to end on its own (limit reached or connection lost)."""
        return await asyncio.wait_for(asyncio.shield(self._finished), timeout)

    async def _finish(self, reason: StopReason) -> None:
        if self._watchdog is not None and self._watchdog is not asyncio.current_task():
            self._watchdog.cancel()
        try:
            stats = await self._recorder.stop()
        except RecordingFailed as exc:
            self._state = TakeState.FAILED
            self._finished.set_exception(exc)
            self._finished.exception()  # retrieved: callers may never ask
        else:
            self._state = TakeState.STOPPED
            self._finished.set_result(
                RecordedTake(self.take_id, stats.path, stats.duration, reason.partial, reason, stats)
            )
        finally:
            await self._pc.close()
        log.info("take %s ended: %s (%s)", self.take_id, self._state, reason)

    def _decoded_recorder(self) -> WebmRecorder:
        return WebmRecorder(
            self._output,
            max_duration_s=self._config.max_duration_s,
            on_limit=self._on_limit,
            level_meter=self._meter,
            options=self._config.recorder,
        )

    def _choose_recorder(self) -> None:
        """Hand the received tracks to the recorder this take uses (before any media flows)."""
        if self.recording_mode is RecordingMode.PASSTHROUGH and not all(
            can_tap(receiver) for _, receiver in self._received
        ):
            log.warning("take %s: this aiortc cannot hand over encoded frames; decoding", self.take_id)
            self.recording_mode = RecordingMode.DECODED
        if self.recording_mode is RecordingMode.PASSTHROUGH:
            cfg = self._config
            recorder = PassthroughRecorder(
                self._output,
                max_duration_s=cfg.max_duration_s,
                on_limit=self._on_limit,
                level_meter=self._meter,
                options=cfg.passthrough,
            )
            for track, receiver in self._received:
                recorder.add_track(track, receiver)
            self._recorder = recorder
        else:
            decoded = self._recorder
            assert isinstance(decoded, WebmRecorder)
            for track, receiver in self._received:
                decoded.add_track(track, receiver)

    def _on_track(self, track: MediaStreamTrack) -> None:
        if track.kind not in ("audio", "video"):
            return
        if any(t.kind == track.kind for t, _ in self._received):
            log.warning("take %s: ignoring an extra %s track", self.take_id, track.kind)
            return
        receiver = next(t.receiver for t in self._pc.getTransceivers() if t.receiver.track is track)
        self._received.append((track, receiver))
        track.on("ended", self._on_track_ended)

    def _on_connection_state(self) -> None:
        if self._state is TakeState.CONNECTING and self._pc.connectionState == "connected":
            self._state = TakeState.RECORDING
            self._recording_since = time.monotonic()

    def _on_track_ended(self) -> None:
        self._request_stop(StopReason.CONNECTION_LOST)

    def _on_limit(self) -> None:
        self._request_stop(StopReason.MAX_DURATION)

    def _request_stop(self, reason: StopReason) -> None:
        if not self._stopping:
            self._stopping = True
            asyncio.get_running_loop().create_task(self._finish(reason))

    def _check(self, now: float) -> StopReason | None:
        cfg = self._config
        pc_state = self._pc.connectionState
        if self._state is TakeState.CONNECTING and now - self.created_at > cfg.connect_timeout_s:
            return StopReason.CONNECTION_LOST
        if pc_state in ("failed", "closed"):
            self._unhealthy_since = self._unhealthy_since or now
            if pc_state == "closed" or now - self._unhealthy_since > cfg.disconnect_grace_s:
                return StopReason.CONNECTION_LOST
        else:
            self._unhealthy_since = None
        if self._state is TakeState.RECORDING:
            silent_for = self._recorder.seconds_since_last_frame
            assert self._recording_since is not None
            if (silent_for or now - self._recording_since) > cfg.media_timeout_s:
                return StopReason.MEDIA_TIMEOUT
            if now - self._recording_since > cfg.max_duration_s + cfg.media_timeout_s:
                return StopReason.MAX_DURATION  # backstop if media time stalls
        return None

    async def _watch(self) -> None:
        while not self._stopping:
            reason = self._check(time.monotonic())
            if reason is not None:
                self._request_stop(reason)
                return
            await asyncio.sleep(_WATCH_INTERVAL_S)

    def __repr__(self) -> str:
        return f"<TakeSession {self.take_id} {self._state} {self.media_seconds:.1f}s>"
