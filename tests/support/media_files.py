"""Recordings for tests, made with ffmpeg: a VP8/Opus WebM of a test pattern over speech or silence."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

__all__ = ["DATA", "JFK", "make_webm"]

DATA = Path(__file__).resolve().parents[1] / "data"
JFK = DATA / "jfk.flac"  # 11 s of JFK's inaugural address


def make_webm(path: Path, seconds: float, *, audio: Sequence[str] | None = None, loops: int = 0) -> Path:
    """Write ``seconds`` of test pattern (320x240 at 15 fps) to ``path`` as WebM, and return it.

    The sound is JFK's speech (played ``loops`` more times after the first) unless ``audio``
    gives other ffmpeg input arguments (e.g. ``["-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono"]``).
    """
    sound = (
        list(audio)
        if audio is not None
        else [*(["-stream_loop", str(loops)] if loops else []), "-i", str(JFK)]
    )
    subprocess.run(
        [
            *("ffmpeg", "-hide_banner", "-loglevel", "error", "-y"),
            *("-f", "lavfi", "-i", f"testsrc2=size=320x240:rate=15:duration={seconds}"),
            *sound,
            *("-t", str(seconds), "-map", "0:v", "-map", "1:a"),
            *("-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-c:a", "libopus"),
            str(path),
        ],
        check=True,
    )
    return path
