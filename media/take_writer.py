"""What both WebM take writers share (the decoding one and the passthrough one): the file opens
at the first video frame, or once audio has waited ``wait_for_video_s`` for it (the header
needs the video size), audio received until then is written first; video times strictly
increase; the counters a take's result reports; closing writes what is pending and syncs the
file to disk. Subclasses say how a stream is opened and how one frame of each kind is written.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    import av.container

__all__ = ["TakeWriter"]

Frame = TypeVar("Frame")


class TakeWriter(Generic[Frame]):
    """Owns the PyAV container; every method runs in the recorder's worker thread."""

    def __init__(self, path: Path, *, expect_video: bool, wait_for_video_s: float) -> None:
        self.path = path
        self.expect_video = expect_video
        self.wait_for_video_s = wait_for_video_s
        self.container: av.container.OutputContainer | None = None
        self.audio: Any = None
        self.video: Any = None
        self.pending_audio: list[tuple[Frame, float]] = []
        self.next_sample = 0
        self.last_video_ms = -1
        self.end_s = 0.0
        self.audio_frames = 0
        self.video_frames = 0
        self.silence_s = 0.0
        self.width: int | None = None
        self.height: int | None = None

    def _open(self, size: tuple[int, int] | None) -> None:
        """Open the container and its streams (video of ``size``, or a default one)."""
        raise NotImplementedError

    def _audio(self, frame: Frame, at_s: float) -> None:
        raise NotImplementedError

    def _video(self, frame: Frame, at_s: float, size: tuple[int, int] | None) -> None:
        raise NotImplementedError

    def _flush(self) -> None:
        """What the streams still hold, written before the container closes."""

    def _write(self, kind: str, frame: Frame, at_s: float, size: tuple[int, int] | None) -> None:
        """Write one frame; ``size`` is a video frame's picture size (a keyframe's, passthrough)."""
        if self.container is None:
            if kind == "video":
                self._open(size)
            else:
                self.pending_audio.append((frame, at_s))
                waited = at_s - self.pending_audio[0][1]
                if self.expect_video and waited < self.wait_for_video_s:
                    return
                self._open(None)
            self._write_pending_audio()
            if kind == "audio":
                return
        if kind == "audio":
            self._audio(frame, at_s)
        elif self.video is not None:
            self._video(frame, at_s, size)

    def _write_pending_audio(self) -> None:
        pending, self.pending_audio = self.pending_audio, []
        for frame, at_s in pending:
            self._audio(frame, at_s)

    def _video_ms(self, at_s: float) -> int:
        """The frame's time in milliseconds, after the previous frame's (the muxer needs order)."""
        ms = max(round(at_s * 1000), self.last_video_ms + 1)
        self.last_video_ms = ms
        return ms

    def close(self) -> None:
        """Write what is pending and the file's index (cues), then sync it to disk."""
        if self.container is None and self.pending_audio:
            self._open(None)
            self._write_pending_audio()
        if self.container is None:
            return
        self._flush()
        self.container.close()
        self.container = None
        with open(self.path, "rb") as f:
            os.fsync(f.fileno())
