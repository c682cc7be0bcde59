"""Emailing a set-password link (a staff invitation or a password reset), as a job.

The link's token is sealed (encrypted) into the job's arguments: the database keeps only its
hash. The job sends nothing for a link that was spent, replaced or expired meanwhile, and
retries an SMTP failure with exponential backoff up to ``VIVA_EMAIL_MAX_TRIES``.
"""

from __future__ import annotations

import html
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

import structlog

from server.auth.sealing import seal, unseal
from server.auth.tokens import hash_token
from server.db.models import AccountToken, AccountTokenPurpose, Organization
from server.email.sender import send_message
from server.jobs.context import JobContext
from server.jobs.queue import JobQueue
from server.settings import Settings

__all__ = ["TASK", "account_link_email", "link_url", "queue_account_email", "send_account_email"]

log = structlog.get_logger(__name__)

TASK = "send_account_email"


def link_url(settings: Settings, token: str) -> str:
    """Where the link's holder sets their password (the frontend's page)."""
    return f"{settings.app.public_url}/account/{token}"


def account_link_email(
    *,
    purpose: AccountTokenPurpose,
    to_name: str,
    to_address: str,
    from_address: str,
    organization: str,
    link: str,
    expires_at: datetime,
) -> EmailMessage:
    msg = EmailMessage()
    until = f"{expires_at:%d %B %Y, %H:%M} UTC"
    if purpose is AccountTokenPurpose.INVITE:
        msg["Subject"] = f"You are invited to {organization} on Viva"
        lead = f"{organization} invites you to review candidates on Viva. Set your password:"
    else:
        msg["Subject"] = "Reset your Viva password"
        lead = "Someone asked to reset the password of your Viva account. Set a new one:"
    msg["From"] = from_address
    msg["To"] = formataddr((to_name, to_address))
    msg["Message-ID"] = make_msgid(domain=from_address.rsplit("@", 1)[-1].strip("> ") or None)
    tail = (
        "The link works once, until " + until + ". If you did not expect this email, "
        "ignore it: nothing changes."
    )
    msg.set_content(f"Hello {to_name},\n\n{lead}\n{link}\n\n{tail}\n")
    e = html.escape
    msg.add_alternative(
        f"<p>Hello {e(to_name)},</p><p>{e(lead)}</p>"
        f'<p><a href="{e(link, quote=True)}">Set your password</a></p>'
        f"<p>{e(tail)}</p>",
        subtype="html",
    )
    return msg


async def queue_account_email(queue: JobQueue, settings: Settings, row: AccountToken, token: str) -> None:
    """Start the send job (after the link's transaction committed)."""
    await queue.enqueue(
        TASK,
        key=f"account-email:{row.id}",
        token_id=str(row.id),
        sealed=seal(settings.app.secret_key, token),
        tries=0,
    )


async def send_account_email(ctx: JobContext, *, token_id: str, sealed: str, tries: int = 0) -> None:
    settings = ctx.settings
    async with ctx.sessions() as db:
        row = await db.get(AccountToken, uuid.UUID(token_id))
        if row is None or row.used_at is not None or row.expires_at <= datetime.now(UTC):
            return
        try:
            token = unseal(settings.app.secret_key, sealed)
        except ValueError:
            log.error("account_email_unreadable", token_id=token_id)
            return
        if hash_token(token) != row.token_hash:
            return
        org = await db.get(Organization, row.user.organization_id)
        message = account_link_email(
            purpose=row.purpose,
            to_name=row.user.name,
            to_address=row.user.email,
            from_address=settings.email.from_address,
            organization=org.name if org else "Viva",
            link=link_url(settings, token),
            expires_at=row.expires_at,
        )
    try:
        await send_message(settings.email, message)
    except Exception as exc:  # SMTP refusals, timeouts, DNS: all worth a retry
        tries += 1
        if tries >= settings.email.max_tries:
            log.error("account_email_failed", token_id=token_id, error=str(exc)[:300])
            return
        delay = settings.email.backoff_seconds * 2 ** (tries - 1)
        log.warning("account_email_retry", token_id=token_id, tries=tries, delay_s=delay)
        await ctx.queue.enqueue(
            TASK,
            key=f"account-email:{token_id}:{tries}",
            delay_s=delay,
            token_id=token_id,
            sealed=sealed,
            tries=tries,
        )
        return
    log.info("account_email_sent", token_id=token_id)
