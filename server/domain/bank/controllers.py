"""The question bank: staff search and read it; admins export and import."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from litestar import Controller, Response, get, post
from litestar.di import Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from server.audit import record_by
from server.auth.staff import provide_admin, provide_staff
from server.deps import DbSession, JobsDep, StaffDep
from server.domain.bank import services, similar
from server.domain.bank.schemas import (
    BankImportOut,
    BankPage,
    BankQuestionOut,
    RolesOut,
    SimilarBankQuestion,
    SimilarIn,
)

__all__ = ["BankController"]

Limit = Annotated[int, QueryParameter(ge=1, le=200, description="Page size")]
Offset = Annotated[int, QueryParameter(ge=0, le=1_000_000_000, description="Rows to skip")]


class BankController(Controller):
    path = "/api/bank"
    tags = ["bank"]

    @get(
        "/questions",
        dependencies={"staff": Provide(provide_staff)},
        summary="Search the question bank",
        description="`q`: words that must all occur in the prompt or tags (any case); the "
        "other parameters filter exactly.",
    )
    async def search(
        self,
        staff: StaffDep,
        q: FromQuery[str | None] = None,
        competency: FromQuery[str | None] = None,
        kind: FromQuery[Literal["video", "written"] | None] = None,
        focus: FromQuery[str | None] = None,
        difficulty: FromQuery[Literal["mid", "senior"] | None] = None,
        role: FromQuery[str | None] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> BankPage:
        found = services.search(
            q=q, competency=competency, kind=kind, focus=focus, difficulty=difficulty, role=role
        )
        return BankPage(total=len(found), items=[services.summary(x) for x in found[offset : offset + limit]])

    @get(
        "/roles",
        dependencies={"staff": Provide(provide_staff)},
        summary="The roles the bank covers, and a blank assessment's neutral dimensions",
    )
    async def roles(self, staff: StaffDep) -> RolesOut:
        return services.roles_out()

    @get(
        "/questions/{bank_id:str}",
        dependencies={"staff": Provide(provide_staff)},
        summary="One bank question with its rubric and exemplars",
    )
    async def get_question(self, staff: StaffDep, bank_id: FromPath[str]) -> BankQuestionOut:
        return services.question_out(services.bank_question(bank_id))

    @post(
        "/similar",
        status_code=HTTP_200_OK,
        dependencies={"staff": Provide(provide_admin)},
        summary="Bank questions nearest in meaning to a draft prompt, with their rubrics (admin)",
        description="Embeds the prompt with the scorer's sentence encoder and returns the `limit` "
        "bank questions with the most similar prompts, nearest first, so their "
        "exemplars can be copied into a question being written.",
    )
    async def similar(
        self, staff: StaffDep, data: JSONBody[SimilarIn], jobs: JobsDep
    ) -> list[SimilarBankQuestion]:
        return await similar.similar_questions(
            jobs, data.prompt, limit=data.limit, competencies=data.competencies
        )

    @get(
        "/export",
        dependencies={"staff": Provide(provide_admin)},
        summary="Download the question bank as JSON (admin)",
        responses={
            200: ResponseSpec(
                data_container=dict[str, Any],
                media_type="application/json",
                generate_examples=False,
                description="The bank file: `{format, version, questions}`",
            )
        },
    )
    async def export(self, staff: StaffDep) -> Response[bytes]:
        return Response(
            services.export_bank().encode(),
            media_type="application/json",
            headers={"Content-Disposition": 'attachment; filename="viva-question-bank.json"'},
        )

    @post(
        "/import",
        status_code=HTTP_201_CREATED,
        dependencies={"staff": Provide(provide_admin)},
        summary="Import a bank file into a new draft assessment (admin)",
        description="The body is a bank as `GET /api/bank/export` writes it (or a bare list of "
        "questions). The whole file is checked first: any problem is 422 with every "
        "problem listed in `problems` (index, question id, field, message) and "
        "nothing is stored. Valid questions become a new **draft** assessment, "
        "'Imported bank questions <date>', with the ML-engineer dimensions; "
        "`dry_run=true` only checks.",
    )
    async def import_bank(
        self,
        staff: StaffDep,
        data: JSONBody[dict[str, Any] | list[Any]],
        db_session: DbSession,
        dry_run: FromQuery[bool] = False,
    ) -> Response[BankImportOut]:
        questions = services.validate_import(data)
        ids = [q.id for q in questions]
        if dry_run:
            return Response(
                BankImportOut(question_count=len(questions), bank_ids=ids, dry_run=True),
                status_code=HTTP_200_OK,
            )
        a = await services.import_to_draft(db_session, staff.organization_id, questions)
        record_by(
            staff,
            db_session,
            action="bank.import",
            target_kind="assessment",
            target_id=a.id,
            data={
                "bank_ids": ids,
                "questions": {
                    str(qq.id): {
                        "bank_id": b.id,
                        "roles": list(b.roles),
                        "tags": list(b.tags),
                        "focus": list(b.focus),
                        "difficulty": b.difficulty,
                    }
                    for qq, b in zip(a.questions, questions, strict=True)
                },
            },
        )
        return Response(
            BankImportOut(
                question_count=len(questions),
                bank_ids=ids,
                dry_run=False,
                assessment_id=a.id,
                assessment_title=a.title,
                imported_at=datetime.now(UTC),
            ),
            status_code=HTTP_201_CREATED,
        )
