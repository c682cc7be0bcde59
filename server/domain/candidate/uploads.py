"""The recording fallback: a take recorded in the browser, uploaded with tus 1.0 (core + creation
+ termination), assembled in this instance's spool, probed and kept as a normal take.

The upload's id is the take id (the client chooses it, as for a WebRTC take), so one take is
one upload and one response row; only the candidate whose link created it reaches it.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import uuid
from collections.abc import AsyncIterable

from sqlalchemy.ext.asyncio import AsyncSession

from media.errors import ProbeFailed, UnsupportedMedia
from media.upload import OffsetMismatch, UploadMissing, UploadState, UploadTooLarge
from server.db.models import Invitation, Response
from server.domain.candidate.takes import new_take, own_take
from server.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge, VivaError
from server.recording.service import RecordingService

__all__ = [
    "TUS_HEADERS",
    "TUS_VERSION",
    "append_chunk",
    "create_upload",
    "parse_metadata",
    "terminate_upload",
    "upload_state",
]

TUS_VERSION = "1.0.0"
TUS_HEADERS = {"Tus-Resumable": TUS_VERSION}
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"

_locks: dict[str, asyncio.Lock] = {}


class UnsupportedVersion(VivaError):
    """A tus version this server does not speak."""

    status_code = 412
    title = "Precondition failed"


class WrongContentType(VivaError):
    """A chunk sent as something other than ``application/offset+octet-stream``."""

    status_code = 415
    title = "Unsupported media type"


def _lock(take_id: uuid.UUID) -> asyncio.Lock:
    return _locks.setdefault(str(take_id), asyncio.Lock())


def check_version(value: str | None) -> None:
    if value != TUS_VERSION:
        raise UnsupportedVersion(
            f"Send the header Tus-Resumable: {TUS_VERSION} (this server speaks tus {TUS_VERSION}).",
            headers={**TUS_HEADERS, "Tus-Version": TUS_VERSION},
        )


def parse_metadata(header: str | None) -> dict[str, str]:
    """``Upload-Metadata``: comma-separated ``key base64value`` pairs."""
    out: dict[str, str] = {}
    for pair in (header or "").split(","):
        pair = pair.strip()
        if not pair:
            continue
        key, _, value = pair.partition(" ")
        try:
            out[key] = base64.b64decode(value.strip(), validate=True).decode("utf-8") if value else ""
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise InvalidInput(
                f"Upload-Metadata value of {key!r} is not base64 text.", field="Upload-Metadata"
            ) from exc
    return out


def _uuid(meta: dict[str, str], key: str) -> uuid.UUID:
    try:
        return uuid.UUID(meta[key])
    except (KeyError, ValueError) as exc:
        raise InvalidInput(
            f"Upload-Metadata must carry {key} (a UUID) for the answer being uploaded.",
            field="Upload-Metadata",
        ) from exc


def _length(header: str | None, limit: int) -> int:
    try:
        length = int(header or "")
    except ValueError as exc:
        raise InvalidInput(
            "Send Upload-Length: the recording's size in bytes.", field="Upload-Length", headers=TUS_HEADERS
        ) from exc
    if length <= 0:
        raise InvalidInput("The recording is empty; record the answer again.", field="Upload-Length")
    if length > limit:
        raise PayloadTooLarge(
            f"The recording is {length} bytes; at most {limit} bytes can be uploaded. "
            "Record a shorter answer.",
            headers={**TUS_HEADERS, "Tus-Max-Size": str(limit)},
        )
    return length


async def create_upload(
    db: AsyncSession,
    inv: Invitation,
    recording: RecordingService,
    *,
    length_header: str | None,
    metadata_header: str | None,
) -> Response:
    """tus creation: the take's response row (the same rules as a live take) and an empty upload."""
    length = _length(length_header, recording.uploads.max_bytes)
    meta = parse_metadata(metadata_header)
    question_id, take_id = _uuid(meta, "question_id"), _uuid(meta, "take_id")
    async with _lock(take_id):
        response, max_seconds = await new_take(
            db, inv, question_id=question_id, take_id=take_id, recording=recording
        )
        recording.uploads.create(
            str(take_id), length, {"question_id": str(question_id), "max_seconds": str(max_seconds)}
        )
    return response


async def _state(
    db: AsyncSession, inv: Invitation, recording: RecordingService, take_id: uuid.UUID
) -> UploadState:
    await own_take(db, inv, take_id)  # another candidate's upload: 404
    st = recording.uploads.state(str(take_id))
    if st is None:
        raise NotFound("No such upload (it was ended, or never started); record the answer again.")
    return st


async def upload_state(
    db: AsyncSession, inv: Invitation, recording: RecordingService, take_id: uuid.UUID
) -> UploadState:
    """tus HEAD: how many bytes the server holds."""
    return await _state(db, inv, recording, take_id)


async def append_chunk(
    db: AsyncSession,
    inv: Invitation,
    recording: RecordingService,
    take_id: uuid.UUID,
    *,
    offset_header: str | None,
    content_type: str,
    body: AsyncIterable[bytes],
) -> UploadState:
    """tus PATCH: append at the offset the server holds; the last byte keeps the take (once)."""
    if content_type != OFFSET_CONTENT_TYPE:
        raise WrongContentType(f"Send chunks as {OFFSET_CONTENT_TYPE}.", headers=TUS_HEADERS)
    try:
        offset = int(offset_header or "")
    except ValueError as exc:
        raise InvalidInput("Send Upload-Offset: where this chunk starts.", field="Upload-Offset") from exc
    area = recording.uploads
    async with _lock(take_id):
        st = await _state(db, inv, recording, take_id)
        try:
            st = await area.append(str(take_id), offset, body)
        except OffsetMismatch as exc:
            raise Conflict(
                f"The server holds {exc.expected} bytes of this recording; send the chunk from there.",
                headers={**TUS_HEADERS, "Upload-Offset": str(exc.expected)},
            ) from exc
        except UploadTooLarge as exc:
            raise PayloadTooLarge(
                f"The chunk goes past the recording's declared size ({st.length} bytes)."
            ) from exc
        except UploadMissing as exc:
            raise NotFound("No such upload; record the answer again.") from exc
        if st.complete and not st.done:
            await _keep(db, inv, recording, take_id, st)
            st = area.state(str(take_id)) or st
    return st


async def _keep(
    db: AsyncSession, inv: Invitation, recording: RecordingService, take_id: uuid.UUID, st: UploadState
) -> None:
    area = recording.uploads
    response = await own_take(db, inv, take_id)
    out = area.root / f"{take_id}.webm"
    max_seconds = float(st.metadata.get("max_seconds", "0")) or None
    try:
        result = await asyncio.to_thread(area.finish, str(take_id), out, max_duration_s=max_seconds)
    except (ProbeFailed, UnsupportedMedia) as exc:
        area.remove(str(take_id))
        await db.delete(response)
        await db.commit()
        raise InvalidInput(
            f"The uploaded file is not a recording that can be kept ({exc}). Record the answer again."
        ) from exc
    await recording.keep_uploaded_take(db, response, out, result.duration)
    area.mark_done(str(take_id))


async def terminate_upload(
    db: AsyncSession, inv: Invitation, recording: RecordingService, take_id: uuid.UUID
) -> None:
    """tus termination: an unfinished upload and its take row go; a kept take stays (409)."""
    async with _lock(take_id):
        st = await _state(db, inv, recording, take_id)
        if st.done:
            raise Conflict("This recording was already kept as a take; it cannot be withdrawn.")
        response = await own_take(db, inv, take_id)
        recording.uploads.remove(str(take_id))
        await db.delete(response)
        await db.commit()
