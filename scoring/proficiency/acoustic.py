"""Acoustic signals from the audio itself, independent of what the recogniser understood.

Whisper's word probability mixes intelligibility with accent: a clear speaker with
an unfamiliar accent gets low probabilities too. These measurements come from the
waveform, so they say something the transcript cannot:

- ``vad_speech_share``: share of the clip Silero VAD marks as speech.
- ``vad_runs_per_minute``: speech runs VAD finds per minute of audio (choppy speech
  gives many short runs).
- ``pitch_sd_semitones``: spread of the voice's pitch, in semitones around the
  speaker's own median (so a child's higher voice is not itself a signal), from an
  autocorrelation pitch tracker on 40 ms frames; flat, word-by-word reading is low.
- ``energy_cv``: coefficient of variation of frame energy over voiced frames
  (stress and rhythm).
- ``voiced_share``: share of VAD speech frames with a clear pitch.

The speaker's absolute pitch is deliberately not a signal: it separates children
from adults, not proficiency.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["ACOUSTIC_SIGNALS", "acoustic_signal_values"]

ACOUSTIC_SIGNALS = (
    "vad_speech_share",
    "vad_runs_per_minute",
    "pitch_sd_semitones",
    "energy_cv",
    "voiced_share",
)
_SR = 16_000
_FRAME = 640  # 40 ms
_HOP = 160  # 10 ms
_MIN_F0, _MAX_F0 = 70.0, 500.0
_VOICING = 0.45


def _frames(samples: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    if len(samples) < _FRAME:
        return np.zeros((0, _FRAME), dtype=np.float32)
    count = 1 + (len(samples) - _FRAME) // _HOP
    idx = np.arange(_FRAME)[None, :] + _HOP * np.arange(count)[:, None]
    out: npt.NDArray[np.float32] = samples[idx]
    return out


def _pitch(frames: npt.NDArray[np.float32]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Per-frame F0 (Hz) and voicing from the normalised autocorrelation peak."""
    x = frames - frames.mean(axis=1, keepdims=True)
    x = x * np.hanning(_FRAME)[None, :]
    spectrum = np.fft.rfft(x, n=2 * _FRAME, axis=1)
    ac = np.fft.irfft(np.abs(spectrum) ** 2, axis=1)[:, :_FRAME]
    window_ac = np.fft.irfft(np.abs(np.fft.rfft(np.hanning(_FRAME), n=2 * _FRAME)) ** 2)[:_FRAME]
    ac = ac / np.maximum(window_ac[None, :], 1e-9)
    ac = ac / np.maximum(ac[:, :1], 1e-12)
    lo, hi = int(_SR / _MAX_F0), int(_SR / _MIN_F0)
    lag = lo + np.argmax(ac[:, lo:hi], axis=1)
    peak = ac[np.arange(len(ac)), lag]
    return _SR / lag.astype(np.float64), peak > _VOICING


def acoustic_signal_values(
    samples: npt.NDArray[np.float32], speech: list[dict[str, Any]] | None = None
) -> dict[str, float | None]:
    """Acoustic signal values of a 16 kHz mono clip.

    Args:
        samples: The audio.
        speech: Silero VAD speech chunks (``{"start", "end"}`` in samples); computed when None.
    """
    values: dict[str, float | None] = dict.fromkeys(ACOUSTIC_SIGNALS)
    duration = len(samples) / _SR
    if duration <= 0.0:
        return values
    if speech is None:
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        speech = get_speech_timestamps(samples, VadOptions(min_silence_duration_ms=300))
    speech_s = sum(c["end"] - c["start"] for c in speech) / _SR
    values["vad_speech_share"] = speech_s / duration
    values["vad_runs_per_minute"] = 60.0 * len(speech) / duration
    frames = _frames(samples)
    if len(frames) == 0 or not speech:
        return values
    centres = np.arange(len(frames)) * _HOP + _FRAME // 2
    in_speech = np.zeros(len(frames), dtype=bool)
    for c in speech:
        in_speech |= (centres >= c["start"]) & (centres < c["end"])
    energy = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    f0, voiced = _pitch(frames)
    voiced &= in_speech & (energy > 0.1 * np.percentile(energy[in_speech], 90) if in_speech.any() else voiced)
    values["voiced_share"] = float(voiced.sum() / max(in_speech.sum(), 1))
    if voiced.sum() >= 10:
        semis = 12.0 * np.log2(f0[voiced] / np.median(f0[voiced]))
        semis = semis[np.abs(semis) < 12.0]  # octave errors
        values["pitch_sd_semitones"] = float(np.std(semis)) if len(semis) >= 10 else None
        e = energy[voiced]
        values["energy_cv"] = float(np.std(e) / np.mean(e)) if np.mean(e) > 0 else None
    return values
