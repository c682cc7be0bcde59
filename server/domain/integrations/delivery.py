"""Sending webhook deliveries: a job picks due ones, signs and POSTs them, and retries failures
with exponential backoff until ``VIVA_WEBHOOK_MAX_TRIES``; every try is kept in the log."""

from __future__ import annotations

import asyncio
import ipaddress
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpx
import msgspec
import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.sealing import unseal
from server.db.models import Webhook, WebhookDelivery
from server.domain.integrations.signing import SIGNATURE_HEADER, sign
from server.jobs.context import JobContext
from server.settings import WebhookSettings

__all__ = ["BATCH", "dispatch_webhooks", "private_target"]

log = structlog.get_logger(__name__)

BATCH = 50
LEASE = timedelta(minutes=5)  # a claimed delivery is retried if its sender died
_CONCURRENCY = 8


def _is_private(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return not ip.is_global or ip.is_multicast


async def private_target(url: str) -> bool:
    """Whether ``url``'s host is (or resolves to) a loopback, private or link-local address."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        return _is_private(host)
    except ValueError:
        pass
    if host == "localhost" or host.endswith(".localhost"):
        return True
    port = parts.port or (443 if parts.scheme == "https" else 80)
    infos = await asyncio.get_running_loop().getaddrinfo(host, port)
    return any(_is_private(str(info[4][0])) for info in infos)


async def _claim(db: AsyncSession, now: datetime) -> list[uuid.UUID]:
    due = list((await db.execute(select(WebhookDelivery.id).where(
        WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at).limit(BATCH))).scalars())
    claimed = []
    for did in due:  # a conditional update: of two dispatchers exactly one claims a delivery
        done = await db.execute(update(WebhookDelivery).where(
            WebhookDelivery.id == did, WebhookDelivery.status == "pending",
            WebhookDelivery.next_attempt_at <= now).values(next_attempt_at=now + LEASE)
            .execution_options(synchronize_session=False))
        if done.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(did)
    await db.commit()
    return claimed


async def _send(client: httpx.AsyncClient, settings: WebhookSettings, hook: Webhook, secret: str,
                delivery: WebhookDelivery) -> tuple[int | None, str | None, bool]:
    """POST one delivery; returns (status code, error, permanent failure)."""
    if not settings.allow_private_targets and await private_target(hook.url):
        return None, ("the URL points to a private or loopback address; set "
                      "VIVA_WEBHOOK_ALLOW_PRIVATE=1 to allow that"), True
    body = msgspec.json.encode(delivery.payload)
    headers = {"Content-Type": "application/json", "User-Agent": "Viva-Webhooks/1",
               SIGNATURE_HEADER: sign(secret, body), "Viva-Event": delivery.event,
               "Viva-Delivery": str(delivery.id)}
    try:
        r = await client.post(hook.url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500] or type(exc).__name__, False
    if 200 <= r.status_code < 300:
        return r.status_code, None, False
    return r.status_code, f"HTTP {r.status_code}: {r.text[:200]}", False


async def dispatch_webhooks(ctx: JobContext) -> None:
    """Send every due delivery once; failures are rescheduled with exponential backoff."""
    settings = ctx.settings.webhooks
    now = datetime.now(UTC)
    async with ctx.sessions() as db:
        claimed = await _claim(db, now)
        if not claimed:
            return
        rows = (await db.execute(select(WebhookDelivery, Webhook).join(
            Webhook, Webhook.id == WebhookDelivery.webhook_id).where(
            WebhookDelivery.id.in_(claimed)))).all()
    gate = asyncio.Semaphore(_CONCURRENCY)
    timeout = httpx.Timeout(settings.timeout_s)

    async def one(client: httpx.AsyncClient, delivery: WebhookDelivery,
                  hook: Webhook) -> tuple[uuid.UUID, int | None, str | None, bool]:
        async with gate:
            try:
                secret = unseal(ctx.settings.app.secret_key, hook.secret_sealed)
            except ValueError as exc:
                return delivery.id, None, f"{exc}; recreate the webhook", True
            return (delivery.id, *await _send(client, settings, hook, secret, delivery))

    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
        results = await asyncio.gather(*(one(client, d, h) for d, h in rows))
    async with ctx.sessions() as db:
        for did, code, error, permanent in results:
            d = await db.get(WebhookDelivery, did)
            if d is None:
                continue  # the webhook was deleted meanwhile
            d.attempts += 1
            d.last_status_code, d.last_error = code, error
            if error is None:
                d.status, d.delivered_at, d.next_attempt_at = "delivered", datetime.now(UTC), None
            elif permanent or d.attempts >= settings.max_tries:
                d.status, d.next_attempt_at = "failed", None
            else:
                delay = settings.backoff_seconds * 2 ** (d.attempts - 1)
                d.next_attempt_at = datetime.now(UTC) + timedelta(seconds=delay)
            log.info("webhook_delivery", delivery_id=str(did), webhook_event=d.event, status=d.status,
                     attempts=d.attempts, code=code, error=error)
        await db.commit()
    if len(claimed) == BATCH:  # more may be due: go on without waiting for the next tick
        await ctx.queue.enqueue("dispatch_webhooks", key="webhooks:dispatch:more")
