"""Recurring jobs, enqueued on a timer by the web process: once at start, then every interval.

The queue's job keys keep one run of each waiting at a time, so a slow run is never doubled
up; with SAQ the jobs run on workers like every other.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping

import structlog

from server.jobs.queue import JobQueue

__all__ = ["Periodic"]

log = structlog.get_logger(__name__)


class Periodic:
    """Enqueue each task of ``schedule`` (name -> seconds) on the queue, forever."""

    def __init__(self, queue: JobQueue, schedule: Mapping[str, float]) -> None:
        self._queue = queue
        self._schedule = {name: s for name, s in schedule.items() if s > 0}
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._loop(name, every), name=f"viva-periodic-{name}")
            for name, every in self._schedule.items()
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def _loop(self, name: str, every: float) -> None:
        while True:
            try:
                await self._queue.enqueue(name, key=f"periodic:{name}")
            except Exception:  # the queue being briefly unavailable must not end the loop
                log.exception("periodic_enqueue_failed", task=name)
            await asyncio.sleep(every)
