"""What a media file holds, read with ffprobe, and whether it is an acceptable take."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from media.errors import ProbeFailed, UnsupportedMedia

__all__ = [
    "TAKE_AUDIO_CODECS",
    "TAKE_CONTAINERS",
    "TAKE_VIDEO_CODECS",
    "ProbeResult",
    "StreamInfo",
    "probe_media",
    "validate_take_file",
]

TAKE_CONTAINERS = frozenset({"matroska,webm"})
TAKE_VIDEO_CODECS = frozenset({"vp8", "vp9"})
TAKE_AUDIO_CODECS = frozenset({"opus"})


@dataclass(frozen=True, slots=True)
class StreamInfo:
    """One stream of a media file."""

    index: int
    kind: str
    codec: str
    width: int | None = None
    height: int | None = None
    sample_rate: int | None = None
    channels: int | None = None


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """Container, duration and streams of a media file."""

    path: Path
    format_name: str
    duration: float
    size: int
    streams: tuple[StreamInfo, ...]

    @property
    def video(self) -> StreamInfo | None:
        """The first video stream, if any."""
        return next((s for s in self.streams if s.kind == "video"), None)

    @property
    def audio(self) -> StreamInfo | None:
        """The first audio stream, if any."""
        return next((s for s in self.streams if s.kind == "audio"), None)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _stderr(exc: Exception, path: Path) -> str:
    """ffprobe's last error line, without the server's directory names."""
    raw = getattr(exc, "stderr", b"") or b""
    lines = raw.decode("utf-8", "replace").strip().splitlines()
    line = lines[-1] if lines else str(exc)
    return line.replace(f"{path}: ", "").replace(str(path), path.name)


def _last_packet_end(path: Path) -> float | None:
    """Duration from the packets, for files whose header has none (an unfinished write)."""
    import ffmpeg

    try:
        info = ffmpeg.probe(str(path), show_entries="packet=pts_time,duration_time", select_streams="a:0")
    except ffmpeg.Error:
        return None
    ends = [
        (_float(p.get("pts_time")) or 0.0) + (_float(p.get("duration_time")) or 0.0)
        for p in info.get("packets", [])
    ]
    return max(ends, default=None)


def probe_media(path: Path | str) -> ProbeResult:
    """Read container, duration and streams of ``path`` with ffprobe.

    Raises:
        ProbeFailed: The file is missing, not media, or too damaged to read.
    """
    import ffmpeg

    path = Path(path)
    if not path.is_file():
        raise ProbeFailed(f"{path.name}: no such file")
    try:
        info = ffmpeg.probe(str(path))
    except ffmpeg.Error as exc:
        raise ProbeFailed(
            f"{path.name} is not a readable audio or video file ({_stderr(exc, path)})"
        ) from exc
    streams = tuple(
        StreamInfo(
            index=int(s.get("index", i)),
            kind=str(s.get("codec_type", "")),
            codec=str(s.get("codec_name", "")),
            width=_int(s.get("width")),
            height=_int(s.get("height")),
            sample_rate=_int(s.get("sample_rate")),
            channels=_int(s.get("channels")),
        )
        for i, s in enumerate(info.get("streams", []))
        if s.get("codec_type") in ("audio", "video")
    )
    fmt = info.get("format", {})
    if not streams:
        raise ProbeFailed(f"{path.name} has no audio or video streams")
    duration = _float(fmt.get("duration"))
    if duration is None:
        duration = _last_packet_end(path) or 0.0
    return ProbeResult(
        path=path,
        format_name=str(fmt.get("format_name", "")),
        duration=duration,
        size=path.stat().st_size,
        streams=streams,
    )


def validate_take_file(
    path: Path | str,
    *,
    containers: Iterable[str] = TAKE_CONTAINERS,
    video_codecs: Iterable[str] = TAKE_VIDEO_CODECS,
    audio_codecs: Iterable[str] = TAKE_AUDIO_CODECS,
    require_video: bool = True,
    max_duration_s: float | None = None,
) -> ProbeResult:
    """Probe an uploaded or recorded take and check it is one we can keep.

    Raises:
        ProbeFailed: Not media at all.
        UnsupportedMedia: Media, but the wrong container or codecs, or empty.
    """
    result = probe_media(path)
    name = result.path.name
    if result.format_name not in set(containers):
        raise UnsupportedMedia(f"{name} is {result.format_name}; a take must be WebM")
    audio, video = result.audio, result.video
    if audio is None:
        raise UnsupportedMedia(f"{name} has no audio; the answer cannot be heard")
    if audio.codec not in set(audio_codecs):
        raise UnsupportedMedia(f"{name} has {audio.codec} audio; expected Opus")
    if video is None and require_video:
        raise UnsupportedMedia(f"{name} has no video")
    if video is not None and video.codec not in set(video_codecs):
        raise UnsupportedMedia(f"{name} has {video.codec} video; expected VP8 or VP9")
    if result.duration <= 0:
        raise UnsupportedMedia(f"{name} is empty (duration 0)")
    if max_duration_s is not None and result.duration > max_duration_s + 1.0:
        raise UnsupportedMedia(
            f"{name} lasts {result.duration:.1f} s; at most {max_duration_s:.0f} s are allowed"
        )
    return result
