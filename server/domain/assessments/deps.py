"""The assessment named by a route's ``{assessment_id}``, or the candidate's invitation named by its
``{invitation_id}``, loaded for its handler (after the staff guard, so 401/403 come before 404)."""

from __future__ import annotations

import uuid
from typing import TypeAlias

from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from server.db.models import Assessment, Invitation
from server.deps import DbSession, StaffDep
from server.domain.assessments import services
from server.domain.assessments.members import get_visible_invitation

__all__ = [
    "AssessmentDep",
    "InvitationDep",
    "provide_assessment",
    "provide_visible_invitation",
    "with_assessment",
    "with_invitation",
]

AssessmentDep: TypeAlias = NamedDependency[Assessment]
InvitationDep: TypeAlias = NamedDependency[Invitation]


async def provide_assessment(
    staff: StaffDep, assessment_id: FromPath[uuid.UUID], db_session: DbSession
) -> Assessment:
    """The assessment if it belongs to the staff member's organization; 404 otherwise."""
    return await services.get_assessment(db_session, staff.organization_id, assessment_id)


async def provide_visible_invitation(
    staff: StaffDep, invitation_id: FromPath[uuid.UUID], db_session: DbSession
) -> Invitation:
    """The invitation if the staff member sees it (:func:`get_visible_invitation`); 404 otherwise."""
    return await get_visible_invitation(db_session, staff, invitation_id)


def with_assessment(guard: dict[str, Provide]) -> dict[str, Provide]:
    """A handler's ``dependencies``: the staff ``guard`` and ``assessment``."""
    return {**guard, "assessment": Provide(provide_assessment)}


def with_invitation(guard: dict[str, Provide]) -> dict[str, Provide]:
    """A handler's ``dependencies``: the staff ``guard`` and ``invitation`` (visible to them)."""
    return {**guard, "invitation": Provide(provide_visible_invitation)}
