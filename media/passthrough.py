"""Recording a take by storing the VP8 frames and Opus packets the browser sent, undecoded.

The decoded path (:class:`~media.recording.WebmRecorder`) decodes every frame and
encodes it again; this one writes the received frames into the WebM file as they
came, which costs a small fraction of the CPU. What a decoder used to hide is
handled here, in the event loop, before a frame is queued for the writer thread:

- the file's video starts at a keyframe, and after lost packets (or a frame the
  receiver could not reassemble) nothing is written until the next keyframe, which
  is asked for at once with an RTCP PLI (repeated while it does not come); a packet
  that retransmission did not bring back is given up on after ``lost_packet_wait_s``;
- a keyframe is also asked for every ``keyframe_interval_s``, so the review page can
  seek without decoding from the start of a long answer;
- RTP timestamps that jump (a sender that reset its clock or a wrap the receiver read
  as a jump) are re-anchored to the arrival time, as is the first frame of each track;
- audio is still decoded by aiortc, only to feed the live level meter.

Timing: a track's first frame is placed at the arrival of the track's first packet,
relative to the take's first packet (so the jitter buffer's hold does not shift audio
against video), later frames by their RTP timestamps.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from media.bitstream import parse_vp8
from media.errors import RecordingFailed
from media.passthrough_writer import PassthroughWriter
from media.recording import RecordingMode, RecordingStats, ThreadedRecorder
from media.rtp_tap import EncodedFrame, ReceiverTap, tap

if TYPE_CHECKING:
    from aiortc import RTCRtpReceiver
    from aiortc.mediastreams import MediaStreamTrack

    from media.audio_level import AudioLevelMeter

__all__ = ["KeyframeGate", "PassthroughOptions", "PassthroughRecorder", "RtpClock"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class PassthroughOptions:
    """Bounds for one passthrough recording."""

    keyframe_retry_s: float = 0.5
    """How often a keyframe is asked for again while the video waits for one."""
    keyframe_interval_s: float | None = 10.0
    """Ask for a keyframe when none came for this long (quick seeking); ``None``: never."""
    timestamp_jump_s: float = 2.0
    """RTP time running this far ahead of the arrival time (or backwards) is a jump."""
    lost_packet_wait_s: float = 0.5
    """How long the video waits for a missing packet to be retransmitted before giving up on
    it (aiortc alone waits until 512 packets queue behind it: seconds of video)."""
    audio_channels: int = 1
    wait_for_video_s: float = 3.0
    max_backlog: int = 900
    """Frames queued for the writer beyond which video is dropped until the next keyframe."""


class RtpClock:
    """Places one track's frames on the take's timeline (seconds from the take's start)."""

    def __init__(self, jump_s: float = 2.0) -> None:
        self.jump_s = jump_s
        self.jumps = 0
        self._last: tuple[int, float, float] | None = None  # timestamp, arrival, position

    @property
    def unplaced(self) -> bool:
        """Whether no frame has been placed yet."""
        return self._last is None

    def place(self, timestamp: int, clock_rate: int, arrival_s: float) -> float:
        """Position of a frame with RTP ``timestamp`` that arrived ``arrival_s`` into the take."""
        if self._last is None:
            at = arrival_s
        else:
            last_ts, last_arrival, last_at = self._last
            step = (timestamp - last_ts) / clock_rate
            waited = max(0.0, arrival_s - last_arrival)
            if step < 0 or step > waited + self.jump_s:
                self.jumps += 1  # not media time: re-anchor to what the clock says elapsed
                log.info("rtp timestamp jumped by %.3f s over %.3f s; re-anchored", step, waited)
                at = last_at + waited
            else:
                at = last_at + step
        self._last = (timestamp, arrival_s, at)
        return at


class KeyframeGate:
    """Decides which VP8 frames can be written: from a keyframe on, until something is lost.

    Args:
        request: Sends a keyframe request; returns whether it could be sent.
        retry_s: Minimum time between requests while waiting.
        interval_s: Ask for a fresh keyframe when none came for this long.
    """

    def __init__(
        self, request: Callable[[], bool], *, retry_s: float = 0.5, interval_s: float | None = 10.0
    ) -> None:
        self._request = request
        self._retry_s = retry_s
        self._interval_s = interval_s
        self.waiting = True
        self.skipped = 0
        self.requests = 0
        self._asked_at: float | None = None
        self._keyframe_at: float | None = None

    def _ask(self, now: float, *, urgent: bool) -> None:
        if (
            self._asked_at is None or now - self._asked_at >= self._retry_s or (urgent and not self.waiting)
        ) and self._request():
            self._asked_at = now
            self.requests += 1

    def admit(self, frame: EncodedFrame, now: float) -> tuple[bool, tuple[int, int] | None]:
        """Whether to write ``frame``, and its picture size if it is a keyframe."""
        parsed = parse_vp8(frame.data) if frame.codec == "vp8" else None
        if parsed is None or not frame.intact or not parsed.complete:
            self._ask(now, urgent=True)  # a frame that cannot be reassembled
            self.waiting = True
            self.skipped += 1
            return False, None
        if frame.after_loss and not parsed.keyframe:
            self._ask(now, urgent=True)
            self.waiting = True
        if not parsed.keyframe:
            if self.waiting:
                self._ask(now, urgent=False)
                self.skipped += 1
                return False, None
            if (
                self._interval_s is not None
                and self._keyframe_at is not None
                and now - self._keyframe_at >= self._interval_s
            ):
                self._ask(now, urgent=False)
            return True, None
        self.waiting = False
        self._keyframe_at = now
        assert parsed.width is not None and parsed.height is not None
        return True, (parsed.width, parsed.height)

    def drop_until_keyframe(self, now: float) -> None:
        """The writer is behind: skip video until a keyframe, and ask for one."""
        self._ask(now, urgent=True)
        self.waiting = True


class PassthroughRecorder(ThreadedRecorder):
    """Records one Opus and (optionally) one VP8 track into a WebM file without transcoding.

    Same life as :class:`~media.recording.WebmRecorder`: :meth:`add_track` (with the
    track's receiver) for each track before the connection starts, :meth:`start`, then
    :meth:`stop` returns what was recorded. ``clock`` (monotonic seconds) times arrivals.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        max_duration_s: float | None = None,
        on_limit: Callable[[], None] | None = None,
        level_meter: AudioLevelMeter | None = None,
        options: PassthroughOptions | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            path, max_duration_s=max_duration_s, on_limit=on_limit, level_meter=level_meter, clock=clock
        )
        self._options = options or PassthroughOptions()
        self._taps: dict[str, ReceiverTap] = {}
        self._clocks: dict[str, RtpClock] = {}
        self._gate: KeyframeGate | None = None
        self._writer: PassthroughWriter | None = None
        self._stopped = False

    def add_track(self, track: MediaStreamTrack, receiver: RTCRtpReceiver) -> None:
        """Record ``track`` from ``receiver`` (one audio and at most one video track)."""
        self._check_track(track)
        kind = track.kind
        receiver_tap = tap(
            receiver,
            self._on_frame,
            decode=kind == "audio",
            give_up_s=self._options.lost_packet_wait_s,
            clock=self._clock,
        )
        self._taps[kind] = receiver_tap
        self._clocks[kind] = RtpClock(self._options.timestamp_jump_s)
        if kind == "video":
            opts = self._options
            self._gate = KeyframeGate(
                receiver_tap.request_keyframe,
                retry_s=opts.keyframe_retry_s,
                interval_s=opts.keyframe_interval_s,
            )

    async def start(self) -> None:
        """Start the writer thread and the tasks that consume the tracks."""
        opts = self._options
        writer = self._writer = PassthroughWriter(
            self.path,
            expect_video=self._gate is not None,
            audio_channels=opts.audio_channels,
            wait_for_video_s=opts.wait_for_video_s,
        )
        self._start_worker(f"webm-pass-{self.path.stem}", lambda item: writer.handle(*item), writer.close)
        self._tasks = [asyncio.create_task(self._drain(t)) for t in self._tracks]

    async def stop(self) -> RecordingStats:
        """Stop recording, write the file's index and close it; returns what was recorded."""
        if self._stats is not None:
            return self._stats
        for receiver_tap in self._taps.values():
            try:
                receiver_tap.flush()
            except Exception:  # aiortc internals changed: lose the last frames, not the take
                log.exception("could not flush the %s jitter buffer of %s", receiver_tap.kind, self.path)
        self._stopped = True  # frames arriving from now on are not queued
        await self._stop_worker()
        w = self._writer
        if w is None or not self.path.exists() or w.audio_frames + w.video_frames == 0:
            raise RecordingFailed("no audio or video arrived before the take ended")
        gate = self._gate
        self._stats = RecordingStats(
            path=self.path,
            duration=round(w.end_s, 3),
            audio_frames=w.audio_frames,
            video_frames=w.video_frames,
            video_frames_dropped=gate.skipped if gate else 0,
            silence_inserted_s=round(w.silence_s, 3),
            width=w.width,
            height=w.height,
            mode=RecordingMode.PASSTHROUGH,
            keyframe_requests=gate.requests if gate else 0,
            video_sizes=tuple((w_, h_) for _, w_, h_ in w.sizes),
            timestamp_jumps=sum(c.jumps for c in self._clocks.values()),
        )
        return self._stats

    def _on_frame(self, frame: EncodedFrame) -> None:
        """One reassembled frame from a receiver (in the event loop)."""
        if self._stopped or self._limit_hit or self._error is not None:
            return
        kind = frame.kind
        if kind == "audio" and frame.codec != "opus":
            return
        now = self._clock()
        self._last_frame_at = now
        if self._started_at is None:
            began = [t.began.at for t in self._taps.values() if t.began.at is not None]
            self._started_at = min(began, default=now)
        clock = self._clocks[kind]
        first_packet_at = self._taps[kind].began.at
        arrival = first_packet_at if clock.unplaced and first_packet_at is not None else now
        at_s = clock.place(frame.timestamp, frame.clock_rate, max(0.0, arrival - self._started_at))
        if self._max is not None and at_s >= self._max:
            self._hit_limit()
            return
        self._media_s = max(self._media_s, at_s)
        size: tuple[int, int] | None = None
        if kind == "video":
            assert self._gate is not None
            if self.backlog >= self._options.max_backlog:
                self._gate.drop_until_keyframe(now)  # the writer is behind: never let memory grow
            write, size = self._gate.admit(frame, now)
            if not write:
                return
        self._put((kind, frame.data, at_s, size))

    async def _drain(self, track: MediaStreamTrack) -> None:
        """Feed the meter with decoded audio; a video track only reports its end here."""
        from aiortc.mediastreams import MediaStreamError
        from av import AudioFrame

        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            if self._meter is not None and isinstance(frame, AudioFrame):
                self._meter.feed(frame)
