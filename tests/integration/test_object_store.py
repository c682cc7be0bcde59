"""The object-store contract, on local files and on a real S3 endpoint over HTTP (minio SDK)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from media.object_store import (
    InvalidKey,
    LocalObjectStore,
    ObjectMissing,
    ObjectStore,
    ObjectStoreError,
    S3ObjectStore,
)
from tests.support.s3 import S3Endpoint

pytestmark = pytest.mark.integration


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ObjectStore]:
    if request.param == "local":
        yield LocalObjectStore(root=tmp_path / "objects")
        return
    s3: S3Endpoint = request.getfixturevalue("s3")
    bucket = f"viva-{os.urandom(4).hex()}"
    yield S3ObjectStore(
        endpoint=s3.endpoint,
        access_key=s3.access_key,
        secret_key=s3.secret_key,
        bucket=bucket,
        region=s3.region,
        part_size=5 * 1024 * 1024,
    )


def test_put_get_stat_delete(store: ObjectStore) -> None:
    info = store.put_bytes("answers/a1/video.webm", b"hello world", "video/webm")
    assert info.size == 11
    assert store.get_bytes("answers/a1/video.webm") == b"hello world"
    assert store.stat("answers/a1/video.webm").content_type == "video/webm"
    assert store.exists("answers/a1/video.webm")
    store.delete("answers/a1/video.webm")
    assert not store.exists("answers/a1/video.webm")
    store.delete("answers/a1/video.webm")  # deleting twice is fine


def test_multipart_upload_of_a_large_file(store: ObjectStore, tmp_path: Path) -> None:
    payload = os.urandom(12 * 1024 * 1024 + 123)  # more than two 5 MiB parts
    src = tmp_path / "big.webm"
    src.write_bytes(payload)
    info = store.put_file("answers/big/video.webm", src, "video/webm")
    assert info.size == len(payload)
    out = tmp_path / "back.webm"
    store.download("answers/big/video.webm", out)
    assert out.read_bytes() == payload
    streamed = b"".join(store.iter_range("answers/big/video.webm", chunk_size=1 << 20))
    assert streamed == payload


def test_ranged_get(store: ObjectStore) -> None:
    data = bytes(range(256)) * 40
    store.put_bytes("r/x.bin", data, "application/octet-stream")
    assert b"".join(store.iter_range("r/x.bin", 100, 199)) == data[100:200]
    assert b"".join(store.iter_range("r/x.bin", 10_000)) == data[10_000:]
    assert b"".join(store.iter_range("r/x.bin", 0, 0)) == data[:1]
    with pytest.raises(ObjectStoreError):
        list(store.iter_range("r/x.bin", 20_000))


def test_missing_key(store: ObjectStore, tmp_path: Path) -> None:
    with pytest.raises(ObjectMissing):
        store.stat("nope/none.webm")
    with pytest.raises(ObjectMissing):
        store.get_bytes("nope/none.webm")
    assert not store.exists("nope/none.webm")


@pytest.mark.parametrize(
    "key",
    ["../etc/passwd", "/abs/path", "a/../../b", ".hidden", "a//b", "a/b/", "", "a\\b", "x" * 600, "a/./b"],
)
def test_hostile_keys_are_refused(store: ObjectStore, key: str) -> None:
    with pytest.raises(InvalidKey):
        store.put_bytes(key, b"x", "text/plain")


def test_delete_prefix(store: ObjectStore) -> None:
    for name in ("a.webm", "b.jpg", "c.wav"):
        store.put_bytes(f"cand/123/{name}", b"x", "application/octet-stream")
    store.put_bytes("cand/456/a.webm", b"keep", "video/webm")
    assert store.delete_prefix("cand/123") == 3
    assert not store.exists("cand/123/a.webm")
    assert store.get_bytes("cand/456/a.webm") == b"keep"


def test_check_reports_an_unreachable_s3(tmp_path: Path) -> None:
    down = S3ObjectStore(endpoint="http://127.0.0.1:9", access_key="x", secret_key="y", bucket="viva")
    with pytest.raises(ObjectStoreError):
        down.check()
