"""Hostile input against the real app: each is refused with a clear 4xx, or stored verbatim and
never interpreted; nothing stored is lost or corrupted by it.

- Path traversal in everything that could become a file or object key.
- HTML and script in candidate names, written answers and review comments: stored as typed,
  served as JSON, and the frontend never renders strings as HTML (its source is checked here;
  ``tests/e2e/test_hostile_rendering.py`` checks the real page in Chromium).
- Huge bodies (413 with a message), garbage where media or SDP is expected, SDP with thousands
  of ICE candidates (refused fast, no peer), and CSRF on every state-changing staff route.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from media.object_store import InvalidKey, LocalObjectStore
from server.app import STATIC_DIR, create_app
from server.auth.csrf import CSRF_REFUSED
from server.settings import Settings
from tests.conftest import make_settings
from tests.security.conftest import schema_operations
from tests.support.reviews import add_ready_response
from tests.support.world import PASSWORD, World, build_world

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
IMG = "<img src=x onerror=\"document.title='pwned'\">"
SCRIPT = "<script>document.title='pwned'</script>"
TRAVERSALS = (
    "../../../etc/passwd",
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "%2e%2e/%2e%2e/secret_key",
    "..\\..\\secret_key",
    "/etc/passwd",
    "responses/../../secret_key",
)


@asynccontextmanager
async def app_client(settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(settings), base_url="http://testserver.local") as c:

        async def add_csrf(request: Any) -> None:
            if (
                request.method not in {"GET", "HEAD", "OPTIONS"}
                and "x-csrf-token" not in (request.headers)
                and (token := c.cookies.get("viva_csrf"))
            ):
                request.headers["x-csrf-token"] = token

        c.event_hooks["request"].append(add_csrf)
        await c.get("/api/auth/me")  # hands out the CSRF cookie
        yield c


async def login(client: AsyncTestClient[Any], email: str) -> None:
    r = await client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text


def problem(response: Any, status: int) -> str:
    """The problem detail of a refusal with ``status``; it must say something a person can act on."""
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/problem+json")
    detail = response.json()["detail"]
    assert isinstance(detail, str) and len(detail) > 10
    return detail


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return make_settings(tmp_path, db_url)


@pytest.fixture
async def world(db_url: str) -> World:
    return await build_world(db_url)


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    async with app_client(settings) as c:
        yield c


async def _consent(client: AsyncTestClient[Any], token: str) -> dict[str, Any]:
    r = await client.post(f"/api/candidate/{token}/consent", json={"accept": True})
    assert r.status_code == 200, r.text
    return dict(r.json())


def _written(view: dict[str, Any]) -> dict[str, Any]:
    return next(q for q in view["questions"] if q["kind"] == "written")


def _video(view: dict[str, Any]) -> dict[str, Any]:
    return next(q for q in view["questions"] if q["kind"] == "video")


# ---- path traversal ----


def test_object_keys_cannot_escape_the_store(tmp_path: Path) -> None:
    store = LocalObjectStore(root=tmp_path / "media")
    for key in (
        *TRAVERSALS,
        "..",
        ".",
        "",
        "a//b",
        ".hidden",
        "a/./b",
        "a\x00b",
        "~/x",
        "responses/x/../../../y",
        "C:\\windows",
        "a" * 600,
    ):
        with pytest.raises(InvalidKey):
            store.put_bytes(key, b"x", "text/plain")
        with pytest.raises(InvalidKey):
            store.stat(key)
        with pytest.raises(InvalidKey):
            store.delete_prefix(key) if key else store.put_bytes(key, b"", "text/plain")
    assert not (tmp_path / "etc").exists() and not (tmp_path / "secret_key").exists()
    assert list((tmp_path / "media").rglob("*")) == []


async def test_path_traversal_in_urls_reaches_no_file(
    client: AsyncTestClient[Any], world: World, settings: Settings
) -> None:
    secret = settings.app.secret_key
    app_source = (ROOT / "server" / "app.py").read_text()[:200]
    probes = [f"/{t}" for t in TRAVERSALS] + [
        "/assets/..%2F..%2Fapp.py",
        "/%2e%2e/app.py",
        "/..%2fsettings.py",
        "/static/../app.py",
        "/api/bank/..%2F..%2Fsettings.py",
        "/api/bank/../../etc/passwd",
    ]
    await login(client, world.a.admin_email)
    rid = uuid.uuid4()
    probes += [f"/api/responses/{t}/media/video" for t in TRAVERSALS]
    probes += [f"/api/responses/{rid}/media/{t}" for t in TRAVERSALS]
    probes += [f"/api/candidate/{t}" for t in TRAVERSALS]
    for path in probes:
        r = await client.get(path)
        assert 400 <= r.status_code < 500, (path, r.status_code)
        assert secret not in r.text and app_source not in r.text and "root:x:0" not in r.text


async def test_ids_that_become_object_keys_must_be_uuids(client: AsyncTestClient[Any], world: World) -> None:
    token = world.a.tokens["Alice"]
    view = await _consent(client, token)
    video, written = _video(view), _written(view)
    for bad in TRAVERSALS:
        r = await client.post(
            f"/api/candidate/{token}/takes",
            json={"question_id": video["id"], "take_id": bad, "sdp": "v=0", "type": "offer"},
        )
        assert "take_id" in problem(r, 400)
        r = await client.put(
            f"/api/candidate/{token}/written/{written['id']}", json={"take_id": bad, "text": "hello"}
        )
        assert "take_id" in problem(r, 400)
    after = (await client.get(f"/api/candidate/{token}")).json()
    assert _written(after)["draft"] is None


async def test_bank_import_and_csv_names_are_data_not_paths(
    client: AsyncTestClient[Any], world: World, settings: Settings, tmp_path: Path
) -> None:
    await login(client, world.a.admin_email)
    exported = (await client.get("/api/bank/export")).json()
    question = dict(exported["questions"][0])
    question["id"] = "../../../../tmp/viva-pwned"
    r = await client.post("/api/bank/import?dry_run=true", json={**exported, "questions": [question]})
    assert r.status_code in (200, 422), r.text  # checked as data either way, never as a path
    assert not Path("/tmp/viva-pwned").exists()

    csv = (
        "name,email\n"
        "../../../etc/passwd,trav@example.com\n" + '"' + IMG.replace('"', '""') + '",img@example.com\n'
    ).encode()  # CSV quoting
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations/csv",
        content=csv,
        headers={"content-type": "text/csv"},
    )
    assert r.status_code == 201, r.text
    names = {i["candidate_name"] for i in r.json()["invitations"]}
    assert names == {"../../../etc/passwd", IMG}
    listed = (await client.get(f"/api/assessments/{world.a.assessment_id}/invitations")).json()
    assert names <= {i["candidate_name"] for i in listed}
    stored = list(settings.storage.local_root.rglob("*")) if settings.storage.local_root.exists() else []
    assert all(p.resolve().is_relative_to(settings.storage.local_root.resolve()) for p in stored)


# ---- HTML and script: stored verbatim, served as data ----


async def test_html_in_names_answers_and_comments_is_stored_verbatim(
    client: AsyncTestClient[Any], world: World, db_url: str
) -> None:
    await login(client, world.a.admin_email)
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations",
        json={"candidate_name": IMG, "candidate_email": "x@example.com"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["candidate_name"] == IMG and r.headers["content-type"] == "application/json"
    token = r.json()["token"]

    view = await _consent(client, token)
    q = _written(view)
    text = f"{SCRIPT}\n{IMG}\n&lt;b&gt; & \"quotes\" 'single' \u202e RTL \U0001f600"
    r = await client.put(
        f"/api/candidate/{token}/written/{q['id']}",
        json={"take_id": str(uuid.uuid4()), "text": text, "submit": True},
    )
    assert r.status_code == 200, r.text
    got = await client.get(f"/api/candidate/{token}/responses/{r.json()['id']}")
    assert got.json()["text"] == text

    listed = (await client.get(f"/api/assessments/{world.a.assessment_id}/invitations")).json()
    inv_id = next(uuid.UUID(i["id"]) for i in listed if i["candidate_name"] == IMG)
    rid = await add_ready_response(db_url, inv_id, world.a.question_ids[2], text=SCRIPT)
    item = (await client.get(f"/api/review/responses/{rid}")).json()
    assert item["candidate_name"] == IMG and item["text"] == SCRIPT
    comment = f"{IMG} {SCRIPT}"
    r = await client.post(
        f"/api/review/responses/{rid}/reviews",
        json={
            "decision": "override",
            "score": 2,
            "reason_code": "other",
            "comment": comment,
            "expected_version": item["review_version"],
        },
    )
    assert r.status_code == 200, r.text
    again = (await client.get(f"/api/review/responses/{rid}")).json()
    assert [rv["comment"] for rv in again["reviews"]] == [comment]
    report = await client.get(f"/api/reports/invitations/{inv_id}")
    assert report.status_code == 200 and report.json()["candidate_name"] == IMG
    assert report.headers["content-type"] == "application/json"


def _frontend_sources() -> Iterator[Path]:
    for ext in ("*.ts", "*.tsx"):
        for p in (ROOT / "frontend" / "src").rglob(ext):
            if not p.name.endswith(".d.ts"):
                yield p


def test_frontend_never_renders_strings_as_html() -> None:
    sources = list(_frontend_sources())
    assert len(sources) > 10
    sinks = re.compile(
        r"dangerouslySetInnerHTML|\.innerHTML\s*=|\.outerHTML\s*=|"
        r"insertAdjacentHTML|document\.write|\beval\(|new Function\(|"
        r"createContextualFragment|DOMParser"
    )
    found = [
        f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
        for p in sources
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if sinks.search(line)
    ]
    assert found == [], "HTML sinks in the frontend:\n" + "\n".join(found)
    # links built from data never take a javascript: URL: hrefs come from our own paths
    dynamic = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in sources
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if re.search(
            r"(href|src)=\{\s*[\w.?]*\b(comment|candidate_name|text|name|email)"
            r"\s*\}",
            line,
        )
    ]
    assert dynamic == [], dynamic
    if (STATIC_DIR / "index.html").exists():
        assert "<script>" not in (STATIC_DIR / "index.html").read_text()


# ---- huge bodies ----


async def test_huge_bodies_get_a_clear_413_and_change_nothing(
    client: AsyncTestClient[Any], world: World, settings: Settings
) -> None:
    limit = settings.app.max_body_bytes
    token = world.a.tokens["Alice"]
    view = await _consent(client, token)
    q = _written(view)
    url = f"/api/candidate/{token}/written/{q['id']}"
    take = str(uuid.uuid4())
    assert (await client.put(url, json={"take_id": take, "text": "my draft"})).status_code == 200
    big = b'{"take_id": "' + take.encode() + b'", "text": "' + b"a" * (limit + 10) + b'"}'
    r = await client.put(url, content=big, headers={"content-type": "application/json"})
    assert "larger than this server accepts" in problem(r, 413)

    after = (await client.get(f"/api/candidate/{token}")).json()
    assert _written(after)["draft"] == "my draft"

    r = await client.post(
        "/api/auth/login",
        content=b'{"email": "' + b"x" * (limit + 1) + b'"}',
        headers={"content-type": "application/json"},
    )
    problem(r, 413)


# ---- malformed media and SDP ----


def test_no_endpoint_accepts_uploaded_media(settings: Settings) -> None:
    schema = create_app(settings).openapi_schema.to_schema()
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            if not isinstance(op, dict):
                continue
            types = set((op.get("requestBody") or {}).get("content", {}))
            assert not {
                t
                for t in types
                if t.split("/")[0] in ("video", "audio", "image") or t == "application/octet-stream"
            }, (method, path, types)


async def test_garbage_bytes_as_an_answer_are_refused_and_nothing_is_stored(
    client: AsyncTestClient[Any], world: World
) -> None:
    token = world.a.tokens["Alice"]
    view = await _consent(client, token)
    garbage = bytes(range(256)) * 64
    for content_type in ("video/webm", "application/octet-stream", "application/json"):
        r = await client.put(
            f"/api/candidate/{token}/written/{_written(view)['id']}",
            content=garbage,
            headers={"content-type": content_type},
        )
        assert 400 <= r.status_code < 500 and r.status_code != 404, r.status_code
        r = await client.post(
            f"/api/candidate/{token}/takes", content=garbage, headers={"content-type": content_type}
        )
        assert 400 <= r.status_code < 500 and r.status_code != 404, r.status_code
    after = (await client.get(f"/api/candidate/{token}")).json()
    assert all(
        q["draft"] is None and q["answered"] is False and q["takes_used"] == 0 for q in after["questions"]
    ), after


def _offer(candidates: int) -> str:
    """A browser-like offer (audio + video, Opus and VP8) with ``candidates`` host candidates."""
    fingerprint = ":".join(["AB"] * 32)
    lines = [
        "v=0",
        "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
        "s=-",
        "t=0 0",
        "a=group:BUNDLE 0 1",
        "a=msid-semantic: WMS",
    ]
    for mid, (kind, pt, codec) in enumerate((("audio", 111, "opus/48000/2"), ("video", 96, "VP8/90000"))):
        lines += [
            f"m={kind} 9 UDP/TLS/RTP/SAVPF {pt}",
            "c=IN IP4 0.0.0.0",
            "a=ice-ufrag:abcd",
            "a=ice-pwd:abcdefghijklmnopqrstuvwx",
            f"a=fingerprint:sha-256 {fingerprint}",
            "a=setup:actpass",
            f"a=mid:{mid}",
            "a=sendonly",
            "a=rtcp-mux",
            f"a=rtpmap:{pt} {codec}",
        ]
        lines += [
            f"a=candidate:{i} 1 udp 2122260223 10.{i // 65536 % 256}.{i // 256 % 256}."
            f"{i % 256} {10000 + i % 50000} typ host"
            for i in range(candidates // 2)
        ]
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize("candidates", [200, 3000])
async def test_sdp_with_thousands_of_candidates_is_refused_fast_without_a_peer(
    client: AsyncTestClient[Any], world: World, candidates: int
) -> None:
    token = world.a.tokens["Alice"]
    q = _video(await _consent(client, token))
    recording = client.app.state["recording"]
    take = uuid.uuid4()
    sdp = _offer(candidates)
    started = time.monotonic()
    r = await client.post(
        f"/api/candidate/{token}/takes",
        json={"question_id": q["id"], "take_id": str(take), "sdp": sdp, "type": "offer"},
    )
    took = time.monotonic() - started
    status = (
        413
        if len(sdp) > client.app.state["settings"].app.max_body_bytes
        else (422 if len(sdp) <= 64 * 1024 else 400)
    )
    detail = problem(r, status)
    if status == 422:
        assert f"{candidates} ICE candidates" in detail
    else:
        assert "sdp" in detail.lower() or "larger" in detail
    assert took < 5.0, f"refusing the offer took {took:.2f}s"
    assert recording.live(take) is None
    r = await client.post(f"/api/candidate/{token}/device-check", json={"sdp": sdp, "type": "offer"})
    assert 400 <= r.status_code < 500
    view = (await client.get(f"/api/candidate/{token}")).json()
    assert _video(view)["takes_used"] == 0 and view["answered_count"] == 0


async def test_refused_offers_leave_nothing_behind(client: AsyncTestClient[Any], world: World) -> None:
    token = world.a.tokens["Alice"]
    q = _video(await _consent(client, token))
    take = str(uuid.uuid4())
    # One take id for every try: had a refused offer left its take row, the next would be 409.
    for sdp in (
        "v=0\r\n" + "garbage\r\n" * 100,
        "not sdp at all",
        _offer(100),
        "v=0\r\n" + "a=" + "x" * 60_000,
    ):
        r = await client.post(
            f"/api/candidate/{token}/takes",
            json={"question_id": q["id"], "take_id": take, "sdp": sdp, "type": "offer"},
        )
        assert "connection offer could not be used" in problem(r, 422)
        assert client.app.state["recording"].live(uuid.UUID(take)) is None


# ---- CSRF on every state-changing staff route ----


def _fill(path: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda _: str(uuid.uuid4()), path)


async def test_every_state_changing_staff_route_needs_the_csrf_header(
    client: AsyncTestClient[Any], world: World
) -> None:
    await login(client, world.a.admin_email)
    operations = sorted(
        (m, p)
        for m, p in schema_operations(client.app)
        if m in {"POST", "PUT", "PATCH", "DELETE"}
        # candidate links and the reminder opt-out link: a signed token in the path, no session
        and not p.startswith(("/api/candidate/", "/api/email/opt-out/"))
    )
    assert len(operations) >= 30, operations
    assert ("POST", "/api/auth/login") in operations
    csrf = client.cookies.get("viva_csrf")
    for method, path in operations:
        url = _fill(path)
        for headers in (
            {"x-csrf-token": ""},
            {"x-csrf-token": "forged"},
            {"x-csrf-token": (csrf or "")[:-4] + "0000"},
        ):
            r = await client.request(method, url, json={}, headers=headers)
            assert problem(r, 403) == CSRF_REFUSED, (method, path, headers)
        if path.startswith(("/api/auth/", "/api/account-links/")):
            # sign-in/out and one-time set-password links authenticate nobody by API token
            # (and no page can set the header)
            continue
        # a bogus API token cannot smuggle the cookie session past the check
        r = await client.request(
            method, url, json={}, headers={"authorization": "Bearer viva_" + "x" * 40, "x-csrf-token": ""}
        )
        assert r.status_code == 401, (method, path, r.status_code)
    # the session survived all of that and the world is unchanged
    assert (await client.get("/api/auth/me")).status_code == 200
    listing = await client.get(f"/api/assessments/{world.a.assessment_id}/invitations")
    assert {i["candidate_name"]: i["status"] for i in listing.json()}["Alice"] == "invited"


async def test_nul_characters_are_refused_on_every_database(
    client: AsyncTestClient[Any], world: World
) -> None:
    """PostgreSQL text cannot hold U+0000: a 400 that says so everywhere, never a 500."""
    await login(client, world.a.admin_email)
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations",
        json={"candidate_name": "Nul\x00Byte", "candidate_email": "c@example.com"},
    )
    assert "NUL character" in problem(r, 422)
    other = "Bell\x07 and \x1b[31mred \\u0000 typed as text"  # other controls are kept
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations",
        json={"candidate_name": other, "candidate_email": "c@example.com"},
    )
    assert r.status_code == 201 and r.json()["candidate_name"] == other
    token = world.a.tokens["Alice"]
    q = _written(await _consent(client, token))
    url = f"/api/candidate/{token}/written/{q['id']}"
    take = str(uuid.uuid4())
    assert (await client.put(url, json={"take_id": take, "text": "kept draft"})).status_code == 200
    r = await client.put(url, json={"take_id": take, "text": "a\x00b"})
    assert "NUL character" in problem(r, 422)
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations/csv",
        content=b"name,email\nNul\x00,n@example.com\n",
        headers={"content-type": "text/csv"},
    )
    problem(r, 422)
    assert _written((await client.get(f"/api/candidate/{token}")).json())["draft"] == "kept draft"
