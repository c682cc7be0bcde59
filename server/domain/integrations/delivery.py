"""Sending webhook deliveries: a job picks due ones, signs and POSTs them, and retries failures
with exponential backoff until ``VIVA_WEBHOOK_MAX_TRIES``; every try is kept in the log.

Each delivery's outcome is its own: whatever goes wrong with one (a name that no longer
resolves, a refused address, a timeout, a bug) is caught, counted on that delivery and retried
or failed, and recorded as soon as it is known. No webhook takes more than ``_PER_HOOK`` of a
batch or of the concurrent senders, so one organization's slow or broken receiver never
holds up another's deliveries. Only the receiver's status code is kept, never its body: the
log is shown to admins and must not become a way to read what a URL answers.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from http import HTTPStatus

import httpx
import msgspec
import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.sealing import unseal
from server.db.models import Webhook, WebhookDelivery
from server.domain.integrations.signing import SIGNATURE_HEADER, sign
from server.domain.integrations.targets import TargetRefused, TargetUnresolved, resolve_target
from server.jobs.context import JobContext
from server.settings import WebhookSettings

__all__ = ["BATCH", "dispatch_webhooks"]

log = structlog.get_logger(__name__)

BATCH = 50
LEASE = timedelta(minutes=5)  # a claimed delivery is retried if its sender died
_CONCURRENCY = 8
_PER_HOOK = 2  # concurrent sends to one webhook; a batch takes at most 2x this per webhook

Outcome = tuple[int | None, str | None, bool]  # (status code, error, permanent failure)


async def _claim(db: AsyncSession, now: datetime) -> tuple[list[uuid.UUID], bool]:
    """Claim up to ``BATCH`` due deliveries, oldest first, at most ``2 * _PER_HOOK`` per webhook;
    also says whether due ones were left for the next run."""
    due = (
        await db.execute(
            select(WebhookDelivery.id, WebhookDelivery.webhook_id)
            .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
            .order_by(WebhookDelivery.next_attempt_at)
            .limit(BATCH * 4)
        )
    ).all()
    taken: dict[uuid.UUID, int] = defaultdict(int)
    picked: list[uuid.UUID] = []
    for did, hook_id in due:
        if taken[hook_id] < 2 * _PER_HOOK and len(picked) < BATCH:
            taken[hook_id] += 1
            picked.append(did)
    claimed = []
    for did in picked:  # a conditional update: of two dispatchers exactly one claims a delivery
        done = await db.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == did,
                WebhookDelivery.status == "pending",
                WebhookDelivery.next_attempt_at <= now,
            )
            .values(next_attempt_at=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        if done.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(did)
    await db.commit()
    return claimed, len(due) > len(picked) or len(picked) == BATCH


def _status_text(code: int) -> str:
    try:
        return f"HTTP {code} {HTTPStatus(code).phrase}"
    except ValueError:
        return f"HTTP {code}"


async def _send(
    client: httpx.AsyncClient,
    settings: WebhookSettings,
    hook: Webhook,
    secret: str,
    delivery: WebhookDelivery,
) -> Outcome:
    """POST one delivery to the address its host was vetted at."""
    try:
        target = await resolve_target(hook.url, allow_private=settings.allow_private_targets)
    except TargetRefused:
        return (
            None,
            (
                "the URL points to a private or loopback address; set "
                "VIVA_WEBHOOK_ALLOW_PRIVATE=1 to allow that"
            ),
            True,
        )
    except TargetUnresolved as exc:
        return None, f"{exc}; retrying"[:500], False
    body = msgspec.json.encode(delivery.payload)
    headers = {
        "Host": target.host_header,
        "Content-Type": "application/json",
        "User-Agent": "Viva-Webhooks/1",
        SIGNATURE_HEADER: sign(secret, body),
        "Viva-Event": delivery.event,
        "Viva-Delivery": str(delivery.id),
    }
    extensions = {"sni_hostname": target.sni_hostname} if target.sni_hostname else {}
    try:  # streamed and never read: the body is neither stored nor buffered
        async with client.stream(
            "POST", target.url, content=body, headers=headers, extensions=extensions
        ) as r:
            code = r.status_code
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500] or type(exc).__name__, False
    if 200 <= code < 300:
        return code, None, False
    return code, _status_text(code), False


async def _record(ctx: JobContext, did: uuid.UUID, outcome: Outcome) -> None:
    """Count one try on its delivery: delivered, retried later with backoff, or failed."""
    code, error, permanent = outcome
    settings = ctx.settings.webhooks
    async with ctx.sessions() as db:
        d = await db.get(WebhookDelivery, did)
        if d is None:
            return  # the webhook was deleted meanwhile
        d.attempts += 1
        d.last_status_code, d.last_error = code, error
        if error is None:
            d.status, d.delivered_at, d.next_attempt_at = "delivered", datetime.now(UTC), None
        elif permanent or d.attempts >= settings.max_tries:
            d.status, d.next_attempt_at = "failed", None
        else:
            delay = settings.backoff_seconds * 2 ** (d.attempts - 1)
            d.next_attempt_at = datetime.now(UTC) + timedelta(seconds=delay)
        log.info(
            "webhook_delivery",
            delivery_id=str(did),
            webhook_event=d.event,
            status=d.status,
            attempts=d.attempts,
            code=code,
            error=error,
        )
        await db.commit()


async def dispatch_webhooks(ctx: JobContext) -> None:
    """Send every due delivery once; failures are rescheduled with exponential backoff."""
    settings = ctx.settings.webhooks
    now = datetime.now(UTC)
    async with ctx.sessions() as db:
        claimed, more = await _claim(db, now)
        if not claimed:
            return
        rows = (
            await db.execute(
                select(WebhookDelivery, Webhook)
                .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
                .where(WebhookDelivery.id.in_(claimed))
            )
        ).all()
    gate = asyncio.Semaphore(_CONCURRENCY)
    per_hook: dict[uuid.UUID, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(_PER_HOOK))
    timeout = httpx.Timeout(settings.timeout_s)

    async def attempt(client: httpx.AsyncClient, delivery: WebhookDelivery, hook: Webhook) -> Outcome:
        try:
            secret = unseal(ctx.settings.app.secret_key, hook.secret_sealed)
        except ValueError as exc:
            return None, f"{exc}; recreate the webhook", True
        return await _send(client, settings, hook, secret, delivery)

    async def one(client: httpx.AsyncClient, delivery: WebhookDelivery, hook: Webhook) -> None:
        async with per_hook[hook.id], gate:  # a hook's own slots first: it never fills the gate
            try:
                outcome = await attempt(client, delivery, hook)
            except Exception as exc:  # anything unforeseen fails this delivery alone
                log.exception("webhook_delivery_crashed", delivery_id=str(delivery.id))
                outcome = None, f"{type(exc).__name__}: {exc}"[:500], False
        try:
            await _record(ctx, delivery.id, outcome)
        except Exception:  # the lease expires and the delivery is tried again
            log.exception("webhook_delivery_not_recorded", delivery_id=str(delivery.id))

    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        await asyncio.gather(*(one(client, d, h) for d, h in rows))
    if more:  # more may be due: go on without waiting for the next tick
        await ctx.queue.enqueue("dispatch_webhooks", key="webhooks:dispatch:more")
