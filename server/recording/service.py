"""The app's recording machinery: live peer sessions, the spool, and the uploader.

A take's life: the candidate's offer opens a :class:`~media.peer.TakeSession` (its response
row is created at once, unsubmitted); when the take ends for any reason the recording is
moved into the spool and the response is submitted (partial if the connection dropped);
the uploader puts it into the object store, retrying with backoff until it succeeds (also
after a restart), and only then queues the response for processing.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from media.device_check import DeviceCheckSession
from media.errors import InvalidOffer, RecordingFailed
from media.object_store import ObjectInfo, ObjectStore
from media.peer import IceServer, RecordedTake, SessionConfig, StopReason, TakeSession
from media.probe import probe_media
from media.recording import RecordingMode
from media.registry import PeerRegistry, SessionLimitReached
from media.spool import Spool, SpoolEntry
from media.spool_uploader import SpoolUploader
from media.upload import UploadArea
from server.db.models import Response, ResponseState
from server.errors import Conflict, InvalidInput, TooManyRequests
from server.recording.capacity import Holder, LiveQuota, QuotaExceeded
from server.recording.turn import turn_rest_credentials
from server.settings import Settings
from server.storage import video_key

__all__ = ["RecordingService", "ice_servers"]

log = structlog.get_logger(__name__)

Enqueue = Callable[[uuid.UUID], Awaitable[None]]

NETWORK_DROP_TOLERANCE_S = 20.0
"""How long a take waits for media to come back (a Wi-Fi handover, a train tunnel) before
it ends as a partial take. The candidate keeps talking through a short drop, so ending the
take early would lose the rest of the answer; ICE consent ends a truly dead peer at ~30 s."""


def ice_servers(settings: Settings, *, label: str = "viva-server") -> tuple[IceServer, ...]:
    """STUN/TURN servers for one peer; with ``VIVA_TURN_SECRET`` the TURN credentials are made
    for ``label`` and expire after ``VIVA_TURN_CREDENTIAL_SECONDS`` (call again for each peer)."""
    w = settings.webrtc
    servers = []
    if w.stun_urls:
        servers.append(IceServer(urls=w.stun_urls))
    if w.turn_urls:
        if w.turn_secret:
            username, credential = turn_rest_credentials(
                w.turn_secret, label=label, ttl_s=w.turn_credential_seconds
            )
            servers.append(IceServer(urls=w.turn_urls, username=username, credential=credential))
        else:
            servers.append(IceServer(urls=w.turn_urls, username=w.turn_username, credential=w.turn_password))
    return tuple(servers)


class RecordingService:
    """Owns the live sessions of this process and drains its spool."""

    def __init__(
        self,
        *,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        store: ObjectStore,
        enqueue: Enqueue,
    ) -> None:
        self.settings = settings
        self._sessions = sessions
        self._enqueue = enqueue
        self.spool = Spool(settings.storage.spool_dir)
        self.uploader = SpoolUploader(self.spool, store, idle_poll_s=15.0, on_uploaded=self._uploaded)
        # Browser recordings uploaded in resumable chunks when WebRTC cannot connect (tus).
        self.uploads = UploadArea(
            settings.storage.spool_dir / "uploads", max_bytes=settings.webrtc.max_upload_bytes
        )
        w = settings.webrtc
        max_take = w.max_take_seconds
        self.takes = PeerRegistry(
            max_sessions=w.max_live_takes, max_age_s=max_take * 3 + 120, on_finished=self._take_finished
        )
        self.checks = PeerRegistry(
            max_sessions=w.max_live_checks, max_age_s=180, on_finished=self._check_finished
        )
        self.take_quota = LiveQuota(
            what="take",
            total=w.max_live_takes,
            per_invitation=w.max_takes_per_invitation,
            per_organization=w.max_takes_per_organization,
        )
        self.check_quota = LiveQuota(
            what="device check",
            total=w.max_live_checks,
            per_invitation=w.max_checks_per_invitation,
            per_organization=w.max_checks_per_organization,
        )
        self._tasks: list[asyncio.Task[None]] = []
        self._watchers: set[asyncio.Task[None]] = set()

    @property
    def ice(self) -> tuple[IceServer, ...]:
        """The server peers' own ICE servers (fresh TURN credentials each time)."""
        return ice_servers(self.settings)

    # -- lifecycle ---------------------------------------------------------------------
    async def start(self) -> None:
        await self._recover_orphans()
        self._tasks = [
            asyncio.create_task(self.uploader.run_forever(), name="viva-spool-uploader"),
            asyncio.create_task(self.takes.run_reaper(10.0), name="viva-take-reaper"),
            asyncio.create_task(self.checks.run_reaper(10.0), name="viva-check-reaper"),
        ]

    async def stop(self) -> None:
        for watcher in list(self._watchers):
            watcher.cancel()
        await self.checks.close_all()
        await self.takes.close_all()  # finalizes and spools what was being recorded
        with contextlib.suppress(Exception):
            await self.uploader.run_once()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # -- takes -------------------------------------------------------------------------
    async def open_take(
        self, *, take_id: uuid.UUID, sdp: str, sdp_type: str, max_seconds: float, holder: Holder
    ) -> TakeSession:
        """Answer the offer and start recording.

        Raises:
            InvalidInput: The browser's offer cannot be used.
            Conflict: The candidate's link is already recording another take.
            TooManyRequests: The server, or the organization's share of it, records as many
                takes as it can.
        """
        try:
            self.takes.ensure_capacity()
            self.take_quota.reserve(str(take_id), holder)
        except QuotaExceeded as exc:
            if exc.scope == "invitation":
                raise Conflict(
                    "You are already recording another answer (in another window or "
                    "tab). Stop that recording first, then start this one."
                ) from exc
            raise TooManyRequests(
                "The server is recording as many answers as it can right now. Wait a minute and try again."
            ) from exc
        except SessionLimitReached as exc:
            raise TooManyRequests(
                "The server is recording as many answers as it can right now. Wait a minute and try again."
            ) from exc
        config = SessionConfig(
            ice_servers=self.ice,
            max_duration_s=max_seconds,
            media_timeout_s=NETWORK_DROP_TOLERANCE_S,
            recording=RecordingMode(self.settings.webrtc.recording_mode),
        )
        try:
            session = await TakeSession.open(
                take_id=str(take_id),
                sdp=sdp,
                sdp_type=sdp_type,
                output=self.spool.recording_path(str(take_id)),
                config=config,
            )
            self.takes.add(session)
        except BaseException as exc:
            self.take_quota.release(str(take_id))
            if isinstance(exc, SessionLimitReached):
                raise TooManyRequests(
                    "The server is recording as many answers as it can right "
                    "now. Wait a minute and try again."
                ) from exc
            if isinstance(exc, InvalidOffer):
                raise InvalidInput(
                    f"Your browser's connection offer could not be used: {exc}. "
                    "Reload the page and try again.",
                    field="sdp",
                ) from exc
            raise
        return session

    def live(self, take_id: uuid.UUID) -> TakeSession | None:
        session = self.takes.get(str(take_id))
        return session if isinstance(session, TakeSession) else None

    async def stop_take(self, take_id: uuid.UUID) -> None:
        """Stop a live take and wait until it is spooled and its response submitted."""
        with contextlib.suppress(RecordingFailed):
            await self.takes.close(str(take_id))

    async def _take_finished(self, take_id: str, result: Any, error: BaseException | None) -> None:
        self.take_quota.release(take_id)
        async with self._sessions() as db:
            response = (
                await db.execute(select(Response).where(Response.take_id == uuid.UUID(take_id)))
            ).scalar_one_or_none()
            if response is None:
                log.error("take_without_response", take_id=take_id)
                return
            if error is not None or not isinstance(result, RecordedTake):
                # Nothing was recorded: there is no take to keep; the candidate may try again.
                log.warning("take_recorded_nothing", take_id=take_id, error=str(error))
                await db.delete(response)
                await db.commit()
                return
            key = video_key(response.id)
            mode = result.stats.mode
            meta = {
                "response_id": str(response.id),
                "duration": f"{result.duration:.3f}",
                "partial": "1" if result.partial else "0",
                "reason": result.reason.value,
                "recording": mode.value,
            }
            await asyncio.to_thread(
                self.spool.submit, take_id, result.path, content_type="video/webm", metadata=meta, key=key
            )
            self._submit(response, key, result.duration, result.partial, result.reason, mode)
            await self._make_current(db, response)
            await db.commit()
        log.info(
            "take_spooled",
            take_id=take_id,
            seconds=round(result.duration, 2),
            partial=result.partial,
            reason=result.reason.value,
            recording=mode.value,
            keyframe_requests=result.stats.keyframe_requests,
        )
        self.uploader.wake()

    async def keep_uploaded_take(
        self, db: AsyncSession, response: Response, path: Path, duration: float
    ) -> None:
        """A take recorded in the browser and uploaded (fallback): spooled and stored like any other.

        Idempotent: a response already submitted is left as it is.
        """
        if response.submitted_at is not None:
            return
        key = video_key(response.id)
        meta = {
            "response_id": str(response.id),
            "duration": f"{duration:.3f}",
            "partial": "0",
            "reason": StopReason.STOPPED.value,
            "recording": RecordingMode.UPLOAD.value,
        }
        await asyncio.to_thread(
            self.spool.submit, str(response.take_id), path, content_type="video/webm", metadata=meta, key=key
        )
        self._submit(response, key, duration, False, StopReason.STOPPED, RecordingMode.UPLOAD)
        await self._make_current(db, response)
        await db.commit()
        log.info("upload_spooled", take_id=str(response.take_id), seconds=round(duration, 2))
        self.uploader.wake()

    @staticmethod
    def _submit(
        response: Response,
        key: str,
        duration: float,
        partial: bool,
        reason: StopReason | str,
        mode: RecordingMode | None,
    ) -> None:
        now = datetime.now(UTC)
        response.media_key = key
        response.recording_mode = mode
        response.duration_s = round(duration, 3)
        response.is_partial = partial
        response.submitted_at = response.submitted_at or now
        response.state = ResponseState.UPLOADING
        response.state_changed_at = now
        response.state_reason = (
            f"partial take: {StopReason(reason).name.lower().replace('_', ' ')}" if partial else None
        )

    @staticmethod
    async def _make_current(db: AsyncSession, response: Response) -> None:
        await db.execute(
            update(Response)
            .where(
                Response.attempt_id == response.attempt_id,
                Response.question_id == response.question_id,
                Response.id != response.id,
            )
            .values(is_current=False)
        )
        response.is_current = True

    # -- device checks -----------------------------------------------------------------
    # A check is registered under its owner's id too, so a check id alone (say, one seen by
    # another candidate) never reaches someone else's check.
    @staticmethod
    def _check_key(owner: uuid.UUID, check_id: uuid.UUID) -> str:
        return f"{owner}/{check_id}"

    async def open_check(
        self, check_id: uuid.UUID, sdp: str, sdp_type: str, *, owner: uuid.UUID, organization_id: uuid.UUID
    ) -> DeviceCheckSession:
        """Answer a device check's offer; the link's earlier checks end (a new one replaces them).

        Raises:
            InvalidInput: The browser's offer cannot be used.
            TooManyRequests: No slot: the server's, the organization's or the link's share.
        """
        await self._end_checks_of(owner)
        key = self._check_key(owner, check_id)
        try:
            self.checks.ensure_capacity()
            self.check_quota.reserve(key, Holder(invitation_id=owner, organization_id=organization_id))
        except SessionLimitReached as exc:
            raise TooManyRequests("Too many device checks are running; try again shortly.") from exc
        try:
            session = await DeviceCheckSession.open(
                take_id=key,
                sdp=sdp,
                sdp_type=sdp_type,
                config=SessionConfig(ice_servers=self.ice),
                max_seconds=120,
            )
            self.checks.add(session)
        except BaseException as exc:
            self.check_quota.release(key)
            if isinstance(exc, InvalidOffer):
                raise InvalidInput(
                    f"Your browser's connection offer could not be used: {exc}.", field="sdp"
                ) from exc
            if isinstance(exc, SessionLimitReached):
                raise TooManyRequests("Too many device checks are running; try again shortly.") from exc
            raise
        await self._end_checks_of(owner, keep=key)  # one opened meanwhile from another window
        watcher = asyncio.create_task(
            self._end_if_unconnected(key, session), name=f"viva-check-connect-{check_id}"
        )
        self._watchers.add(watcher)
        watcher.add_done_callback(self._watchers.discard)
        return session

    async def _end_checks_of(self, owner: uuid.UUID, *, keep: str | None = None) -> None:
        """End the link's live device checks (all but ``keep``); ones still opening are left."""
        for key in self.check_quota.held_by(owner):
            if key != keep and self.checks.get(key) is not None:
                await self.checks.close(key, StopReason.STOPPED)

    async def _end_if_unconnected(self, key: str, session: DeviceCheckSession) -> None:
        """A check whose ICE has not connected soon holds a slot for nothing: end it."""
        await asyncio.sleep(self.settings.webrtc.check_connect_seconds)
        if not session.finished and session.status().connection != "connected":
            log.info("device_check_not_connected", check=key)
            await self.checks.close(key, StopReason.EXPIRED)

    async def _check_finished(self, key: str, result: Any, error: BaseException | None) -> None:
        self.check_quota.release(key)

    def check(self, check_id: uuid.UUID, *, owner: uuid.UUID) -> DeviceCheckSession | None:
        session = self.checks.get(self._check_key(owner, check_id))
        return session if isinstance(session, DeviceCheckSession) else None

    async def stop_check(self, check_id: uuid.UUID, *, owner: uuid.UUID) -> None:
        await self.checks.close(self._check_key(owner, check_id))

    # -- uploads -----------------------------------------------------------------------
    async def _uploaded(self, entry: SpoolEntry, info: ObjectInfo) -> None:
        """The object is stored: mark the response queued and hand it to processing."""
        take_id = entry.take_id
        async with self._sessions() as db:
            response = (
                await db.execute(select(Response).where(Response.take_id == uuid.UUID(take_id)))
            ).scalar_one_or_none()
            if response is None:
                log.error("uploaded_take_without_response", take_id=take_id)
                return
            if response.state is not ResponseState.UPLOADING:
                return  # already handled (an upload round after a crash)
            if response.media_key is None:  # the process crashed before the DB update
                recorded = entry.metadata.get("recording")
                self._submit(
                    response,
                    entry.key,
                    float(entry.metadata.get("duration", 0)),
                    entry.metadata.get("partial") == "1",
                    entry.metadata.get("reason", "stopped"),
                    RecordingMode(recorded) if recorded in set(RecordingMode) else None,
                )
                await self._make_current(db, response)
            response.state = ResponseState.QUEUED
            response.state_changed_at = datetime.now(UTC)
            await db.commit()
            rid = response.id
        log.info("take_stored", take_id=take_id, response_id=str(rid))
        await self._enqueue(rid)

    async def _recover_orphans(self) -> None:
        """Recordings a crash left unspooled are finalized as partial takes, never dropped."""
        for path in await asyncio.to_thread(self.spool.orphans):
            take_id = path.name.split(".", 1)[0]
            async with self._sessions() as db:
                response = (
                    await db.execute(select(Response).where(Response.take_id == uuid.UUID(take_id)))
                ).scalar_one_or_none()
                if response is None:
                    continue
                if path.stat().st_size == 0:
                    # Killed before the muxer wrote anything (it writes whole clusters): no take
                    # to keep, so the answer is not left "uploading" forever; the candidate
                    # records it again.
                    log.warning("orphan_empty", take_id=take_id)
                    if response.media_key is None:
                        await db.delete(response)
                        await db.commit()
                    path.unlink(missing_ok=True)
                    continue
                try:
                    duration = (await asyncio.to_thread(probe_media, path)).duration
                except Exception:
                    log.exception("orphan_unreadable", take_id=take_id)
                    continue
                key = video_key(response.id)
                await asyncio.to_thread(
                    self.spool.submit,
                    take_id,
                    path,
                    key=key,
                    metadata={
                        "response_id": str(response.id),
                        "duration": f"{duration:.3f}",
                        "partial": "1",
                        "reason": StopReason.SHUTDOWN.value,
                    },
                )
                self._submit(response, key, duration, True, StopReason.SHUTDOWN, None)
                await self._make_current(db, response)
                await db.commit()
            log.warning("orphan_recovered", take_id=take_id, seconds=duration)
