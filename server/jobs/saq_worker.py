"""``viva worker``: the same task code as in-process jobs, run by SAQ workers at scale."""

from __future__ import annotations

import asyncio
from typing import Any

import structlog

from server.domain.integrations.delivery import dispatch_webhooks as _dispatch_webhooks
from server.domain.invitations.emails import recover_invitation_emails
from server.domain.invitations.emails import send_invitation_email as _send_invitation_email
from server.domain.privacy.retention import apply_retention as _apply_retention
from server.jobs.pipeline import process_response as _process_response
from server.jobs.pipeline import recover
from server.jobs.queue import SaqQueue
from server.settings import Settings

__all__ = ["run_worker"]

log = structlog.get_logger(__name__)


async def process_response(ctx: dict[str, Any], *, response_id: str) -> None:
    """SAQ entry point (SAQ registers functions by ``__name__``)."""
    await _process_response(ctx["viva"], response_id=response_id)


async def send_invitation_email(ctx: dict[str, Any], *, invitation_id: str, token_digest: str) -> None:
    await _send_invitation_email(ctx["viva"], invitation_id=invitation_id, token_digest=token_digest)


async def dispatch_webhooks(ctx: dict[str, Any]) -> None:
    await _dispatch_webhooks(ctx["viva"])


async def apply_retention(ctx: dict[str, Any]) -> None:
    await _apply_retention(ctx["viva"])


def run_worker(settings: Settings) -> None:
    """Run a SAQ worker until interrupted; models load once, on the first job."""
    from saq import Worker

    from server.jobs.runtime import build_context

    if settings.jobs.backend != "saq" or not settings.jobs.saq_url:
        raise SystemExit("viva worker needs VIVA_JOBS_BACKEND=saq and VIVA_SAQ_URL "
                         "(postgresql://... or redis://...); with the default in-process "
                         "backend the app processes jobs itself.")
    queue = SaqQueue(settings.jobs.saq_url)

    async def startup(ctx: dict[str, Any]) -> None:
        context, engine = build_context(settings)
        context.queue = queue
        ctx["viva"] = context
        ctx["engine"] = engine
        await recover(context)
        await recover_invitation_emails(context)

    async def shutdown(ctx: dict[str, Any]) -> None:
        await ctx["engine"].dispose()

    functions = [process_response, send_invitation_email, dispatch_webhooks, apply_retention]
    worker = Worker(queue.queue, functions=functions,  # type: ignore[type-var,arg-type]
                    concurrency=settings.jobs.concurrency, startup=startup, shutdown=shutdown)
    log.info("worker_starting", backend="saq", concurrency=settings.jobs.concurrency)

    async def main() -> None:
        await queue.start()  # opens the connection pool the worker polls with
        try:
            await worker.start()
        finally:
            await queue.stop()

    asyncio.run(main())
