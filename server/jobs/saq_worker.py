"""``viva worker``: the same task code as in-process jobs, run by SAQ workers at scale."""

from __future__ import annotations

import asyncio
from typing import Any

import structlog

from server.domain.accounts.emails import send_account_email as _send_account_email
from server.domain.integrations.delivery import dispatch_webhooks as _dispatch_webhooks
from server.domain.invitations.decision_emails import send_decision_emails as _send_decision_emails
from server.domain.invitations.emails import recover_invitation_emails
from server.domain.invitations.emails import send_invitation_email as _send_invitation_email
from server.domain.invitations.reminders import send_due_reminders as _send_due_reminders
from server.domain.privacy.retention import apply_retention as _apply_retention
from server.jobs.pipeline import process_response as _process_response
from server.jobs.pipeline import recover
from server.jobs.queue import SaqQueue
from server.jobs.recalibration import recalibrate_suggestions as _recalibrate_suggestions
from server.settings import Settings

__all__ = ["run_worker"]

log = structlog.get_logger(__name__)


async def process_response(ctx: dict[str, Any], *, response_id: str) -> None:
    """SAQ entry point (SAQ registers functions by ``__name__``)."""
    await _process_response(ctx["viva"], response_id=response_id)


async def send_invitation_email(ctx: dict[str, Any], *, invitation_id: str, token_digest: str) -> None:
    await _send_invitation_email(ctx["viva"], invitation_id=invitation_id, token_digest=token_digest)


async def send_account_email(ctx: dict[str, Any], *, token_id: str, sealed: str, tries: int = 0) -> None:
    await _send_account_email(ctx["viva"], token_id=token_id, sealed=sealed, tries=tries)


async def dispatch_webhooks(ctx: dict[str, Any]) -> None:
    await _dispatch_webhooks(ctx["viva"])


async def recalibrate_suggestions(ctx: dict[str, Any], *, organization_id: str) -> None:
    await _recalibrate_suggestions(ctx["viva"], organization_id=organization_id)


async def apply_retention(ctx: dict[str, Any]) -> None:
    await _apply_retention(ctx["viva"])


async def send_due_reminders(ctx: dict[str, Any]) -> None:
    await _send_due_reminders(ctx["viva"])


async def send_decision_emails(ctx: dict[str, Any]) -> None:
    await _send_decision_emails(ctx["viva"])


async def _touch_until_cancelled(job: Any, every_s: float) -> None:
    while True:
        await asyncio.sleep(every_s)
        try:
            await job.update()  # sets ``touched``: the job's worker is alive
        except Exception as exc:  # a database blip must not end the job
            log.warning("job_heartbeat_failed", job=job.key, error=str(exc))


def _heartbeat_hooks(every_s: float) -> tuple[Any, Any]:
    """SAQ hooks that keep a running job's heartbeat fresh, so only a dead worker's jobs
    (killed, out of memory, machine gone) go stale and are swept and run again."""

    async def before_process(ctx: dict[str, Any]) -> None:
        ctx["heartbeat"] = asyncio.create_task(_touch_until_cancelled(ctx["job"], every_s))

    async def after_process(ctx: dict[str, Any]) -> None:
        task = ctx.pop("heartbeat", None)
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    return before_process, after_process


def run_worker(settings: Settings) -> None:
    """Run a SAQ worker until interrupted; models load once, on the first job."""
    from saq import Worker
    from saq.types import PartialTimersDict

    from server.jobs.runtime import build_context

    if settings.jobs.backend != "saq" or not settings.jobs.saq_url:
        raise SystemExit(
            "viva worker needs VIVA_JOBS_BACKEND=saq and VIVA_SAQ_URL "
            "(postgresql://... or redis://...); with the default in-process "
            "backend the app processes jobs itself."
        )
    queue = SaqQueue(settings.jobs.saq_url, heartbeat_s=settings.jobs.heartbeat_seconds)
    beat_s = queue.heartbeat_s
    before_process, after_process = _heartbeat_hooks(max(0.5, beat_s / 4))

    async def startup(ctx: dict[str, Any]) -> None:
        context, engine = build_context(settings, queue=queue)
        ctx["viva"] = context
        ctx["engine"] = engine
        await recover(context)
        await recover_invitation_emails(context)

    async def shutdown(ctx: dict[str, Any]) -> None:
        await ctx["engine"].dispose()

    functions = [
        process_response,
        send_invitation_email,
        send_account_email,
        dispatch_webhooks,
        apply_retention,
        recalibrate_suggestions,
        send_due_reminders,
        send_decision_emails,
    ]
    # Sweep often enough that a dead worker's job is picked up about one heartbeat later.
    timers: PartialTimersDict = {
        "schedule": 1,
        "worker_info": 10,
        "abort": 1,
        "sweep": max(1, min(60, beat_s // 2)),
    }
    worker = Worker(
        queue.queue,
        functions=functions,  # type: ignore[arg-type]
        concurrency=settings.jobs.concurrency,
        startup=startup,
        shutdown=shutdown,
        before_process=before_process,
        after_process=after_process,
        timers=timers,
    )
    log.info("worker_starting", backend="saq", concurrency=settings.jobs.concurrency)

    async def main() -> None:
        await queue.start()  # opens the connection pool the worker polls with
        try:
            await worker.start()
        finally:
            await queue.stop()

    asyncio.run(main())
