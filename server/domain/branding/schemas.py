"""Branding as staff edit it and as a candidate's page shows it."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

__all__ = ["CANDIDATE_LANGUAGES", "BrandingOut", "BrandingUpdate", "CandidateBranding", "Language"]

Accent = Annotated[str, msgspec.Meta(pattern=r"^#[0-9a-fA-F]{6}$", description="Accent colour as #RRGGBB")]
Email = Annotated[str, msgspec.Meta(max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
# The languages the candidate pages are translated into (frontend/src/i18n/locales/<code>.json).
Language = Literal["en", "es", "pt"]
CANDIDATE_LANGUAGES: tuple[Language, ...] = ("en", "es", "pt")
Url = Annotated[str, msgspec.Meta(max_length=2000, pattern=r"^https?://[^\s]+$")]


class BrandingUpdate(msgspec.Struct, forbid_unknown_fields=True):
    accent_color: Accent | None = None
    welcome_text: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    contact_email: Email | None = None
    privacy_url: Url | None = None
    default_language: Annotated[
        Language | None,
        msgspec.Meta(
            description="The candidate pages' language until a candidate picks another; null keeps it"
        ),
    ] = None


class BrandingOut(msgspec.Struct):
    organization_name: str
    accent_color: str | None
    welcome_text: str
    contact_email: str | None
    privacy_url: str | None
    has_logo: bool
    logo_version: int
    default_language: Language = "en"
    welcome_video_version: Annotated[
        int | None,
        msgspec.Meta(description="Set when there is a welcome video: GET .../welcome-video?v=<this>"),
    ] = None
    welcome_video_seconds: float | None = None


class CandidateBranding(msgspec.Struct):
    """Whose interview this is, on every candidate page (defaults where the company set none)."""

    organization_name: str
    accent_color: str | None
    welcome_text: str
    contact_email: str | None
    privacy_url: str | None
    logo_version: Annotated[
        int | None,
        msgspec.Meta(description="Set when there is a logo: GET /api/candidate/{token}/logo?v=<this>"),
    ]
    default_language: Annotated[
        Language,
        msgspec.Meta(description="The organization's language for candidate pages (a candidate may switch)"),
    ] = "en"
    welcome_video_version: Annotated[
        int | None,
        msgspec.Meta(
            description="Set when the hiring team recorded a welcome video: "
            "GET /api/candidate/{token}/welcome-video?v=<this>"
        ),
    ] = None
