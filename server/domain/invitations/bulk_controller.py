"""Admins invite from a CSV file, resend links, and follow each candidate's progress."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import Provide
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from server.audit import record_by
from server.auth.staff import FOR_HIRING_MANAGERS, TOKEN_SCOPE_OPT, provide_admin, provide_staff
from server.db.models import ApiTokenScope
from server.deps import DbSession, JobsDep, SettingsDep, StaffDep
from server.domain.assessments.members import ensure_visible
from server.domain.invitations import bulk, services
from server.domain.invitations.emails import (
    EmailNotice,
    email_notice,
    enqueue_invitation_email,
    queue_invitation_email,
)
from server.domain.invitations.schemas import InvitationCreated
from server.errors import InvalidInput, PayloadTooLarge
from server.openapi_responses import problems

__all__ = ["BulkInvitationController"]


class BulkImported(msgspec.Struct):
    created: int
    email: EmailNotice
    invitations: list[InvitationCreated]


class ResendRequest(msgspec.Struct, forbid_unknown_fields=True):
    expires_in_days: Annotated[int, msgspec.Meta(ge=1, le=90)] | None = None


class InvitationResent(InvitationCreated):
    email: EmailNotice


def _created(inv: Any, token: str, public_url: str) -> InvitationCreated:
    out = services.invitation_out(inv)
    return InvitationCreated(
        **{f: getattr(out, f) for f in out.__struct_fields__}, link=f"{public_url}/i/{token}", token=token
    )


async def _csv_bytes(request: Request[Any, Any, Any]) -> bytes:
    mime, _ = request.content_type
    if mime == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput("Upload the CSV file in a form field named 'file'.", field="file")
        data = await upload.read(bulk.MAX_CSV_BYTES + 1)
        await upload.close()
    elif mime in {"text/csv", "text/plain", "application/csv"}:
        data = await request.body()
    else:
        raise InvalidInput("Send the CSV as multipart/form-data (field 'file') or as a text/csv body.")
    if len(data) > bulk.MAX_CSV_BYTES:
        raise PayloadTooLarge(f"The file is larger than {bulk.MAX_CSV_BYTES // 1024} KiB; split it.")
    return data


class BulkInvitationController(Controller):
    tags = ["invitations"]

    @post(
        "/api/assessments/{assessment_id:uuid}/invitations/csv",
        status_code=HTTP_201_CREATED,
        dependencies={"staff": Provide(provide_admin)},
        opt={**problems("body", 413, 422), TOKEN_SCOPE_OPT: ApiTokenScope.INVITE.value},
        summary="Invite candidates from a CSV file; all rows or none (admin)",
        description=(
            "Send the file as `multipart/form-data` (field `file`) or as a `text/csv` body. "
            "Header row `name,email[,extra_time_pct][,expires_in_days]` (`,` `;` or tab "
            f"separated, UTF-8), at most {bulk.MAX_CSV_ROWS} candidates and "
            f"{bulk.MAX_CSV_BYTES // 1024} KiB. If any row is bad the answer is 422 with "
            "`errors: [{row, column, message}]` (row 1 is the header) and nothing is imported. "
            "Links are returned once; with email configured each candidate is also emailed."
        ),
    )
    async def import_csv(
        self,
        request: Request[Any, Any, Any],
        staff: StaffDep,
        assessment_id: FromPath[uuid.UUID],
        db_session: DbSession,
        settings: SettingsDep,
        jobs: JobsDep,
    ) -> BulkImported:
        rows = bulk.parse_csv(await _csv_bytes(request))
        created = await bulk.import_rows(
            db_session,
            organization_id=staff.organization_id,
            assessment_id=assessment_id,
            rows=rows,
            created_by=staff.actor_user_id,
            default_days=settings.app.invitation_days,
        )
        for inv, token in created:
            await queue_invitation_email(db_session, settings, inv, token)
        record_by(
            staff,
            db_session,
            action="invitation.import_csv",
            target_kind="assessment",
            target_id=assessment_id,
            data={"created": len(created), "invitation_ids": [str(i.id) for i, _ in created]},
        )
        out = [_created(inv, token, settings.app.public_url) for inv, token in created]
        await db_session.commit()  # the email jobs must see the invitations
        if settings.email.enabled:
            for inv, _ in created:
                await enqueue_invitation_email(jobs, inv)
        return BulkImported(created=len(out), email=email_notice(settings, len(out)), invitations=out)

    @post(
        "/api/invitations/{invitation_id:uuid}/resend",
        status_code=200,
        dependencies={"staff": Provide(provide_admin)},
        summary="New link and expiry, emailed again; the old link stops working (admin)",
        description="409 for completed or revoked invitations. The new link is returned once.",
    )
    async def resend(
        self,
        staff: StaffDep,
        invitation_id: FromPath[uuid.UUID],
        db_session: DbSession,
        settings: SettingsDep,
        jobs: JobsDep,
        data: JSONBody[ResendRequest | None] = None,
    ) -> InvitationResent:
        inv = await services.get_invitation(db_session, staff.organization_id, invitation_id)
        days = (data.expires_in_days if data else None) or settings.app.invitation_days
        token = await bulk.resend_invitation(db_session, inv, days=days)
        await queue_invitation_email(db_session, settings, inv, token)
        record_by(
            staff,
            db_session,
            action="invitation.resend",
            target_kind="invitation",
            target_id=inv.id,
            data={"expires_at": inv.expires_at.isoformat()},
        )
        out = _created(inv, token, settings.app.public_url)
        await db_session.commit()
        if settings.email.enabled:
            await enqueue_invitation_email(jobs, inv)
        return InvitationResent(
            **{f: getattr(out, f) for f in out.__struct_fields__}, email=email_notice(settings)
        )

    @get(
        "/api/assessments/{assessment_id:uuid}/invitations/progress",
        dependencies={"staff": Provide(provide_staff)},
        opt=FOR_HIRING_MANAGERS,
        summary="Invitations with each candidate's progress (up to reviewed) and email status",
        description="`progress` is `invited`, `started`, `completed`, `reviewed` (completed and "
        "every current answer reviewed), `expired` or `revoked`.",
    )
    async def progress(
        self, staff: StaffDep, assessment_id: FromPath[uuid.UUID], db_session: DbSession
    ) -> list[bulk.InvitationProgress]:
        await ensure_visible(db_session, staff, assessment_id)
        return await bulk.list_progress(db_session, staff.organization_id, assessment_id)
