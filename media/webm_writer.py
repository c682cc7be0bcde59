"""Encoding and muxing timed frames into a WebM file (VP8 + Opus); one thread owns it.

Frames arrive with their position in seconds from the take's start. Audio gaps
(lost packets) are filled with silence so the audio timeline never drifts from
the video; audio waits (up to ``wait_for_video_s``) for the first video frame,
because the file header needs the video size before anything is written.
"""

from __future__ import annotations

import fractions
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from media.take_writer import TakeWriter

if TYPE_CHECKING:
    from av import AudioFrame, VideoFrame

__all__ = ["RecorderOptions", "WebmWriter"]

_AUDIO_RATE = 48_000
_MS = fractions.Fraction(1, 1000)


@dataclass(frozen=True, slots=True, kw_only=True)
class RecorderOptions:
    """Encoder settings and safety bounds for one recording."""

    video_bitrate: int | None = None
    """Bits per second; ``None`` picks ~0.13 bits per pixel at 30 fps (1.2 Mb/s at 640x480)."""
    audio_bitrate: int = 48_000
    audio_channels: int = 1
    vp8_cpu_used: int = 8
    max_video_backlog: int = 90
    wait_for_video_s: float = 3.0


def _auto_bitrate(width: int, height: int) -> int:
    return int(min(2_500_000, max(300_000, width * height * 30 * 0.13)))


class WebmWriter(TakeWriter[Any]):
    """Encodes decoded frames (VP8 + Opus); every method runs in the recorder's worker thread."""

    def __init__(self, path: Path, options: RecorderOptions, expect_video: bool) -> None:
        super().__init__(path, expect_video=expect_video, wait_for_video_s=options.wait_for_video_s)
        self.options = options

    def _open(self, size: tuple[int, int] | None) -> None:
        import av

        container = av.open(str(self.path), mode="w", format="webm")
        audio = container.add_stream("libopus", rate=_AUDIO_RATE)
        audio.bit_rate = self.options.audio_bitrate
        audio.layout = "mono" if self.options.audio_channels == 1 else "stereo"
        if self.expect_video:
            video = container.add_stream("libvpx", rate=30)
            video.width, video.height = size or (640, 480)
            video.pix_fmt = "yuv420p"
            video.bit_rate = self.options.video_bitrate or _auto_bitrate(video.width, video.height)
            video.codec_context.time_base = _MS
            video.codec_context.options = {
                "deadline": "realtime",
                "cpu-used": str(self.options.vp8_cpu_used),
                "lag-in-frames": "0",
                "auto-alt-ref": "0",
            }
            self.video, self.width, self.height = video, video.width, video.height
        self.container, self.audio = container, audio

    def handle(self, kind: str, frame: Any, at_s: float) -> None:
        """Write one decoded frame (``kind`` "audio" or "video") at ``at_s`` on the take's timeline."""
        self._write(kind, frame, at_s, (frame.width, frame.height) if kind == "video" else None)

    def _audio(self, frame: AudioFrame, at_s: float) -> None:
        import av

        want = round(at_s * _AUDIO_RATE)
        gap = want - self.next_sample
        if gap > frame.samples:  # packets were lost: keep the timeline with silence
            silence = av.AudioFrame(format="s16", layout=frame.layout.name, samples=gap)
            for plane in silence.planes:
                plane.update(bytes(plane.buffer_size))
            silence.sample_rate = _AUDIO_RATE
            self._encode_audio(silence)
            self.silence_s += gap / _AUDIO_RATE
        self._encode_audio(frame)
        self.audio_frames += 1

    def _encode_audio(self, frame: AudioFrame) -> None:
        assert self.container is not None
        frame.pts = self.next_sample
        frame.time_base = fractions.Fraction(1, _AUDIO_RATE)
        self.next_sample += frame.samples
        self.end_s = max(self.end_s, self.next_sample / _AUDIO_RATE)
        self.container.mux(self.audio.encode(frame))

    def _video(self, frame: VideoFrame, at_s: float, size: tuple[int, int] | None) -> None:
        assert self.container is not None
        ms = self._video_ms(at_s)
        frame.pts, frame.time_base = ms, _MS
        self.end_s = max(self.end_s, ms / 1000 + 1 / 30)
        self.container.mux(self.video.encode(frame))
        self.video_frames += 1

    def _flush(self) -> None:
        assert self.container is not None
        for stream in (self.audio, self.video):
            if stream is not None:
                self.container.mux(stream.encode(None))
