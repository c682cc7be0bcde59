"""Assessments: staff read them; admins create and change them."""

from __future__ import annotations

import uuid

from litestar import Controller, get, patch, post, put
from litestar.di import Provide
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from server.audit import record_by
from server.auth.staff import FOR_HIRING_MANAGERS, provide_admin, provide_staff
from server.deps import DbSession, StaffDep
from server.domain.assessments import members, services
from server.domain.assessments.deps import AssessmentDep, with_assessment
from server.domain.assessments.numbering import scored_numbers
from server.domain.assessments.schemas import (
    AssessmentCreate,
    AssessmentOut,
    AssessmentSummary,
    AssessmentUpdate,
    QuestionIn,
    QuestionOut,
)

__all__ = ["AssessmentController"]


class AssessmentController(Controller):
    path = "/api/assessments"
    tags = ["assessments"]

    @get(
        "/",
        dependencies={"staff": Provide(provide_staff)},
        opt=FOR_HIRING_MANAGERS,
        summary="Assessments of my organization (those shared with me, for hiring managers)",
    )
    async def list_assessments(self, staff: StaffDep, db_session: DbSession) -> list[AssessmentSummary]:
        return await services.list_assessments(db_session, staff.organization_id, members.visible(staff))

    @get(
        "/{assessment_id:uuid}",
        dependencies={"staff": Provide(provide_staff)},
        opt=FOR_HIRING_MANAGERS,
        summary="One assessment with dimensions, questions and rubrics",
    )
    async def get_assessment(
        self, staff: StaffDep, assessment_id: FromPath[uuid.UUID], db_session: DbSession
    ) -> AssessmentOut:
        await members.ensure_visible(db_session, staff, assessment_id)
        a = await services.get_assessment(db_session, staff.organization_id, assessment_id)
        return services.assessment_out(a)

    @get(
        "/{assessment_id:uuid}/members",
        dependencies={"staff": Provide(provide_staff)},
        opt=FOR_HIRING_MANAGERS,
        summary="The reviewers and hiring managers who work on this assessment",
    )
    async def list_members(
        self, staff: StaffDep, assessment_id: FromPath[uuid.UUID], db_session: DbSession
    ) -> list[members.MemberOut]:
        await members.ensure_visible(db_session, staff, assessment_id)
        return await members.list_members(db_session, assessment_id)

    @put(
        "/{assessment_id:uuid}/members",
        dependencies={"staff": Provide(provide_admin)},
        summary="Assign the reviewers and hiring managers of this assessment (admin)",
        description="Replaces the list. Hiring managers see only the assessments assigned to them; "
        "reviewers see those assigned to them and every assessment with no reviewer assigned.",
    )
    async def put_members(
        self,
        staff: StaffDep,
        assessment_id: FromPath[uuid.UUID],
        data: JSONBody[members.MembersIn],
        db_session: DbSession,
    ) -> list[members.MemberOut]:
        await services.get_assessment(db_session, staff.organization_id, assessment_id)
        before = [str(m.user_id) for m in await members.list_members(db_session, assessment_id)]
        out = await members.replace_members(db_session, staff.organization_id, assessment_id, data.user_ids)
        record_by(
            staff,
            db_session,
            action="assessment.members",
            target_kind="assessment",
            target_id=assessment_id,
            data={"before": before, "after": [str(m.user_id) for m in out]},
        )
        return out

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        dependencies={"staff": Provide(provide_admin)},
        summary="Create an assessment with its whole structure (admin)",
    )
    async def create_assessment(
        self, staff: StaffDep, data: JSONBody[AssessmentCreate], db_session: DbSession
    ) -> AssessmentOut:
        a = await services.create_assessment(db_session, staff.organization_id, data)
        record_by(staff, db_session, action="assessment.create", target_kind="assessment", target_id=a.id)
        await db_session.refresh(a)
        return services.assessment_out(a)

    @patch(
        "/{assessment_id:uuid}",
        dependencies=with_assessment({"staff": Provide(provide_admin)}),
        summary="Change title, intro, status or settings (admin)",
    )
    async def update_assessment(
        self,
        staff: StaffDep,
        assessment: AssessmentDep,
        data: JSONBody[AssessmentUpdate],
        db_session: DbSession,
    ) -> AssessmentOut:
        await services.update_assessment(db_session, assessment, data)
        record_by(
            staff, db_session, action="assessment.update", target_kind="assessment", target_id=assessment.id
        )
        return services.assessment_out(assessment)

    @post(
        "/{assessment_id:uuid}/questions",
        status_code=HTTP_201_CREATED,
        dependencies=with_assessment({"staff": Provide(provide_admin)}),
        summary="Add a question (admin)",
    )
    async def add_question(
        self,
        staff: StaffDep,
        assessment: AssessmentDep,
        data: JSONBody[QuestionIn],
        db_session: DbSession,
    ) -> QuestionOut:
        q = await services.add_question(db_session, assessment, data)
        record_by(staff, db_session, action="question.create", target_kind="question", target_id=q.id)
        return services.question_out(q, scored_numbers(assessment.questions))
