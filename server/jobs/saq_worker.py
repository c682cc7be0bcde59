"""``viva worker``: the same task code as in-process jobs, run by SAQ workers at scale."""

from __future__ import annotations

import asyncio
from typing import Any

import structlog

from server.jobs.pipeline import process_response as _process_response
from server.jobs.pipeline import recover
from server.jobs.queue import SaqQueue
from server.settings import Settings

__all__ = ["run_worker"]

log = structlog.get_logger(__name__)


async def process_response(ctx: dict[str, Any], *, response_id: str) -> None:
    """SAQ entry point (SAQ registers functions by ``__name__``)."""
    await _process_response(ctx["viva"], response_id=response_id)


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

    async def shutdown(ctx: dict[str, Any]) -> None:
        await ctx["engine"].dispose()

    worker = Worker(queue.queue, functions=[process_response],  # type: ignore[type-var]
                    concurrency=settings.jobs.concurrency, startup=startup, shutdown=shutdown)
    log.info("worker_starting", backend="saq", concurrency=settings.jobs.concurrency)

    async def main() -> None:
        await queue.start()  # opens the connection pool the worker polls with
        try:
            await worker.start()
        finally:
            await queue.stop()

    asyncio.run(main())
