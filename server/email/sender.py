"""Send one message over SMTP with aiosmtplib, as configured in :class:`EmailSettings`."""

from __future__ import annotations

from email.message import EmailMessage

import aiosmtplib

from server.settings import EmailSettings

__all__ = ["EmailDisabled", "send_message"]


class EmailDisabled(RuntimeError):
    """No SMTP host is configured: email is off and links are shared by hand."""


async def send_message(settings: EmailSettings, message: EmailMessage) -> None:
    """Deliver ``message`` to the configured SMTP server; raises on any SMTP or network error."""
    if not settings.enabled:
        raise EmailDisabled("email is not configured (set VIVA_SMTP_HOST)")
    if "From" not in message:
        message["From"] = settings.from_address
    await aiosmtplib.send(
        message,
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=settings.smtp_password,
        use_tls=settings.smtp_tls,
        start_tls=settings.smtp_starttls and not settings.smtp_tls,
        timeout=settings.timeout_s,
    )
