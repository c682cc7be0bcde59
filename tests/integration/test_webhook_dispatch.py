"""The webhook dispatcher under hostile and broken receivers (issue 12, F1 and F3).

Each delivery's failure is its own (a lapsed domain, a URL the client cannot use, a dead
receiver), the host is resolved once and the connection pinned to the vetted address (a
rebinding resolver cannot redirect a signed POST to loopback), and only the status code of a
receiver's answer is kept.
"""

from __future__ import annotations

import dataclasses
import socket
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from server.auth.sealing import seal
from server.db.models import Webhook, WebhookDelivery
from server.domain.integrations.delivery import dispatch_webhooks
from server.jobs.context import JobContext
from server.jobs.runtime import build_context
from server.settings import Settings
from tests.conftest import make_settings
from tests.support.world import World, build_world

pytestmark = pytest.mark.integration

SECRET_BODY = b"internal-only: db password is hunter2"


class Receiver:
    """A loopback HTTP endpoint that records requests and answers ``status`` with a telling body."""

    def __init__(self, status: int = 200) -> None:
        self.requests: list[dict[str, str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.requests.append({k.lower(): v for k, v in self.headers.items()})
                self.send_response(status)
                self.end_headers()
                self.wfile.write(SECRET_BODY)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def _settings(tmp_path: Path, db_url: str, *, allow_private: bool) -> Settings:
    return make_settings(
        tmp_path,
        db_url,
        VIVA_WEBHOOK_ALLOW_PRIVATE="1" if allow_private else "0",
        VIVA_WEBHOOK_MAX_TRIES="3",
        VIVA_WEBHOOK_BACKOFF_SECONDS="60",
        VIVA_WEBHOOK_TIMEOUT_SECONDS="2",
    )


@pytest.fixture
async def world(db_url: str) -> World:
    return await build_world(db_url)


@pytest.fixture
async def make_ctx(tmp_path: Path, db_url: str) -> AsyncIterator[Any]:
    engines = []

    def _make(*, allow_private: bool) -> JobContext:
        ctx, engine = build_context(_settings(tmp_path, db_url, allow_private=allow_private))
        engines.append(engine)
        return ctx

    yield _make
    for engine in engines:
        await engine.dispose()


async def _hook(ctx: JobContext, organization_id: uuid.UUID, url: str, deliveries: int = 1) -> uuid.UUID:
    """A webhook stored as it is (some rows predate today's URL checks) with due deliveries."""
    async with ctx.sessions() as db:
        hook = Webhook(
            organization_id=organization_id,
            url=url,
            events=["invitation.completed"],
            secret_sealed=seal(ctx.settings.app.secret_key, "whsec_test"),
        )
        db.add(hook)
        await db.flush()
        for _ in range(deliveries):
            db.add(
                WebhookDelivery(
                    webhook_id=hook.id,
                    event="invitation.completed",
                    payload={"type": "invitation.completed", "data": {}},
                    status="pending",
                    next_attempt_at=datetime.now(UTC),
                )
            )
        await db.commit()
        return hook.id


async def _deliveries(ctx: JobContext, hook_id: uuid.UUID) -> list[WebhookDelivery]:
    async with ctx.sessions() as db:
        return list(
            (await db.execute(select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook_id))).scalars()
        )


async def _make_due(ctx: JobContext) -> None:
    """Skip the backoff wait, as time passing would."""
    async with ctx.sessions() as db:
        await db.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.status == "pending")
            .values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await db.commit()


async def test_a_broken_webhook_never_holds_up_another_organizations_deliveries(
    world: World, make_ctx: Any, receiver: Receiver
) -> None:
    """F1: one organization's lapsed domain and unusable URL fail alone; the other's is sent."""
    ctx = make_ctx(allow_private=True)
    lapsed = await _hook(ctx, world.a.id, "http://lapsed-domain.invalid/hook", deliveries=2)
    unusable = await _hook(ctx, world.a.id, "http://hooks.example.com:99999/hook")
    good = await _hook(ctx, world.b.id, f"http://127.0.0.1:{receiver.port}/hook")

    await dispatch_webhooks(ctx)
    (ok,) = await _deliveries(ctx, good)
    assert ok.status == "delivered" and ok.attempts == 1 and len(receiver.requests) == 1
    for hook in (lapsed, unusable):
        for d in await _deliveries(ctx, hook):
            assert d.status == "pending" and d.attempts == 1, d.last_error
            assert d.next_attempt_at is not None and d.next_attempt_at > datetime.now(UTC)
            assert d.last_error
    assert all("lapsed-domain.invalid" in (d.last_error or "") for d in await _deliveries(ctx, lapsed))

    for _ in range(2):  # retried with backoff until the limit, then failed
        await _make_due(ctx)
        await dispatch_webhooks(ctx)
    for hook in (lapsed, unusable):
        for d in await _deliveries(ctx, hook):
            assert d.status == "failed" and d.attempts == 3 and d.next_attempt_at is None
    assert len(receiver.requests) == 1  # the delivered one was never sent again


async def test_an_unresolvable_host_is_counted_and_retried_when_private_targets_are_refused(
    world: World, make_ctx: Any
) -> None:
    """F1 as the probe found it: getaddrinfo's gaierror crashed the batch (attempts stayed 0)."""
    ctx = make_ctx(allow_private=False)
    lapsed = await _hook(ctx, world.a.id, "https://lapsed-domain.invalid/hook")
    other = await _hook(ctx, world.b.id, "http://1.1.1.1:9/hook")  # global, nothing answers
    await dispatch_webhooks(ctx)
    (d,) = await _deliveries(ctx, lapsed)
    assert d.status == "pending" and d.attempts == 1
    assert "could not resolve lapsed-domain.invalid" in (d.last_error or "")
    (o,) = await _deliveries(ctx, other)
    assert o.attempts == 1 and o.last_error  # tried in the same run, its own error


async def test_one_webhook_takes_a_bounded_share_of_a_batch(
    world: World, make_ctx: Any, receiver: Receiver
) -> None:
    """A backlog of one organization's deliveries does not push another's out of the batch."""
    ctx = make_ctx(allow_private=True)
    busy = await _hook(ctx, world.a.id, "http://lapsed-domain.invalid/hook", deliveries=60)
    good = await _hook(ctx, world.b.id, f"http://127.0.0.1:{receiver.port}/hook")

    class Queue:
        def __init__(self) -> None:
            self.enqueued: list[str] = []

        async def enqueue(self, name: str, **kwargs: Any) -> None:
            self.enqueued.append(name)

    queue = Queue()  # records what the dispatcher asks for next, runs nothing
    ctx = dataclasses.replace(ctx, queue=queue)
    await dispatch_webhooks(ctx)
    (ok,) = await _deliveries(ctx, good)
    assert ok.status == "delivered"
    tried = [d for d in await _deliveries(ctx, busy) if d.attempts]
    assert 0 < len(tried) <= 4
    assert queue.enqueued == ["dispatch_webhooks"]  # the rest go out in the next run


@pytest.fixture
def rebinding_dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """A resolver that answers each listed name with its addresses in turn (the last repeats)."""
    answers: dict[str, list[str]] = {}
    calls: dict[str, int] = {}
    real = socket.getaddrinfo

    def fake(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name not in answers:
            return real(host, port, *args, **kwargs)
        n = calls[name] = calls.get(name, 0) + 1
        address = answers[name][min(n, len(answers[name])) - 1]
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, int(port or 0)))]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    answers["_calls"] = calls  # type: ignore[assignment]
    return answers


async def test_dns_rebinding_cannot_deliver_to_loopback(
    world: World, make_ctx: Any, receiver: Receiver, rebinding_dns: dict[str, Any]
) -> None:
    """F3: public on the first answer, 127.0.0.1 on the next; the POST must not reach loopback."""
    rebinding_dns["rebind.test"] = ["1.1.1.1", "127.0.0.1"]
    ctx = make_ctx(allow_private=False)
    hook = await _hook(ctx, world.a.id, f"http://rebind.test:{receiver.port}/hook")
    await dispatch_webhooks(ctx)
    assert receiver.requests == []
    (d,) = await _deliveries(ctx, hook)
    assert d.attempts == 1 and d.status == "pending"  # the vetted address did not answer: retried
    assert rebinding_dns["_calls"]["rebind.test"] == 1  # resolved once, for vetting and connecting


async def test_the_vetted_address_is_used_with_the_hosts_name(
    world: World, make_ctx: Any, receiver: Receiver, rebinding_dns: dict[str, Any]
) -> None:
    """The connection goes to the address that was vetted; the receiver still sees its name."""
    rebinding_dns["hooks.test"] = ["127.0.0.1", "192.0.2.1"]
    ctx = make_ctx(allow_private=True)
    hook = await _hook(ctx, world.a.id, f"http://hooks.test:{receiver.port}/hook")
    await dispatch_webhooks(ctx)
    (d,) = await _deliveries(ctx, hook)
    assert d.status == "delivered", d.last_error
    assert receiver.requests[0]["host"] == f"hooks.test:{receiver.port}"


async def test_only_the_status_code_of_a_receivers_answer_is_kept(world: World, make_ctx: Any) -> None:
    """F3: the response body is a read channel into whatever the URL points at; it is not stored."""
    failing = Receiver(500)
    try:
        ctx = make_ctx(allow_private=True)
        hook = await _hook(ctx, world.a.id, f"http://127.0.0.1:{failing.port}/hook")
        await dispatch_webhooks(ctx)
    finally:
        failing.close()
    (d,) = await _deliveries(ctx, hook)
    assert d.last_status_code == 500 and d.last_error == "HTTP 500 Internal Server Error"
    assert "hunter2" not in (d.last_error or "")
