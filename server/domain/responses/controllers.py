"""Staff read responses and stream their media (with HTTP Range, so video can seek)."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from litestar import Controller, Request, Response, get
from litestar.di import Provide
from litestar.params import FromPath, FromQuery

from media.object_store import ObjectStore
from server.auth.staff import FOR_HIRING_MANAGERS, provide_staff
from server.db.models import Response as DbResponse
from server.db.models import User
from server.deps import DbSession, SettingsDep, StaffDep, StoreDep
from server.domain.assessments.members import ensure_visible
from server.domain.responses import services
from server.domain.responses.ranges import stream_object
from server.domain.responses.schemas import ResponseOut
from server.errors import Forbidden, NotFound
from server.openapi_responses import problems
from server.security.media_links import STAFF_LINK, MediaLinkError, MediaLinkSigner
from server.settings import Settings

__all__ = ["ResponseController", "stream_media"]

Variant = Literal["video", "poster", "audio"]


async def _viewer_organization(
    request: Request[Any, Any, Any],
    db: DbSession,
    settings: Settings,
    response_id: uuid.UUID,
    variant: str,
    link: tuple[str | None, str | None, str | None],
) -> uuid.UUID:
    """Whose organization the media is read for: a signed link's member, else the session's."""
    expires, user, sig = link
    if expires is None and user is None and sig is None:
        staff = await provide_staff(request, db)
        _, inv = await services.get_response(db, staff.organization_id, response_id)
        await ensure_visible(db, staff, inv.assessment_id)
        return staff.organization_id
    try:
        grant = MediaLinkSigner.for_settings(settings).verify(
            STAFF_LINK, response_id, variant, expires=expires, holder=user, sig=sig
        )
    except MediaLinkError as exc:
        raise Forbidden(str(exc)) from exc
    member = await db.get(User, grant.user_id)
    if member is None or not member.is_active:
        raise Forbidden("The reviewer this media link was made for no longer has access.")
    return member.organization_id


async def stream_media(
    request: Request[Any, Any, Any], store: ObjectStore, r: DbResponse, variant: str
) -> Response[Any]:
    """``variant`` of ``r`` from the object store, honouring a single HTTP Range (206; 416 outside)."""
    key = {"video": r.media_key, "poster": r.poster_key, "audio": r.audio_key}.get(variant)
    if not key:
        raise NotFound(f"This response has no {variant}.")
    return await stream_object(
        request, store, key, missing=f"The {variant} of this response is not in storage.", max_age=300
    )


class ResponseController(Controller):
    path = "/api/responses"
    tags = ["responses"]
    dependencies = {"staff": Provide(provide_staff)}
    opt = FOR_HIRING_MANAGERS  # each handler checks the assessment is visible to the caller

    @get(
        "/{response_id:uuid}",
        summary="A response with its transcript, suggestion and proficiency",
        description="`video_url`, `poster_url` and `audio_url` are signed links that play "
        "without a session until they expire.",
    )
    async def get_response(
        self, staff: StaffDep, response_id: FromPath[uuid.UUID], db_session: DbSession, settings: SettingsDep
    ) -> ResponseOut:
        r, inv = await services.get_response(db_session, staff.organization_id, response_id)
        await ensure_visible(db_session, staff, inv.assessment_id)
        # An API token is no person to sign a link for: it gets plain URLs (Bearer-authorized).
        signer = None if staff.via_token else MediaLinkSigner.for_settings(settings)
        return await services.response_out(
            db_session, r, inv, staff.user_id, signer, hiring_manager=staff.is_hiring_manager
        )

    @get(
        "/{response_id:uuid}/media/{variant:str}",
        summary="Stream the video, poster or audio",
        opt=problems("range", 416),
        description="Authorized by the staff session, or by a signed link (`expires`, `user`, "
        "`sig`, as given in a response's or review item's media URLs); an expired "
        "or altered link is refused with 403. Honours a single HTTP Range "
        "(206 Partial Content; 416 when outside).",
    )
    async def media(
        self,
        request: Request[Any, Any, Any],
        response_id: FromPath[uuid.UUID],
        variant: FromPath[Variant],
        db_session: DbSession,
        store: StoreDep,
        settings: SettingsDep,
        expires: FromQuery[str | None] = None,
        user: FromQuery[str | None] = None,
        sig: FromQuery[str | None] = None,
    ) -> Response[Any]:
        org = await _viewer_organization(
            request, db_session, settings, response_id, variant, (expires, user, sig)
        )
        r, _ = await services.get_response(db_session, org, response_id)
        return await stream_media(request, store, r, variant)
