"""Admins invite candidates and revoke invitations."""

from __future__ import annotations

import uuid

from litestar import Controller, get, post
from litestar.di import Provide
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from server.audit import record_by
from server.auth.staff import FOR_HIRING_MANAGERS, TOKEN_SCOPE_OPT, provide_admin, provide_staff
from server.db.models import ApiTokenScope
from server.deps import DbSession, JobsDep, SettingsDep, StaffDep
from server.domain.assessments.members import ensure_visible
from server.domain.invitations import services
from server.domain.invitations.emails import (
    EmailNotice,
    email_notice,
    enqueue_invitation_email,
    queue_invitation_email,
)
from server.domain.invitations.schemas import InvitationCreate, InvitationCreated, InvitationOut

__all__ = ["InvitationController", "InvitationInvited"]


class InvitationInvited(InvitationCreated):
    """A new invitation, its link (shown once) and what happens to its email."""

    email: EmailNotice


class InvitationController(Controller):
    tags = ["invitations"]

    @post(
        "/api/assessments/{assessment_id:uuid}/invitations",
        status_code=HTTP_201_CREATED,
        dependencies={"staff": Provide(provide_admin)},
        opt={TOKEN_SCOPE_OPT: ApiTokenScope.INVITE.value},
        summary="Invite a candidate; the link is returned once (admin)",
        description="With email configured the candidate is also emailed the link (`email` "
        "says whether it was queued); without, share the link yourself.",
    )
    async def create_invitation(
        self,
        staff: StaffDep,
        assessment_id: FromPath[uuid.UUID],
        data: JSONBody[InvitationCreate],
        db_session: DbSession,
        settings: SettingsDep,
        jobs: JobsDep,
    ) -> InvitationInvited:
        inv, token = await services.create_invitation(
            db_session,
            organization_id=staff.organization_id,
            assessment_id=assessment_id,
            data=data,
            created_by=staff.actor_user_id,
            default_days=settings.app.invitation_days,
        )
        await queue_invitation_email(db_session, settings, inv, token)
        record_by(
            staff,
            db_session,
            action="invitation.create",
            target_kind="invitation",
            target_id=inv.id,
        )
        out = services.invitation_out(inv)
        link = f"{settings.app.public_url}/i/{token}"
        await db_session.commit()  # the email job must see the invitation
        if settings.email.enabled:
            await enqueue_invitation_email(jobs, inv)
        return InvitationInvited(
            **{f: getattr(out, f) for f in out.__struct_fields__},
            link=link,
            token=token,
            email=email_notice(settings),
        )

    @get(
        "/api/assessments/{assessment_id:uuid}/invitations",
        dependencies={"staff": Provide(provide_staff)},
        opt=FOR_HIRING_MANAGERS,
        summary="Invitations of an assessment",
    )
    async def list_invitations(
        self, staff: StaffDep, assessment_id: FromPath[uuid.UUID], db_session: DbSession
    ) -> list[InvitationOut]:
        await ensure_visible(db_session, staff, assessment_id)
        invs = await services.list_invitations(db_session, staff.organization_id, assessment_id)
        return [services.invitation_out(i) for i in invs]

    @post(
        "/api/invitations/{invitation_id:uuid}/revoke",
        status_code=200,
        dependencies={"staff": Provide(provide_admin)},
        summary="Revoke an invitation (admin)",
    )
    async def revoke(
        self, staff: StaffDep, invitation_id: FromPath[uuid.UUID], db_session: DbSession
    ) -> InvitationOut:
        inv = await services.get_invitation(db_session, staff.organization_id, invitation_id)
        await services.revoke_invitation(db_session, inv)
        record_by(
            staff,
            db_session,
            action="invitation.revoke",
            target_kind="invitation",
            target_id=inv.id,
        )
        return services.invitation_out(inv)
