"""Branding settings (staff read, admins change) and the logo a candidate's page shows."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Controller, Request, delete, get, put
from litestar import Response as HttpResponse
from litestar.di import Provide
from litestar.params import FromPath, JSONBody

from media.object_store import ObjectStore
from server.audit import record, record_by
from server.auth.staff import provide_admin, provide_staff
from server.deps import DbSession, StaffDep, StoreDep
from server.domain.branding import services, welcome_video
from server.domain.branding.schemas import BrandingOut, BrandingUpdate
from server.domain.invitations.services import resolve_token
from server.domain.responses.ranges import stream_object
from server.errors import InvalidInput, NotFound
from server.openapi_responses import LINK_PROBLEMS, problems

__all__ = ["BrandingController", "CandidateLogoController"]


def _png(data: bytes, version: int) -> HttpResponse[bytes]:
    return HttpResponse(
        content=data,
        media_type="image/png",
        headers={
            "Cache-Control": "private, max-age=86400",
            "ETag": f'"logo-{version}"',
            "Content-Security-Policy": "default-src 'none'",
        },
    )


async def _video(request: Request[Any, Any, Any], store: ObjectStore, key: str) -> HttpResponse[Any]:
    """The stored welcome video, honouring a single HTTP Range so it seeks."""
    return await stream_object(
        request,
        store,
        key,
        missing="The welcome video is not in storage.",
        max_age=86400,
        media_type="video/webm",
    )


class BrandingController(Controller):
    path = "/api/organization/branding"
    tags = ["organization"]

    @get("/", dependencies={"staff": Provide(provide_staff)}, summary="How candidates see my organization")
    async def get_branding(self, staff: StaffDep, db_session: DbSession) -> BrandingOut:
        org, brand = await services.get_branding(db_session, staff.organization_id)
        return services.branding_out(org, brand)

    @put(
        "/",
        dependencies={"staff": Provide(provide_admin)},
        summary="Set the accent colour, welcome text, contact email and privacy link (admin)",
    )
    async def update_branding(
        self, staff: StaffDep, data: JSONBody[BrandingUpdate], db_session: DbSession
    ) -> BrandingOut:
        out = await services.update_branding(db_session, staff.organization_id, data)
        record_by(
            staff,
            db_session,
            action="organization.branding",
            target_kind="organization",
            target_id=staff.organization_id,
        )
        return out

    @put(
        "/logo",
        dependencies={"staff": Provide(provide_admin)},
        opt=problems("body", 413, 422),
        summary="Upload the logo: a PNG or SVG body, at most 512 KiB (admin)",
        description="Send the file as the request body with `Content-Type: image/png` or "
        "`image/svg+xml`. An SVG is sanitised (no script, event handlers, foreignObject or outside "
        "references) and rasterised; either is scaled to at most 512 px and stored as a re-encoded PNG.",
    )
    async def upload_logo(
        self, staff: StaffDep, request: Request[Any, Any, Any], db_session: DbSession
    ) -> BrandingOut:
        mime, _ = request.content_type
        if mime not in {"image/png", "image/svg+xml", "application/octet-stream"}:
            raise InvalidInput(
                "Send the logo as the request body with Content-Type image/png or image/svg+xml."
            )
        png = await asyncio.to_thread(services.clean_logo, await request.body())
        org, brand = await services.get_branding(db_session, staff.organization_id)
        brand.logo = png
        brand.logo_version = (brand.logo_version or 0) + 1
        record(
            db_session,
            action="organization.logo",
            target_kind="organization",
            target_id=org.id,
            organization_id=org.id,
            actor_id=staff.user_id,
            data={"bytes": len(png)},
        )
        await db_session.flush()
        return services.branding_out(org, brand)

    @delete(
        "/logo",
        status_code=200,
        dependencies={"staff": Provide(provide_admin)},
        summary="Remove the logo (admin)",
    )
    async def delete_logo(self, staff: StaffDep, db_session: DbSession) -> BrandingOut:
        org, brand = await services.get_branding(db_session, staff.organization_id)
        brand.logo = None
        brand.logo_version = (brand.logo_version or 0) + 1
        await db_session.flush()
        return services.branding_out(org, brand)

    @get(
        "/logo",
        dependencies={"staff": Provide(provide_staff)},
        summary="The logo (PNG)",
        response_description="The logo as PNG",
        media_type="image/png",
    )
    async def get_logo(self, staff: StaffDep, db_session: DbSession) -> HttpResponse[bytes]:
        _, brand = await services.get_branding(db_session, staff.organization_id)
        if brand.logo is None:
            raise NotFound("No logo is set.")
        return _png(brand.logo, brand.logo_version)

    @put(
        "/welcome-video",
        dependencies={"staff": Provide(provide_admin)},
        request_max_body_size=welcome_video.MAX_WELCOME_VIDEO_BYTES,
        opt=problems("body", 413, 422),
        summary="Save the welcome video candidates see first: a WebM body, at most 3 minutes (admin)",
        description="Send the recording (WebM, VP8 or VP9 video with Opus audio, as the recorder on "
        "the settings page makes it) as the request body with `Content-Type: video/webm`. It "
        "replaces the previous one.",
    )
    async def upload_welcome_video(
        self, staff: StaffDep, request: Request[Any, Any, Any], db_session: DbSession, store: StoreDep
    ) -> BrandingOut:
        mime, _ = request.content_type
        if mime not in {"video/webm", "application/octet-stream"}:
            raise InvalidInput("Send the welcome video as the request body with Content-Type video/webm.")
        out = await welcome_video.save_welcome_video(
            db_session, store, staff.organization_id, request.stream()
        )
        record_by(
            staff,
            db_session,
            action="organization.welcome_video",
            target_kind="organization",
            target_id=staff.organization_id,
            data={"seconds": out.welcome_video_seconds},
        )
        return out

    @delete(
        "/welcome-video",
        status_code=200,
        dependencies={"staff": Provide(provide_admin)},
        summary="Remove the welcome video (admin)",
    )
    async def delete_welcome_video(
        self, staff: StaffDep, db_session: DbSession, store: StoreDep
    ) -> BrandingOut:
        out = await welcome_video.remove_welcome_video(db_session, store, staff.organization_id)
        record_by(
            staff,
            db_session,
            action="organization.welcome_video_removed",
            target_kind="organization",
            target_id=staff.organization_id,
        )
        return out

    @get(
        "/welcome-video",
        dependencies={"staff": Provide(provide_staff)},
        opt=problems("range", 416),
        summary="The welcome video (WebM; honours a single HTTP Range)",
        media_type="video/webm",
    )
    async def get_welcome_video(
        self, staff: StaffDep, request: Request[Any, Any, Any], db_session: DbSession, store: StoreDep
    ) -> HttpResponse[Any]:
        brand = await welcome_video.welcome_video_of(db_session, staff.organization_id)
        assert brand.welcome_video_key is not None
        return await _video(request, store, brand.welcome_video_key)


class CandidateLogoController(Controller):
    path = "/api/candidate/{token:str}"
    tags = ["candidate"]
    opt = {"exclude_from_csrf": True, **LINK_PROBLEMS}

    @get(
        "/logo",
        summary="The inviting organization's logo (PNG)",
        response_description="The logo as PNG",
        media_type="image/png",
    )
    async def logo(self, token: FromPath[str], db_session: DbSession) -> HttpResponse[bytes]:
        inv = await resolve_token(db_session, token)
        _, brand = await services.get_branding(db_session, inv.organization_id)
        if brand.logo is None:
            raise NotFound("This organization has no logo.")
        return _png(brand.logo, brand.logo_version)

    @get(
        "/welcome-video",
        opt=problems("range", 416),
        summary="The inviting organization's welcome video (WebM; honours a single HTTP Range)",
        media_type="video/webm",
    )
    async def welcome_video(
        self, token: FromPath[str], request: Request[Any, Any, Any], db_session: DbSession, store: StoreDep
    ) -> HttpResponse[Any]:
        inv = await resolve_token(db_session, token)
        brand = await welcome_video.welcome_video_of(db_session, inv.organization_id)
        assert brand.welcome_video_key is not None
        return await _video(request, store, brand.welcome_video_key)
