"""The emails candidates get (invitation, reminder, decision) from per-organization templates.

A template is plain text with ``{placeholder}`` fields (``{{`` and ``}}`` write a brace). Only
the placeholders of its kind are accepted: an unknown one is refused with a 422 naming it.
Values are substituted as text, never evaluated (no attribute access, no format specs); the
HTML alternative escapes the template and every value, turns blank-line-separated blocks into
paragraphs and link fields into links, and frames it with the organization's branding (name in
its accent colour; the contact email and privacy link in the footer, as on every candidate page).

Organizations without their own template get the built-in default of the kind. Decision emails
are opt-in per organization (``Organization.decision_emails``, off by default): nothing sends
one unless an admin turned them on.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import EmailTemplate, Invitation, Organization
from server.db.models.enums import CandidateDecision
from server.domain.branding.schemas import CandidateBranding
from server.domain.branding.services import candidate_branding
from server.errors import InvalidInput
from server.settings import Settings

__all__ = [
    "DEFAULTS",
    "KINDS",
    "PLACEHOLDERS",
    "Kind",
    "Rendered",
    "Template",
    "build_message",
    "get_template",
    "invitation_message",
    "parse",
    "reminder_message",
    "render",
    "sample_values",
]

Kind = Literal["invitation", "reminder", "decision"]
KINDS: tuple[Kind, ...] = ("invitation", "reminder", "decision")

_COMMON = {
    "candidate_name": "The candidate's name",
    "organization": "Your organization's name",
    "assessment": "The assessment's title",
    "contact_email": "Your contact email (branding), or a neutral phrase when unset",
}
PLACEHOLDERS: dict[Kind, dict[str, str]] = {
    "invitation": {
        **_COMMON,
        "link": "The candidate's personal link",
        "expires": "When the link stops working",
        "extra_time": "A sentence about the candidate's extra time (empty without one)",
    },
    "reminder": {
        **_COMMON,
        "link": "The candidate's personal link",
        "expires": "When the link stops working",
        "reminder_reason": "Why the reminder is sent (not started yet / the link expires soon)",
        "opt_out_link": "The link that stops automatic reminders",
    },
    "decision": {
        **_COMMON,
        "decision": "A sentence saying the outcome (moving forward, on hold, not moving forward)",
    },
}
LINK_FIELDS = frozenset({"link", "opt_out_link"})


@dataclass(frozen=True)
class Template:
    subject: str
    body: str


DEFAULTS: dict[Kind, Template] = {
    "invitation": Template(
        subject="Your interview for {assessment} at {organization}",
        body=(
            "Hello {candidate_name},\n\n"
            "{organization} invites you to a recorded interview for {assessment}.\n"
            "You answer in your own time; the link works until {expires}.\n"
            "{extra_time}\n\n"
            "Start here: {link}\n\n"
            "The link is personal: do not forward it. If it was sent to you by mistake, ignore this email."
        ),
    ),
    "reminder": Template(
        subject="Reminder: your interview for {assessment} at {organization}",
        body=(
            "Hello {candidate_name},\n\n"
            "{reminder_reason} Your recorded interview for {assessment} at {organization} is waiting; "
            "the link works until {expires}.\n\n"
            "Continue here: {link}\n\n"
            "No more reminders, please: {opt_out_link}"
        ),
    ),
    "decision": Template(
        subject="Your application for {assessment} at {organization}",
        body=(
            "Hello {candidate_name},\n\n"
            "Thank you for your interview for {assessment}. {decision}\n\n"
            "Kind regards,\n{organization}"
        ),
    ),
}

DECISION_SENTENCES: dict[CandidateDecision, str] = {
    CandidateDecision.ADVANCED: "We are glad to tell you that we would like to move forward with you; "
    "we will be in touch about the next step.",
    CandidateDecision.ON_HOLD: "Your application is on hold for now while we complete the process; "
    "we will write again when we have news.",
    CandidateDecision.REJECTED: "After careful consideration, we will not be moving forward with your "
    "application this time. We appreciate the time you gave us.",
}
REMINDER_REASONS = {
    "not_started": "You have not started yet.",
    "before_expiry": "Your link expires soon.",
}

_FIELD = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def parse(kind: Kind, text: str, *, field: str) -> list[str | tuple[str]]:
    """``text`` as literal pieces and ``(placeholder,)`` fields; 422 naming any unknown field."""
    allowed = PLACEHOLDERS[kind]
    parts: list[str | tuple[str]] = []
    pos = 0
    for m in _FIELD.finditer(text):
        parts.append(text[pos : m.start()])
        token = m.group(0)
        if token in ("{{", "}}"):
            parts.append(token[0])
        elif token in ("{", "}"):
            raise InvalidInput(
                f"An unmatched '{token}' in the {field}: write '{token}{token}' for a literal brace.",
                field=field,
            )
        else:
            name = (m.group(1) or "").strip()
            if name not in allowed:
                known = ", ".join("{" + p + "}" for p in allowed)
                raise InvalidInput(
                    f"Unknown placeholder {{{name}}} in the {field}; the {kind} email knows {known}.",
                    field=field,
                    placeholder=name,
                )
            parts.append((name,))
        pos = m.end()
    parts.append(text[pos:])
    return [p for p in parts if p != ""]


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def _text(parts: list[str | tuple[str]], values: Mapping[str, str]) -> str:
    return "".join(p if isinstance(p, str) else values.get(p[0], "") for p in parts)


def _html_inline(parts: list[str | tuple[str]], values: Mapping[str, str]) -> str:
    out: list[str] = []
    for p in parts:
        if isinstance(p, str):
            out.append(html.escape(p))
            continue
        value = values.get(p[0], "")
        if p[0] in LINK_FIELDS and value:
            out.append(f'<a href="{html.escape(value, quote=True)}">{html.escape(value)}</a>')
        else:
            out.append(html.escape(value))
    return "".join(out)


def _html_body(parts: list[str | tuple[str]], values: Mapping[str, str]) -> str:
    """Paragraphs from blank lines, line breaks within; every literal and value escaped."""
    inline = _html_inline(parts, values).replace("\r\n", "\n")
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", inline)]
    return "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs if p.strip())


def _frame(brand: CandidateBranding, body_html: str) -> str:
    accent = brand.accent_color or "#1d4ed8"
    e = html.escape
    footer: list[str] = []
    if brand.contact_email:
        footer.append(
            f"Questions, or need an accommodation such as extra time? Write to {e(brand.organization_name)} "
            f'at <a href="mailto:{e(brand.contact_email, quote=True)}">{e(brand.contact_email)}</a>.'
        )
    if brand.privacy_url:
        link = e(brand.privacy_url, quote=True)
        footer.append(f'<a href="{link}">How {e(brand.organization_name)} handles your data</a>')
    return (
        '<div style="font-family:system-ui,sans-serif;max-width:36rem;line-height:1.5;color:#111">'
        f'<p style="font-size:1.25rem;font-weight:600;color:{e(accent, quote=True)};'
        f'border-bottom:3px solid {e(accent, quote=True)};padding-bottom:.25rem">'
        f"{e(brand.organization_name)}</p>"
        f"{body_html}"
        + (
            '<div style="margin-top:1.5rem;font-size:.875rem;color:#444">'
            + "".join(f"<p>{f}</p>" for f in footer)
            + "</div>"
            if footer
            else ""
        )
        + "</div>"
    )


def _text_footer(brand: CandidateBranding) -> str:
    lines: list[str] = []
    if brand.contact_email:
        lines.append(
            f"Questions, or need an accommodation such as extra time? Write to {brand.organization_name} "
            f"at {brand.contact_email}."
        )
    if brand.privacy_url:
        lines.append(f"How {brand.organization_name} handles your data: {brand.privacy_url}")
    return ("\n\n" + "\n".join(lines)) if lines else ""


def render(kind: Kind, template: Template, values: Mapping[str, str], brand: CandidateBranding) -> Rendered:
    """The template filled in (text and branded HTML); 422 on an unknown placeholder."""
    subject = _text(parse(kind, template.subject, field="subject"), values)
    subject = " ".join(subject.split())  # a header is one line
    body = parse(kind, template.body, field="body")
    text = re.sub(r"\n{3,}", "\n\n", _text(body, values)).strip() + _text_footer(brand) + "\n"
    return Rendered(subject=subject, text=text, html=_frame(brand, _html_body(body, values)))


def _until(expires_at: datetime) -> str:
    return f"{expires_at:%d %B %Y, %H:%M} UTC"


def sample_values(kind: Kind, brand: CandidateBranding, public_url: str) -> dict[str, str]:
    """Example values for the preview (the organization's own name and contact)."""
    values = {
        "candidate_name": "Ada Lovelace",
        "organization": brand.organization_name,
        "assessment": "Machine learning engineer",
        "contact_email": brand.contact_email or "the hiring team",
        "link": f"{public_url}/i/EXAMPLE-LINK",
        "expires": "14 December 2026, 17:00 UTC",
        "extra_time": "",
        "reminder_reason": REMINDER_REASONS["not_started"],
        "opt_out_link": f"{public_url}/opt-out/EXAMPLE",
        "decision": DECISION_SENTENCES[CandidateDecision.ADVANCED],
    }
    return {k: v for k, v in values.items() if k in PLACEHOLDERS[kind]}


async def get_template(db: AsyncSession, organization_id: uuid.UUID, kind: Kind) -> tuple[Template, bool]:
    """The organization's template of ``kind`` and whether it is its own (else the default)."""
    row = (
        await db.execute(
            select(EmailTemplate).where(
                EmailTemplate.organization_id == organization_id, EmailTemplate.kind == kind
            )
        )
    ).scalar_one_or_none()
    if row is None:
        return DEFAULTS[kind], False
    return Template(subject=row.subject, body=row.body), True


def build_message(
    rendered: Rendered, *, to_name: str, to_address: str, from_address: str, headers: Mapping[str, str] = {}
) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = rendered.subject
    msg["From"] = from_address
    msg["To"] = formataddr((to_name, to_address))
    msg["Message-ID"] = make_msgid(domain=from_address.rsplit("@", 1)[-1].strip("> ") or None)
    for k, v in headers.items():
        msg[k] = v
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")
    return msg


async def _values(db: AsyncSession, inv: Invitation) -> tuple[dict[str, str], CandidateBranding]:
    brand = await candidate_branding(db, inv.organization_id)
    org = await db.get(Organization, inv.organization_id)
    return {
        "candidate_name": inv.candidate_name,
        "organization": org.name if org else brand.organization_name,
        "assessment": inv.assessment.title,
        "contact_email": brand.contact_email or "the hiring team",
        "expires": _until(inv.expires_at),
    }, brand


async def _render_for(db: AsyncSession, inv: Invitation, kind: Kind, extra: Mapping[str, str]) -> Rendered:
    values, brand = await _values(db, inv)
    template, own = await get_template(db, inv.organization_id, kind)
    try:
        return render(kind, template, {**values, **extra}, brand)
    except InvalidInput:
        if not own:
            raise
        # A stored template is validated when saved; should the placeholders of a kind ever
        # shrink, the default still lets the email go out.
        return render(kind, DEFAULTS[kind], {**values, **extra}, brand)


async def invitation_message(
    db: AsyncSession, settings: Settings, inv: Invitation, *, link: str
) -> EmailMessage:
    pct = int((inv.accommodations or {}).get("extra_time_pct", 0))
    extra_time = f"You have {pct}% extra time on every question." if pct else ""
    rendered = await _render_for(db, inv, "invitation", {"link": link, "extra_time": extra_time})
    return build_message(
        rendered,
        to_name=inv.candidate_name,
        to_address=inv.candidate_email,
        from_address=settings.email.from_address,
    )


async def reminder_message(
    db: AsyncSession, settings: Settings, inv: Invitation, *, rule: str, link: str, opt_out_link: str
) -> EmailMessage:
    rendered = await _render_for(
        db,
        inv,
        "reminder",
        {"link": link, "opt_out_link": opt_out_link, "reminder_reason": REMINDER_REASONS.get(rule, "")},
    )
    return build_message(
        rendered,
        to_name=inv.candidate_name,
        to_address=inv.candidate_email,
        from_address=settings.email.from_address,
        # Mail clients offer their own "unsubscribe" button from this header (RFC 2369).
        headers={"List-Unsubscribe": f"<{opt_out_link}>"},
    )


async def decision_message(db: AsyncSession, settings: Settings, inv: Invitation) -> EmailMessage | None:
    """The decision email of ``inv``'s current decision, or None when it has none."""
    if inv.decision is None:
        return None
    rendered = await _render_for(db, inv, "decision", {"decision": DECISION_SENTENCES[inv.decision]})
    return build_message(
        rendered,
        to_name=inv.candidate_name,
        to_address=inv.candidate_email,
        from_address=settings.email.from_address,
    )
