"""Loudness of the most recent audio, so a device check can say "audio is arriving"."""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from av import AudioFrame

__all__ = ["SILENCE_DBFS", "AudioLevel", "AudioLevelMeter"]

SILENCE_DBFS = -120.0
"""The level reported for digital silence or when no audio has arrived."""


@dataclass(frozen=True, slots=True)
class AudioLevel:
    """RMS level of the latest audio window, in dB relative to full scale."""

    dbfs: float
    peak_dbfs: float
    frames_seen: int
    seconds_since_audio: float | None

    @property
    def arriving(self) -> bool:
        """Whether audio frames arrived in the last second."""
        return self.seconds_since_audio is not None and self.seconds_since_audio < 1.0


def _to_dbfs(value: float) -> float:
    return max(SILENCE_DBFS, 20.0 * math.log10(value)) if value > 0 else SILENCE_DBFS


class AudioLevelMeter:
    """Keeps the mean square of the last ``window_s`` seconds of audio frames.

    Call :meth:`feed` with each decoded frame (cheap: one numpy pass over ~1000
    samples) and :meth:`level` whenever the browser asks.
    """

    def __init__(self, *, window_s: float = 0.3) -> None:
        self._window_s = window_s
        self._chunks: deque[tuple[float, float, int]] = deque()  # (sum of squares, peak, n)
        self._samples_in_window = 0
        self._frames = 0
        self._last_at: float | None = None

    def feed(self, frame: AudioFrame) -> None:
        """Account for one decoded audio frame (any sample format PyAV decodes to)."""
        data: np.ndarray[Any, Any] = frame.to_ndarray()
        if data.dtype.kind == "i":
            samples = data.astype(np.float32) / float(2 ** (8 * data.dtype.itemsize - 1))
        else:
            samples = data.astype(np.float32, copy=False)
        n = int(samples.size)
        if n == 0:
            return
        energy = float(np.dot(samples.ravel(), samples.ravel()))
        peak = float(np.max(np.abs(samples)))
        self._chunks.append((energy, peak, n))
        self._samples_in_window += n
        keep = int(self._window_s * frame.sample_rate * max(1, len(frame.layout.channels)))
        while len(self._chunks) > 1 and self._samples_in_window - self._chunks[0][2] >= keep:
            self._samples_in_window -= self._chunks.popleft()[2]
        self._frames += 1
        self._last_at = time.monotonic()

    def level(self) -> AudioLevel:
        """The current level; :data:`SILENCE_DBFS` if nothing has arrived."""
        since = None if self._last_at is None else time.monotonic() - self._last_at
        if not self._chunks:
            return AudioLevel(SILENCE_DBFS, SILENCE_DBFS, self._frames, since)
        energy = sum(c[0] for c in self._chunks)
        rms = math.sqrt(energy / self._samples_in_window)
        peak = max(c[1] for c in self._chunks)
        return AudioLevel(_to_dbfs(rms), _to_dbfs(peak), self._frames, since)
