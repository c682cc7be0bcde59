"""Exemplar curation, AI-vs-reviewer agreement per question and re-scoring (admin)."""

from __future__ import annotations

import uuid
from typing import TypeAlias

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from server.audit import record_by
from server.auth.staff import Staff, provide_admin, provide_staff
from server.db.models import Assessment, Exemplar, Question
from server.deps import DbSession, JobsDep, StaffDep
from server.domain.assessments.members import ensure_visible
from server.domain.assessments.numbering import scored_numbers
from server.domain.assessments.schemas import ExemplarOut
from server.domain.assessments.services import get_assessment
from server.domain.curation import agreement, exemplar_check, exemplars, rescore
from server.domain.curation.schemas import (
    AgreementPreviewOut,
    ExemplarCheckIn,
    ExemplarCheckOut,
    ExemplarCreate,
    ExemplarPatch,
    PreviewIn,
    PromoteIn,
    QuestionAgreementOut,
    QuestionContext,
    RescoreRunOut,
    RescoreStatusOut,
)
from server.jobs.context import JobContext

__all__ = ["CurationController"]

_admin = {"staff": Provide(provide_admin)}


async def _provide_exemplar(
    staff: StaffDep, exemplar_id: FromPath[uuid.UUID], db_session: DbSession
) -> Exemplar:
    """The exemplar a route's ``{exemplar_id}`` names, of the admin's organization (else 404)."""
    return await exemplars.get_exemplar(db_session, staff.organization_id, exemplar_id)


ExemplarDep: TypeAlias = NamedDependency[Exemplar]
_admin_on_exemplar = {**_admin, "exemplar": Provide(_provide_exemplar)}


def _context(q: Question, a: Assessment) -> QuestionContext:
    r = q.rubric
    return QuestionContext(
        assessment_id=a.id,
        assessment_title=a.title,
        position=q.position,
        number=scored_numbers(a.questions).get(q.id),
        is_practice=q.is_practice,
        prompt=q.prompt,
        kind=q.kind.value,
        competency_name=q.competency.name if q.competency else None,
        scale_min=r.scale_min if r else 1,
        scale_max=r.scale_max if r else 5,
        levels={str(lv.level): lv.descriptor for lv in r.levels} if r else {},
        exemplars=sorted(
            (exemplars.exemplar_out(e) for e in r.exemplars) if r else [], key=lambda e: (e.retired, e.level)
        ),
    )


def _snapshot(e: ExemplarOut) -> dict[str, object]:
    return {"level": e.level, "text": e.text, "retired": e.retired}


async def _run(
    db: DbSession, jobs: JobContext, staff: Staff, assessment_id: uuid.UUID, question_ids: list[uuid.UUID]
) -> RescoreRunOut:
    a = await get_assessment(db, staff.organization_id, assessment_id)
    run = await rescore.start_rescore(db, staff, a, question_ids)
    await db.commit()  # the workers must see the queued answers
    for rid in run.response_ids:
        await jobs.enqueue_processing(rid)
    return run


class CurationController(Controller):
    path = "/api"
    tags = ["curation"]

    @post(
        "/questions/{question_id:uuid}/exemplars",
        status_code=HTTP_201_CREATED,
        dependencies=_admin,
        summary="Add an exemplar answer at a level (admin)",
    )
    async def add_exemplar(
        self,
        staff: StaffDep,
        question_id: FromPath[uuid.UUID],
        data: JSONBody[ExemplarCreate],
        db_session: DbSession,
    ) -> ExemplarOut:
        q = await exemplars.org_question(db_session, staff.organization_id, question_id)
        e = await exemplars.add_exemplar(db_session, q, level=data.level, text=data.text)
        out = exemplars.exemplar_out(e)
        record_by(
            staff,
            db_session,
            action="exemplar.create",
            target_kind="exemplar",
            target_id=e.id,
            data={"question_id": str(q.id), "after": _snapshot(out)},
        )
        return out

    @post(
        "/exemplar-check",
        status_code=200,
        dependencies=_admin,
        summary="How well draft exemplars separate the levels (leave-one-out, admin)",
        description="Scores each exemplar with the real scorer against the other exemplars and "
        "the level descriptors, as a new question's first answers are scored; "
        "stores nothing. 422 unless exemplars are at two or more levels.",
    )
    async def check_exemplars(
        self, staff: StaffDep, data: JSONBody[ExemplarCheckIn], jobs: JobsDep
    ) -> ExemplarCheckOut:
        return await exemplar_check.check_exemplars(jobs, data)

    @patch(
        "/exemplars/{exemplar_id:uuid}",
        dependencies=_admin_on_exemplar,
        summary="Edit an exemplar's text or level (admin)",
    )
    async def edit_exemplar(
        self,
        staff: StaffDep,
        exemplar: ExemplarDep,
        data: JSONBody[ExemplarPatch],
        db_session: DbSession,
    ) -> ExemplarOut:
        before = _snapshot(exemplars.exemplar_out(exemplar))
        await exemplars.edit_exemplar(db_session, exemplar, data)
        out = exemplars.exemplar_out(exemplar)
        record_by(
            staff,
            db_session,
            action="exemplar.update",
            target_kind="exemplar",
            target_id=exemplar.id,
            data={"before": before, "after": _snapshot(out)},
        )
        return out

    @post(
        "/exemplars/{exemplar_id:uuid}/retire",
        status_code=200,
        dependencies=_admin_on_exemplar,
        summary="Retire an exemplar: kept for the record, ignored by the scorer (admin)",
    )
    async def retire_exemplar(
        self, staff: StaffDep, exemplar: ExemplarDep, db_session: DbSession
    ) -> ExemplarOut:
        if await exemplars.retire(db_session, exemplar):
            record_by(
                staff,
                db_session,
                action="exemplar.retire",
                target_kind="exemplar",
                target_id=exemplar.id,
                data={"level": exemplar.level, "text": exemplar.text},
            )
        return exemplars.exemplar_out(exemplar)

    @post(
        "/responses/{response_id:uuid}/promote",
        status_code=HTTP_201_CREATED,
        dependencies=_admin,
        summary="Make a reviewed answer an exemplar (admin)",
        description="The level defaults to the answer's final human score. 409 if the answer "
        "is not fully reviewed (or already promoted); 422 if it has no speech or "
        "text.",
    )
    async def promote(
        self,
        staff: StaffDep,
        response_id: FromPath[uuid.UUID],
        db_session: DbSession,
        data: JSONBody[PromoteIn | None] = None,
    ) -> ExemplarOut:
        level = data.level if data is not None else None
        e = await exemplars.promote(db_session, staff.organization_id, response_id, level)
        out = exemplars.exemplar_out(e)
        record_by(
            staff,
            db_session,
            action="exemplar.promote",
            target_kind="exemplar",
            target_id=e.id,
            data={"response_id": str(response_id), "after": _snapshot(out)},
        )
        return out

    @get(
        "/questions/{question_id:uuid}/agreement",
        dependencies={"staff": Provide(provide_staff)},
        summary="AI vs. reviewers on one question: QWK, agreement, coverage, confusion",
    )
    async def question_agreement(
        self, staff: StaffDep, question_id: FromPath[uuid.UUID], db_session: DbSession
    ) -> QuestionAgreementOut:
        q = await exemplars.org_question(db_session, staff.organization_id, question_id)
        await ensure_visible(db_session, staff, q.assessment_id)
        a = await get_assessment(db_session, staff.organization_id, q.assessment_id)
        return QuestionAgreementOut(
            question_id=q.id,
            metrics=await agreement.current_agreement(db_session, q),
            question=_context(q, a),
        )

    @post(
        "/questions/{question_id:uuid}/agreement/preview",
        status_code=200,
        dependencies=_admin,
        summary="Before/after: re-score reviewed answers in memory, optionally with a draft",
        description="Runs the real scorer, leave-one-out; stores nothing. Without a body: the "
        "stored suggestions vs. the current exemplars (the effect of changes "
        "already saved). With a draft (`add`, `edit`, `retire`): the current "
        "exemplars vs. the draft applied, before saving it.",
    )
    async def preview(
        self,
        staff: StaffDep,
        question_id: FromPath[uuid.UUID],
        db_session: DbSession,
        jobs: JobsDep,
        data: JSONBody[PreviewIn | None] = None,
    ) -> AgreementPreviewOut:
        q = await exemplars.org_question(db_session, staff.organization_id, question_id)
        return await agreement.preview_agreement(db_session, jobs, q, data)

    @post(
        "/questions/{question_id:uuid}/rescore",
        status_code=200,
        dependencies=_admin,
        summary="Re-score this question's ready, unreviewed answers (admin)",
    )
    async def rescore_question(
        self, staff: StaffDep, question_id: FromPath[uuid.UUID], db_session: DbSession, jobs: JobsDep
    ) -> RescoreRunOut:
        q = await exemplars.org_question(db_session, staff.organization_id, question_id)
        return await _run(db_session, jobs, staff, q.assessment_id, [q.id])

    @post(
        "/assessments/{assessment_id:uuid}/rescore",
        status_code=200,
        dependencies=_admin,
        summary="Re-score every ready, unreviewed answer of an assessment (admin)",
    )
    async def rescore_assessment(
        self, staff: StaffDep, assessment_id: FromPath[uuid.UUID], db_session: DbSession, jobs: JobsDep
    ) -> RescoreRunOut:
        a = await get_assessment(db_session, staff.organization_id, assessment_id)
        return await _run(db_session, jobs, staff, a.id, [q.id for q in a.questions])

    @get(
        "/assessments/{assessment_id:uuid}/rescore-status",
        dependencies={"staff": Provide(provide_staff)},
        summary="Progress of the latest re-scoring: its answers counted by state",
    )
    async def rescore_status(
        self, staff: StaffDep, assessment_id: FromPath[uuid.UUID], db_session: DbSession
    ) -> RescoreStatusOut:
        await ensure_visible(db_session, staff, assessment_id)
        a = await get_assessment(db_session, staff.organization_id, assessment_id)
        return await rescore.rescore_status(db_session, a)
