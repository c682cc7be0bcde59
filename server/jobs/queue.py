"""Where jobs wait: an in-process asyncio queue, or SAQ (PostgreSQL/Redis) for scale-out.

Tasks are ``async def task(ctx: JobContext, **kwargs) -> None``, registered by name. Each
job has a key; a job whose key is already waiting or running is not enqueued twice. Retry
and failure bookkeeping lives in the task code and the database (so it is the same on both
backends and survives restarts); a queue only has to run each job at least once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

import structlog

__all__ = ["InProcessQueue", "JobQueue", "SaqQueue", "TaskFn"]

log = structlog.get_logger(__name__)

TaskFn = Callable[..., Awaitable[None]]


class JobQueue(Protocol):
    """Enqueue named jobs; ``start``/``stop`` bracket the queue's life in a process.

    ``start`` gets the process's job context (what an in-process queue hands its tasks; SAQ
    workers build their own).
    """

    async def start(self, context: object) -> None: ...

    async def stop(self) -> None: ...

    async def enqueue(self, task: str, *, key: str, delay_s: float = 0.0, **kwargs: Any) -> None: ...


class InProcessQueue:
    """Runs jobs on the app's own event loop with a few concurrent workers.

    Heavy work inside tasks goes to threads (``asyncio.to_thread``), so the loop stays free.
    """

    def __init__(self, tasks: Mapping[str, TaskFn], *, concurrency: int = 1) -> None:
        self._tasks = tasks
        self._context: object = None
        self._concurrency = max(1, concurrency)
        self._queue: asyncio.Queue[tuple[str, str, dict[str, Any]]] = asyncio.Queue()
        self._keys: set[str] = set()
        self._timers: set[asyncio.TimerHandle] = set()
        self._workers: list[asyncio.Task[None]] = []
        self._running = 0
        self.completed = 0
        self.errors = 0

    async def start(self, context: object) -> None:
        self._context = context
        self._workers = [
            asyncio.create_task(self._work(), name=f"viva-job-worker-{i}") for i in range(self._concurrency)
        ]

    async def stop(self) -> None:
        for handle in self._timers:
            handle.cancel()
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []

    async def enqueue(self, task: str, *, key: str, delay_s: float = 0.0, **kwargs: Any) -> None:
        if task not in self._tasks:
            raise KeyError(f"unknown task {task!r}")
        if key in self._keys:
            return
        self._keys.add(key)
        if delay_s > 0:
            loop = asyncio.get_running_loop()
            handle = loop.call_later(delay_s, self._queue.put_nowait, (task, key, kwargs))
            self._timers.add(handle)
        else:
            self._queue.put_nowait((task, key, kwargs))

    async def join(self, timeout: float | None = None) -> None:
        """Wait until nothing is waiting, scheduled or running (tests and the CLI use this)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self._keys or self._running:
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"jobs still pending: {sorted(self._keys)}")
            await asyncio.sleep(0.05)

    async def _work(self) -> None:
        while True:
            task, key, kwargs = await self._queue.get()
            # A retry scheduled by the task itself for the same key must be accepted.
            self._keys.discard(key)
            self._running += 1
            try:
                await self._tasks[task](self._context, **kwargs)
                self.completed += 1
            except asyncio.CancelledError:
                raise
            except Exception:
                self.errors += 1
                log.exception("job_crashed", task=task, key=key)
            finally:
                self._running -= 1
                self._queue.task_done()


class SaqQueue:
    """Enqueues onto SAQ; ``viva worker`` processes run the same task functions.

    A job's worker touches it every few seconds while it runs (see ``viva worker``); a job
    left untouched for ``heartbeat_s`` (its worker was killed) is swept and run again, up to
    ``crash_retries`` times. Task code catches its own errors, so SAQ retries only crashes.
    """

    def __init__(self, url: str, *, heartbeat_s: float = 30.0, crash_retries: int = 3) -> None:
        from saq import Queue

        self.url = url
        self.queue = Queue.from_url(url, name="viva")
        self.heartbeat_s = max(1, round(heartbeat_s))
        self.crash_retries = crash_retries

    async def start(self, context: object = None) -> None:
        await self.queue.connect()

    async def stop(self) -> None:
        await self.queue.disconnect()

    async def enqueue(self, task: str, *, key: str, delay_s: float = 0.0, **kwargs: Any) -> None:
        scheduled = int(time.time() + delay_s) if delay_s > 0 else 0
        await self.queue.enqueue(
            task,
            key=key,
            scheduled=scheduled,
            timeout=3600,
            heartbeat=self.heartbeat_s,
            retries=1 + self.crash_retries,
            **kwargs,
        )
