"""Security headers, cookie flags over TLS, and login rate limiting, against the real app.

TLS is seen either directly (an ``https://`` request) or through a reverse proxy's
``X-Forwarded-Proto``, which only counts when ``VIVA_TRUSTED_PROXIES`` trusts the peer.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from server.app import STATIC_DIR, create_app
from server.security.login_throttle import FIRST_DELAY_SECONDS
from server.settings import Settings
from server.storage import poster_key, video_key
from tests.conftest import make_settings
from tests.support.world import PASSWORD, World, build_world

pytestmark = pytest.mark.integration

FORWARDED_TLS = {"x-forwarded-proto": "https"}


@asynccontextmanager
async def app_client(
    settings: Settings, base_url: str = "http://testserver.local"
) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(settings), base_url=base_url) as client:
        yield client


async def login(client: AsyncTestClient[Any], email: str, password: str = PASSWORD, **headers: str) -> Any:
    """A sign-in the way the browser makes it: CSRF cookie from a safe request, then POST."""
    if not client.cookies.get("viva_csrf"):
        await client.get("/api/auth/me", headers=headers)
    return await client.post(
        "/api/auth/login",
        json={"email": email, "password": password},
        headers={"x-csrf-token": client.cookies.get("viva_csrf", ""), **headers},
    )


def set_cookies(response: Any) -> dict[str, str]:
    """``Set-Cookie`` lines by cookie name."""
    return {line.split("=", 1)[0]: line for line in response.headers.get_list("set-cookie")}


def assert_security_headers(response: Any) -> None:
    h = response.headers
    csp = h["content-security-policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "connect-src 'self'",
        "media-src 'self' blob:",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ):
        assert directive in csp, (directive, response.url)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "no-referrer"
    assert h["x-frame-options"] == "DENY"
    assert "camera=(self)" in h["permissions-policy"]
    assert "microphone=(self)" in h["permissions-policy"]
    assert "geolocation=()" in h["permissions-policy"]


@pytest.fixture
async def world(sqlite_url: str) -> World:
    return await build_world(sqlite_url)


async def test_every_kind_of_response_carries_the_headers_and_no_hsts_over_http(
    tmp_path: Path, sqlite_url: str, world: World
) -> None:
    async with app_client(make_settings(tmp_path, sqlite_url)) as client:
        responses = {
            "json": await client.get("/health"),
            "401": await client.get("/api/assessments"),
            "404": await client.get("/api/no-such-route"),
            "csrf-403": await client.post("/api/auth/logout"),
            "validation-400": await client.get("/api/review/queue?limit=0"),
        }
        if (STATIC_DIR / "index.html").exists():
            responses["spa"] = await client.get("/login")
        assert responses["401"].status_code == 401
        assert responses["404"].status_code == 404
        assert responses["csrf-403"].status_code == 403
        for name, response in responses.items():
            assert_security_headers(response)
            assert "strict-transport-security" not in response.headers, name
        # plain HTTP: cookies are not marked Secure (they could not be sent back)
        r = await login(client, world.a.admin_email)
        assert r.status_code == 200
        cookies = set_cookies(r)
        assert "Secure" not in cookies["viva_session"]


async def test_the_built_frontend_has_no_inline_script_for_the_csp_to_block() -> None:
    index = STATIC_DIR / "index.html"
    if not index.exists():
        pytest.skip("frontend not built")
    html = index.read_text()
    import re

    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts, "the built index.html loads its bundle with a script tag"
    for attrs, body in scripts:
        assert 'src="/' in attrs and not body.strip(), "inline script would be blocked by CSP"
    assert "<style" not in html and " style=" not in html
    assert re.search(r"\son[a-z]+=", html) is None  # no inline event handlers


async def test_api_docs_keep_their_own_policy(tmp_path: Path, sqlite_url: str) -> None:
    async with app_client(make_settings(tmp_path, sqlite_url)) as client:
        r = await client.get("/schema/swagger")
        assert r.status_code == 200
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        assert "https://cdn.jsdelivr.net" in r.headers["content-security-policy"]


async def test_over_tls_hsts_is_sent_and_cookies_are_secure(
    tmp_path: Path, sqlite_url: str, world: World
) -> None:
    async with app_client(make_settings(tmp_path, sqlite_url), base_url="https://testserver.local") as client:
        first = await client.get("/api/auth/me")
        assert first.headers["strict-transport-security"] == ("max-age=31536000; includeSubDomains")
        assert "Secure" in set_cookies(first)["viva_csrf"]
        r = await login(client, world.a.admin_email)
        assert r.status_code == 200
        session = set_cookies(r)["viva_session"]
        assert "Secure" in session and "HttpOnly" in session and "samesite=lax" in session.lower()
        assert (await client.get("/api/auth/me")).status_code == 200


async def test_forwarded_proto_counts_only_from_trusted_proxies(
    tmp_path: Path, sqlite_url: str, world: World
) -> None:
    untrusted = make_settings(tmp_path, sqlite_url)
    async with app_client(untrusted) as client:
        r = await client.get("/api/auth/me", headers=FORWARDED_TLS)
        assert "strict-transport-security" not in r.headers
        assert "Secure" not in set_cookies(r)["viva_csrf"]

    trusted = make_settings(tmp_path, sqlite_url, VIVA_TRUSTED_PROXIES="*", VIVA_HSTS_SECONDS="600")
    async with app_client(trusted) as client:
        r = await client.get("/api/auth/me", headers=FORWARDED_TLS)
        assert r.headers["strict-transport-security"] == "max-age=600; includeSubDomains"
        csrf = set_cookies(r)["viva_csrf"]
        assert "Secure" in csrf and "samesite=strict" in csrf.lower() and "HttpOnly" not in csrf
        # The browser speaks HTTPS to the proxy and sends Secure cookies back; this client
        # speaks plain HTTP, so it is handed them by hand.
        client.cookies.clear()
        client.cookies.set("viva_csrf", csrf_value := csrf.split(";")[0].split("=", 1)[1])
        ok = await login(client, world.a.admin_email, **FORWARDED_TLS)
        assert ok.status_code == 200
        session = set_cookies(ok)["viva_session"]
        assert "Secure" in session and "HttpOnly" in session
        client.cookies.clear()
        client.cookies.set("viva_csrf", csrf_value)
        client.cookies.set("viva_session", session.split(";")[0].split("=", 1)[1])
        assert (await client.get("/api/auth/me", headers=FORWARDED_TLS)).status_code == 200
        out = await client.post("/api/auth/logout", headers={"x-csrf-token": csrf_value, **FORWARDED_TLS})
        assert out.status_code == 204
        assert "Secure" in set_cookies(out)["viva_session"]


async def test_secure_cookies_setting_marks_cookies_even_without_tls(tmp_path: Path, sqlite_url: str) -> None:
    async with app_client(make_settings(tmp_path, sqlite_url, VIVA_SECURE_COOKIES="true")) as client:
        r = await client.get("/api/auth/me")
        assert "Secure" in set_cookies(r)["viva_csrf"]
        assert "strict-transport-security" not in r.headers  # HSTS still only over TLS


# ---- login rate limiting (counters in the database: SQLite and PostgreSQL) ----


class FakeClock:
    """The throttle's clock for a test: it stands still until the test moves it forward."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


async def test_failed_logins_are_throttled_per_account_then_recover(tmp_path: Path, db_url: str) -> None:
    w = await build_world(db_url)
    # The throttle reads a clock the test moves, so slow password hashing on a loaded machine
    # cannot run the wait out before the test looks (no sleeping, no race with the window).
    clock = FakeClock()
    settings = make_settings(tmp_path, db_url, VIVA_LOGIN_MAX_FAILURES="3", VIVA_LOGIN_WINDOW_SECONDS="600")
    async with AsyncTestClient(
        app=create_app(settings, clock=clock), base_url="http://testserver.local"
    ) as client:
        for _ in range(3):
            assert (await login(client, w.a.admin_email, "wrong password")).status_code == 401
        blocked = await login(client, w.a.admin_email)  # even the right password waits now
        assert blocked.status_code == 429
        assert int(blocked.headers["retry-after"]) == FIRST_DELAY_SECONDS  # the pair's first delay
        body = blocked.json()
        assert body["status"] == 429 and body["retry_after"] == int(blocked.headers["retry-after"])
        assert "Too many failed sign-in attempts" in body["detail"]
        assert "viva_session" not in set_cookies(blocked)
        assert_security_headers(blocked)

        # an unknown email is throttled in exactly the same way: nothing tells them apart
        for _ in range(3):
            r = await login(client, "nobody@alpha.test", "wrong password")
            assert r.status_code == 401 and r.json()["detail"] == "Wrong email or password."
        unknown = await login(client, "NOBODY@alpha.test", PASSWORD)
        assert unknown.status_code == 429
        assert unknown.json()["detail"] == body["detail"]
        assert unknown.headers["retry-after"] == blocked.headers["retry-after"]

        # other accounts are not affected
        assert (await login(client, w.a.reviewer_email)).status_code == 200

        clock.advance(FIRST_DELAY_SECONDS - 1)  # one second before the delay runs out: still waiting
        almost = await login(client, w.a.admin_email)
        assert almost.status_code == 429 and almost.headers["retry-after"] == "1"
        clock.advance(1)  # the delay ran out: the right password works again
        assert (await login(client, w.a.admin_email)).status_code == 200


async def test_a_successful_login_resets_the_account_counter(tmp_path: Path, db_url: str) -> None:
    w = await build_world(db_url)
    settings = make_settings(tmp_path, db_url, VIVA_LOGIN_MAX_FAILURES="3")
    async with app_client(settings) as client:
        for _ in range(2):
            assert (await login(client, w.a.admin_email, "wrong password")).status_code == 401
        assert (await login(client, w.a.admin_email)).status_code == 200
        for _ in range(2):
            assert (await login(client, w.a.admin_email, "wrong password")).status_code == 401
        assert (await login(client, w.a.admin_email)).status_code == 200


async def test_failed_logins_are_throttled_per_client_address(tmp_path: Path, db_url: str) -> None:
    w = await build_world(db_url)
    settings = make_settings(tmp_path, db_url, VIVA_LOGIN_MAX_FAILURES_PER_IP="4", VIVA_TRUSTED_PROXIES="*")
    spray = {"x-forwarded-for": "203.0.113.7"}
    async with app_client(settings) as client:
        for i in range(4):  # four different accounts from one address
            r = await login(client, f"user{i}@alpha.test", "guess", **spray)
            assert r.status_code == 401
        r = await login(client, w.a.admin_email, PASSWORD, **spray)
        assert r.status_code == 429 and "retry-after" in r.headers
        # another client (as the trusted proxy reports it) is not affected
        assert (
            await login(client, w.a.admin_email, PASSWORD, **{"x-forwarded-for": "198.51.100.2"})
        ).status_code == 200


async def test_counters_are_shared_by_app_processes_on_one_database(tmp_path: Path, db_url: str) -> None:
    w = await build_world(db_url)
    settings = make_settings(tmp_path, db_url, VIVA_LOGIN_MAX_FAILURES="4")
    async with app_client(settings) as one, app_client(settings) as two:
        for client in (one, two, one, two):
            assert (await login(client, w.a.admin_email, "wrong")).status_code == 401
        assert (await login(one, w.a.admin_email)).status_code == 429
        assert (await login(two, w.a.admin_email)).status_code == 429


# ---- media links that expire ----


async def _video_answer(url: str, w: World, settings: Settings) -> tuple[Any, bytes]:
    from media.object_store import LocalObjectStore
    from tests.support.reviews import add_ready_response

    rid = await add_ready_response(
        url, w.a.invitation_ids["Alice"], w.a.question_ids[1], video=True, text="we shipped the model"
    )
    store = LocalObjectStore(root=settings.storage.local_root)
    video = bytes(range(256)) * 40  # 10 KiB stand-in: the endpoint streams bytes as stored
    store.put_bytes(video_key(rid), video, "video/webm")
    store.put_bytes(poster_key(rid), b"\xff\xd8poster", "image/jpeg")
    return rid, video


async def test_review_page_media_links_are_signed_play_without_a_session_and_keep_range(
    tmp_path: Path, db_url: str
) -> None:
    w = await build_world(db_url)
    settings = make_settings(tmp_path, db_url)
    rid, video = await _video_answer(db_url, w, settings)
    async with app_client(settings) as staff, app_client(settings) as stranger:
        assert (await login(staff, w.a.reviewer_email)).status_code == 200
        item = (await staff.get(f"/api/review/responses/{rid}")).json()
        out = (await staff.get(f"/api/responses/{rid}")).json()
        video_url = item["video_url"]
        assert video_url.startswith(f"/api/responses/{rid}/media/video?") and "sig=" in video_url
        assert "expires=" in item["poster_url"] and "sig=" in item["poster_url"]
        assert out["video_url"] == video_url  # same minute, same link
        assert out["audio_url"] is None  # no audio stored: no link

        # the link alone (no cookie) plays the video, with Range for seeking
        whole = await stranger.get(video_url)
        assert whole.status_code == 200 and whole.content == video
        part = await stranger.get(video_url, headers={"range": "bytes=100-199"})
        assert part.status_code == 206 and part.content == video[100:200]
        assert part.headers["content-range"] == f"bytes 100-199/{len(video)}"
        assert (await stranger.get(item["poster_url"])).content == b"\xff\xd8poster"

        # without a link, the session is still needed
        plain = f"/api/responses/{rid}/media/video"
        assert (await stranger.get(plain)).status_code == 401
        assert (await staff.get(plain, headers={"range": "bytes=0-9"})).status_code == 206

        # altered links are refused with 403 and say why, even with a session
        poster_sig = item["poster_url"].split("?", 1)[1]
        for bad in (
            video_url.replace("/video?", "/audio?"),  # another variant
            f"{plain}?{poster_sig}",  # the poster's signature on the video
            video_url.replace("expires=", "expires=9"),  # stretched lifetime
            video_url[:-3] + ("xyz" if not video_url.endswith("xyz") else "abc"),
        ):
            for client in (stranger, staff):
                r = await client.get(bad)
                assert r.status_code == 403, bad
                assert "reopen the answer" in r.json()["detail"]
                assert not r.content.startswith(video[:16])


async def test_expired_links_and_links_of_removed_reviewers_are_refused(tmp_path: Path, db_url: str) -> None:
    from server.db.models import User
    from server.security.media_links import MediaLinkSigner
    from tests.support.reviews import open_db

    w = await build_world(db_url)
    settings = make_settings(tmp_path, db_url, VIVA_MEDIA_LINK_SECONDS="600")
    rid, video = await _video_answer(db_url, w, settings)
    signer = MediaLinkSigner.for_settings(settings)
    async with open_db(db_url) as db:
        from sqlalchemy import select

        reviewer = (await db.execute(select(User).where(User.email == w.a.reviewer_email))).scalar_one()
        foreign = (await db.execute(select(User).where(User.email == w.b.admin_email))).scalar_one()
    async with app_client(settings) as stranger:
        # made 11 minutes ago with a 10-minute lifetime
        old = signer.url(rid, "video", reviewer.id, now=time.time() - 660)
        r = await stranger.get(old)
        assert r.status_code == 403 and "expired" in r.json()["detail"]
        fresh = signer.url(rid, "video", reviewer.id)
        assert (await stranger.get(fresh)).content == video
        # a genuine link for another organization's member finds nothing
        assert (await stranger.get(signer.url(rid, "video", foreign.id))).status_code == 404
        async with open_db(db_url) as db:
            (await db.get(User, reviewer.id)).is_active = False  # type: ignore[union-attr]
            await db.commit()
        r = await stranger.get(fresh)
        assert r.status_code == 403 and "no longer has access" in r.json()["detail"]
