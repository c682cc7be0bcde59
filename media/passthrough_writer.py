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
from pathlib import Path
from typing import TYPE_CHECKING, Any

from media.bitstream import OPUS_SILENCE_20MS, opus_packet_samples
from media.take_writer import TakeWriter

if TYPE_CHECKING:
    pass

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


class PassthroughWriter(TakeWriter[bytes]):
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
        super().__init__(path, expect_video=expect_video, wait_for_video_s=wait_for_video_s)
        self.audio_channels = audio_channels
        self.keyframes = 0
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
        self._write(kind, data, at_s, size)

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
        ms = self._video_ms(at_s)
        if size is not None:
            self.keyframes += 1
            if not self.sizes or self.sizes[-1][1:] != size:
                self.sizes.append((ms / 1000, *size))
        self._mux(self.video, data, ms, _MS, keyframe=size is not None)
        self.video_frames += 1
        self.end_s = max(self.end_s, ms / 1000 + 1 / 30)
