"""The assessment named by a route's ``{assessment_id}``, loaded for its handler (after the staff
guard, so 401/403 come before 404)."""

from __future__ import annotations

import uuid
from typing import TypeAlias

from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from server.db.models import Assessment
from server.deps import DbSession, StaffDep
from server.domain.assessments import services

__all__ = ["AssessmentDep", "provide_assessment", "with_assessment"]

AssessmentDep: TypeAlias = NamedDependency[Assessment]


async def provide_assessment(
    staff: StaffDep, assessment_id: FromPath[uuid.UUID], db_session: DbSession
) -> Assessment:
    """The assessment if it belongs to the staff member's organization; 404 otherwise."""
    return await services.get_assessment(db_session, staff.organization_id, assessment_id)


def with_assessment(guard: dict[str, Provide]) -> dict[str, Provide]:
    """A handler's ``dependencies``: the staff ``guard`` and ``assessment``."""
    return {**guard, "assessment": Provide(provide_assessment)}
