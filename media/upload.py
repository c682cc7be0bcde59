"""Resumable uploads of a recording made in the browser (the tus fallback's storage side).

An upload is two files in its area: ``<id>.part`` (the bytes received so far, appended in
order) and ``<id>.json`` (its declared length and metadata, written atomically). The offset
is the size of the part file, so it survives a restart; a chunk is written at the offset
the client names only if that is where the part file ends, and never past the declared
length. :meth:`UploadArea.finish` remuxes the complete file (stream copy: the browser's
MediaRecorder writes WebM without duration or cues) and checks it is a take. Nothing here
knows HTTP: the server maps the errors below to statuses.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import AsyncIterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from media.errors import MediaError, ProbeFailed, UnsupportedMedia
from media.ffmpeg_run import run_ffmpeg
from media.probe import ProbeResult, validate_take_file

__all__ = [
    "OffsetMismatch",
    "UploadArea",
    "UploadMissing",
    "UploadState",
    "UploadTooLarge",
    "remux_webm",
]

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")


class OffsetMismatch(MediaError):
    """A chunk was sent for an offset other than where the upload ends."""

    def __init__(self, expected: int, got: int) -> None:
        super().__init__(f"the upload is at byte {expected}, the chunk was for byte {got}")
        self.expected = expected
        self.got = got


class UploadTooLarge(MediaError):
    """More bytes than the upload declared, or a declared length over the limit."""


class UploadMissing(MediaError):
    """No such upload in this area (never created, finished and removed, or terminated)."""


@dataclass(frozen=True, slots=True)
class UploadState:
    """Where one upload stands."""

    upload_id: str
    length: int
    offset: int
    metadata: Mapping[str, str] = field(default_factory=dict)
    done: bool = False
    """The take was kept (the bytes are in the spool or the store now)."""

    @property
    def complete(self) -> bool:
        return self.offset == self.length


class UploadArea:
    """A directory of resumable uploads (one per take), with a size limit per upload."""

    def __init__(self, root: Path | str, *, max_bytes: int) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes
        self.root.mkdir(parents=True, exist_ok=True)

    def _paths(self, upload_id: str) -> tuple[Path, Path]:
        if not _ID.match(upload_id):
            raise UploadMissing(f"invalid upload id {upload_id!r}")
        return self.root / f"{upload_id}.part", self.root / f"{upload_id}.json"

    def create(self, upload_id: str, length: int, metadata: Mapping[str, str]) -> UploadState:
        """Start an upload of ``length`` bytes (idempotent for the same id and length)."""
        if length <= 0:
            raise UploadTooLarge("an upload must declare a length of at least one byte")
        if length > self.max_bytes:
            raise UploadTooLarge(f"{length} bytes declared; at most {self.max_bytes} are accepted")
        part, info = self._paths(upload_id)
        existing = self.state(upload_id)
        if existing is not None:
            if existing.length != length:
                raise OffsetMismatch(existing.length, length)
            return existing
        part.touch()
        self._write_info(info, {"length": length, "metadata": dict(metadata)})
        return UploadState(upload_id, length, 0, dict(metadata))

    def _write_info(self, info: Path, doc: dict[str, object]) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".", suffix=".json")
        with os.fdopen(fd, "w") as f:
            json.dump(doc, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, info)

    def mark_done(self, upload_id: str) -> None:
        """The take is kept: the received bytes go, the upload answers as complete from now on."""
        part, info = self._paths(upload_id)
        st = self.state(upload_id)
        if st is None:
            return
        self._write_info(info, {"length": st.length, "metadata": dict(st.metadata), "done": True})
        part.unlink(missing_ok=True)

    def state(self, upload_id: str) -> UploadState | None:
        part, info = self._paths(upload_id)
        try:
            doc = json.loads(info.read_text())
        except FileNotFoundError:
            return None
        length = int(doc["length"])
        offset = length if doc.get("done") else (part.stat().st_size if part.exists() else 0)
        return UploadState(
            upload_id, length, offset, dict(doc.get("metadata", {})), done=bool(doc.get("done"))
        )

    async def append(self, upload_id: str, offset: int, chunks: AsyncIterable[bytes]) -> UploadState:
        """Append a chunk at ``offset``; the bytes received before an error are kept.

        Raises:
            UploadMissing: No such upload.
            OffsetMismatch: ``offset`` is not where the upload ends.
            UploadTooLarge: The chunk goes past the declared length (nothing past it is kept).
        """
        st = self.state(upload_id)
        if st is None:
            raise UploadMissing(f"no upload {upload_id}")
        if offset != st.offset:
            raise OffsetMismatch(st.offset, offset)
        if st.done:
            return st
        part, _ = self._paths(upload_id)
        written = st.offset
        with part.open("r+b") as f:
            f.seek(written)
            try:
                async for chunk in chunks:
                    if written + len(chunk) > st.length:
                        f.write(chunk[: st.length - written])
                        written = st.length
                        raise UploadTooLarge(f"the chunk goes past the declared length of {st.length} bytes")
                    f.write(chunk)
                    written += len(chunk)
            finally:
                f.flush()
                os.fsync(f.fileno())
        return UploadState(upload_id, st.length, written, st.metadata)

    def finish(self, upload_id: str, out: Path, *, max_duration_s: float | None = None) -> ProbeResult:
        """Remux the complete upload into ``out`` (WebM with duration and cues) and check it.

        Raises:
            UploadMissing: No such upload, or not complete.
            ProbeFailed / UnsupportedMedia: Not a take (the upload is left for :meth:`remove`).
        """
        st = self.state(upload_id)
        if st is None or not st.complete or st.done:
            raise UploadMissing(f"upload {upload_id} is not complete")
        part, _ = self._paths(upload_id)
        return remux_webm(part, out, max_duration_s=max_duration_s)

    def remove(self, upload_id: str) -> None:
        for p in self._paths(upload_id):
            p.unlink(missing_ok=True)


def remux_webm(source: Path, out: Path, *, max_duration_s: float | None = None) -> ProbeResult:
    """A browser recording remuxed into ``out`` (WebM with duration and cues) and checked as a take.

    Raises:
        ProbeFailed / UnsupportedMedia: Not a take (``source`` is left as it is; nothing at ``out``).
    """
    import ffmpeg

    tmp = out.with_name(f".{out.name}.tmp.webm")
    run_ffmpeg(
        ffmpeg.input(str(source)),
        tmp,
        lambda why: ProbeFailed(f"the upload is not readable media ({why})"),
        c="copy",
        f="webm",
    )
    try:
        result = validate_take_file(tmp, max_duration_s=max_duration_s)
    except (ProbeFailed, UnsupportedMedia):
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, out)
    return result
