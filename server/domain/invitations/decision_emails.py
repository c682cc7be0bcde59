"""Decision emails: the organization's "decision" template sent to a candidate, only when opted in.

``queue_decision_email`` is called with the change that records a decision (in its
transaction); it queues nothing unless the organization turned decision emails on
(``Organization.decision_emails``, off by default) and the server has email. A periodic job
(:func:`send_decision_emails`) sends the queued ones; each is claimed by a compare-and-set on
its status, so several workers never send one twice.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import DecisionEmail, Invitation, InvitationStatus, Organization
from server.domain.invitations.email_templates import decision_message
from server.email.sender import send_message
from server.jobs.context import JobContext

__all__ = ["DECISION_TASK", "queue_decision_email", "send_decision_emails"]

log = structlog.get_logger(__name__)

DECISION_TASK = "send_decision_emails"
STALE_CLAIM = timedelta(minutes=15)


async def queue_decision_email(session: AsyncSession, invitation: Invitation) -> DecisionEmail | None:
    """Queue the email of ``invitation``'s current decision, if its organization opted in.

    None (nothing queued) when decision emails are off for the organization, the invitation
    has no decision or was revoked, or this decision's email is already queued or sent.
    """
    org = await session.get(Organization, invitation.organization_id)
    if org is None or not org.decision_emails or invitation.decision is None:
        return None
    if invitation.status is InvitationStatus.REVOKED:
        return None
    row = (
        await session.execute(select(DecisionEmail).where(DecisionEmail.invitation_id == invitation.id))
    ).scalar_one_or_none()
    decision = invitation.decision.value
    if row is not None and row.decision == decision and row.status in ("queued", "sending", "sent"):
        return None
    if row is None:
        row = DecisionEmail(invitation_id=invitation.id, decision=decision, queued_at=datetime.now(UTC))
        session.add(row)
    row.decision, row.status, row.tries = decision, "queued", 0
    row.queued_at, row.sent_at, row.last_error = datetime.now(UTC), None, None
    await session.flush()
    return row


async def send_decision_emails(ctx: JobContext) -> None:
    """The periodic job: send every queued decision email (retried up to the email tries)."""
    settings = ctx.settings
    now = datetime.now(UTC)
    async with ctx.sessions() as db:
        rows = list(
            (
                await db.execute(
                    select(DecisionEmail).where(
                        or_(
                            DecisionEmail.status == "queued",
                            (DecisionEmail.status == "sending")
                            & (DecisionEmail.queued_at < now - STALE_CLAIM),
                        )
                    )
                )
            ).scalars()
        )
    for row in rows:
        async with ctx.sessions() as db:
            claimed = await db.execute(
                update(DecisionEmail)
                .where(
                    DecisionEmail.id == row.id,
                    DecisionEmail.status == row.status,
                    DecisionEmail.tries == row.tries,
                    DecisionEmail.queued_at == row.queued_at,
                )
                .values(status="sending", queued_at=now)
            )
            await db.commit()
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                continue  # another worker has it
            inv = await db.get(Invitation, row.invitation_id)
            org = await db.get(Organization, inv.organization_id) if inv else None
            message = None
            reason = "Not sent: "
            if inv is None or org is None or not org.decision_emails:
                reason += "decision emails were turned off."
            elif inv.decision is None or inv.decision.value != row.decision:
                reason += "the decision changed."
            elif not settings.email.enabled:
                reason += "email is not configured on this server (VIVA_SMTP_HOST)."
            else:
                message = await decision_message(db, settings, inv)
        error: str | None = reason
        if message is not None:
            try:
                await send_message(settings.email, message)
                error = None
            except Exception as exc:  # SMTP refusals, timeouts: retried by a later run
                error = f"{type(exc).__name__}: {exc}"[:500]
        async with ctx.sessions() as db:
            current = await db.get(DecisionEmail, row.id)
            if current is None or current.status != "sending":
                continue
            current.tries += 1
            if error is None:
                current.status, current.sent_at, current.last_error = "sent", datetime.now(UTC), None
            elif message is None or current.tries >= settings.email.max_tries:
                current.status, current.last_error = "failed", error
            else:
                current.status, current.last_error = "queued", error
            await db.commit()
        log.info("decision_email", invitation_id=str(row.invitation_id), sent=error is None, error=error)
