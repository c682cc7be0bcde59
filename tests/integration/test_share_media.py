"""Share links that include the answers' video and transcript: off by default, signed expiring
media URLs bound to the link and to its candidate, reviewers' names on the shared report."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from media.object_store import LocalObjectStore
from server.db.models import ShareLink
from server.security.media_links import MediaLinkSigner
from server.settings import Settings
from server.storage import poster_key, video_key
from tests.integration.test_reviews import as_user
from tests.support.reviews import add_ready_response, open_db, override
from tests.support.world import World

pytestmark = pytest.mark.integration

VIDEO = bytes(range(256)) * 40  # 10 KiB stand-in: the endpoint streams bytes as stored


async def _video(db_url: str, settings: Settings, inv: uuid.UUID, q: uuid.UUID, text: str) -> uuid.UUID:
    rid = await add_ready_response(db_url, inv, q, video=True, text=text)
    store = LocalObjectStore(root=settings.storage.local_root)
    store.put_bytes(video_key(rid), VIDEO, "video/webm")
    store.put_bytes(poster_key(rid), b"\xff\xd8poster", "image/jpeg")
    return rid


async def _setup(client: Any, world: World, db_url: str, settings: Settings) -> dict[str, Any]:
    """Alice: a reviewed video answer with a note; Amir (another candidate): a video answer."""
    alice, amir = world.a.invitation_ids["Alice"], world.a.invitation_ids["Amir"]
    rid = await _video(db_url, settings, alice, world.a.question_ids[1], "we shipped the model")
    other = await _video(db_url, settings, amir, world.a.question_ids[1], "amir's own answer")
    rev = await as_user(client, world.a.reviewer_email)
    await override(client, rev, rid, score=4, comment="Clear on monitoring")
    admin = await as_user(client, world.a.admin_email)
    return {"admin": admin, "alice": alice, "rid": rid, "other": other}


async def _link(client: Any, ctx: dict[str, Any], **body: Any) -> dict[str, Any]:
    r = await client.post(f"/api/reports/invitations/{ctx['alice']}/share", json=body, headers=ctx["admin"])
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


async def test_media_is_off_by_default_and_reviewer_names_show(
    client: Any, world: World, db_url: str, settings: Settings
) -> None:
    ctx = await _setup(client, world, db_url, settings)
    made = await _link(client, ctx)
    assert made["include_media"] is False
    client.cookies.clear()  # a recipient has no session
    r = await client.get(f"/api/share/{made['token']}")
    assert r.status_code == 200, r.text
    shared = r.json()
    assert shared["media_included"] is False and shared["answers"] == []
    assert "/media/" not in r.text and "we shipped the model" not in r.text and "segments" not in r.text
    assert all(q["response_id"] is None for q in shared["questions"])
    # the note names its reviewer (the world's reviewer is called "Reviewer")
    assert [n["reviewer_name"] for n in shared["notes"]] == ["Reviewer"]
    # a share media URL signed for this link (which has no media) is refused
    signer = MediaLinkSigner.for_settings(settings)
    url, _ = signer.share_url(ctx["rid"], "video", uuid.UUID(made["id"]), not_after=time.time() + 3600)
    r = await client.get(url)
    assert r.status_code == 403 and "does not include" in r.json()["detail"]
    listed = (await client.get(f"/api/reports/invitations/{ctx['alice']}/share", headers=ctx["admin"])).json()
    assert [x["include_media"] for x in listed] == [False]


async def test_media_link_plays_video_and_transcript_for_a_signed_out_visitor(
    client: Any, world: World, db_url: str, settings: Settings
) -> None:
    ctx = await _setup(client, world, db_url, settings)
    made = await _link(client, ctx, include_media=True, expires_in_hours=2)
    assert made["include_media"] is True
    client.cookies.clear()
    shared = (await client.get(f"/api/share/{made['token']}")).json()
    assert shared["media_included"] is True
    (ans,) = shared["answers"]
    assert ans["question_id"] == str(world.a.question_ids[1]) and ans["kind"] == "video"
    assert ans["transcript"] == "we shipped the model" and ans["segments"]
    assert ans["video_url"].startswith(f"/api/share/media/{ctx['rid']}/video?") and "sig=" in ans["video_url"]
    assert "amir" not in str(shared).lower()
    expires_at = datetime.fromisoformat(ans["media_expires_at"])
    assert datetime.now(UTC) < expires_at <= datetime.now(UTC) + timedelta(minutes=16)

    whole = await client.get(ans["video_url"])
    assert whole.status_code == 200 and whole.content == VIDEO
    part = await client.get(ans["video_url"], headers={"range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == VIDEO[100:200]
    assert (await client.get(ans["poster_url"])).content == b"\xff\xd8poster"

    # another candidate's media: the URL with its id swapped in, or even a genuine signature for
    # the other response under this link, is refused
    swapped = ans["video_url"].replace(str(ctx["rid"]), str(ctx["other"]))
    r = await client.get(swapped)
    assert r.status_code == 403 and "not valid" in r.json()["detail"]
    signer = MediaLinkSigner.for_settings(settings)
    forged, _ = signer.share_url(ctx["other"], "video", uuid.UUID(made["id"]), not_after=time.time() + 3600)
    r = await client.get(forged)
    assert r.status_code == 403 and "not for the shared report's candidate" in r.json()["detail"]
    assert not r.content.startswith(VIDEO[:16])
    # altered: the poster's signature on the video, a stretched expiry, an audio variant
    query = ans["poster_url"].split("?", 1)[1]
    for bad in (
        f"/api/share/media/{ctx['rid']}/video?{query}",
        ans["video_url"].replace("expires=", "expires=9"),
    ):
        r = await client.get(bad)
        assert r.status_code == 403 and "reload the shared report" in r.json()["detail"], bad
    assert (await client.get(ans["video_url"].replace("/video?", "/audio?"))).status_code == 400
    # a share media link is no staff media link, and a staff one is no share one
    r = await client.get(
        ans["video_url"]
        .replace("/api/share/media/", "/api/responses/", 1)
        .replace(f"{ctx['rid']}/video", f"{ctx['rid']}/media/video")
    )
    assert r.status_code == 403
    staff_url = signer.url(ctx["rid"], "video", uuid.UUID(made["id"]))  # the same ids, the staff kind
    query = staff_url.split("?", 1)[1].replace("user=", "link=")
    r = await client.get(f"/api/share/media/{ctx['rid']}/video?{query}")
    assert r.status_code == 403 and "not valid" in r.json()["detail"]


async def test_expired_media_urls_and_expired_or_revoked_links_are_refused(
    client: Any, world: World, db_url: str, settings: Settings
) -> None:
    ctx = await _setup(client, world, db_url, settings)
    made = await _link(client, ctx, include_media=True)
    link_id = uuid.UUID(made["id"])
    signer = MediaLinkSigner.for_settings(settings)
    client.cookies.clear()
    # made 20 minutes ago with the default 15-minute lifetime
    old, _ = signer.share_url(
        ctx["rid"], "video", link_id, not_after=time.time() + 3600, now=time.time() - 1200
    )
    r = await client.get(old)
    assert r.status_code == 403 and "expired" in r.json()["detail"]
    # a media URL never outlives its share link
    soon = time.time() + 90
    _, expiry = signer.share_url(ctx["rid"], "video", link_id, not_after=soon)
    assert expiry == int(soon)

    url = (await client.get(f"/api/share/{made['token']}")).json()["answers"][0]["video_url"]
    assert (await client.get(url)).status_code == 200
    async with open_db(db_url) as db:
        link = await db.get(ShareLink, link_id)
        assert link is not None
        link.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        await db.commit()
    r = await client.get(url)  # still within its own lifetime, but the share link expired
    assert r.status_code == 410 and "expired" in r.json()["detail"]
    assert (await client.get(f"/api/share/{made['token']}")).status_code == 410

    second = await _link(
        client, {**ctx, "admin": await as_user(client, world.a.admin_email)}, include_media=True
    )
    client.cookies.clear()
    url = (await client.get(f"/api/share/{second['token']}")).json()["answers"][0]["video_url"]
    assert (await client.get(url)).status_code == 200
    admin = await as_user(client, world.a.admin_email)
    assert (await client.delete(f"/api/reports/share-links/{second['id']}", headers=admin)).status_code == 204
    client.cookies.clear()
    r = await client.get(url)
    assert r.status_code == 410 and "withdrawn" in r.json()["detail"]
