"""Building the job machinery for a process (the app's in-process queue, or a worker)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from media.object_store import ObjectStore
from server.db.engine import create_engine, session_maker
from server.domain.accounts.emails import send_account_email
from server.domain.integrations.delivery import dispatch_webhooks
from server.domain.invitations.decision_emails import DECISION_TASK, send_decision_emails
from server.domain.invitations.emails import send_invitation_email
from server.domain.invitations.reminders import REMINDER_TASK, send_due_reminders
from server.domain.privacy.retention import apply_retention
from server.jobs.context import JobContext
from server.jobs.models import ModelHub
from server.jobs.periodic import Periodic
from server.jobs.pipeline import process_response
from server.jobs.queue import InProcessQueue, JobQueue, SaqQueue, TaskFn
from server.jobs.recalibration import RECALIBRATE_TASK, recalibrate_suggestions
from server.settings import Settings
from server.storage import build_object_store

__all__ = ["TASKS", "build_context", "build_periodic", "build_queue"]

TASKS: dict[str, TaskFn] = {
    "process_response": process_response,
    "send_invitation_email": send_invitation_email,
    "send_account_email": send_account_email,
    "dispatch_webhooks": dispatch_webhooks,
    "apply_retention": apply_retention,
    RECALIBRATE_TASK: recalibrate_suggestions,
    REMINDER_TASK: send_due_reminders,
    DECISION_TASK: send_decision_emails,
}


def build_context(
    settings: Settings,
    engine: AsyncEngine | None = None,
    *,
    store: ObjectStore | None = None,
    queue: JobQueue | None = None,
) -> tuple[JobContext, AsyncEngine]:
    """Everything jobs need, in one step: the process's engine, object store and queue (given,
    or built from ``settings``); start it with ``await ctx.start()``."""
    engine = engine or create_engine(settings.db)
    models = ModelHub(settings.models, cache_dir=str(settings.app.data_dir / "models"))
    ctx = JobContext(
        settings=settings,
        sessions=session_maker(engine),
        store=store or build_object_store(settings.storage),
        models=models,
        queue=queue or build_queue(settings),
    )
    return ctx, engine


def build_queue(settings: Settings) -> JobQueue:
    """In-process by default; SAQ when ``VIVA_JOBS_BACKEND=saq`` (then ``viva worker`` runs jobs)."""
    if settings.jobs.backend == "saq":
        if not settings.jobs.saq_url:
            raise ValueError("VIVA_JOBS_BACKEND=saq needs VIVA_SAQ_URL")
        return SaqQueue(settings.jobs.saq_url, heartbeat_s=settings.jobs.heartbeat_seconds)
    if settings.jobs.backend != "inprocess":
        raise ValueError(f"unknown VIVA_JOBS_BACKEND {settings.jobs.backend!r}: use 'inprocess' or 'saq'")
    return InProcessQueue(TASKS, concurrency=settings.jobs.concurrency)


def build_periodic(settings: Settings, queue: JobQueue) -> Periodic:
    """Webhook deliveries every few seconds, media retention and due reminders every hour, queued
    decision emails every few seconds (all at start); the emails only when the server has email."""
    return Periodic(
        queue,
        {
            "dispatch_webhooks": settings.webhooks.poll_seconds,
            "apply_retention": settings.privacy.retention_interval_seconds,
            REMINDER_TASK: settings.email.reminder_interval_seconds if settings.email.enabled else 0,
            DECISION_TASK: settings.email.poll_seconds if settings.email.enabled else 0,
        },
    )
