"""Running ffmpeg into a file: the one place that calls it, captures its output and turns a
failure into the caller's :class:`~media.errors.MediaError` with ffmpeg's own last words.

Synchronous (one ffmpeg process per call); async callers use ``asyncio.to_thread``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from media.errors import MediaError

__all__ = ["run_ffmpeg"]


def run_ffmpeg(stream: Any, target: Path, fail: Callable[[str], MediaError], **options: Any) -> None:
    """Write ``stream`` (an ffmpeg-python node) to ``target`` with output ``options``.

    Raises:
        MediaError: ``fail(reason)``, ``reason`` being the last line ffmpeg wrote to stderr;
            ``target`` is removed first (no half file is left).
    """
    import ffmpeg

    try:
        ffmpeg.run(
            stream.output(str(target), **options),
            overwrite_output=True,
            capture_stdout=True,
            capture_stderr=True,
            quiet=True,
        )
    except ffmpeg.Error as exc:
        target.unlink(missing_ok=True)
        err = (exc.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        raise fail(err[-1] if err else "ffmpeg failed") from exc
