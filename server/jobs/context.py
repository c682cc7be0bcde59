"""What every job gets: settings, database sessions, the object store, models, the queue."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from media.object_store import ObjectStore
from server.jobs.models import ModelHub
from server.jobs.queue import JobQueue
from server.settings import Settings

__all__ = ["JobContext"]


@dataclass(frozen=True, kw_only=True)
class JobContext:
    """Built whole, once per process (``server.jobs.runtime.build_context``)."""

    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    store: ObjectStore
    models: ModelHub
    queue: JobQueue

    async def start(self) -> None:
        """Start the queue; an in-process one runs its jobs with this context."""
        await self.queue.start(self)

    async def enqueue_processing(
        self, response_id: uuid.UUID | str, *, delay_s: float = 0.0, retry: int = 0
    ) -> None:
        """Queue the response's processing; a retry gets its own key.

        A retry is enqueued from inside the job that failed, while that job's key is still
        active: SAQ ignores a new job under an active key, so the retry would be lost. The
        pipeline is idempotent, so two keys for one response cannot do the work twice.
        """
        key = f"process:{response_id}" if retry == 0 else f"process:{response_id}:retry:{retry}"
        await self.queue.enqueue("process_response", key=key, delay_s=delay_s, response_id=str(response_id))
