"""The live peer sessions of one process, by take id, closed on end and on shutdown."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from media.errors import MediaError, RecordingFailed
from media.peer import StopReason

__all__ = ["LiveSession", "PeerRegistry", "SessionLimitReached"]

log = logging.getLogger(__name__)

FinishedCallback = Callable[[str, Any, BaseException | None], Awaitable[None]]


class SessionLimitReached(MediaError):
    """This process already holds as many live sessions as it may."""


class LiveSession(Protocol):
    """What the registry needs of a session (a take or a device check)."""

    take_id: str
    created_at: float

    @property
    def finished(self) -> bool: ...

    async def stop(self, reason: StopReason = StopReason.STOPPED) -> Any: ...

    async def wait_finished(self, timeout: float | None = None) -> Any: ...


class PeerRegistry:
    """Holds live sessions; reports each one's end once; closes them all at shutdown.

    Args:
        max_sessions: Sessions allowed at once (each costs an encoder thread).
        max_age_s: Backstop: a session older than this is stopped by :meth:`reap`.
        on_finished: Awaited once per session with ``(take_id, result, error)`` when it
            ends for any reason (stopped, limit reached, connection lost, shutdown).
            Spool the recording here.
    """

    def __init__(
        self, *, max_sessions: int = 32, max_age_s: float = 900.0, on_finished: FinishedCallback | None = None
    ) -> None:
        self.max_sessions = max_sessions
        self.max_age_s = max_age_s
        self._on_finished = on_finished
        self._sessions: dict[str, LiveSession] = {}
        self._followers: dict[str, asyncio.Task[None]] = {}

    def __len__(self) -> int:
        return len(self._sessions)

    def __contains__(self, take_id: object) -> bool:
        return take_id in self._sessions

    def ensure_capacity(self) -> None:
        """Raise :class:`SessionLimitReached` if no further session may open now.

        Call before :meth:`TakeSession.open`, so a full server refuses early.
        """
        if len(self._sessions) >= self.max_sessions:
            raise SessionLimitReached("the recording server is at capacity; try again shortly")

    def add(self, session: LiveSession) -> None:
        """Register a freshly opened session.

        Raises:
            RecordingFailed: A session for this take is already live.
            SessionLimitReached: ``max_sessions`` are live.
        """
        if session.take_id in self._sessions:
            raise RecordingFailed(f"take {session.take_id} is already being recorded")
        self.ensure_capacity()
        self._sessions[session.take_id] = session
        self._followers[session.take_id] = asyncio.create_task(self._follow(session))

    def get(self, take_id: str) -> LiveSession | None:
        """The live session of ``take_id``, if any."""
        return self._sessions.get(take_id)

    async def _follow(self, session: LiveSession) -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = await session.wait_finished()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            error = exc
        finally:
            self._sessions.pop(session.take_id, None)
        if self._on_finished is not None:
            try:
                await self._on_finished(session.take_id, result, error)
            except Exception:
                log.exception("on_finished for take %s failed", session.take_id)
        self._followers.pop(session.take_id, None)

    async def close(self, take_id: str, reason: StopReason = StopReason.STOPPED) -> Any:
        """Stop one session and wait until its end has been reported; ``None`` if unknown.

        Raises:
            RecordingFailed: Nothing was recorded.
        """
        session = self._sessions.get(take_id)
        if session is None:
            return None
        follower = self._followers.get(take_id)
        try:
            return await session.stop(reason)
        finally:
            if follower is not None:
                await asyncio.shield(follower)

    async def close_all(self, reason: StopReason = StopReason.SHUTDOWN) -> int:
        """Stop every live session (at shutdown); returns how many were stopped."""
        sessions = list(self._sessions.values())
        results = await asyncio.gather(*(s.stop(reason) for s in sessions), return_exceptions=True)
        for session, result in zip(sessions, results, strict=True):
            if isinstance(result, BaseException):
                log.warning("take %s at shutdown: %s", session.take_id, result)
        await asyncio.gather(*self._followers.values(), return_exceptions=True)
        return len(sessions)

    async def reap(self) -> list[str]:
        """Stop sessions older than ``max_age_s``; returns their take ids."""
        now = time.monotonic()
        old = [s for s in self._sessions.values() if not s.finished and now - s.created_at > self.max_age_s]
        for session in old:
            log.warning("take %s exceeded %.0f s; stopping it", session.take_id, self.max_age_s)
        await asyncio.gather(*(s.stop(StopReason.EXPIRED) for s in old), return_exceptions=True)
        return [s.take_id for s in old]

    async def run_reaper(self, interval_s: float = 10.0) -> None:
        """Call :meth:`reap` every ``interval_s`` until cancelled."""
        while True:
            await asyncio.sleep(interval_s)
            await self.reap()
