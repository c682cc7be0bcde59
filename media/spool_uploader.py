"""The background task that drains the spool into the object store, with backoff."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from media.errors import UploadFailed

if TYPE_CHECKING:
    from media.object_store import ObjectInfo, ObjectStore
    from media.spool import Spool, SpoolEntry

OnUploaded = Callable[["SpoolEntry", "ObjectInfo"], Awaitable[None]]

__all__ = ["SpoolUploader", "UploadRound"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class UploadRound:
    """What one pass over the spool did."""

    uploaded: tuple[str, ...]
    failed: tuple[str, ...]
    waiting: tuple[str, ...]


class SpoolUploader:
    """Uploads due spool entries; failed ones wait ``base * 2**(attempts-1)`` seconds.

    Args:
        spool: The spool to drain.
        store: Where takes go.
        idle_poll_s: How often :meth:`run_forever` looks for work when none is due.
        clock: Wall-clock source (``time.time``), the same clock the manifests use.
        on_uploaded: Awaited after each take is stored (and removed from the spool), with
            its spool entry and the stored object's info; an exception is logged and the
            take is not retried (it is stored).
    """

    def __init__(
        self,
        spool: Spool,
        store: ObjectStore,
        *,
        idle_poll_s: float = 30.0,
        clock: Callable[[], float] = time.time,
        on_uploaded: OnUploaded | None = None,
    ) -> None:
        self.spool = spool
        self.store = store
        self.idle_poll_s = idle_poll_s
        self._clock = clock
        self._on_uploaded = on_uploaded
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Look at the spool now (call after submitting a take)."""
        self._wake.set()

    async def run_once(self, *, include_waiting: bool = False) -> UploadRound:
        """Upload every due entry (or every entry, with ``include_waiting``)."""
        uploaded: list[str] = []
        failed: list[str] = []
        waiting: list[str] = []
        entries = await asyncio.to_thread(self.spool.pending)
        for entry in entries:
            if not include_waiting and entry.next_attempt_at > self._clock():
                waiting.append(entry.take_id)
                continue
            try:
                info = await asyncio.to_thread(self.spool.upload, entry, self.store)
            except UploadFailed as exc:
                log.warning("%s", exc)
                failed.append(entry.take_id)
            else:
                if info is not None:
                    uploaded.append(entry.take_id)
                    if self._on_uploaded is not None:
                        try:
                            await self._on_uploaded(entry, info)
                        except Exception:
                            log.exception("after-upload callback failed for take %s", entry.take_id)
        return UploadRound(tuple(uploaded), tuple(failed), tuple(waiting))

    async def _next_due_in(self) -> float:
        entries = await asyncio.to_thread(self.spool.pending)
        if not entries:
            return self.idle_poll_s
        soonest = min(e.next_attempt_at for e in entries) - self._clock()
        return max(0.0, min(self.idle_poll_s, soonest))

    async def run_forever(self) -> None:
        """Drain the spool until cancelled; never raises for a failed upload."""
        while True:
            self._wake.clear()
            try:
                await self.run_once()
            except Exception:  # a broken manifest or disk must not end the task
                log.exception("spool upload round failed")
            delay = await self._next_due_in()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=max(delay, 0.05))
