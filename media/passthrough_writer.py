"""Muxing received VP8 frames and Opus packets into a WebM file as they came: no codec runs.

The recorder hands over encoded frames already placed on the take's timeline (seconds
from its start) and guarantees video starts at a keyframe. This writer only orders
them for the Matroska muxer: video times strictly increase; audio is laid end to end
and a gap of lost packets is filled with Opus silence packets, so the audio timeline
never drifts from the video (as the decoded path fills gaps with silent samples). A
keyframe of another size (the browser rotated or rescaled its camera) is written as
it is: VP8 carries its size in every keyframe, and players follow it, as they do for
the WebM files Chrome's own MediaRecorder writes.
"""

from __future__ import annotations

import fractions
import functools
import io
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from media.bitstream import OPUS_SILENCE_20MS, opus_packet_samples

if TYPE_CHECKING:
    import av.container

__all__ = ["PassthroughWriter"]

_AUDIO_RATE = 48_000
_AUDIO_TB = fractions.Fraction(1, _AUDIO_RATE)
_MS = fractions.Fraction(1, 1000)
_SILENCE_SAMPLES = 960
_DEFAULT_SIZE = (640, 480)


@functools.cache
def _opus_template(channels: int) -> bytes:
    """A tiny WebM whose Opus stream carries the codec header (OpusHead) we copy."""
    import av

    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="webm") as container:
        stream = container.add_stream("libopus", rate=_AUDIO_RATE)
        stream.layout = "mono" if channels == 1 else "stereo"
        frame = av.AudioFrame(format="s16", layout=stream.layout.name, samples=_SILENCE_SAMPLES)
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        frame.sample_rate, frame.pts = _AUDIO_RATE, 0
        container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return buffer.getvalue()


class PassthroughWriter:
    """Owns the PyAV container; every method runs in the recorder's worker thread.

    Args:
        path: The WebM file to write.
        expect_video: Whether a video track is being recorded (the header needs its size,
            so audio waits up to ``wait_for_video_s`` for the first keyframe).
        audio_channels: Channels declared in the Opus header (packets of either kind decode).
        wait_for_video_s: How long audio waits for the first video keyframe.
    """

    def __init__(
        self, path: Path, *, expect_video: bool, audio_channels: int = 1, wait_for_video_s: float = 3.0
    ) -> None:
        self.path = path
        self.expect_video = expect_video
        self.audio_channels = audio_channels
        self.wait_for_video_s = wait_for_video_s
        self.container: av.container.OutputContainer | None = None
        self.audio: Any = None
        self.video: Any = None
        self.pending_audio: list[tuple[bytes, float]] = []
        self.next_sample = 0
        self.last_video_ms = -1
        self.end_s = 0.0
        self.audio_frames = 0
        self.video_frames = 0
        self.keyframes = 0
        self.silence_s = 0.0
        self.width: int | None = None
        self.height: int | None = None
        self.sizes: list[tuple[float, int, int]] = []
        """Every picture size the video had and when it began (seconds)."""

    def _open(self, size: tuple[int, int] | None) -> None:
        import av

        container = av.open(str(self.path), mode="w", format="webm")
        with av.open(io.BytesIO(_opus_template(self.audio_channels)), mode="r") as template:
            self.audio = container.add_stream_from_template(template.streams.audio[0], opaque=True)
        self.audio.time_base = _AUDIO_TB
        if self.expect_video:
            width, height = size or _DEFAULT_SIZE
            self.video = container.add_mux_stream("vp8", rate=30, width=width, height=height)
            self.video.time_base = _MS
            self.width, self.height = width, height
        self.container = container

    def handle(self, kind: str, data: bytes, at_s: float, size: tuple[int, int] | None) -> None:
        """Write one frame: ``size`` is set for a video keyframe (its picture size)."""
        if self.container is None:
            if kind == "video":
                self._open(size)
            else:
                self.pending_audio.append((data, at_s))
                waited = at_s - self.pending_audio[0][1]
                if self.expect_video and waited < self.wait_for_video_s:
                    return
                self._open(None)
            pending, self.pending_audio = self.pending_audio, []
            for packet, packet_at in pending:
                self._audio(packet, packet_at)
            if kind == "audio":
                return
        if kind == "audio":
            self._audio(data, at_s)
        elif self.video is not None:
            self._video(data, at_s, size)

    def _mux(
        self, stream: Any, data: bytes, pts: int, time_base: fractions.Fraction, keyframe: bool = False
    ) -> None:
        import av

        assert self.container is not None
        packet = av.Packet(data)
        packet.pts = packet.dts = pts
        packet.time_base = time_base
        packet.stream = stream
        packet.is_keyframe = keyframe
        self.container.mux(packet)

    def _audio(self, data: bytes, at_s: float) -> None:
        samples = opus_packet_samples(data)
        if not samples:
            return  # not an Opus packet a decoder could use
        gap = round(at_s * _AUDIO_RATE) - self.next_sample
        if gap >= samples:  # packets were lost: keep the timeline with silence
            fill = gap // _SILENCE_SAMPLES
            for _ in range(fill):
                self._mux(self.audio, OPUS_SILENCE_20MS, self.next_sample, _AUDIO_TB, keyframe=True)
                self.next_sample += _SILENCE_SAMPLES
            self.silence_s += fill * _SILENCE_SAMPLES / _AUDIO_RATE
        self._mux(self.audio, data, self.next_sample, _AUDIO_TB, keyframe=True)
        self.next_sample += samples
        self.audio_frames += 1
        self.end_s = max(self.end_s, self.next_sample / _AUDIO_RATE)

    def _video(self, data: bytes, at_s: float, size: tuple[int, int] | None) -> None:
        ms = max(round(at_s * 1000), self.last_video_ms + 1)
        self.last_video_ms = ms
        if size is not None:
            self.keyframes += 1
            if not self.sizes or self.sizes[-1][1:] != size:
                self.sizes.append((ms / 1000, *size))
        self._mux(self.video, data, ms, _MS, keyframe=size is not None)
        self.video_frames += 1
        self.end_s = max(self.end_s, ms / 1000 + 1 / 30)

    def close(self) -> None:
        """Write what is pending and the file's index (cues), then sync it to disk."""
        if self.container is None and self.pending_audio:
            self._open(None)
            pending, self.pending_audio = self.pending_audio, []
            for packet, packet_at in pending:
                self._audio(packet, packet_at)
        if self.container is None:
            return
        self.container.close()
        self.container = None
        with open(self.path, "rb") as f:
            os.fsync(f.fileno())
