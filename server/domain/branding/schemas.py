"""Branding as staff edit it and as a candidate's page shows it."""

from __future__ import annotations

from typing import Annotated

import msgspec

__all__ = ["BrandingOut", "BrandingUpdate", "CandidateBranding"]

Accent = Annotated[str, msgspec.Meta(pattern=r"^#[0-9a-fA-F]{6}$", description="Accent colour as #RRGGBB")]
Email = Annotated[str, msgspec.Meta(max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Url = Annotated[str, msgspec.Meta(max_length=2000, pattern=r"^https?://[^\s]+$")]


class BrandingUpdate(msgspec.Struct, forbid_unknown_fields=True):
    accent_color: Accent | None = None
    welcome_text: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    contact_email: Email | None = None
    privacy_url: Url | None = None


class BrandingOut(msgspec.Struct):
    organization_name: str
    accent_color: str | None
    welcome_text: str
    contact_email: str | None
    privacy_url: str | None
    has_logo: bool
    logo_version: int
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
    welcome_video_version: Annotated[
        int | None,
        msgspec.Meta(
            description="Set when the hiring team recorded a welcome video: "
            "GET /api/candidate/{token}/welcome-video?v=<this>"
        ),
    ] = None
