"""Ratings and notes on a candidate, by the hiring team (admins, reviewers, hiring managers)."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from server.audit import record_by
from server.auth.staff import FOR_HIRING_MANAGERS, provide_staff
from server.deps import DbSession, StaffDep
from server.domain.assessments.deps import InvitationDep, provide_visible_invitation
from server.domain.teamwork import services
from server.domain.teamwork.schemas import FeedbackOut, NoteIn, NoteOut, RatingIn

__all__ = ["TeamworkController"]

_INVITATION = {"invitation": Provide(provide_visible_invitation)}


class TeamworkController(Controller):
    path = "/api"
    tags = ["team feedback"]
    dependencies = {"staff": Provide(provide_staff)}
    opt = FOR_HIRING_MANAGERS  # every handler checks the candidate's assessment is shared with me

    @get(
        "/invitations/{invitation_id:uuid}/feedback",
        dependencies=_INVITATION,
        summary="The team's ratings and notes on a candidate",
        description="With blind review on, the others' ratings show once I have given mine "
        "(admins see them all).",
    )
    async def get_feedback(
        self, staff: StaffDep, invitation: InvitationDep, db_session: DbSession
    ) -> FeedbackOut:
        return await services.feedback(db_session, staff, invitation)

    @put(
        "/invitations/{invitation_id:uuid}/rating",
        dependencies=_INVITATION,
        summary="Give or change my rating of a candidate (1-5, with a comment)",
    )
    async def put_rating(
        self, staff: StaffDep, invitation: InvitationDep, data: JSONBody[RatingIn], db_session: DbSession
    ) -> FeedbackOut:
        before, after = await services.rate(db_session, staff, invitation, data)
        record_by(
            staff,
            db_session,
            action="candidate.rate",
            target_kind="invitation",
            target_id=invitation.id,
            data={"before": before, "after": after},
        )
        return await services.feedback(db_session, staff, invitation)

    @post(
        "/invitations/{invitation_id:uuid}/notes",
        dependencies=_INVITATION,
        status_code=HTTP_201_CREATED,
        summary="Add a note on a candidate, shown to the team on the report",
    )
    async def post_note(
        self, staff: StaffDep, invitation: InvitationDep, data: JSONBody[NoteIn], db_session: DbSession
    ) -> NoteOut:
        note = await services.add_note(db_session, staff, invitation, data)
        record_by(
            staff,
            db_session,
            action="candidate.note",
            target_kind="invitation",
            target_id=invitation.id,
            data={"note_id": str(note.id)},
        )
        return NoteOut(
            id=note.id,
            author_id=note.author_id,
            author_name=staff.name,
            body=note.body,
            created_at=note.created_at,
            mine=True,
        )

    @delete(
        "/candidate-notes/{note_id:uuid}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a note (its author or an admin)",
    )
    async def delete_note(self, staff: StaffDep, note_id: FromPath[uuid.UUID], db_session: DbSession) -> None:
        note = await services.delete_note(db_session, staff, note_id)
        record_by(
            staff,
            db_session,
            action="candidate.note_delete",
            target_kind="invitation",
            target_id=note.invitation_id,
            data={"note_id": str(note.id), "body": note.body},
        )
