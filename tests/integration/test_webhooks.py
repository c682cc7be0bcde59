"""Signed webhooks delivered to a real HTTP receiver (with a retry), and organization API tokens."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from server.settings import Settings
from tests.conftest import make_settings
from tests.integration.test_reviews import as_user
from tests.support.reviews import add_ready_response
from tests.support.world import World

pytestmark = pytest.mark.integration


class Receiver:
    """An HTTP endpoint on loopback answering with the given statuses in turn (then 200)."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.requests: list[tuple[dict[str, str], bytes, int]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body, status))
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"try later")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/viva"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    async def wait_for(self, count: int, timeout: float = 15.0) -> list[tuple[dict[str, str], bytes, int]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.requests) >= count:
                    return list(self.requests)
            await asyncio.sleep(0.05)
        raise TimeoutError(f"expected {count} request(s), got {len(self.requests)}")


def verify_signature(secret: str, header: str, body: bytes, tolerance_s: int = 300) -> bool:
    """The receiver's check, written from the documented algorithm (not Viva's code)."""
    fields = dict(part.split("=", 1) for part in header.split(","))
    t = int(fields["t"])
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return abs(time.time() - t) <= tolerance_s and hmac.compare_digest(expected, fields["v1"])


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver([500])  # the first delivery fails, the retry succeeds
    r.thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return make_settings(
        tmp_path,
        db_url,
        VIVA_WEBHOOK_ALLOW_PRIVATE="1",
        VIVA_WEBHOOK_POLL_SECONDS="0.1",
        VIVA_WEBHOOK_BACKOFF_SECONDS="0.3",
    )


async def _deliveries(client: Any, hook_id: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    r = await client.get(f"/api/webhooks/{hook_id}/deliveries", headers=headers)
    assert r.status_code == 200, r.text
    return list(r.json())


async def test_completion_is_delivered_signed_once_after_a_retry(
    client: Any, world: World, db_url: str, receiver: Receiver
) -> None:
    admin = await as_user(client, world.a.admin_email)
    r = await client.post(
        "/api/webhooks",
        headers=admin,
        json={"url": receiver.url, "events": ["invitation.completed", "review.completed"]},
    )
    assert r.status_code == 201, r.text
    hook = r.json()
    secret = hook["secret"]
    assert secret.startswith("whsec_")
    listed = (await client.get("/api/webhooks", headers=admin)).json()
    assert [h["id"] for h in listed] == [hook["id"]] and "secret" not in listed[0]

    scored = world.a.question_ids[1:]
    rids = [await add_ready_response(db_url, world.a.invitation_ids["Alice"], q) for q in scored]
    r = await client.post(f"/api/candidate/{world.a.tokens['Alice']}/complete")
    assert r.status_code == 200, r.text

    requests = await receiver.wait_for(2)
    (h1, b1, s1), (h2, b2, s2) = requests[:2]
    assert (s1, s2) == (500, 200)
    assert h1["viva-delivery"] == h2["viva-delivery"] and b1 == b2
    for headers, body, _ in requests[:2]:
        assert verify_signature(secret, headers["viva-signature"], body)
        assert not verify_signature("whsec_wrong", headers["viva-signature"], body)
        assert headers["viva-event"] == "invitation.completed"
    event = json.loads(b2)
    assert event["type"] == "invitation.completed"
    assert event["data"] == {
        "invitation_id": str(world.a.invitation_ids["Alice"]),
        "assessment_id": str(world.a.assessment_id),
    }
    assert b"Alice" not in b2 and b"alice@" not in b2  # ids only, no personal data

    for _ in range(100):
        log = await _deliveries(client, hook["id"], admin)
        if log and log[0]["status"] == "delivered":
            break
        await asyncio.sleep(0.05)
    assert len(log) == 1
    assert log[0]["status"] == "delivered" and log[0]["attempts"] == 2
    assert log[0]["last_status_code"] == 200 and log[0]["delivered_at"]
    await asyncio.sleep(0.5)  # a few more dispatch ticks: nothing is sent twice
    assert len(receiver.requests) == 2

    # A review that settles an answer is announced too.
    rev = await as_user(client, world.a.reviewer_email)
    r = await client.post(
        f"/api/review/responses/{rids[0]}/reviews",
        headers=rev,
        json={"decision": "confirm", "expected_version": 0},
    )
    assert r.status_code == 200, r.text
    requests = await receiver.wait_for(3)
    headers, body, status = requests[2]
    assert status == 200 and headers["viva-event"] == "review.completed"
    assert verify_signature(secret, headers["viva-signature"], body)
    assert json.loads(body)["data"]["response_id"] == str(rids[0])

    # Deleted: no more deliveries, and the hook is gone from the list.
    r = await client.delete(f"/api/webhooks/{hook['id']}", headers=admin)
    assert r.status_code == 204
    assert (await client.get("/api/webhooks", headers=admin)).json() == []


async def test_webhooks_are_admin_only_and_per_organization(client: Any, world: World) -> None:
    admin_b = await as_user(client, world.b.admin_email)
    r = await client.post(
        "/api/webhooks",
        headers=admin_b,
        json={"url": "https://hooks.example.com/b", "events": ["response.scored"]},
    )
    assert r.status_code == 201
    admin_a = await as_user(client, world.a.admin_email)
    assert (await client.get("/api/webhooks", headers=admin_a)).json() == []
    assert (
        await client.get(f"/api/webhooks/{r.json()['id']}/deliveries", headers=admin_a)
    ).status_code == 404
    r = await client.post(
        "/api/webhooks",
        headers=admin_a,
        json={"url": "https://hooks.example.com/a", "events": ["candidate.hired"]},
    )
    assert r.status_code == 400
    rev = await as_user(client, world.a.reviewer_email)
    assert (await client.get("/api/webhooks", headers=rev)).status_code == 403


async def test_api_token_reads_its_organization_only_until_revoked(client: Any, world: World) -> None:
    admin = await as_user(client, world.a.admin_email)
    r = await client.post("/api/api-tokens", headers=admin, json={"name": "ATS sync"})
    assert r.status_code == 201, r.text
    token, token_id = r.json()["token"], r.json()["id"]
    assert token.startswith("viva_") and r.json()["prefix"] == token[:12]
    listed = (await client.get("/api/api-tokens", headers=admin)).json()
    assert [t["id"] for t in listed] == [token_id] and "token" not in listed[0]
    rev = await as_user(client, world.a.reviewer_email)
    assert (await client.post("/api/api-tokens", headers=rev, json={"name": "x"})).status_code == 403

    client.cookies.clear()  # the token alone, like a server-to-server client
    bearer = {"authorization": f"Bearer {token}"}
    r = await client.get("/api/assessments", headers=bearer)
    assert r.status_code == 200, r.text
    assert [a["id"] for a in r.json()] == [str(world.a.assessment_id)]
    r = await client.get(f"/api/assessments/{world.a.assessment_id}/invitations", headers=bearer)
    assert r.status_code == 200 and {i["candidate_name"] for i in r.json()} == {"Alice", "Amir", "Ada"}
    # never another organization's data
    assert (await client.get(f"/api/assessments/{world.b.assessment_id}", headers=bearer)).status_code == 404
    assert (
        await client.get(f"/api/reports/invitations/{world.b.invitation_ids['Bob']}", headers=bearer)
    ).status_code == 404
    # a change no scope allows is refused by the token check (no CSRF needed, none accepted)
    r = await client.post(f"/api/invitations/{world.a.invitation_ids['Amir']}/revoke", headers=bearer)
    assert r.status_code == 403 and "cannot do this" in r.json()["detail"]
    # a bad token is never silently replaced by a cookie session
    assert (
        await client.get("/api/assessments", headers={"authorization": "Bearer viva_nope"})
    ).status_code == 401

    admin = await as_user(client, world.a.admin_email)
    assert (await client.delete(f"/api/api-tokens/{token_id}", headers=admin)).status_code == 204
    listed = (await client.get("/api/api-tokens", headers=admin)).json()
    assert listed[0]["revoked_at"] and listed[0]["last_used_at"]
    client.cookies.clear()
    r = await client.get("/api/assessments", headers=bearer)
    assert r.status_code == 401 and "revoked" in r.json()["detail"]


async def test_a_webhook_url_that_is_not_a_usable_address_is_refused(client: Any, world: World) -> None:
    """Found by the API fuzzer: control characters and odd Unicode in the host gave a 500."""
    admin = await as_user(client, world.a.admin_email)
    for url in [
        "https://\u00ba\u0083\U000427dc\u009f\u001bo\u00aa*mL/x",
        "https://exa mple.com/",
        "https://example.com:99999/hook",
        "https://[::1/hook",
        "https://ex\u0000.com/",
    ]:
        r = await client.post(
            "/api/webhooks", headers=admin, json={"url": url, "events": ["response.scored"]}
        )
        assert r.status_code in (400, 422), (url, r.status_code, r.text)
        assert "URL" in r.json()["detail"] or "NUL" in r.json()["detail"], r.text
    assert (await client.get("/api/webhooks", headers=admin)).json() == []
