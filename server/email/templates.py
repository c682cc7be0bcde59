"""The emails Viva sends, as plain text with an HTML alternative."""

from __future__ import annotations

import html
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

__all__ = ["invitation_email"]


def invitation_email(
    *,
    to_name: str,
    to_address: str,
    from_address: str,
    organization: str,
    assessment_title: str,
    link: str,
    expires_at: datetime,
    extra_time_pct: int = 0,
    reminder: bool = False,
    contact_email: str | None = None,
    privacy_url: str | None = None,
) -> EmailMessage:
    """The candidate's invitation (or its resend) with their personal link."""
    msg = EmailMessage()
    subject = f"Your interview for {assessment_title} at {organization}"
    msg["Subject"] = ("Reminder: " if reminder else "") + subject
    msg["From"] = from_address
    msg["To"] = formataddr((to_name, to_address))
    msg["Message-ID"] = make_msgid(domain=from_address.rsplit("@", 1)[-1].strip("> ") or None)
    until = f"{expires_at:%d %B %Y, %H:%M} UTC"
    extra = f"\nYou have {extra_time_pct}% extra time on every question.\n" if extra_time_pct else ""
    text = (
        f"Hello {to_name},\n\n"
        f"{organization} invites you to a recorded interview for {assessment_title}.\n"
        f"You answer in your own time; the link works until {until}.\n{extra}\n"
        f"Start here: {link}\n\n"
        "The link is personal: do not forward it. If it was sent to you by mistake, ignore "
        "this email.\n"
    )
    if contact_email:
        text += (
            f"\nQuestions, or need an accommodation such as extra time? Write to "
            f"{organization} at {contact_email}.\n"
        )
    if privacy_url:
        text += f"How {organization} handles your data: {privacy_url}\n"
    msg.set_content(text)
    e = html.escape
    extra_html = f"<p>You have {extra_time_pct}% extra time on every question.</p>" if extra_time_pct else ""
    msg.add_alternative(
        f"<p>Hello {e(to_name)},</p><p>{e(organization)} invites you to a recorded interview for "
        f"<strong>{e(assessment_title)}</strong>. You answer in your own time; the link works "
        f"until {e(until)}.</p>{extra_html}"
        f'<p><a href="{e(link, quote=True)}">Start the interview</a></p>'
        "<p>The link is personal: do not forward it. If it was sent to you by mistake, ignore "
        "this email.</p>"
        + (
            f"<p>Questions, or need an accommodation such as extra time? Write to "
            f'{e(organization)} at <a href="mailto:{e(contact_email, quote=True)}">'
            f"{e(contact_email)}</a>.</p>"
            if contact_email
            else ""
        )
        + (
            f'<p><a href="{e(privacy_url, quote=True)}">How {e(organization)} handles your data</a></p>'
            if privacy_url
            else ""
        ),
        subtype="html",
    )
    return msg
