"""Invitation emails: queued with the change that creates the link, sent by a retried job.

The raw link token exists only in the request that made it; so that a job (possibly after a
restart, possibly on a SAQ worker) can still build the link, the outbox row keeps it sealed
(:mod:`server.auth.sealing`) until it is sent or given up, then clears it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Literal

import msgspec
import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.sealing import seal, unseal
from server.auth.tokens import hash_token
from server.db.models import Invitation, InvitationEmail, InvitationStatus
from server.domain.invitations.email_templates import invitation_message
from server.email.sender import send_message
from server.jobs.context import JobContext
from server.settings import Settings

__all__ = [
    "EmailNotice",
    "EmailState",
    "email_notice",
    "email_state",
    "enqueue_invitation_email",
    "queue_invitation_email",
    "recover_invitation_emails",
    "send_invitation_email",
]

log = structlog.get_logger(__name__)

TASK = "send_invitation_email"


class EmailNotice(msgspec.Struct):
    """What happens to the invitation email(s) of a request."""

    status: Literal["queued", "disabled"]
    message: str


class EmailState(msgspec.Struct):
    """Where one invitation's email is."""

    status: Literal["not_sent", "queued", "sent", "failed"]
    tries: int = 0
    queued_at: datetime | None = None
    sent_at: datetime | None = None
    last_error: str | None = None


def email_notice(settings: Settings, count: int = 1) -> EmailNotice:
    if not settings.email.enabled:
        return EmailNotice(
            status="disabled",
            message=(
                "Email is not configured on this server (VIVA_SMTP_HOST), so nothing was sent: "
                "share the link with the candidate yourself."
            ),
        )
    what = "The invitation email is" if count == 1 else f"{count} invitation emails are"
    return EmailNotice(
        status="queued", message=f"{what} being sent; check the invitation's email status for delivery."
    )


def email_state(row: InvitationEmail | None) -> EmailState:
    if row is None:
        return EmailState(status="not_sent")
    return EmailState(
        status=row.status,  # type: ignore[arg-type]
        tries=row.tries,
        queued_at=row.queued_at,
        sent_at=row.sent_at,
        last_error=row.last_error,
    )


async def queue_invitation_email(
    db: AsyncSession, settings: Settings, inv: Invitation, token: str
) -> InvitationEmail | None:
    """Mark the invitation's email as queued (in the caller's transaction); None if email is off."""
    if not settings.email.enabled:
        return None
    row = (
        await db.execute(select(InvitationEmail).where(InvitationEmail.invitation_id == inv.id))
    ).scalar_one_or_none()
    if row is None:
        row = InvitationEmail(invitation_id=inv.id, queued_at=datetime.now(UTC))
        db.add(row)
    row.status, row.tries, row.queued_at = "queued", 0, datetime.now(UTC)
    row.sent_at, row.last_error = None, None
    row.token_sealed = seal(settings.app.secret_key, token)
    inv.link_sealed = row.token_sealed  # the automatic reminders carry the same link
    return row


async def enqueue_invitation_email(jobs: JobContext, inv: Invitation, *, delay_s: float = 0.0) -> None:
    """Start the send job (after the queuing transaction committed)."""
    await jobs.queue.enqueue(
        TASK,
        key=f"email:{inv.id}:{inv.token_hash[:12]}",
        delay_s=delay_s,
        invitation_id=str(inv.id),
        token_digest=inv.token_hash[:12],
    )


async def send_invitation_email(ctx: JobContext, *, invitation_id: str, token_digest: str) -> None:
    """Send one invitation email; retried with exponential backoff, then marked failed."""
    iid = uuid.UUID(invitation_id)
    settings = ctx.settings
    async with ctx.sessions() as db:
        row = (
            await db.execute(select(InvitationEmail).where(InvitationEmail.invitation_id == iid))
        ).scalar_one_or_none()
        inv = await db.get(Invitation, iid)
        if row is None or inv is None or row.status != "queued" or row.token_sealed is None:
            return
        if not inv.token_hash.startswith(token_digest):
            return  # a resend replaced this link; its own job sends the new one
        if inv.status in (InvitationStatus.REVOKED, InvitationStatus.COMPLETED):
            row.status, row.token_sealed = "failed", None
            row.last_error = f"Not sent: the invitation is {inv.status.value}."
            await db.commit()
            return
        try:
            token = unseal(settings.app.secret_key, row.token_sealed)
        except ValueError as exc:
            row.status, row.token_sealed, row.last_error = "failed", None, f"{exc}; resend it."
            await db.commit()
            return
        if hash_token(token) != inv.token_hash:
            return
        message = await invitation_message(db, settings, inv, link=f"{settings.app.public_url}/i/{token}")
        sealed = row.token_sealed
    error: str | None = None
    try:
        await send_message(settings.email, message)
    except Exception as exc:  # SMTP refusals, timeouts, DNS: all worth a retry
        error = f"{type(exc).__name__}: {exc}"[:500]
    max_tries = settings.email.max_tries
    async with ctx.sessions() as db:
        row = (
            await db.execute(select(InvitationEmail).where(InvitationEmail.invitation_id == iid))
        ).scalar_one_or_none()
        if row is None or row.token_sealed != sealed:
            return  # erased or resent meanwhile
        row.tries += 1
        tries = row.tries
        if error is None:
            row.status, row.sent_at, row.token_sealed, row.last_error = (
                "sent",
                datetime.now(UTC),
                None,
                None,
            )
        elif tries >= max_tries:
            row.status, row.token_sealed = "failed", None
            row.last_error = f"Gave up after {tries} tries; last error: {error}. Resend it."
        else:
            row.last_error = f"Try {tries} of {max_tries} failed, retrying: {error}"
        await db.commit()
    if error is None:
        log.info("invitation_email_sent", invitation_id=invitation_id, tries=tries)
    elif tries < max_tries:
        delay = settings.email.backoff_seconds * 2 ** (tries - 1)
        log.warning(
            "invitation_email_retry", invitation_id=invitation_id, tries=tries, delay_s=delay, error=error
        )
        await ctx.queue.enqueue(
            TASK,
            key=f"email:{iid}:{token_digest}",
            delay_s=delay,
            invitation_id=invitation_id,
            token_digest=token_digest,
        )
    else:
        log.error("invitation_email_failed", invitation_id=invitation_id, error=error)


async def recover_invitation_emails(ctx: JobContext) -> int:
    """Queue again every email a restart left waiting (their retry timers died with it)."""
    async with ctx.sessions() as db:
        rows = (
            (
                await db.execute(
                    select(Invitation)
                    .join(InvitationEmail, InvitationEmail.invitation_id == Invitation.id)
                    .where(InvitationEmail.status == "queued")
                )
            )
            .scalars()
            .all()
        )
    for inv in rows:
        await enqueue_invitation_email(ctx, inv)
    return len(rows)
