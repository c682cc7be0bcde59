"""Recording received WebRTC tracks to a WebM (VP8 + Opus) file off the event loop.

aiortc hands us decoded frames, so a recording must re-encode. aiortc's own
``MediaRecorder`` encodes inside the event loop; one 640x480 VP8 frame costs
milliseconds there, which delays every other peer's RTP handling. Here the loop
only stamps each frame with its media time and queues it; one worker thread per
take encodes and muxes (PyAV releases the GIL while libvpx/libopus work).

Timing: aiortc's receiver starts every track's ``pts`` at 0. A track's first
frame is placed at the arrival of its first packet (when the session says, see
:class:`~media.rtp_tap.StreamStart`; else of the frame) relative to the take's
first, later frames at that offset plus their own ``pts`` difference, so audio and
video stay in step even when one starts later. Audio gaps (lost packets) are filled with
silence so the audio timeline never runs ahead of the video.
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from media.errors import RecordingFailed
from media.rtp_tap import StreamStart, decoder_idle, drain_to_decoder
from media.webm_writer import RecorderOptions, WebmWriter

if TYPE_CHECKING:
    from aiortc import RTCRtpReceiver
    from aiortc.mediastreams import MediaStreamTrack

    from media.audio_level import AudioLevelMeter

__all__ = ["RecorderOptions", "RecordingMode", "RecordingStats", "ThreadedRecorder", "WebmRecorder"]

log = logging.getLogger(__name__)

_STOP = object()


class RecordingMode(StrEnum):
    """How a take was written to its file."""

    PASSTHROUGH = "passthrough"
    """The VP8 frames and Opus packets the browser sent, stored as they came."""
    DECODED = "decoded"
    """Decoded and encoded again (codecs the passthrough does not store, e.g. H.264)."""
    UPLOAD = "upload"
    """Recorded in the browser (MediaRecorder) and uploaded in resumable chunks (no WebRTC)."""


@dataclass(frozen=True, slots=True)
class RecordingStats:
    """What a finished recording holds."""

    path: Path
    duration: float
    audio_frames: int
    video_frames: int
    video_frames_dropped: int
    silence_inserted_s: float
    width: int | None
    height: int | None
    mode: RecordingMode = RecordingMode.DECODED
    keyframe_requests: int = 0
    video_sizes: tuple[tuple[int, int], ...] = ()
    """Passthrough: each picture size the video had, in order (a rotated camera adds one)."""
    timestamp_jumps: int = 0


class _TrackClock:
    """Maps a track's pts to seconds since the take's first frame."""

    def __init__(self, offset_s: float, first_pts: int, time_base: fractions.Fraction) -> None:
        self.offset_s = offset_s
        self.first_pts = first_pts
        self.time_base = time_base

    def seconds(self, pts: int) -> float:
        return self.offset_s + float((pts - self.first_pts) * self.time_base)


class ThreadedRecorder:
    """What both recorders share: a take's limits and timing, and one writer thread per take.

    The event loop stamps each frame and :meth:`_put` queues it; the thread hands every item
    to ``handle`` and calls ``close`` at the end (the file's index), off the event loop.

    Args:
        path: Where the WebM file is written (its directory must exist).
        max_duration_s: Media time after which frames are no longer recorded and
            ``on_limit`` is called once; ``None`` for no limit.
        on_limit: Called in the event loop when ``max_duration_s`` is reached.
        level_meter: Fed with every audio frame, for the live audio level.
        clock: Monotonic seconds (times arrivals).
    """

    def __init__(
        self,
        path: Path | str,
        *,
        max_duration_s: float | None = None,
        on_limit: Callable[[], None] | None = None,
        level_meter: AudioLevelMeter | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = Path(path)
        self._clock = clock
        self._max = max_duration_s
        self._on_limit = on_limit
        self._meter = level_meter
        self._tracks: list[MediaStreamTrack] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._queued = 0  # written by the loop only
        self._taken = 0  # written by the worker only
        self._started_at: float | None = None
        self._media_s = 0.0
        self._last_frame_at: float | None = None
        self._limit_hit = False
        self._error: BaseException | None = None
        self._done: asyncio.Future[None] | None = None
        self._stats: RecordingStats | None = None

    def _check_track(self, track: MediaStreamTrack) -> None:
        if track.kind not in ("audio", "video") or any(t.kind == track.kind for t in self._tracks):
            raise RecordingFailed(f"cannot record a second {track.kind} track")
        self._tracks.append(track)

    @property
    def media_seconds(self) -> float:
        """Media time recorded so far (the latest frame's position)."""
        return self._media_s

    @property
    def seconds_since_last_frame(self) -> float | None:
        """Wall-clock seconds since any frame arrived; ``None`` before the first."""
        return None if self._last_frame_at is None else self._clock() - self._last_frame_at

    @property
    def limit_reached(self) -> bool:
        """Whether the maximum duration cut the recording."""
        return self._limit_hit

    @property
    def backlog(self) -> int:
        """Items queued for the writer thread and not yet taken."""
        return self._queued - self._taken

    def _start_worker(self, name: str, handle: Callable[[Any], None], close: Callable[[], None]) -> None:
        loop = asyncio.get_running_loop()
        self._done = loop.create_future()
        worker = threading.Thread(target=self._work, args=(loop, handle, close), daemon=True, name=name)
        worker.start()

    def _put(self, item: Any) -> None:
        self._queued += 1
        self._queue.put(item)

    async def _stop_worker(self) -> None:
        """Let the writer finish what is queued and close the file; raise what it hit."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._queue.put(_STOP)
        if self._done is not None:
            await asyncio.shield(self._done)
        if self._error is not None:
            raise RecordingFailed(f"the recording could not be written: {self._error}")

    def _hit_limit(self) -> None:
        if not self._limit_hit:
            self._limit_hit = True
            if self._on_limit is not None:
                self._on_limit()

    def _work(
        self, loop: asyncio.AbstractEventLoop, handle: Callable[[Any], None], close: Callable[[], None]
    ) -> None:
        try:
            while (item := self._queue.get()) is not _STOP:
                self._taken += 1
                if self._error is None:
                    handle(item)
        except BaseException as exc:  # reported by stop(); the loop must not hang
            log.exception("recording %s failed", self.path)
            self._error = exc
        finally:
            try:
                close()
            except BaseException as exc:
                log.exception("closing recording %s failed", self.path)
                self._error = self._error or exc
            with contextlib.suppress(RuntimeError):  # the loop may already be closed
                loop.call_soon_threadsafe(self._finish)

    def _finish(self) -> None:
        if self._done is not None and not self._done.done():
            self._done.set_result(None)


class WebmRecorder(ThreadedRecorder):
    """Records one audio and (optionally) one video track into a WebM file, decoded and encoded.

    Args:
        path: Where the WebM file is written (its directory must exist).
        max_duration_s: Media time after which frames are no longer recorded and
            ``on_limit`` is called once; ``None`` for no limit.
        on_limit: Called in the event loop when ``max_duration_s`` is reached.
        level_meter: Fed with every audio frame, for the live audio level.
        options: Encoder settings.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        max_duration_s: float | None = None,
        on_limit: Callable[[], None] | None = None,
        level_meter: AudioLevelMeter | None = None,
        options: RecorderOptions | None = None,
    ) -> None:
        super().__init__(path, max_duration_s=max_duration_s, on_limit=on_limit, level_meter=level_meter)
        self._options = options or RecorderOptions()
        self._began: dict[str, Callable[[], float | None]] = {}
        self._receivers: list[RTCRtpReceiver] = []
        self._video_queued = 0  # written by the loop only
        self._video_taken = 0  # written by the worker only
        self._video_dropped = 0
        self._encoder: WebmWriter | None = None

    def add_track(self, track: MediaStreamTrack, receiver: RTCRtpReceiver | None = None) -> None:
        """Record ``track`` (one audio and at most one video track).

        With the track's ``receiver`` (before it starts), the first frame is placed by when
        its first packet arrived rather than when the decoder handed it over, and what the
        receiver still holds when the take ends is decoded and written too.
        """
        self._check_track(track)
        if receiver is not None:
            self._began[track.kind] = StreamStart(receiver)
            self._receivers.append(receiver)

    async def start(self) -> None:
        """Start receiving frames and the encoder thread."""
        expect_video = any(t.kind == "video" for t in self._tracks)
        encoder = self._encoder = WebmWriter(self.path, self._options, expect_video)

        def handle(item: tuple[str, Any, float]) -> None:
            kind, frame, at_s = item
            if kind == "video":
                self._video_taken += 1
            encoder.handle(kind, frame, at_s)

        self._start_worker(f"webm-{self.path.stem}", handle, encoder.close)
        self._tasks = [asyncio.create_task(self._receive(t)) for t in self._tracks]

    async def stop(self) -> RecordingStats:
        """Stop receiving, finish encoding and close the file; returns what was recorded."""
        if self._stats is not None:
            return self._stats
        await self._drain_receivers()
        await self._stop_worker()
        enc = self._encoder
        if enc is None or not self.path.exists() or enc.audio_frames + enc.video_frames == 0:
            raise RecordingFailed("no audio or video arrived before the take ended")
        self._stats = RecordingStats(
            path=self.path,
            duration=round(enc.end_s, 3),
            audio_frames=enc.audio_frames,
            video_frames=enc.video_frames,
            video_frames_dropped=self._video_dropped,
            silence_inserted_s=round(enc.silence_s, 3),
            width=enc.width,
            height=enc.height,
        )
        return self._stats

    async def _drain_receivers(self, timeout_s: float = 1.0) -> None:
        """Decode what the receivers still hold (the last 80 ms of audio, the last picture)."""
        try:
            if not sum(drain_to_decoder(r) for r in self._receivers):
                return
            deadline = time.monotonic() + timeout_s
            while not all(decoder_idle(r) for r in self._receivers) and time.monotonic() < deadline:
                await asyncio.sleep(0.01)  # the decoder threads hand frames to the tracks
            await asyncio.sleep(0)  # and the receiving tasks take the last of them
        except Exception:  # aiortc internals changed: lose the last frames, not the take
            log.exception("could not drain the receivers of %s", self.path)

    async def _receive(self, track: MediaStreamTrack) -> None:
        from aiortc.mediastreams import MediaStreamError
        from av import AudioFrame, VideoFrame

        clock: _TrackClock | None = None
        while self._error is None and not self._limit_hit:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            if not isinstance(frame, AudioFrame | VideoFrame):
                continue
            now = self._clock()
            self._last_frame_at = now
            if self._started_at is None:
                starts = [at for began in self._began.values() if (at := began()) is not None]
                self._started_at = min(starts, default=now)
            if clock is None:
                began = self._began.get(track.kind)
                first = began() if began is not None else None
                clock = _TrackClock(
                    max(0.0, (first or now) - self._started_at),
                    frame.pts or 0,
                    frame.time_base or fractions.Fraction(1, 90_000),
                )
            at_s = clock.seconds(frame.pts or 0)
            if self._max is not None and at_s >= self._max:
                self._hit_limit()
                return
            self._media_s = max(self._media_s, at_s)
            if isinstance(frame, AudioFrame):
                if self._meter is not None:
                    self._meter.feed(frame)
            elif self._video_queued - self._video_taken >= self._options.max_video_backlog:
                self._video_dropped += 1  # the encoder is behind: never let memory grow
                continue
            else:
                self._video_queued += 1
            self._put((track.kind, frame, at_s))
