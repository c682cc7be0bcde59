"""tus 1.0 routes of the recording fallback (core, creation, termination) under the candidate link."""

from __future__ import annotations

import uuid
from typing import Any, TypeAlias

from litestar import Controller, Request, Response, delete, head, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.status_codes import HTTP_204_NO_CONTENT
from sqlalchemy.ext.asyncio import AsyncSession

from media.upload import UploadState
from server.db.models import Invitation
from server.deps import DbSession, RecordingDep
from server.domain.candidate import uploads
from server.domain.invitations.services import resolve_token
from server.openapi_responses import LINK_PROBLEMS, problems

__all__ = ["UploadController"]

CHUNK_LIMIT = 16 * 1024 * 1024  # one PATCH; the browser sends 2 MiB chunks


def _offset_headers(st: UploadState) -> dict[str, str]:
    return {**uploads.TUS_HEADERS, "Upload-Offset": str(st.offset), "Upload-Length": str(st.length)}


async def _tus_link(
    request: Request[Any, Any, Any], db: AsyncSession, token: str, *, for_write: bool
) -> Invitation:
    """The invitation behind the link, once the request speaks our tus version (412 comes first)."""
    uploads.check_version(request.headers.get("tus-resumable"))
    return await resolve_token(db, token, for_write=for_write)


async def provide_link(
    request: Request[Any, Any, Any], db_session: DbSession, token: FromPath[str]
) -> Invitation:
    """For reading where an upload stands, or abandoning it."""
    return await _tus_link(request, db_session, token, for_write=False)


async def provide_writable_link(
    request: Request[Any, Any, Any], db_session: DbSession, token: FromPath[str]
) -> Invitation:
    """For starting an upload or appending to it."""
    return await _tus_link(request, db_session, token, for_write=True)


LinkDep: TypeAlias = NamedDependency[Invitation]


class UploadController(Controller):
    path = "/api/candidate/{token:str}/uploads"
    tags = ["candidate"]
    opt = {"exclude_from_csrf": True, **LINK_PROBLEMS}
    dependencies = {"link": Provide(provide_link), "writable_link": Provide(provide_writable_link)}

    @post(
        "",
        status_code=201,
        summary="Start a resumable upload of a take recorded in the browser (tus creation)",
        description="Headers: `Tus-Resumable: 1.0.0`, `Upload-Length` (bytes), `Upload-Metadata` "
        "with `question_id` and `take_id`. The answer's `Location` is the upload's URL.",
        opt=problems("upload", 412, 413),
    )
    async def create(
        self,
        token: FromPath[str],
        request: Request[Any, Any, Any],
        writable_link: LinkDep,
        db_session: DbSession,
        recording: RecordingDep,
    ) -> Response[None]:
        response = await uploads.create_upload(
            db_session,
            writable_link,
            recording,
            length_header=request.headers.get("upload-length"),
            metadata_header=request.headers.get("upload-metadata"),
        )
        return Response(
            None,
            status_code=201,
            headers={
                **uploads.TUS_HEADERS,
                "Location": f"/api/candidate/{token}/uploads/{response.take_id}",
                "Upload-Offset": "0",
            },
        )

    @head(
        "/{take_id:uuid}",
        summary="How many bytes of the upload the server holds (tus)",
        opt=problems("upload", 412),
    )
    async def offset(
        self, link: LinkDep, take_id: FromPath[uuid.UUID], db_session: DbSession, recording: RecordingDep
    ) -> Response[None]:
        st = await uploads.upload_state(db_session, link, recording, take_id)
        return Response(None, status_code=200, headers={**_offset_headers(st), "Cache-Control": "no-store"})

    @patch(
        "/{take_id:uuid}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Append a chunk at Upload-Offset (tus); the last chunk keeps the take",
        request_max_body_size=CHUNK_LIMIT,
        opt=problems("upload", 412, 413, 415),
    )
    async def append(
        self,
        writable_link: LinkDep,
        take_id: FromPath[uuid.UUID],
        request: Request[Any, Any, Any],
        db_session: DbSession,
        recording: RecordingDep,
    ) -> Response[None]:
        st = await uploads.append_chunk(
            db_session,
            writable_link,
            recording,
            take_id,
            offset_header=request.headers.get("upload-offset"),
            content_type=request.content_type[0],
            body=request.stream(),
        )
        return Response(None, status_code=HTTP_204_NO_CONTENT, headers=_offset_headers(st))

    @delete(
        "/{take_id:uuid}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Abandon an unfinished upload (tus termination)",
        opt=problems("upload", 412),
    )
    async def terminate(
        self, link: LinkDep, take_id: FromPath[uuid.UUID], db_session: DbSession, recording: RecordingDep
    ) -> Response[None]:
        await uploads.terminate_upload(db_session, link, recording, take_id)
        return Response(None, status_code=HTTP_204_NO_CONTENT, headers=uploads.TUS_HEADERS)
