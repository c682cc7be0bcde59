"""The assessment builder (admin): structure edits, bank copies and templates."""

from __future__ import annotations

import uuid

import msgspec
from litestar import Controller, delete, get, patch, post, put
from litestar.di import Provide
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from server.audit import record_by
from server.auth.staff import provide_admin, provide_staff
from server.deps import DbSession, StaffDep
from server.domain.assessments import builder, services
from server.domain.assessments.builder_schemas import (
    DimensionsIn,
    FromBankIn,
    FromTemplateIn,
    QuestionPatch,
    ReorderIn,
    TemplateOut,
)
from server.domain.assessments.deps import AssessmentDep, with_assessment
from server.domain.assessments.numbering import scored_numbers
from server.domain.assessments.schemas import AssessmentOut, QuestionOut
from server.domain.bank.templates import TEMPLATES, assessment_body, get_template, template_out

__all__ = ["AssessmentBuilderController"]

_admin = {"staff": Provide(provide_admin)}


class AssessmentBuilderController(Controller):
    path = "/api"
    tags = ["assessments"]

    @put(
        "/assessments/{assessment_id:uuid}/dimensions",
        dependencies=with_assessment(_admin),
        summary="Replace dimensions, weights and competencies (admin)",
        description="Weights must add up to 100 (422). Competencies are matched by key, so "
        "their questions follow them; removing one still used by questions is 409.",
    )
    async def replace_dimensions(
        self,
        staff: StaffDep,
        assessment: AssessmentDep,
        data: JSONBody[DimensionsIn],
        db_session: DbSession,
    ) -> AssessmentOut:
        before = [
            {"name": d.name, "weight": d.weight, "competencies": [c.key for c in d.competencies]}
            for d in assessment.dimensions
        ]
        await builder.replace_dimensions(db_session, assessment, data.dimensions)
        record_by(
            staff,
            db_session,
            action="assessment.dimensions",
            target_kind="assessment",
            target_id=assessment.id,
            data={"before": before, "after": msgspec.to_builtins(data.dimensions)},
        )
        return services.assessment_out(assessment)

    @patch(
        "/assessments/{assessment_id:uuid}/questions/{question_id:uuid}",
        dependencies=with_assessment(_admin),
        summary="Change a question (admin); its kind is fixed once answered",
    )
    async def patch_question(
        self,
        staff: StaffDep,
        assessment: AssessmentDep,
        question_id: FromPath[uuid.UUID],
        data: JSONBody[QuestionPatch],
        db_session: DbSession,
    ) -> QuestionOut:
        q = builder.get_question(assessment, question_id)
        await builder.patch_question(db_session, assessment, q, data)
        record_by(
            staff,
            db_session,
            action="question.update",
            target_kind="question",
            target_id=q.id,
            data={"changes": msgspec.to_builtins(data)},
        )
        return services.question_out(q, scored_numbers(assessment.questions))

    @delete(
        "/assessments/{assessment_id:uuid}/questions/{question_id:uuid}",
        dependencies=with_assessment(_admin),
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a question nobody answered (admin)",
    )
    async def delete_question(
        self,
        staff: StaffDep,
        assessment: AssessmentDep,
        question_id: FromPath[uuid.UUID],
        db_session: DbSession,
    ) -> None:
        q = builder.get_question(assessment, question_id)
        prompt = q.prompt
        await builder.delete_question(db_session, assessment, q)
        record_by(
            staff,
            db_session,
            action="question.delete",
            target_kind="question",
            target_id=question_id,
            data={"assessment_id": str(assessment.id), "prompt": prompt},
        )

    @post(
        "/assessments/{assessment_id:uuid}/questions/reorder",
        status_code=200,
        dependencies=with_assessment(_admin),
        summary="Put the questions in a new order (admin)",
    )
    async def reorder(
        self,
        staff: StaffDep,
        assessment: AssessmentDep,
        data: JSONBody[ReorderIn],
        db_session: DbSession,
    ) -> AssessmentOut:
        await builder.reorder_questions(db_session, assessment, data)
        record_by(
            staff,
            db_session,
            action="assessment.reorder",
            target_kind="assessment",
            target_id=assessment.id,
            data={"question_ids": [str(i) for i in data.question_ids]},
        )
        return services.assessment_out(assessment)

    @post(
        "/assessments/{assessment_id:uuid}/questions/from-bank",
        status_code=HTTP_201_CREATED,
        dependencies=with_assessment(_admin),
        summary="Copy bank questions with their rubrics and exemplars (admin)",
    )
    async def from_bank(
        self,
        staff: StaffDep,
        assessment: AssessmentDep,
        data: JSONBody[FromBankIn],
        db_session: DbSession,
    ) -> list[QuestionOut]:
        added = await builder.add_from_bank(db_session, assessment, data)
        for bank_id, q in zip(data.bank_ids, added, strict=True):
            record_by(
                staff,
                db_session,
                action="question.create",
                target_kind="question",
                target_id=q.id,
                data={"bank_id": bank_id},
            )
        numbers = scored_numbers(assessment.questions)
        return [services.question_out(q, numbers) for q in added]

    @get(
        "/assessment-templates",
        dependencies={"staff": Provide(provide_staff)},
        summary="Ready-made assessments by focus, with the bank questions they ask",
    )
    async def list_templates(self, staff: StaffDep) -> list[TemplateOut]:
        return [template_out(t) for t in TEMPLATES]

    @post(
        "/assessments/from-template",
        status_code=HTTP_201_CREATED,
        dependencies=_admin,
        summary="Create an active, ready-to-invite assessment from a template (admin)",
    )
    async def from_template(
        self, staff: StaffDep, data: JSONBody[FromTemplateIn], db_session: DbSession
    ) -> AssessmentOut:
        t = get_template(data.template_id)
        a = await services.create_assessment(
            db_session, staff.organization_id, assessment_body(t, data.title)
        )
        record_by(
            staff,
            db_session,
            action="assessment.create",
            target_kind="assessment",
            target_id=a.id,
            data={"template_id": t.id},
        )
        await db_session.refresh(a)
        return services.assessment_out(a)
