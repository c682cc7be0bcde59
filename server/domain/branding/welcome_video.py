"""The hiring team's welcome video: recorded in the browser, checked, stored per organization.

The browser records it with the candidates' recorder (MediaRecorder, WebM VP8/Opus) and sends
the file as one request body. It is written to a scratch file as it arrives (never past
``MAX_WELCOME_VIDEO_BYTES``), remuxed so it has a duration and seeks (``media.upload``), checked
to be WebM with sound and picture of at most ``MAX_WELCOME_VIDEO_SECONDS``, and stored under a
new key per version (``server/storage.py``): a candidate loading the old one while it is
replaced never gets a half-written file. A refused upload changes nothing stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import uuid
from collections.abc import AsyncIterable
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from media.errors import ProbeFailed, UnsupportedMedia
from media.object_store import ObjectStore, ObjectStoreError
from media.probe import TAKE_CONTAINERS, probe_media
from media.upload import remux_webm
from server.db.models import Branding
from server.domain.branding.schemas import BrandingOut
from server.domain.branding.services import branding_out, get_branding
from server.errors import InvalidInput, NotFound, PayloadTooLarge
from server.storage import welcome_video_key

__all__ = [
    "MAX_WELCOME_VIDEO_BYTES",
    "MAX_WELCOME_VIDEO_SECONDS",
    "remove_welcome_video",
    "save_welcome_video",
    "welcome_video_of",
]

MAX_WELCOME_VIDEO_BYTES = 64 * 1024 * 1024  # three minutes at the recorder's 1 Mbit/s is ~23 MiB
MAX_WELCOME_VIDEO_SECONDS = 180.0


async def _receive(chunks: AsyncIterable[bytes], path: Path) -> int:
    size = 0
    with path.open("wb") as f:
        async for chunk in chunks:
            size += len(chunk)
            if size > MAX_WELCOME_VIDEO_BYTES:
                raise PayloadTooLarge(
                    f"The video is larger than {MAX_WELCOME_VIDEO_BYTES // (1024 * 1024)} MiB; "
                    f"record a shorter one (at most {MAX_WELCOME_VIDEO_SECONDS / 60:.0f} minutes)."
                )
            f.write(chunk)
    return size


def _reason(exc: Exception) -> str:
    """The media library's reason without its scratch file's name ("x.webm has no audio; ...")."""
    first, _, rest = str(exc).partition(" ")
    return f"the video {rest}" if first.endswith(".webm") and rest else str(exc)


async def save_welcome_video(
    db: AsyncSession, store: ObjectStore, organization_id: uuid.UUID, chunks: AsyncIterable[bytes]
) -> BrandingOut:
    """Check and store a new welcome video, replacing the previous one."""
    org, brand = await get_branding(db, organization_id)
    with tempfile.TemporaryDirectory(prefix="viva-welcome-") as scratch:
        raw, out = Path(scratch) / "upload.webm", Path(scratch) / "welcome.webm"
        if await _receive(chunks, raw) == 0:
            raise InvalidInput("The upload is empty: record the video, then save it.")
        try:
            source = await asyncio.to_thread(probe_media, raw)
            if source.format_name not in TAKE_CONTAINERS:
                raise UnsupportedMedia(f"{raw.name} is {source.format_name.split(',')[0]}; it must be WebM")
            probe = await asyncio.to_thread(remux_webm, raw, out, max_duration_s=MAX_WELCOME_VIDEO_SECONDS)
        except (ProbeFailed, UnsupportedMedia) as exc:
            raise InvalidInput(
                f"This welcome video cannot be used: {_reason(exc)}. Record it again in this page's "
                "recorder (WebM with sound and picture)."
            ) from exc
        version = (brand.welcome_video_version or 0) + 1
        key = welcome_video_key(organization_id, version)
        await asyncio.to_thread(store.put_file, key, out, "video/webm")
    old = brand.welcome_video_key
    brand.welcome_video_key = key
    brand.welcome_video_seconds = round(probe.duration, 2)
    brand.welcome_video_version = version
    await db.flush()
    if old and old != key:
        await _delete(store, old)
    return branding_out(org, brand)


async def remove_welcome_video(
    db: AsyncSession, store: ObjectStore, organization_id: uuid.UUID
) -> BrandingOut:
    """No welcome video any more (the candidate's first page shows the welcome text alone)."""
    org, brand = await get_branding(db, organization_id)
    old = brand.welcome_video_key
    brand.welcome_video_key = None
    brand.welcome_video_seconds = None
    brand.welcome_video_version = (brand.welcome_video_version or 0) + 1
    await db.flush()
    if old:
        await _delete(store, old)
    return branding_out(org, brand)


async def welcome_video_of(db: AsyncSession, organization_id: uuid.UUID) -> Branding:
    """The branding row with a welcome video, or 404."""
    _, brand = await get_branding(db, organization_id)
    if not brand.welcome_video_key:
        raise NotFound("This organization has no welcome video.")
    return brand


async def _delete(store: ObjectStore, key: str) -> None:
    """Remove a replaced video; when the store is down, the orphan is harmless (no row names it)."""
    with contextlib.suppress(ObjectStoreError):
        await asyncio.to_thread(store.delete, key)
