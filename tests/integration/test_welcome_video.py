"""The hiring team's welcome video: an admin saves, replaces and removes it; candidates play it."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from server.domain.branding import welcome_video
from server.settings import Settings
from tests.support.media_files import make_webm
from tests.support.world import World

pytestmark = pytest.mark.integration

URL = "/api/organization/branding/welcome-video"


def _stored_videos(settings: Settings) -> list[str]:
    root = Path(settings.storage.local_root) / "organizations"
    return sorted(p.name for p in root.rglob("*.webm")) if root.exists() else []


async def test_admin_saves_replaces_and_removes_the_welcome_video(
    client: Any, world: World, login: Any, settings: Settings, tmp_path: Path
) -> None:
    token = world.a.tokens["Alice"]
    assert (await client.get(f"/api/candidate/{token}")).json()["organization"][
        "welcome_video_version"
    ] is None
    assert (await client.get(f"/api/candidate/{token}/welcome-video")).status_code == 404
    await login(world.a.admin_email)
    first = make_webm(tmp_path / "first.webm", 2.0)
    r = await client.put(URL, content=first.read_bytes(), headers={"content-type": "video/webm"})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["welcome_video_version"] == 1 and 1.5 < out["welcome_video_seconds"] < 3.0
    brand = (await client.get(f"/api/candidate/{token}")).json()["organization"]
    assert brand["welcome_video_version"] == 1
    whole = await client.get(f"/api/candidate/{token}/welcome-video?v=1")
    assert whole.status_code == 200 and whole.headers["content-type"] == "video/webm"
    assert whole.content[:4] == b"\x1a\x45\xdf\xa3"  # EBML: a WebM, remuxed with a duration
    part = await client.get(f"/api/candidate/{token}/welcome-video", headers={"range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.content) == 100
    assert part.headers["content-range"] == f"bytes 0-99/{len(whole.content)}"
    assert (await client.get(URL)).status_code == 200  # staff preview
    # another organization's candidates see no video of alpha's
    assert (await client.get(f"/api/candidate/{world.b.tokens['Bob']}/welcome-video")).status_code == 404

    second = make_webm(tmp_path / "second.webm", 4.0)
    r = await client.put(URL, content=second.read_bytes(), headers={"content-type": "video/webm"})
    assert r.status_code == 200 and r.json()["welcome_video_version"] == 2
    assert 3.5 < r.json()["welcome_video_seconds"] < 5.0
    assert _stored_videos(settings) == ["welcome-video-2.webm"]  # the replaced one is gone

    r = await client.delete(URL)
    assert r.status_code == 200 and r.json()["welcome_video_version"] is None
    assert (await client.get(f"/api/candidate/{token}/welcome-video")).status_code == 404
    assert (await client.get(f"/api/candidate/{token}")).json()["organization"][
        "welcome_video_version"
    ] is None
    assert _stored_videos(settings) == []


async def test_a_bad_welcome_video_is_refused_and_the_stored_one_kept(
    client: Any, world: World, login: Any, settings: Settings, tmp_path: Path
) -> None:
    await login(world.a.admin_email)
    good = make_webm(tmp_path / "good.webm", 2.0).read_bytes()
    assert (await client.put(URL, content=good, headers={"content-type": "video/webm"})).status_code == 200
    silent_mp4 = tmp_path / "clip.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=d=1:s=160x120",
            "-c:v",
            "mpeg4",
            str(silent_mp4),
        ],
        check=True,
    )
    for data, kind, status, words in (
        (b"", "video/webm", 422, "empty"),
        (b"not a video at all" * 100, "video/webm", 422, "the video is not a readable audio or video file"),
        (silent_mp4.read_bytes(), "video/webm", 422, "the video is mov; it must be WebM"),
        (good, "image/png", 422, "Content-Type video/webm"),
    ):
        r = await client.put(URL, content=data, headers={"content-type": kind})
        assert r.status_code == status and words in r.json()["detail"], (words, r.text)
    now = (await client.get("/api/organization/branding")).json()
    assert now["welcome_video_version"] == 1  # nothing stored was lost
    assert _stored_videos(settings) == ["welcome-video-1.webm"]
    token = world.a.tokens["Alice"]
    assert (await client.get(f"/api/candidate/{token}/welcome-video")).content == (
        await client.get(URL)
    ).content


async def test_welcome_video_limits(
    client: Any, world: World, login: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    await login(world.a.admin_email)
    clip = make_webm(tmp_path / "clip.webm", 3.0).read_bytes()
    monkeypatch.setattr(welcome_video, "MAX_WELCOME_VIDEO_SECONDS", 1.0)
    r = await client.put(URL, content=clip, headers={"content-type": "video/webm"})
    assert r.status_code == 422 and "at most 1 s" in r.json()["detail"], r.text
    monkeypatch.setattr(welcome_video, "MAX_WELCOME_VIDEO_BYTES", len(clip) // 2)
    r = await client.put(URL, content=clip, headers={"content-type": "video/webm"})
    assert r.status_code == 413 and "record a shorter one" in r.json()["detail"], r.text
    assert (await client.get("/api/organization/branding")).json()["welcome_video_version"] is None
