"""Candidates may volunteer demographics; admins read aggregated impact ratios only."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, get, put
from litestar.di import Provide
from litestar.params import FromPath, JSONBody, Parameter

from server.auth.staff import provide_admin
from server.deps import DbSession, StaffDep
from server.domain.assessments.services import get_assessment
from server.domain.fairness import services
from server.domain.fairness.schemas import Demographics, FairnessReport
from server.domain.invitations.services import resolve_token
from server.openapi_responses import LINK_PROBLEMS

__all__ = ["CandidateDemographicsController", "FairnessController"]


class CandidateDemographicsController(Controller):
    path = "/api/candidate/{token:str}/demographics"
    tags = ["candidate"]
    # Authenticated by the unguessable token in the path, not by a cookie: no CSRF exposure.
    opt = {"exclude_from_csrf": True, **LINK_PROBLEMS}

    @get("/", summary="What I volunteered about myself (if anything)")
    async def get_demographics(self, token: FromPath[str], db_session: DbSession) -> Demographics:
        inv = await resolve_token(db_session, token, allow_completed=True)  # asked after finishing
        return await services.get_demographics(db_session, inv)

    @put(
        "/",
        summary="Volunteer (or withdraw) sex and race/ethnicity for bias audits",
        description="Optional; asked after the last answer (a completed link still takes it); "
        "never shown to reviewers or hiring managers and never used in scoring. Only "
        "aggregated counts and rates reach the employer. Null means 'prefer not to "
        "say'; both null removes what was given. Submitting again is an idempotent "
        "update: it replaces what was given (one record per invitation), so a candidate "
        "can correct or withdraw it from the same link.",
    )
    async def put_demographics(
        self, token: FromPath[str], data: JSONBody[Demographics], db_session: DbSession
    ) -> Demographics:
        inv = await resolve_token(db_session, token, allow_completed=True)
        return await services.set_demographics(db_session, inv, data)


class FairnessController(Controller):
    path = "/api/reports/assessments/{assessment_id:uuid}/fairness"
    tags = ["reports"]
    dependencies = {"staff": Provide(provide_admin)}

    @get(
        "/",
        summary="Selection and scoring rates with impact ratios by group (admin)",
        description="By sex, race/ethnicity and their intersection, with an 'unknown' category "
        "and small categories flagged, as in NYC Local Law 144 bias-audit "
        "summaries. Selected means overall score >= `threshold` (0-100).",
    )
    async def fairness(
        self,
        staff: StaffDep,
        assessment_id: FromPath[uuid.UUID],
        db_session: DbSession,
        threshold: Annotated[float | None, Parameter(ge=0, le=100)] = None,
        min_group_size: Annotated[int, Parameter(ge=1, le=1000)] = 5,
    ) -> FairnessReport:
        await get_assessment(db_session, staff.organization_id, assessment_id)
        return await services.fairness_report(
            db_session,
            staff.organization_id,
            assessment_id,
            threshold=threshold,
            min_group_size=min_group_size,
        )
