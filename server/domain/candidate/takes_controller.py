"""WebRTC signalling for the candidate: one POST per take carries the offer, returns the answer."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from server.audit import record
from server.db.models import ActorKind
from server.deps import DbSession, RecordingDep, SettingsDep
from server.domain.candidate import services, takes
from server.domain.candidate.schemas import (
    CandidateResponse,
    DeviceCheckAnswer,
    DeviceCheckStatusOut,
    IceServerOut,
    SdpOffer,
    TakeAnswer,
    TakeLevel,
    TakeOffer,
)
from server.domain.invitations.services import resolve_token
from server.errors import InvalidInput, NotFound
from server.openapi_responses import LINK_PROBLEMS, problems
from server.recording.service import ice_servers

__all__ = ["TakeController"]


def _level(db: float) -> float | None:
    return None if db == float("-inf") else round(db, 1)


class TakeController(Controller):
    path = "/api/candidate/{token:str}"
    tags = ["candidate"]
    opt = {"exclude_from_csrf": True, **LINK_PROBLEMS}

    @get("/ice-servers", summary="STUN/TURN servers for the browser's peer connection")
    async def ice(
        self, token: FromPath[str], db_session: DbSession, settings: SettingsDep
    ) -> list[IceServerOut]:
        inv = await resolve_token(db_session, token)
        return [
            IceServerOut(urls=list(s.urls), username=s.username, credential=s.credential)
            for s in ice_servers(settings, label=str(inv.id))
        ]

    @post(
        "/takes",
        status_code=201,
        summary="Start recording a take: SDP offer in, answer out",
        opt=problems("capacity", 429),
    )
    async def start(
        self, token: FromPath[str], data: JSONBody[TakeOffer], db_session: DbSession, recording: RecordingDep
    ) -> TakeAnswer:
        inv = await resolve_token(db_session, token, for_write=True)
        response, answer, max_seconds = await takes.start_take(
            db_session,
            inv,
            question_id=data.question_id,
            take_id=data.take_id,
            sdp=data.sdp,
            sdp_type=data.type,
            recording=recording,
        )
        return TakeAnswer(
            take_id=data.take_id, take=response.take, sdp=answer, type="answer", max_seconds=max_seconds
        )

    @get("/takes/{take_id:uuid}/level", summary="Is audio arriving, and how loud (live take)")
    async def level(
        self,
        token: FromPath[str],
        take_id: FromPath[uuid.UUID],
        db_session: DbSession,
        recording: RecordingDep,
    ) -> TakeLevel:
        inv = await resolve_token(db_session, token)
        await takes.own_take(db_session, inv, take_id)
        session = recording.live(take_id)
        if session is None:
            return TakeLevel(receiving=False, level_db=None, seconds=0.0, recording=False)
        lv = session.audio_level()
        return TakeLevel(
            receiving=lv.arriving,
            level_db=_level(lv.dbfs),
            seconds=round(session.media_seconds, 2),
            recording=not session.finished,
        )

    @post(
        "/takes/{take_id:uuid}/stop",
        status_code=200,
        summary="Stop a take; returns the stored answer (idempotent)",
    )
    async def stop(
        self,
        token: FromPath[str],
        take_id: FromPath[uuid.UUID],
        db_session: DbSession,
        recording: RecordingDep,
    ) -> CandidateResponse:
        inv = await resolve_token(db_session, token)
        await takes.own_take(db_session, inv, take_id)
        await recording.stop_take(take_id)
        try:
            response = await takes.own_take(db_session, inv, take_id)
        except NotFound as exc:
            raise InvalidInput(
                "Nothing was recorded. Check that your camera and microphone "
                "are on and allowed, then record again."
            ) from exc
        return services.response_out(response)

    @post(
        "/takes/{take_id:uuid}/accept",
        status_code=200,
        summary="Use this take as the answer (no more retakes for the question)",
    )
    async def accept(
        self, token: FromPath[str], take_id: FromPath[uuid.UUID], db_session: DbSession
    ) -> CandidateResponse:
        inv = await resolve_token(db_session, token, for_write=True)
        response = await takes.accept_take(db_session, inv, take_id)
        record(
            db_session,
            action="candidate.take_accept",
            target_kind="response",
            target_id=response.id,
            organization_id=inv.organization_id,
            actor_kind=ActorKind.CANDIDATE,
            actor_id=inv.id,
            data={"take": response.take},
        )
        return services.response_out(response)

    @post(
        "/device-check",
        status_code=201,
        opt=problems("capacity", 429),
        summary="Open a short connection that reports whether audio reaches the server",
    )
    async def open_check(
        self, token: FromPath[str], data: JSONBody[SdpOffer], db_session: DbSession, recording: RecordingDep
    ) -> DeviceCheckAnswer:
        inv = await resolve_token(db_session, token, for_write=True)
        if data.type != "offer":
            raise InvalidInput("Send an SDP offer (type 'offer').", field="type")
        check_id = uuid.uuid4()
        session = await recording.open_check(
            check_id, data.sdp, data.type, owner=inv.id, organization_id=inv.organization_id
        )
        return DeviceCheckAnswer(check_id=check_id, sdp=session.answer_sdp, type="answer")

    @get("/device-check/{check_id:uuid}", summary="What the server receives from the device check")
    async def check_status(
        self,
        token: FromPath[str],
        check_id: FromPath[uuid.UUID],
        db_session: DbSession,
        recording: RecordingDep,
    ) -> DeviceCheckStatusOut:
        inv = await resolve_token(db_session, token)
        session = recording.check(check_id, owner=inv.id)  # another candidate's check: 404
        if session is None:
            raise NotFound("That device check has ended; start a new one.")
        st = session.status()
        return DeviceCheckStatusOut(
            receiving=st.audio.arriving,
            level_db=_level(st.audio.dbfs),
            connection=st.connection,
            video_frames=st.video_frames,
            width=st.width,
            height=st.height,
        )

    @delete("/device-check/{check_id:uuid}", status_code=HTTP_204_NO_CONTENT, summary="End a device check")
    async def end_check(
        self,
        token: FromPath[str],
        check_id: FromPath[uuid.UUID],
        db_session: DbSession,
        recording: RecordingDep,
    ) -> None:
        inv = await resolve_token(db_session, token)
        await recording.stop_check(check_id, owner=inv.id)  # never another candidate's check
