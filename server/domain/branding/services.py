"""Reading and changing an organization's branding; logos are checked and re-encoded.

A logo is a PNG or an SVG of at most ``MAX_LOGO_BYTES``. An SVG is sanitised and rasterised
(``svg.py``); either is then decoded with Pillow, bounded in size and dimensions, and stored
re-encoded as PNG: what is served is always a plain image Pillow produced, never the uploaded
bytes (no trailing payloads, metadata or scripts).
"""

from __future__ import annotations

import io
import uuid

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Branding, Organization
from server.domain.branding.schemas import (
    CANDIDATE_LANGUAGES,
    BrandingOut,
    BrandingUpdate,
    CandidateBranding,
    Language,
)
from server.domain.branding.svg import looks_like_svg, rasterise_svg
from server.errors import InvalidInput, NotFound, PayloadTooLarge

__all__ = [
    "MAX_LOGO_BYTES",
    "MAX_LOGO_PIXELS",
    "branding_out",
    "candidate_branding",
    "clean_logo",
    "get_branding",
    "language_of",
    "update_branding",
]

MAX_LOGO_BYTES = 512 * 1024
MAX_LOGO_PIXELS = 512  # the longer side after re-encoding; the page shows it at most 48 px high


async def get_branding(db: AsyncSession, organization_id: uuid.UUID) -> tuple[Organization, Branding]:
    org = await db.get(Organization, organization_id)
    if org is None:
        raise NotFound("Your organization no longer exists.")
    brand = (
        await db.execute(select(Branding).where(Branding.organization_id == org.id))
    ).scalar_one_or_none()
    if brand is None:
        brand = Branding(organization_id=org.id, welcome_text="", logo_version=0)
        db.add(brand)
    return org, brand


def branding_out(org: Organization, brand: Branding) -> BrandingOut:
    return BrandingOut(
        organization_name=org.name,
        accent_color=brand.accent_color,
        welcome_text=brand.welcome_text or "",
        contact_email=brand.contact_email,
        privacy_url=brand.privacy_url,
        has_logo=brand.logo is not None,
        logo_version=brand.logo_version or 0,
        default_language=language_of(org),
        welcome_video_version=brand.welcome_video_version if brand.welcome_video_key else None,
        welcome_video_seconds=brand.welcome_video_seconds if brand.welcome_video_key else None,
    )


async def update_branding(db: AsyncSession, organization_id: uuid.UUID, data: BrandingUpdate) -> BrandingOut:
    org, brand = await get_branding(db, organization_id)
    brand.accent_color = data.accent_color.lower() if data.accent_color else None
    brand.welcome_text = data.welcome_text.strip()
    brand.contact_email = data.contact_email
    brand.privacy_url = data.privacy_url
    if data.default_language is not None:
        org.default_language = data.default_language
    await db.flush()
    return branding_out(org, brand)


def clean_logo(data: bytes) -> bytes:
    """The uploaded PNG or SVG logo as a bounded PNG, or a 4xx saying why not."""
    if not data:
        raise InvalidInput("The upload is empty: choose a PNG or SVG file.")
    if len(data) > MAX_LOGO_BYTES:
        raise PayloadTooLarge(
            f"The logo is {len(data) // 1024} KiB; the limit is "
            f"{MAX_LOGO_BYTES // 1024} KiB. Save a smaller PNG or SVG."
        )
    if looks_like_svg(data):
        data = rasterise_svg(data, MAX_LOGO_PIXELS)
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format != "PNG":
                raise InvalidInput(f"The file is a {img.format or 'unknown'} image; upload a PNG or an SVG.")
            if img.width * img.height > 40_000_000:
                raise InvalidInput("The image is too large in pixels; resize it to at most 2000 x 2000.")
            img.load()
            picture = img.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise InvalidInput("The file is not a readable PNG or SVG image.") from exc
    picture.thumbnail((MAX_LOGO_PIXELS, MAX_LOGO_PIXELS))
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()


async def candidate_branding(db: AsyncSession, organization_id: uuid.UUID) -> CandidateBranding:
    org = await db.get(Organization, organization_id)
    brand = (
        await db.execute(select(Branding).where(Branding.organization_id == organization_id))
    ).scalar_one_or_none()
    name = org.name if org is not None else "The hiring team"
    language = language_of(org) if org is not None else "en"
    if brand is None:
        return CandidateBranding(
            organization_name=name,
            accent_color=None,
            welcome_text="",
            contact_email=None,
            privacy_url=None,
            logo_version=None,
            default_language=language,
        )
    return CandidateBranding(
        organization_name=name,
        accent_color=brand.accent_color,
        welcome_text=brand.welcome_text or "",
        contact_email=brand.contact_email,
        privacy_url=brand.privacy_url,
        logo_version=brand.logo_version if brand.logo is not None else None,
        default_language=language,
        welcome_video_version=brand.welcome_video_version if brand.welcome_video_key else None,
    )


def language_of(org: Organization) -> Language:
    """The organization's candidate-page language; one no longer offered reads as English."""
    for language in CANDIDATE_LANGUAGES:
        if org.default_language == language:
            return language
    return "en"
