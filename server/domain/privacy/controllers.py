"""Organization data settings (retention) and a candidate's data: export and erasure (admin)."""

from __future__ import annotations

import uuid
from typing import Annotated, TypeAlias

import msgspec
from litestar import Controller, Response, delete, get, patch
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from server.audit import record, record_by
from server.auth.staff import provide_admin, provide_staff
from server.db.models import Invitation, Organization
from server.deps import DbSession, JobsDep, SettingsDep, StaffDep, StoreDep
from server.domain.invitations.services import get_invitation
from server.domain.privacy.erasure import erase_candidate
from server.domain.privacy.export import CandidateExport, export_candidate
from server.errors import NotFound

__all__ = ["CandidateDataController", "OrganizationController"]


class OrganizationOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    slug: str
    retention_days: int | None


class OrganizationUpdate(msgspec.Struct, forbid_unknown_fields=True):
    retention_days: (
        Annotated[
            int,
            msgspec.Meta(
                ge=1,
                le=3650,
                description=(
                    "Delete recordings this many days after the candidate completed; null keeps them"
                ),
            ),
        ]
        | None
    )


class ErasureOut(msgspec.Struct):
    invitation_id: uuid.UUID
    erased: dict[str, int]


def _org_out(org: Organization) -> OrganizationOut:
    return OrganizationOut(id=org.id, name=org.name, slug=org.slug, retention_days=org.retention_days)


class OrganizationController(Controller):
    path = "/api/organization"
    tags = ["organization"]

    @get("/", dependencies={"staff": Provide(provide_staff)}, summary="My organization")
    async def get_organization(self, staff: StaffDep, db_session: DbSession) -> OrganizationOut:
        org = await db_session.get(Organization, staff.organization_id)
        if org is None:
            raise NotFound("Your organization no longer exists.")
        return _org_out(org)

    @patch(
        "/",
        dependencies={"staff": Provide(provide_admin)},
        summary="Set how long recordings are kept (admin)",
        description="Recordings (video, audio, poster) of candidates who completed more than "
        "`retention_days` ago are deleted by an hourly job; transcripts, scores "
        "and reviews stay. `null` keeps recordings until erased.",
    )
    async def update_organization(
        self, staff: StaffDep, data: JSONBody[OrganizationUpdate], db_session: DbSession, jobs: JobsDep
    ) -> OrganizationOut:
        org = await db_session.get(Organization, staff.organization_id)
        if org is None:
            raise NotFound("Your organization no longer exists.")
        before = org.retention_days
        org.retention_days = data.retention_days
        record(
            db_session,
            action="organization.retention",
            target_kind="organization",
            target_id=org.id,
            organization_id=org.id,
            actor_id=staff.user_id,
            data={"before": before, "after": data.retention_days},
        )
        out = _org_out(org)
        await db_session.commit()
        if data.retention_days is not None:
            await jobs.queue.enqueue("apply_retention", key="retention:apply")
        return out


async def _provide_invitation(
    staff: StaffDep, invitation_id: FromPath[uuid.UUID], db_session: DbSession
) -> Invitation:
    """The invitation a route's ``{invitation_id}`` names, of the admin's organization (else 404)."""
    return await get_invitation(db_session, staff.organization_id, invitation_id)


InvitationDep: TypeAlias = NamedDependency[Invitation]


class CandidateDataController(Controller):
    path = "/api/invitations/{invitation_id:uuid}/candidate-data"
    tags = ["privacy"]
    dependencies = {"staff": Provide(provide_admin), "invitation": Provide(_provide_invitation)}

    @get(
        "/",
        summary="Everything stored about a candidate, as JSON (admin)",
        description="For access requests: invitation, email record, volunteered demographics, "
        "consent, every take with text, transcript, suggestions, reviews, "
        "proficiency, media keys and links, share links and audit entries.",
    )
    async def export(
        self, staff: StaffDep, invitation: InvitationDep, db_session: DbSession, settings: SettingsDep
    ) -> Response[CandidateExport]:
        data = await export_candidate(db_session, invitation, public_url=settings.app.public_url)
        record_by(
            staff, db_session, action="candidate.export", target_kind="invitation", target_id=invitation.id
        )
        return Response(
            data,
            headers={
                "Cache-Control": "private, no-store",
                "Content-Disposition": f'attachment; filename="candidate-{invitation.id}.json"',
            },
        )

    @delete(
        "/",
        status_code=200,
        summary="Erase a candidate: rows and recordings are deleted for good (admin)",
        description="Deletes the invitation, attempt, every take and its media objects, "
        "transcripts, suggestions, reviews, proficiency results, share links, "
        "email record and demographics, and exemplars made from the answers. "
        "An audit entry with ids and counts only is kept.",
    )
    async def erase(
        self, staff: StaffDep, invitation: InvitationDep, db_session: DbSession, store: StoreDep
    ) -> ErasureOut:
        invitation_id, assessment_id = invitation.id, invitation.assessment_id
        counts = await erase_candidate(db_session, store, invitation)
        record_by(
            staff,
            db_session,
            action="candidate.erase",
            target_kind="invitation",
            target_id=invitation_id,
            data={"assessment_id": str(assessment_id), "erased": counts},
        )
        return ErasureOut(invitation_id=invitation_id, erased=counts)
