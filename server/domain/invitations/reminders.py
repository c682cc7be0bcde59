"""Automatic reminders: to candidates who have not started, and to those not finished before expiry.

Rules are per assessment (``AssessmentSettings.reminders``, ``remind_not_started_days``,
``remind_before_expiry_days``; on by default) and apply only when the server has email. A
periodic job (:func:`send_due_reminders`, in-process or on a SAQ worker) finds the due ones and
sends each through the email outbox's SMTP sender with the candidate's own link (kept sealed on
the invitation while email is on).

At most one reminder per rule per candidate: a reminder is claimed by inserting its unique
``(invitation, rule)`` row in a transaction of its own; of several workers running the job at
once, only the one whose insert commits sends it. A failed send is retried by a later run
(claimed again by a compare-and-set on its tries), up to ``VIVA_EMAIL_MAX_TRIES``.

Every reminder carries an opt-out link: a token signed with the installation's secret key
(:func:`opt_out_token`), honoured by :func:`opt_out` (the candidate's confirmation page).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import structlog
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.sealing import unseal
from server.auth.tokens import hash_token
from server.db.models import Invitation, InvitationReminder, InvitationStatus, Organization
from server.domain.invitations.email_templates import reminder_message
from server.email.sender import send_message
from server.jobs.context import JobContext
from server.settings import Settings

__all__ = [
    "REMINDER_TASK",
    "RULES",
    "OptOutView",
    "due_rules",
    "opt_out",
    "opt_out_token",
    "opt_out_view",
    "read_opt_out_token",
    "run_reminders",
    "send_due_reminders",
]

log = structlog.get_logger(__name__)

REMINDER_TASK = "send_due_reminders"
NOT_STARTED = "not_started"
BEFORE_EXPIRY = "before_expiry"
RULES = (BEFORE_EXPIRY, NOT_STARTED)  # the more urgent first: one reminder per candidate per run
# A claim whose worker died between claiming and recording the outcome is taken over after this.
STALE_CLAIM = timedelta(minutes=15)


# --- the opt-out link ---------------------------------------------------------------------------


def _signature(secret_key: str, invitation_id: uuid.UUID) -> str:
    mac = hmac.new(
        hashlib.sha256(b"viva-reminder-opt-out-v1:" + secret_key.encode()).digest(),
        invitation_id.bytes,
        hashlib.sha256,
    ).digest()
    return base64.urlsafe_b64encode(mac[:18]).decode("ascii")


def opt_out_token(secret_key: str, invitation_id: uuid.UUID) -> str:
    """The signed token of the invitation's opt-out link (stable: it never expires)."""
    return f"{invitation_id.hex}.{_signature(secret_key, invitation_id)}"


def read_opt_out_token(secret_key: str, token: str) -> uuid.UUID | None:
    """The invitation an opt-out token names, or None when it is malformed or not ours."""
    head, _, sig = token.partition(".")
    try:
        iid = uuid.UUID(hex=head)
    except ValueError:
        return None
    if not hmac.compare_digest(sig.encode(), _signature(secret_key, iid).encode()):
        return None
    return iid


@dataclass(frozen=True)
class OptOutView:
    organization: str
    assessment_title: str
    opted_out: bool


async def opt_out_view(db: AsyncSession, inv: Invitation) -> OptOutView:
    org = await db.get(Organization, inv.organization_id)
    return OptOutView(
        organization=org.name if org else "The hiring team",
        assessment_title=inv.assessment.title,
        opted_out=inv.reminders_opted_out_at is not None,
    )


async def opt_out(db: AsyncSession, inv: Invitation) -> OptOutView:
    """No more automatic reminders to this candidate (idempotent); the caller commits."""
    inv.reminders_opted_out_at = inv.reminders_opted_out_at or datetime.now(UTC)
    await db.flush()
    return await opt_out_view(db, inv)


# --- which reminders are due ----------------------------------------------------------------------


def due_rules(inv: Invitation, now: datetime) -> list[str]:
    """The reminder rules that apply to ``inv`` at ``now`` (whether already sent or not)."""
    s = inv.assessment.settings
    if not s.reminders or inv.reminders_opted_out_at is not None or inv.revoked_at is not None:
        return []
    if inv.status not in (InvitationStatus.INVITED, InvitationStatus.STARTED) or inv.expires_at <= now:
        return []
    rules: list[str] = []
    if s.remind_before_expiry_days > 0 and inv.expires_at - now <= timedelta(
        days=s.remind_before_expiry_days
    ):
        rules.append(BEFORE_EXPIRY)
    if (
        s.remind_not_started_days > 0
        and inv.status is InvitationStatus.INVITED
        and now - inv.created_at >= timedelta(days=s.remind_not_started_days)
    ):
        rules.append(NOT_STARTED)
    return rules


async def _claim(ctx: JobContext, invitation_id: uuid.UUID, rule: str, now: datetime) -> int | None:
    """Claim the reminder in a transaction of its own; its tries so far, or None if not ours."""
    max_tries = ctx.settings.email.max_tries
    async with ctx.sessions() as db:
        existing = (
            await db.execute(
                select(InvitationReminder).where(
                    InvitationReminder.invitation_id == invitation_id, InvitationReminder.rule == rule
                )
            )
        ).scalar_one_or_none()
        if existing is None:
            db.add(
                InvitationReminder(invitation_id=invitation_id, rule=rule, status="sending", claimed_at=now)
            )
            try:
                await db.commit()
            except IntegrityError:  # another worker claimed it first
                await db.rollback()
                return None
            return 0
        retryable = existing.status == "failed" and existing.tries < max_tries
        stale = existing.status == "sending" and existing.claimed_at < now - STALE_CLAIM
        if not (retryable or stale):
            return None
        tries = existing.tries
        taken = await db.execute(
            update(InvitationReminder)
            .where(
                InvitationReminder.id == existing.id,
                InvitationReminder.status == existing.status,
                InvitationReminder.tries == tries,
                InvitationReminder.claimed_at == existing.claimed_at,
            )
            .values(status="sending", claimed_at=now)
        )
        await db.commit()
        return tries if taken.rowcount == 1 else None  # type: ignore[attr-defined]


async def _record(ctx: JobContext, invitation_id: uuid.UUID, rule: str, error: str | None) -> None:
    async with ctx.sessions() as db:
        row = (
            await db.execute(
                select(InvitationReminder).where(
                    InvitationReminder.invitation_id == invitation_id, InvitationReminder.rule == rule
                )
            )
        ).scalar_one()
        row.tries += 1
        if error is None:
            row.status, row.sent_at, row.last_error = "sent", datetime.now(UTC), None
        else:
            row.status, row.last_error = "failed", error[:500]
        await db.commit()


async def _message(db: AsyncSession, settings: Settings, inv: Invitation, rule: str) -> EmailMessage | None:
    """The reminder email with the candidate's own link, or None when the link is not at hand."""
    if inv.link_sealed is None:
        return None
    try:
        token = unseal(settings.app.secret_key, inv.link_sealed)
    except ValueError:
        return None
    if hash_token(token) != inv.token_hash:
        return None  # an old link: a resend seals the new one
    base = settings.app.public_url
    return await reminder_message(
        db,
        settings,
        inv,
        rule=rule,
        link=f"{base}/i/{token}",
        opt_out_link=f"{base}/opt-out/{opt_out_token(settings.app.secret_key, inv.id)}",
    )


async def send_due_reminders(ctx: JobContext) -> None:
    """The periodic job: send every reminder due now."""
    await run_reminders(ctx)


async def run_reminders(ctx: JobContext, *, now: datetime | None = None) -> int:
    """Send every reminder due at ``now``; returns how many were sent."""
    settings = ctx.settings
    if not settings.email.enabled:
        return 0
    now = now or datetime.now(UTC)
    async with ctx.sessions() as db:
        # Clear the sealed link of invitations that are over: reminders can no longer apply.
        await db.execute(
            update(Invitation)
            .where(
                Invitation.link_sealed.is_not(None),
                or_(
                    Invitation.status.in_((InvitationStatus.COMPLETED, InvitationStatus.REVOKED)),
                    Invitation.expires_at <= now,
                ),
            )
            .values(link_sealed=None)
        )
        await db.commit()
        candidates = list(
            (
                await db.execute(
                    select(Invitation).where(
                        Invitation.status.in_((InvitationStatus.INVITED, InvitationStatus.STARTED)),
                        Invitation.expires_at > now,
                        Invitation.revoked_at.is_(None),
                        Invitation.reminders_opted_out_at.is_(None),
                        Invitation.link_sealed.is_not(None),
                    )
                )
            ).scalars()
        )
        due = [(inv.id, rule) for inv in candidates for rule in due_rules(inv, now)]
    sent = 0
    done: set[uuid.UUID] = set()
    for invitation_id, rule in due:
        if invitation_id in done:
            continue  # one reminder per candidate per run; the other rule waits for the next
        tries = await _claim(ctx, invitation_id, rule, now)
        if tries is None:
            continue
        async with ctx.sessions() as db:
            inv = await db.get(Invitation, invitation_id)
            # Read again after the claim: the candidate may have finished or opted out meanwhile.
            message = None
            if inv is not None and rule in due_rules(inv, datetime.now(UTC)):
                message = await _message(db, settings, inv, rule)
        if message is None:
            await _record(ctx, invitation_id, rule, "Not sent: no longer due, or the link is not at hand.")
            continue
        error: str | None = None
        try:
            await send_message(settings.email, message)
        except Exception as exc:  # SMTP refusals, timeouts, DNS: a later run retries
            error = f"{type(exc).__name__}: {exc}"
        await _record(ctx, invitation_id, rule, error)
        done.add(invitation_id)
        if error is None:
            sent += 1
            log.info("reminder_sent", invitation_id=str(invitation_id), rule=rule, tries=tries + 1)
        else:
            log.warning("reminder_failed", invitation_id=str(invitation_id), rule=rule, error=error)
    return sent
