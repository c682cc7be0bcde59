"""Admins manage API tokens and webhooks; every secret is shown once."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, post
from litestar.di import Provide
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from server.audit import record_by
from server.auth.staff import provide_admin
from server.deps import DbSession, SettingsDep, StaffDep
from server.domain.integrations import services
from server.domain.integrations.schemas import (
    ApiTokenCreate,
    ApiTokenCreated,
    ApiTokenOut,
    DeliveryOut,
    WebhookCreate,
    WebhookCreated,
    WebhookOut,
)
from server.domain.integrations.signing import __doc__ as SIGNING_DOC

__all__ = ["ApiTokenController", "WebhookController"]


class ApiTokenController(Controller):
    path = "/api/api-tokens"
    tags = ["integrations"]
    dependencies = {"staff": Provide(provide_admin)}

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        summary="Create an API token for this organization (scopes: read, invite); shown once (admin)",
        description="Use it as `Authorization: Bearer viva_...` on the staff GET endpoints; it "
        "reads what an admin of this organization can read and cannot change "
        "anything. Only its SHA-256 is stored.",
    )
    async def create_token(
        self, staff: StaffDep, data: JSONBody[ApiTokenCreate], db_session: DbSession
    ) -> ApiTokenCreated:
        row, raw = await services.create_api_token(
            db_session,
            organization_id=staff.organization_id,
            name=data.name,
            created_by=staff.user_id,
            scopes=data.scopes,
            expires_in_days=data.expires_in_days,
        )
        record_by(
            staff,
            db_session,
            action="api_token.create",
            target_kind="api_token",
            target_id=row.id,
            data={
                "name": row.name,
                "prefix": row.prefix,
                "scopes": row.scopes,
                "expires_at": row.expires_at.isoformat() if row.expires_at else None,
            },
        )
        out = services.token_out(row)
        return ApiTokenCreated(**{f: getattr(out, f) for f in out.__struct_fields__}, token=raw)

    @get("/", summary="API tokens of this organization (admin)")
    async def list_tokens(self, staff: StaffDep, db_session: DbSession) -> list[ApiTokenOut]:
        return [
            services.token_out(t) for t in await services.list_api_tokens(db_session, staff.organization_id)
        ]

    @delete(
        "/{token_id:uuid}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Revoke an API token; it stops working at once (admin)",
    )
    async def revoke_token(
        self, staff: StaffDep, token_id: FromPath[uuid.UUID], db_session: DbSession
    ) -> None:
        row = await services.revoke_api_token(db_session, staff.organization_id, token_id)
        record_by(staff, db_session, action="api_token.revoke", target_kind="api_token", target_id=row.id)


class WebhookController(Controller):
    path = "/api/webhooks"
    tags = ["integrations"]
    dependencies = {"staff": Provide(provide_admin)}

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        summary="Subscribe a URL to events; the signing secret is shown once (admin)",
        description=(SIGNING_DOC or "")
        + (
            "\n\nEvents: `invitation.completed`, `response.scored`, `review.completed`. The "
            "body is `{id, type, created_at, organization_id, data}` with ids only. Failed "
            "deliveries (non-2xx, timeouts) are retried with exponential backoff."
        ),
    )
    async def create_webhook(
        self, staff: StaffDep, data: JSONBody[WebhookCreate], db_session: DbSession, settings: SettingsDep
    ) -> WebhookCreated:
        hook, secret = await services.create_webhook(
            db_session,
            organization_id=staff.organization_id,
            data=data,
            created_by=staff.user_id,
            secret_key=settings.app.secret_key,
        )
        record_by(
            staff,
            db_session,
            action="webhook.create",
            target_kind="webhook",
            target_id=hook.id,
            data={"url": hook.url, "events": list(hook.events)},
        )
        return WebhookCreated(
            id=hook.id,
            url=hook.url,
            events=list(hook.events),
            description=hook.description,
            created_at=hook.created_at,
            secret=secret,
        )

    @get("/", summary="Webhooks of this organization with pending and failed counts (admin)")
    async def list_webhooks(self, staff: StaffDep, db_session: DbSession) -> list[WebhookOut]:
        return await services.list_webhooks(db_session, staff.organization_id)

    @delete(
        "/{webhook_id:uuid}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a webhook and its delivery log (admin)",
    )
    async def delete_webhook(
        self, staff: StaffDep, webhook_id: FromPath[uuid.UUID], db_session: DbSession
    ) -> None:
        hook = await services.get_webhook(db_session, staff.organization_id, webhook_id)
        record_by(
            staff,
            db_session,
            action="webhook.delete",
            target_kind="webhook",
            target_id=hook.id,
            data={"url": hook.url},
        )
        await services.delete_webhook(db_session, hook)

    @get("/{webhook_id:uuid}/deliveries", summary="The delivery log of a webhook, newest first (admin)")
    async def deliveries(
        self,
        staff: StaffDep,
        webhook_id: FromPath[uuid.UUID],
        db_session: DbSession,
        limit: FromQuery[int] = 100,
    ) -> list[DeliveryOut]:
        hook = await services.get_webhook(db_session, staff.organization_id, webhook_id)
        return await services.list_deliveries(db_session, hook, limit=max(1, min(limit, 500)))
