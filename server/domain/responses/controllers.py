"""Staff read responses and stream their media (with HTTP Range, so video can seek)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, Literal

from litestar import Controller, Request, Response, get
from litestar.di import Provide
from litestar.params import FromPath
from litestar.response import Stream

from media.object_store import ObjectMissing
from server.auth.staff import provide_staff
from server.deps import DbSession, StaffDep, StoreDep
from server.domain.responses import services
from server.domain.responses.ranges import RangeNotSatisfiable, parse_range
from server.domain.responses.schemas import ResponseOut
from server.errors import NotFound

__all__ = ["ResponseController"]


class ResponseController(Controller):
    path = "/api/responses"
    tags = ["responses"]
    dependencies = {"staff": Provide(provide_staff)}

    @get("/{response_id:uuid}", summary="A response with its transcript, suggestion and proficiency")
    async def get_response(self, staff: StaffDep, response_id: FromPath[uuid.UUID],
                           db_session: DbSession) -> ResponseOut:
        r, inv = await services.get_response(db_session, staff.organization_id, response_id)
        return await services.response_out(db_session, r, inv, staff.user_id)

    @get("/{response_id:uuid}/media/{variant:str}", summary="Stream the video, poster or audio",
         description="Honours a single HTTP Range (206 Partial Content; 416 when outside).")
    async def media(self, request: Request[Any, Any, Any], staff: StaffDep, response_id: FromPath[uuid.UUID],
                    variant: FromPath[Literal["video", "poster", "audio"]], db_session: DbSession,
                    store: StoreDep) -> Response[Any]:
        r, _ = await services.get_response(db_session, staff.organization_id, response_id)
        key = {"video": r.media_key, "poster": r.poster_key, "audio": r.audio_key}.get(variant)
        if not key:
            raise NotFound(f"This response has no {variant}.")
        try:
            info = await asyncio.to_thread(store.stat, key)
        except ObjectMissing as exc:
            raise NotFound(f"The {variant} of this response is not in storage.") from exc
        headers = {"Accept-Ranges": "bytes", "Cache-Control": "private, max-age=300",
                   "ETag": f'"{info.etag}"'}
        try:
            rng = parse_range(request.headers.get("range"), info.size)
        except RangeNotSatisfiable:
            return Response(b"", status_code=416,
                            headers={**headers, "Content-Range": f"bytes */{info.size}"})
        start, end = rng if rng else (0, info.size - 1)
        headers["Content-Length"] = str(end - start + 1)
        if rng:
            headers["Content-Range"] = f"bytes {start}-{end}/{info.size}"
        return Stream(store.iter_range(key, start, end), status_code=206 if rng else 200,
                      media_type=info.content_type, headers=headers)
