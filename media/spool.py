"""A durable local spool: finished takes wait here until the object store has them.

Each take is two files in the spool directory: ``<take_id>.media`` and a JSON
manifest ``<take_id>.json`` written atomically (temporary file, fsync, rename).
The manifest is the commit point: a take is pending exactly while its manifest
exists, so pending work survives a restart. The media file is deleted only
after the store reports an object of the same size (and MD5 where the store's
etag is one). One uploader per spool directory at a time is enforced with a
per-take ``flock``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from media.errors import SpoolError, UploadFailed
from media.object_store import InvalidKey, ObjectMissing, validate_key

if TYPE_CHECKING:
    from media.object_store import ObjectInfo, ObjectStore

__all__ = ["Spool", "SpoolEntry", "take_object_key", "validate_take_id"]

_TAKE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")
_MD5 = re.compile(r"^[0-9a-f]{32}$")


def validate_take_id(take_id: str) -> str:
    """Return ``take_id`` if it is safe as a file name and key segment, else raise SpoolError."""
    if not isinstance(take_id, str) or not _TAKE_ID.match(take_id):
        raise SpoolError(f"invalid take id {take_id!r}: use letters, digits, '_' and '-'")
    return take_id


def take_object_key(take_id: str, *, prefix: str = "takes") -> str:
    """The object key a take's recording is stored under (derived, so retries collide)."""
    return f"{prefix}/{validate_take_id(take_id)}/answer.webm"


@dataclass(frozen=True, slots=True, kw_only=True)
class SpoolEntry:
    """One take waiting for upload, as recorded in its manifest."""

    take_id: str
    key: str
    content_type: str
    size: int
    md5: str
    metadata: dict[str, str] = field(default_factory=dict)
    created_at: float
    attempts: int = 0
    last_error: str | None = None
    next_attempt_at: float = 0.0


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class Spool:
    """Finished takes on local disk, each with a manifest, until uploaded.

    Args:
        root: The spool directory (created if missing). Keep it on the same
            filesystem as the recordings so submitting is a rename.
        base_delay_s: First retry delay after a failed upload; doubles per attempt.
        max_delay_s: Upper bound on the retry delay.
    """

    def __init__(self, root: Path | str, *, base_delay_s: float = 2.0, max_delay_s: float = 300.0) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s

    def recording_path(self, take_id: str) -> Path:
        """Where a live recording of ``take_id`` should be written (inside the spool)."""
        return self.root / f"{validate_take_id(take_id)}.recording.webm"

    def media_path(self, take_id: str) -> Path:
        """The spooled media file of ``take_id``."""
        return self.root / f"{validate_take_id(take_id)}.media"

    def _manifest(self, take_id: str) -> Path:
        return self.root / f"{validate_take_id(take_id)}.json"

    def _write_manifest(self, entry: SpoolEntry) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=f".{entry.take_id}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(asdict(entry), f, indent=1, sort_keys=True)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self._manifest(entry.take_id))
            _fsync_dir(self.root)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, take_id: str) -> SpoolEntry | None:
        """The pending entry for ``take_id``, or ``None`` if nothing is waiting."""
        try:
            raw: dict[str, Any] = json.loads(self._manifest(take_id).read_text("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise SpoolError(f"the spool manifest of take {take_id} is unreadable: {exc}") from exc
        return SpoolEntry(**raw)

    def submit(
        self,
        take_id: str,
        source: Path | str,
        *,
        content_type: str = "video/webm",
        metadata: Mapping[str, str] | None = None,
        key: str | None = None,
    ) -> SpoolEntry:
        """Move ``source`` into the spool and record it for upload (idempotent per take).

        Submitting the same take again with identical content returns the
        existing entry; different content for a take still pending is refused.

        Raises:
            SpoolError: Bad take id or key, missing source, or a conflicting resubmit.
        """
        key = key or take_object_key(take_id)
        try:
            validate_key(key)
        except InvalidKey as exc:
            raise SpoolError(str(exc)) from exc
        source = Path(source)
        if not source.is_file():
            raise SpoolError(f"take {take_id}: recording {source.name} does not exist")
        digest = _md5(source)
        existing = self.get(take_id)
        if existing is not None:
            if existing.md5 != digest:
                raise SpoolError(f"take {take_id} is already spooled with different content")
            if source.resolve() != self.media_path(take_id).resolve():
                source.unlink()
            return existing
        target = self.media_path(take_id)
        if source.resolve() != target.resolve():
            try:
                os.replace(source, target)
            except OSError:  # another filesystem: copy, fsync, then drop the original
                shutil.copyfile(source, target.with_suffix(".copying"))
                with open(target.with_suffix(".copying"), "rb") as f:
                    os.fsync(f.fileno())
                os.replace(target.with_suffix(".copying"), target)
                source.unlink()
        entry = SpoolEntry(
            take_id=take_id,
            key=key,
            content_type=content_type,
            size=target.stat().st_size,
            md5=digest,
            metadata=dict(metadata or {}),
            created_at=time.time(),
        )
        self._write_manifest(entry)
        return entry

    def pending(self) -> list[SpoolEntry]:
        """Every take still waiting for upload, oldest first."""
        entries = []
        for manifest in self.root.glob("*.json"):
            entry = self.get(manifest.stem)
            if entry is not None:
                entries.append(entry)
        return sorted(entries, key=lambda e: e.created_at)

    def orphans(self) -> list[Path]:
        """Recordings a crash left unsubmitted (submit them, or inspect and delete)."""
        return sorted(self.root.glob("*.recording.webm"))

    @contextlib.contextmanager
    def _claim(self, take_id: str) -> Iterator[bool]:
        with open(self.root / f".{take_id}.lock", "a+") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def upload(self, entry: SpoolEntry, store: ObjectStore) -> ObjectInfo | None:
        """Upload one take, then delete the spool copy; blocking (use a thread).

        Returns the stored object's info, or ``None`` if another uploader holds
        the take right now.

        Raises:
            UploadFailed: The store failed; the entry keeps the error and a retry time.
        """
        with self._claim(entry.take_id) as claimed:
            if not claimed:
                return None
            current = self.get(entry.take_id)
            if current is None:  # uploaded meanwhile by someone else
                return store.stat(entry.key)
            try:
                info = self._stored_copy(current, store)
                if info is None:
                    info = store.put_file(current.key, self.media_path(current.take_id), current.content_type)
                    if info.size != current.size:
                        raise UploadFailed(
                            f"the store holds {info.size} of {current.size} bytes of take {current.take_id}"
                        )
            except Exception as exc:
                failed = self._record_failure(current, exc)
                raise UploadFailed(
                    f"take {current.take_id} not uploaded yet (attempt {failed.attempts}): {exc}"
                ) from exc
            self._manifest(current.take_id).unlink()
            self.media_path(current.take_id).unlink(missing_ok=True)
            _fsync_dir(self.root)
            (self.root / f".{current.take_id}.lock").unlink(missing_ok=True)
            return info

    def _stored_copy(self, entry: SpoolEntry, store: ObjectStore) -> ObjectInfo | None:
        try:
            info = store.stat(entry.key)
        except ObjectMissing:
            return None
        same_size = info.size == entry.size
        md5_known = bool(_MD5.match(info.etag))
        return info if same_size and (not md5_known or info.etag == entry.md5) else None

    def _record_failure(self, entry: SpoolEntry, exc: BaseException) -> SpoolEntry:
        attempts = entry.attempts + 1
        delay = min(self.max_delay_s, self.base_delay_s * 2 ** (attempts - 1))
        failed = replace(
            entry,
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}",
            next_attempt_at=time.time() + delay,
        )
        self._write_manifest(failed)
        return failed
