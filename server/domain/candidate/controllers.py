"""The candidate's API: everything is reached through the invitation token in the path."""

from __future__ import annotations

import uuid

from litestar import Controller, get, post, put
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from server.audit import record
from server.db.models import ActorKind, Invitation, ResponseState
from server.deps import DbSession, JobsDep
from server.domain.candidate import clocks, services
from server.domain.candidate.consent import consent_terms, consent_version
from server.domain.candidate.schemas import (
    CandidateResponse,
    CandidateView,
    ConsentRequest,
    WrittenAnswer,
)
from server.domain.integrations import events as webhook_events
from server.domain.invitations.services import resolve_token
from server.errors import Conflict, InvalidInput
from server.jobs.context import JobContext
from server.openapi_responses import LINK_PROBLEMS

__all__ = ["CandidateController"]


async def _settle(
    db: AsyncSession, inv: Invitation, jobs: JobContext, *, grace_s: int = clocks.WRITE_GRACE_S
) -> None:
    """Submit the drafts of written answers whose time ran out, committed before anything the
    request itself does, so that a late write refused afterwards loses nothing saved."""
    submitted = await clocks.settle_written(db, inv, grace_s=grace_s)
    if not submitted:
        return
    for response in submitted:
        record(
            db,
            action="candidate.written_time_up",
            target_kind="response",
            target_id=response.id,
            organization_id=inv.organization_id,
            actor_kind=ActorKind.CANDIDATE,
            actor_id=inv.id,
        )
    await db.commit()
    for response in submitted:
        await jobs.enqueue_processing(response.id)


class CandidateController(Controller):
    path = "/api/candidate/{token:str}"
    tags = ["candidate"]
    # Authenticated by the unguessable token in the path, not by a cookie: no CSRF exposure.
    opt = {"exclude_from_csrf": True, **LINK_PROBLEMS}

    @get("/", summary="The invitation, progress and the questions reached so far")
    async def view(self, token: FromPath[str], db_session: DbSession, jobs: JobsDep) -> CandidateView:
        inv = await resolve_token(db_session, token, allow_completed=True)  # the thank-you page
        await _settle(db_session, inv, jobs)
        return await services.build_view(db_session, inv)

    @post(
        "/questions/{question_id:uuid}/begin",
        status_code=200,
        summary="Begin the next question: its prompt is revealed and its clock starts (once)",
    )
    async def begin(
        self, token: FromPath[str], question_id: FromPath[uuid.UUID], db_session: DbSession, jobs: JobsDep
    ) -> CandidateView:
        inv = await resolve_token(db_session, token, for_write=True)
        await _settle(db_session, inv, jobs)
        await services.begin_question(db_session, inv, question_id)
        return await services.build_view(db_session, inv)

    @post("/consent", status_code=200, summary="Give consent and start (or resume) the attempt")
    async def consent(
        self, token: FromPath[str], data: JSONBody[ConsentRequest], db_session: DbSession
    ) -> CandidateView:
        if not data.accept:
            raise InvalidInput("Consent is needed to take the assessment.", field="accept")
        inv = await resolve_token(db_session, token, for_write=True)
        first = inv.attempt is None
        shown = consent_version(consent_terms(inv.assessment))
        if first and data.consent_version not in (None, shown):  # what we record is what we showed
            raise Conflict(
                "The consent text changed since this page was opened. Reload the page, "
                "read it again and then agree.",
                field="consent_version",
                code="consent_changed",
            )
        attempt = await services.consent(db_session, inv, shown, data.language)
        if first:
            record(
                db_session,
                action="candidate.consent",
                target_kind="attempt",
                target_id=attempt.id,
                organization_id=inv.organization_id,
                actor_kind=ActorKind.CANDIDATE,
                actor_id=inv.id,
                data={"consent_version": attempt.consent_version, "language": attempt.consent_language},
            )
        return await services.build_view(db_session, inv)

    @put("/written/{question_id:uuid}", summary="Autosave or submit a written answer")
    async def save_written(
        self,
        token: FromPath[str],
        question_id: FromPath[uuid.UUID],
        data: JSONBody[WrittenAnswer],
        db_session: DbSession,
        jobs: JobsDep,
    ) -> CandidateResponse:
        inv = await resolve_token(db_session, token, for_write=True)
        await _settle(db_session, inv, jobs)
        response = await services.save_written(db_session, inv, question_id, data)
        out = services.response_out(response)
        if data.submit and response.state is ResponseState.QUEUED:
            await db_session.commit()  # the worker must see the submitted answer
            await jobs.enqueue_processing(response.id)
        return out

    @get("/responses/{response_id:uuid}", summary="One of my own answers")
    async def get_response(
        self, token: FromPath[str], response_id: FromPath[uuid.UUID], db_session: DbSession
    ) -> CandidateResponse:
        inv = await resolve_token(db_session, token)
        return services.response_out(await services.get_own_response(db_session, inv, response_id))

    @post("/complete", status_code=200, summary="Finish the assessment")
    async def complete(self, token: FromPath[str], db_session: DbSession, jobs: JobsDep) -> CandidateView:
        inv = await resolve_token(db_session, token, for_write=True)
        await _settle(db_session, inv, jobs, grace_s=0)  # finishing: nothing more will come
        await services.complete(db_session, inv)
        await webhook_events.invitation_completed(db_session, inv)
        record(
            db_session,
            action="candidate.complete",
            target_kind="invitation",
            target_id=inv.id,
            organization_id=inv.organization_id,
            actor_kind=ActorKind.CANDIDATE,
            actor_id=inv.id,
        )
        return await services.build_view(db_session, inv)
