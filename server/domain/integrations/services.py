"""Creating, listing and revoking API tokens and webhooks of one organization."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.sealing import seal
from server.auth.tokens import hash_token
from server.db.models import ApiToken, Webhook, WebhookDelivery
from server.domain.integrations.schemas import (
    ApiTokenOut,
    DeliveryOut,
    WebhookCreate,
    WebhookOut,
)
from server.errors import Conflict, InvalidInput, NotFound

__all__ = [
    "API_TOKEN_PREFIX",
    "create_api_token",
    "create_webhook",
    "delete_webhook",
    "get_webhook",
    "list_api_tokens",
    "list_deliveries",
    "list_webhooks",
    "revoke_api_token",
    "token_out",
]

API_TOKEN_PREFIX = "viva_"


def token_out(t: ApiToken) -> ApiTokenOut:
    return ApiTokenOut(id=t.id, name=t.name, prefix=t.prefix, created_at=t.created_at,
                       last_used_at=t.last_used_at, revoked_at=t.revoked_at,
                       created_by_id=t.created_by_id)


async def create_api_token(db: AsyncSession, *, organization_id: uuid.UUID, name: str,
                           created_by: uuid.UUID) -> tuple[ApiToken, str]:
    """A new token; only its SHA-256 is stored, the raw value is returned once."""
    raw = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(organization_id=organization_id, created_by_id=created_by, name=name.strip(),
                   token_hash=hash_token(raw), prefix=raw[:12])
    db.add(row)
    await db.flush()
    return row, raw


async def list_api_tokens(db: AsyncSession, organization_id: uuid.UUID) -> list[ApiToken]:
    return list((await db.execute(select(ApiToken).where(
        ApiToken.organization_id == organization_id).order_by(ApiToken.created_at.desc())
    )).scalars())


async def revoke_api_token(db: AsyncSession, organization_id: uuid.UUID,
                           token_id: uuid.UUID) -> ApiToken:
    row = await db.get(ApiToken, token_id)
    if row is None or row.organization_id != organization_id:
        raise NotFound("No such API token in your organization.")
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        await db.flush()
    return row


def _check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InvalidInput("Give the full URL of your endpoint, e.g. https://example.com/hooks/viva.",
                           field="url")
    if parts.username or parts.password:
        raise InvalidInput("Put no credentials in the URL; verify the Viva-Signature header "
                           "instead.", field="url")
    return url.strip()


async def create_webhook(db: AsyncSession, *, organization_id: uuid.UUID, data: WebhookCreate,
                         created_by: uuid.UUID, secret_key: str) -> tuple[Webhook, str]:
    """A new webhook and its signing secret (returned once, stored encrypted)."""
    url = _check_url(data.url)
    existing = (await db.execute(select(func.count()).select_from(Webhook).where(
        Webhook.organization_id == organization_id, Webhook.url == url))).scalar_one()
    if existing:
        raise Conflict("A webhook with this URL exists already; delete it first to change its "
                       "events.", field="url")
    secret = "whsec_" + secrets.token_urlsafe(32)
    hook = Webhook(organization_id=organization_id, created_by_id=created_by, url=url,
                   events=sorted(set(data.events)), secret_sealed=seal(secret_key, secret),
                   description=data.description.strip())
    db.add(hook)
    await db.flush()
    return hook, secret


async def get_webhook(db: AsyncSession, organization_id: uuid.UUID, webhook_id: uuid.UUID) -> Webhook:
    hook = await db.get(Webhook, webhook_id)
    if hook is None or hook.organization_id != organization_id:
        raise NotFound("No such webhook in your organization.")
    return hook


async def list_webhooks(db: AsyncSession, organization_id: uuid.UUID) -> list[WebhookOut]:
    hooks = list((await db.execute(select(Webhook).where(
        Webhook.organization_id == organization_id).order_by(Webhook.created_at))).scalars())
    counts: dict[tuple[uuid.UUID, str], int] = {}
    if hooks:
        for hid, status, n in (await db.execute(
                select(WebhookDelivery.webhook_id, WebhookDelivery.status, func.count())
                .where(WebhookDelivery.webhook_id.in_([h.id for h in hooks]),
                       WebhookDelivery.status.in_(("pending", "failed")))
                .group_by(WebhookDelivery.webhook_id, WebhookDelivery.status))).all():
            counts[(hid, status)] = int(n)
    return [WebhookOut(id=h.id, url=h.url, events=list(h.events), description=h.description,
                       created_at=h.created_at, pending=counts.get((h.id, "pending"), 0),
                       failed=counts.get((h.id, "failed"), 0)) for h in hooks]


async def delete_webhook(db: AsyncSession, hook: Webhook) -> None:
    """Remove the webhook; its pending deliveries are dropped with its log."""
    await db.delete(hook)
    await db.flush()


async def list_deliveries(db: AsyncSession, hook: Webhook, *, limit: int = 100) -> list[DeliveryOut]:
    rows = (await db.execute(select(WebhookDelivery).where(
        WebhookDelivery.webhook_id == hook.id)
        .order_by(WebhookDelivery.created_at.desc()).limit(limit))).scalars()
    return [DeliveryOut(id=d.id, event=d.event, status=d.status,  # type: ignore[arg-type]
                        attempts=d.attempts, last_status_code=d.last_status_code,
                        last_error=d.last_error, next_attempt_at=d.next_attempt_at,
                        delivered_at=d.delivered_at, created_at=d.created_at,
                        payload=dict(d.payload)) for d in rows]
