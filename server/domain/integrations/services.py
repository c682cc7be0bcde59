"""Creating, listing and revoking API tokens and webhooks of one organization."""

from __future__ import annotations

import ipaddress
import re
import secrets
import unicodedata
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.sealing import seal
from server.auth.tokens import hash_token
from server.db.models import ApiToken, ApiTokenScope, Webhook, WebhookDelivery
from server.db.rows import newest_first, of_organization
from server.domain.integrations.schemas import (
    ApiTokenOut,
    DeliveryOut,
    WebhookCreate,
    WebhookOut,
)
from server.errors import Conflict, InvalidInput

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
    return ApiTokenOut(
        id=t.id,
        name=t.name,
        prefix=t.prefix,
        created_at=t.created_at,
        last_used_at=t.last_used_at,
        revoked_at=t.revoked_at,
        created_by_id=t.created_by_id,
        expires_at=t.expires_at,
        scopes=[ApiTokenScope(v) for v in t.scopes or [] if v in _SCOPES],
    )


_SCOPES = {s.value for s in ApiTokenScope}


async def create_api_token(
    db: AsyncSession,
    *,
    organization_id: uuid.UUID,
    name: str,
    created_by: uuid.UUID,
    scopes: list[ApiTokenScope] | None = None,
    expires_in_days: int | None = None,
) -> tuple[ApiToken, str]:
    """A new token; only its SHA-256 is stored, the raw value is returned once.

    With ``expires_in_days`` it stops working after that many days (otherwise when revoked).
    """
    raw = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = datetime.now(UTC) + timedelta(days=expires_in_days) if expires_in_days is not None else None
    row = ApiToken(
        organization_id=organization_id,
        created_by_id=created_by,
        name=name.strip(),
        token_hash=hash_token(raw),
        prefix=raw[:12],
        expires_at=expires_at,
        scopes=sorted({s.value for s in scopes or [ApiTokenScope.READ]}),
    )
    db.add(row)
    await db.flush()
    return row, raw


async def list_api_tokens(db: AsyncSession, organization_id: uuid.UUID) -> list[ApiToken]:
    return await newest_first(db, ApiToken, ApiToken.organization_id == organization_id)


async def revoke_api_token(db: AsyncSession, organization_id: uuid.UUID, token_id: uuid.UUID) -> ApiToken:
    row = of_organization(
        await db.get(ApiToken, token_id), organization_id, "No such API token in your organization."
    )
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        await db.flush()
    return row


_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_URL_HELP = "Give the full URL of your endpoint, e.g. https://example.com/hooks/viva."


def _check_host(host: str) -> bool:
    """A DNS name (Unicode names in their IDNA form) or an IP literal."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.rstrip(".").split(".")
    return len(ascii_host) <= 253 and all(_HOST_LABEL.match(label) for label in labels)


def _check_url(url: str) -> str:
    url = url.strip()
    if len(url) > 2000 or any(ch.isspace() or unicodedata.category(ch) in {"Cc", "Cs", "Cf"} for ch in url):
        raise InvalidInput(f"The URL has spaces or control characters. {_URL_HELP}", field="url")
    try:
        parts = urlsplit(url)
        port = parts.port  # raises on a port that is not a number in 0-65535
    except ValueError:
        raise InvalidInput(f"The URL is not valid. {_URL_HELP}", field="url") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InvalidInput(_URL_HELP, field="url")
    if parts.username or parts.password:
        raise InvalidInput(
            "Put no credentials in the URL; verify the Viva-Signature header instead.", field="url"
        )
    if not _check_host(parts.hostname) or port == 0:
        raise InvalidInput(f"The URL's host is not a valid name or address. {_URL_HELP}", field="url")
    return url


async def create_webhook(
    db: AsyncSession,
    *,
    organization_id: uuid.UUID,
    data: WebhookCreate,
    created_by: uuid.UUID,
    secret_key: str,
) -> tuple[Webhook, str]:
    """A new webhook and its signing secret (returned once, stored encrypted)."""
    url = _check_url(data.url)
    existing = (
        await db.execute(
            select(func.count())
            .select_from(Webhook)
            .where(Webhook.organization_id == organization_id, Webhook.url == url)
        )
    ).scalar_one()
    if existing:
        raise Conflict(
            "A webhook with this URL exists already; delete it first to change its events.", field="url"
        )
    secret = "whsec_" + secrets.token_urlsafe(32)
    hook = Webhook(
        organization_id=organization_id,
        created_by_id=created_by,
        url=url,
        events=sorted(set(data.events)),
        secret_sealed=seal(secret_key, secret),
        description=data.description.strip(),
    )
    db.add(hook)
    await db.flush()
    return hook, secret


async def get_webhook(db: AsyncSession, organization_id: uuid.UUID, webhook_id: uuid.UUID) -> Webhook:
    return of_organization(
        await db.get(Webhook, webhook_id), organization_id, "No such webhook in your organization."
    )


async def list_webhooks(db: AsyncSession, organization_id: uuid.UUID) -> list[WebhookOut]:
    hooks = list(
        (
            await db.execute(
                select(Webhook).where(Webhook.organization_id == organization_id).order_by(Webhook.created_at)
            )
        ).scalars()
    )
    counts: dict[tuple[uuid.UUID, str], int] = {}
    if hooks:
        for hid, status, n in (
            await db.execute(
                select(WebhookDelivery.webhook_id, WebhookDelivery.status, func.count())
                .where(
                    WebhookDelivery.webhook_id.in_([h.id for h in hooks]),
                    WebhookDelivery.status.in_(("pending", "failed")),
                )
                .group_by(WebhookDelivery.webhook_id, WebhookDelivery.status)
            )
        ).all():
            counts[(hid, status)] = int(n)
    return [
        WebhookOut(
            id=h.id,
            url=h.url,
            events=list(h.events),
            description=h.description,
            created_at=h.created_at,
            pending=counts.get((h.id, "pending"), 0),
            failed=counts.get((h.id, "failed"), 0),
        )
        for h in hooks
    ]


async def delete_webhook(db: AsyncSession, hook: Webhook) -> None:
    """Remove the webhook; its pending deliveries are dropped with its log."""
    await db.delete(hook)
    await db.flush()


async def list_deliveries(db: AsyncSession, hook: Webhook, *, limit: int = 100) -> list[DeliveryOut]:
    rows = (
        await db.execute(
            select(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == hook.id)
            .order_by(WebhookDelivery.created_at.desc())
            .limit(limit)
        )
    ).scalars()
    return [
        DeliveryOut(
            id=d.id,
            event=d.event,
            status=d.status,  # type: ignore[arg-type]
            attempts=d.attempts,
            last_status_code=d.last_status_code,
            last_error=d.last_error,
            next_attempt_at=d.next_attempt_at,
            delivered_at=d.delivered_at,
            created_at=d.created_at,
            payload=dict(d.payload),
        )
        for d in rows
    ]
