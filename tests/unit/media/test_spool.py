"""The spool keeps every take until a real store (local files or S3 over HTTP) has it."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from media.errors import SpoolError, UploadFailed
from media.object_store import LocalObjectStore, S3ObjectStore
from media.spool import Spool, take_object_key
from media.spool_uploader import SpoolUploader


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def recording(source_media: Path, tmp_path: Path) -> Path:
    """A finished recording waiting to be spooled (a real WebM)."""
    path = tmp_path / "rec" / "take.webm"
    path.parent.mkdir()
    shutil.copyfile(source_media, path)
    return path


@pytest.fixture
def s3_port() -> int:
    return _free_port()


@contextlib.contextmanager
def moto_s3(port: int) -> Iterator[None]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield
    finally:
        server.stop()


def _s3(port: int) -> S3ObjectStore:
    return S3ObjectStore(
        endpoint=f"http://127.0.0.1:{port}",
        access_key="test",
        secret_key="test-secret",
        bucket="takes",
        region="us-east-1",
    )


async def _wait_until(predicate: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.02)


def test_a_take_is_uploaded_then_removed_from_the_spool(recording: Path, tmp_path: Path) -> None:
    content = recording.read_bytes()
    spool = Spool(tmp_path / "spool")
    store = LocalObjectStore(root=tmp_path / "objects")

    entry = spool.submit("take-1", recording, metadata={"candidate": "c-9"})
    assert not recording.exists() and spool.media_path("take-1").read_bytes() == content
    assert [e.take_id for e in Spool(tmp_path / "spool").pending()] == ["take-1"]

    info = spool.upload(entry, store)

    assert info is not None and info.key == take_object_key("take-1") == entry.key
    assert store.get_bytes(entry.key) == content
    assert store.stat(entry.key).content_type == "video/webm"
    assert spool.pending() == [] and list((tmp_path / "spool").iterdir()) == []


async def test_a_failed_upload_stays_with_its_error_and_arrives_once_after_recovery(
    recording: Path, tmp_path: Path, s3_port: int
) -> None:
    content = recording.read_bytes()
    spool = Spool(tmp_path / "spool", base_delay_s=60)
    spool.submit("take-7", recording)
    uploader = SpoolUploader(spool, _s3(s3_port))  # nothing listens on the port yet

    first = await uploader.run_once()

    assert first.failed == ("take-7",)
    [entry] = spool.pending()
    assert entry.attempts == 1 and entry.last_error is not None
    assert "ObjectStoreError" in entry.last_error
    assert entry.next_attempt_at == pytest.approx(time.time() + 60, abs=5)
    assert spool.media_path("take-7").read_bytes() == content

    second = await uploader.run_once()  # backoff: not retried before it is due
    assert second.waiting == ("take-7",) and spool.pending()[0].attempts == 1

    with moto_s3(s3_port):
        restarted = Spool(tmp_path / "spool")  # a process restart finds the take
        later = SpoolUploader(restarted, _s3(s3_port), clock=lambda: time.time() + 61)
        third = await later.run_once()
        fourth = await later.run_once()

        store = _s3(s3_port)
        assert third.uploaded == ("take-7",) and fourth == type(fourth)((), (), ())
        assert store.get_bytes(take_object_key("take-7")) == content
        assert store.delete_prefix("takes") == 1  # stored exactly once
    assert restarted.pending() == []


def test_the_same_take_submitted_twice_is_stored_once(recording: Path, tmp_path: Path) -> None:
    copy = recording.with_name("again.webm")
    shutil.copyfile(recording, copy)
    spool = Spool(tmp_path / "spool")
    store = LocalObjectStore(root=tmp_path / "objects")

    first = spool.submit("take-2", recording)
    second = spool.submit("take-2", copy)
    assert second == first and len(spool.pending()) == 1 and not copy.exists()

    spool.upload(first, store)
    stored = store.stat(first.key)
    shutil.copyfile(store.root / first.key, copy)  # a retry after a lost acknowledgement
    again = spool.submit("take-2", copy)
    spool.upload(again, store)

    assert store.stat(first.key).etag == stored.etag  # not written a second time
    assert spool.pending() == []


def test_different_content_for_a_pending_take_is_refused(recording: Path, tmp_path: Path) -> None:
    other = recording.with_name("other.webm")
    other.write_bytes(recording.read_bytes()[:-10])
    spool = Spool(tmp_path / "spool")
    spool.submit("take-3", recording)

    with pytest.raises(SpoolError, match="different content"):
        spool.submit("take-3", other)
    assert other.exists()


@pytest.mark.parametrize(
    ("take_id", "key"),
    [
        ("../../etc/cron.d/x", None),
        ("take/../../x", None),
        ("take-4", "../outside.webm"),
        ("take-4", "/etc/passwd"),
        ("take-4", "takes/../../x"),
    ],
)
def test_path_traversal_is_rejected(recording: Path, tmp_path: Path, take_id: str, key: str | None) -> None:
    spool = Spool(tmp_path / "spool")

    with pytest.raises(SpoolError, match="invalid"):
        spool.submit(take_id, recording, key=key)
    assert recording.exists() and spool.pending() == []
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["take.webm"]


async def test_the_uploader_drains_the_spool_in_the_background(recording: Path, tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    store = LocalObjectStore(root=tmp_path / "objects")
    uploader = SpoolUploader(spool, store, idle_poll_s=30)
    task = asyncio.create_task(uploader.run_forever())
    try:
        spool.submit("take-5", recording)
        uploader.wake()
        await _wait_until(lambda: store.exists(take_object_key("take-5")), timeout=10)
        await _wait_until(lambda: not spool.pending(), timeout=10)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def test_uploading_straight_to_a_broken_store_raises_upload_failed(recording: Path, tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    entry = spool.submit("take-6", recording)

    with pytest.raises(UploadFailed, match="attempt 1"):
        spool.upload(entry, _s3(_free_port()))
    assert spool.get("take-6") is not None and spool.get("take-6").attempts == 1  # type: ignore[union-attr]
