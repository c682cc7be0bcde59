"""Files made from a recording: a poster frame and 16 kHz mono WAV for transcription.

Synchronous and thread-safe (each call runs its own ffmpeg process); async
callers use ``asyncio.to_thread``.
"""

from __future__ import annotations

import os
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from media.errors import DeriveFailed, ProbeFailed
from media.ffmpeg_run import run_ffmpeg
from media.probe import probe_media

__all__ = ["Poster", "WavAudio", "extract_wav", "make_poster"]

_FFMPEG_TIMEOUT_S = 600


@dataclass(frozen=True, slots=True)
class Poster:
    """A still image of the answer, shown before playback."""

    path: Path
    at_s: float
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class WavAudio:
    """PCM audio ready for speech recognition (mono 16-bit WAV).

    Attributes:
        path: The WAV file.
        sample_rate: Samples per second (16 kHz for Whisper unless asked otherwise).
        channels: 1 (the recording's channels are mixed down).
        duration: Seconds of audio in the file (from its frame count).
    """

    path: Path
    sample_rate: int
    channels: int
    duration: float


def _run(stream: Any, options: dict[str, Any], what: str, out: Path) -> None:
    """Run ffmpeg into a hidden file next to ``out``, then rename (never a half file)."""
    tmp = out.with_name(f".{out.name}.part")
    run_ffmpeg(stream, tmp, lambda why: DeriveFailed(f"could not make the {what}: {why}"), **options)
    os.replace(tmp, out)


def make_poster(source: Path | str, out: Path | str, *, at_s: float = 1.0, max_width: int = 1280) -> Poster:
    """Write a JPEG of the frame at ``at_s`` (or mid-take for takes shorter than 2 s).

    Raises:
        DeriveFailed: The recording has no video or ffmpeg failed.
    """
    import ffmpeg

    source, out = Path(source), Path(out)
    try:
        info = probe_media(source)
    except ProbeFailed as exc:
        raise DeriveFailed(f"could not make the poster: {exc}") from exc
    if info.video is None:
        raise DeriveFailed(f"could not make the poster: {source.name} has no video")
    at = at_s if info.duration >= 2 * at_s else info.duration / 2
    stream = ffmpeg.input(str(source), ss=f"{at:.3f}").filter("scale", f"min({max_width},iw)", -2)
    options = {"vframes": 1, "format": "image2", "vcodec": "mjpeg", "q:v": 3}
    _run(stream, options, "poster", out)
    poster = probe_media(out).video
    if poster is None or not poster.width or not poster.height:
        raise DeriveFailed(f"could not make the poster: no frame at {at:.1f} s")
    return Poster(path=out, at_s=round(at, 3), width=poster.width, height=poster.height)


def extract_wav(source: Path | str, out: Path | str, *, sample_rate: int = 16_000) -> WavAudio:
    """Write the audio as mono 16-bit PCM WAV at ``sample_rate`` (16 kHz for Whisper).

    Raises:
        DeriveFailed: The recording has no audio or ffmpeg failed.
    """
    import ffmpeg

    source, out = Path(source), Path(out)
    stream = ffmpeg.input(str(source))["a:0"]
    options = {"ac": 1, "ar": sample_rate, "acodec": "pcm_s16le", "format": "wav"}
    _run(stream, options, "audio for transcription", out)
    with wave.open(str(out), "rb") as wav:
        frames, rate, channels = wav.getnframes(), wav.getframerate(), wav.getnchannels()
    if frames == 0:
        raise DeriveFailed(
            f"could not make the audio for transcription: {source.name} has no audible samples"
        )
    return WavAudio(path=out, sample_rate=rate, channels=channels, duration=round(frames / rate, 3))
