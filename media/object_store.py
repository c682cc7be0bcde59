"""One interface for object storage, with a local-files backend and a MinIO/S3 backend.

Both backends are synchronous (the minio SDK is); async callers wrap calls in
``asyncio.to_thread``. Keys are validated here, once, for every backend, so a
hostile name can never escape the store's root or bucket.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

__all__ = [
    "InvalidKey",
    "LocalObjectStore",
    "ObjectInfo",
    "ObjectMissing",
    "ObjectStore",
    "ObjectStoreError",
    "S3ObjectStore",
    "validate_key",
]

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*(/[A-Za-z0-9][A-Za-z0-9._\-]*)*$")
_CHUNK = 256 * 1024


class ObjectStoreError(Exception):
    """The store could not complete the operation (unreachable, refused, corrupt)."""


class ObjectMissing(ObjectStoreError):
    """No object under that key."""


class InvalidKey(ObjectStoreError, ValueError):
    """A key that could escape the store or is otherwise unusable."""


def validate_key(key: str) -> str:
    """Return ``key`` if it is a safe relative object key, else raise :class:`InvalidKey`.

    Safe keys are ``/``-separated segments of letters, digits, ``.``, ``_`` and
    ``-``, each starting with a letter or digit (so no ``..``, no absolute
    paths, no hidden files), at most 512 characters.
    """
    if not isinstance(key, str) or not key or len(key) > 512 or not _KEY.match(key):
        msg = f"invalid object key {key!r}: use letters, digits, '.', '_', '-' and '/' separators"
        raise InvalidKey(msg)
    return key


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    """What the store knows about one object."""

    key: str
    size: int
    content_type: str
    etag: str


@runtime_checkable
class ObjectStore(Protocol):
    """Where media objects live."""

    backend: str

    def put_file(self, key: str, path: Path | str, content_type: str) -> ObjectInfo:
        """Store the file at ``path`` under ``key`` (multipart for large files)."""
        ...

    def put_bytes(self, key: str, data: bytes, content_type: str) -> ObjectInfo:
        """Store ``data`` under ``key``."""
        ...

    def stat(self, key: str) -> ObjectInfo:
        """Size, type and etag of ``key``; :class:`ObjectMissing` if absent."""
        ...

    def exists(self, key: str) -> bool:
        """Whether ``key`` is stored."""
        ...

    def iter_range(
        self, key: str, start: int = 0, end: int | None = None, chunk_size: int = _CHUNK
    ) -> Iterator[bytes]:
        """Stream bytes ``start..end`` (inclusive; ``None`` = to the end) of ``key``."""
        ...

    def get_bytes(self, key: str) -> bytes:
        """The whole object (for small objects)."""
        ...

    def download(self, key: str, path: Path | str) -> Path:
        """Copy the object to a local file."""
        ...

    def delete(self, key: str) -> None:
        """Remove ``key``; deleting a missing key is not an error."""
        ...

    def delete_prefix(self, prefix: str) -> int:
        """Remove every object under ``prefix/``; returns how many were removed."""
        ...

    def check(self) -> None:
        """Raise :class:`ObjectStoreError` if the store cannot be used right now."""
        ...


def _clamp(size: int, start: int, end: int | None) -> tuple[int, int]:
    last = size - 1 if end is None else min(end, size - 1)
    if start < 0 or start > last + 1:
        msg = f"range {start}-{end} is outside an object of {size} bytes"
        raise ObjectStoreError(msg)
    return start, last


class LocalObjectStore:
    """Objects as files below one root directory (the embedded default)."""

    backend = "local"

    def __init__(self, *, root: Path | str) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.root / validate_key(key)).resolve()
        if self.root not in path.parents:
            raise InvalidKey(f"object key {key!r} escapes the store")
        return path

    def _meta_path(self, path: Path) -> Path:
        return path.with_name(f".{path.name}.type")

    def _write(self, key: str, src: BinaryIO, content_type: str) -> ObjectInfo:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.md5(usedforsecurity=False)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := src.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            self._meta_path(path).write_text(content_type)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return ObjectInfo(
            key=key, size=path.stat().st_size, content_type=content_type, etag=digest.hexdigest()
        )

    def put_file(self, key: str, path: Path | str, content_type: str) -> ObjectInfo:
        with open(path, "rb") as src:
            return self._write(key, src, content_type)

    def put_bytes(self, key: str, data: bytes, content_type: str) -> ObjectInfo:
        import io

        return self._write(key, io.BytesIO(data), content_type)

    def stat(self, key: str) -> ObjectInfo:
        path = self._path(key)
        if not path.is_file():
            raise ObjectMissing(f"no object {key!r}")
        meta = self._meta_path(path)
        content_type = meta.read_text() if meta.exists() else "application/octet-stream"
        st = path.stat()
        return ObjectInfo(
            key=key, size=st.st_size, content_type=content_type, etag=f"{st.st_size:x}-{st.st_mtime_ns:x}"
        )

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def iter_range(
        self, key: str, start: int = 0, end: int | None = None, chunk_size: int = _CHUNK
    ) -> Iterator[bytes]:
        info = self.stat(key)
        first, last = _clamp(info.size, start, end)
        remaining = last - first + 1
        with open(self._path(key), "rb") as f:
            f.seek(first)
            while remaining > 0:
                chunk = f.read(min(chunk_size, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
                yield chunk

    def get_bytes(self, key: str) -> bytes:
        return b"".join(self.iter_range(key))

    def download(self, key: str, path: Path | str) -> Path:
        src = self._path(key)
        if not src.is_file():
            raise ObjectMissing(f"no object {key!r}")
        shutil.copyfile(src, path)
        return Path(path)

    def delete(self, key: str) -> None:
        path = self._path(key)
        path.unlink(missing_ok=True)
        self._meta_path(path).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> int:
        base = self._path(prefix)
        if not base.is_dir():
            return 0
        count = sum(1 for p in base.rglob("*") if p.is_file() and not p.name.startswith("."))
        shutil.rmtree(base)
        return count

    def check(self) -> None:
        if not os.access(self.root, os.W_OK):
            raise ObjectStoreError(f"media directory {self.root} is not writable")


class S3ObjectStore:
    """Objects in a MinIO/S3 bucket through the ``minio`` SDK."""

    backend = "s3"

    def __init__(
        self,
        *,
        endpoint: str,
        access_key: str | None,
        secret_key: str | None,
        bucket: str,
        secure: bool = False,
        region: str | None = None,
        part_size: int = 16 * 1024 * 1024,
        create_bucket: bool = True,
    ) -> None:
        from minio import Minio
        from urllib3 import PoolManager, Retry, Timeout

        host = endpoint.removeprefix("http://").removeprefix("https://").rstrip("/")
        secure = secure or endpoint.startswith("https://")
        # Fail fast when the store is down: callers (the spool) retry with backoff.
        http = PoolManager(
            timeout=Timeout(connect=5, read=60),
            maxsize=16,
            retries=Retry(total=2, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]),
        )
        self.client = Minio(
            host, access_key=access_key, secret_key=secret_key, secure=secure, region=region, http_client=http
        )
        self.bucket = bucket
        self.part_size = max(part_size, 5 * 1024 * 1024)
        self._bucket_ready = not create_bucket

    def _ensure_bucket(self) -> None:
        if self._bucket_ready:
            return
        from minio.error import S3Error

        try:
            if not self.client.bucket_exists(self.bucket):
                self.client.make_bucket(self.bucket)
        except S3Error as exc:
            if exc.code not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                raise self._wrap(exc, "") from exc
        self._bucket_ready = True

    def _wrap(self, exc: Exception, key: str) -> ObjectStoreError:
        from minio.error import S3Error

        if isinstance(exc, S3Error) and exc.code in {"NoSuchKey", "NoSuchObject"}:
            return ObjectMissing(f"no object {key!r}")
        return ObjectStoreError(f"object store error on {key!r}: {exc}")

    def _call(self, key: str, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            self._ensure_bucket()
            return fn(*args, **kwargs)
        except ObjectStoreError:
            raise
        except Exception as exc:  # minio raises S3Error, urllib3 raises network errors
            raise self._wrap(exc, key) from exc

    def put_file(self, key: str, path: Path | str, content_type: str) -> ObjectInfo:
        validate_key(key)
        size = Path(path).stat().st_size
        self._call(
            key,
            self.client.fput_object,
            self.bucket,
            key,
            str(path),
            content_type=content_type,
            part_size=self.part_size,
        )
        info = self.stat(key)
        if info.size != size:
            raise ObjectStoreError(f"stored {info.size} bytes of {size} for {key!r}")
        return info

    def put_bytes(self, key: str, data: bytes, content_type: str) -> ObjectInfo:
        import io

        validate_key(key)
        self._call(
            key,
            self.client.put_object,
            self.bucket,
            key,
            io.BytesIO(data),
            len(data),
            content_type=content_type,
            part_size=self.part_size,
        )
        return self.stat(key)

    def stat(self, key: str) -> ObjectInfo:
        validate_key(key)
        st = self._call(key, self.client.stat_object, self.bucket, key)
        return ObjectInfo(
            key=key,
            size=int(st.size or 0),
            content_type=st.content_type or "application/octet-stream",
            etag=(st.etag or "").strip('"'),
        )

    def exists(self, key: str) -> bool:
        try:
            self.stat(key)
        except ObjectMissing:
            return False
        return True

    def iter_range(
        self, key: str, start: int = 0, end: int | None = None, chunk_size: int = _CHUNK
    ) -> Iterator[bytes]:
        info = self.stat(key)
        first, last = _clamp(info.size, start, end)
        length = last - first + 1
        if length <= 0:
            return
        resp = self._call(key, self.client.get_object, self.bucket, key, offset=first, length=length)
        try:
            yield from resp.stream(chunk_size)
        finally:
            resp.close()
            resp.release_conn()

    def get_bytes(self, key: str) -> bytes:
        return b"".join(self.iter_range(key))

    def download(self, key: str, path: Path | str) -> Path:
        validate_key(key)
        self._call(key, self.client.fget_object, self.bucket, key, str(path))
        return Path(path)

    def delete(self, key: str) -> None:
        validate_key(key)
        self._call(key, self.client.remove_object, self.bucket, key)

    def delete_prefix(self, prefix: str) -> int:
        validate_key(prefix)
        names = [
            o.object_name
            for o in self._call(
                prefix,
                lambda: list(self.client.list_objects(self.bucket, prefix=f"{prefix}/", recursive=True)),
            )
        ]
        for name in names:
            if name:
                self.delete(name)
        return len(names)

    def check(self) -> None:
        self._call("", self.client.bucket_exists, self.bucket)
