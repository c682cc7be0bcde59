"""Email templates and settings as staff edit them, and the candidate's reminder opt-out page."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

__all__ = [
    "EmailSettingsOut",
    "EmailSettingsUpdate",
    "EmailTemplateIn",
    "EmailTemplateOut",
    "OptOutOut",
    "Placeholder",
    "PreviewOut",
]


class Placeholder(msgspec.Struct):
    name: str
    description: str


class EmailTemplateIn(msgspec.Struct, forbid_unknown_fields=True):
    subject: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
    body: Annotated[str, msgspec.Meta(min_length=1, max_length=10000)]


class EmailTemplateOut(msgspec.Struct):
    kind: Literal["invitation", "reminder", "decision"]
    subject: str
    body: str
    custom: bool
    placeholders: list[Placeholder]


class EmailSettingsUpdate(msgspec.Struct, forbid_unknown_fields=True):
    decision_emails: bool


class EmailSettingsOut(msgspec.Struct):
    email_enabled: Annotated[bool, msgspec.Meta(description="The server has SMTP (VIVA_SMTP_HOST)")]
    decision_emails: Annotated[
        bool, msgspec.Meta(description="Candidates get the decision email (off unless an admin turns it on)")
    ]
    templates: list[EmailTemplateOut]


class PreviewOut(msgspec.Struct):
    subject: str
    text: str
    html: str


class OptOutOut(msgspec.Struct):
    organization: str
    assessment_title: str
    opted_out: bool
