"""Candidate stages over HTTP: decisions (one or in bulk), deadline extensions, stage names, funnel."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

import msgspec
from litestar import Controller, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, JSONBody
from sqlalchemy import select

from server.audit import record_by
from server.auth.staff import TOKEN_SCOPE_OPT, provide_admin, provide_staff
from server.db.models import ApiTokenScope, CandidateDecision, Invitation
from server.deps import DbSession, JobsDep, SettingsDep, StaffDep
from server.domain.assessments.deps import InvitationDep, with_invitation
from server.domain.assessments.members import ensure_visible, visible
from server.domain.assessments.services import get_assessment
from server.domain.invitations import bulk, services, stages
from server.domain.invitations.emails import enqueue_invitation_email, queue_invitation_email
from server.domain.invitations.funnel import Funnel, funnel
from server.domain.invitations.schemas import InvitationOut
from server.domain.invitations.stages import REASONS, DecisionIn, Stage, StageNames
from server.errors import Forbidden, InvalidInput, VivaError
from server.openapi_responses import problems

__all__ = ["StageController"]


class DecisionOut(msgspec.Struct):
    invitation_id: uuid.UUID
    stage: Stage
    decision: CandidateDecision | None
    reason: str | None
    note: str | None


class ExtendIn(msgspec.Struct, forbid_unknown_fields=True):
    days: Annotated[int, msgspec.Meta(ge=1, le=90, description="Days added (from now once expired)")]


BulkAction = Literal["advance", "hold", "reject", "clear", "remind", "extend"]
_DECISIONS: dict[str, CandidateDecision | None] = {
    "advance": CandidateDecision.ADVANCED,
    "hold": CandidateDecision.ON_HOLD,
    "reject": CandidateDecision.REJECTED,
    "clear": None,
}


class BulkIn(msgspec.Struct, forbid_unknown_fields=True):
    action: BulkAction
    invitation_ids: Annotated[list[uuid.UUID], msgspec.Meta(min_length=1, max_length=500)]
    reason: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    note: Annotated[str, msgspec.Meta(max_length=4000)] | None = None
    days: Annotated[int, msgspec.Meta(ge=1, le=90)] | None = None


class BulkItem(msgspec.Struct):
    invitation_id: uuid.UUID
    candidate_name: str | None
    ok: bool
    stage: str | None = None  # after the action, or the stage that refused it
    status: int | None = None  # the HTTP status a single request would have got
    message: str | None = None


class BulkOut(msgspec.Struct):
    action: BulkAction
    applied: int
    failed: int
    items: list[BulkItem]


class ReasonsOut(msgspec.Struct):
    reasons: dict[str, list[str]]


class StageController(Controller):
    tags = ["stages"]

    @post(
        "/api/invitations/{invitation_id:uuid}/decision",
        status_code=200,
        dependencies=with_invitation({"staff": Provide(provide_staff)}),
        opt={**problems("body", 409, 422), TOKEN_SCOPE_OPT: ApiTokenScope.DECIDE.value},
        summary="Advance, hold or reject a candidate, or clear the decision (admin, reviewer)",
        description="`reason` comes from `GET /api/decision-reasons` for the decision; `other` needs a "
        "`note`. `decision: null` clears it. 409 (with `stage`) before the candidate completed or "
        "once withdrawn. Audited with before and after; emits `candidate.decided`.",
    )
    async def decide(
        self, staff: StaffDep, invitation: InvitationDep, data: JSONBody[DecisionIn], db_session: DbSession
    ) -> DecisionOut:
        stages.require_decider(staff)
        stage = await stages.apply_decision(db_session, invitation, data, staff)
        return DecisionOut(
            invitation_id=invitation.id,
            stage=stage,
            decision=invitation.decision,
            reason=invitation.decision_reason,
            note=invitation.decision_note,
        )

    @get(
        "/api/decision-reasons",
        dependencies={"staff": Provide(provide_staff)},
        summary="The reason codes allowed for each decision",
    )
    async def reasons(self, staff: StaffDep) -> ReasonsOut:
        return ReasonsOut(reasons={d.value: list(r) for d, r in REASONS.items()})

    @post(
        "/api/invitations/{invitation_id:uuid}/extend",
        status_code=200,
        dependencies={"staff": Provide(provide_admin)},
        opt={**problems("body", 409, 422), TOKEN_SCOPE_OPT: ApiTokenScope.INVITE.value},
        summary="Extend a candidate's deadline; the link stays the same (admin)",
        description="Adds `days` to the expiry (counted from now once expired, so an expired link works "
        "again). 409 for completed or withdrawn candidates.",
    )
    async def extend(
        self,
        staff: StaffDep,
        invitation_id: FromPath[uuid.UUID],
        data: JSONBody[ExtendIn],
        db_session: DbSession,
    ) -> InvitationOut:
        inv = await services.get_invitation(db_session, staff.organization_id, invitation_id)
        await stages.extend_deadline(db_session, inv, days=data.days, staff=staff)
        return services.invitation_out(inv)

    @post(
        "/api/assessments/{assessment_id:uuid}/invitations/bulk",
        status_code=200,
        dependencies={"staff": Provide(provide_staff)},
        opt={**problems("body", 422), TOKEN_SCOPE_OPT: ApiTokenScope.DECIDE.value},
        summary="Advance, hold, reject, clear, remind or extend many candidates; per-candidate results",
        description="Each candidate is applied whole or not at all (its own savepoint); `items` says for "
        "each whether it was applied and, if not, why (the status and the stage a single request "
        "would have got). Decisions: admins and reviewers; `remind` (a new link, emailed again "
        "through the resend path) and `extend` (`days`): admins.",
    )
    async def bulk_action(
        self,
        staff: StaffDep,
        assessment_id: FromPath[uuid.UUID],
        data: JSONBody[BulkIn],
        db_session: DbSession,
        settings: SettingsDep,
        jobs: JobsDep,
    ) -> BulkOut:
        await ensure_visible(db_session, staff, assessment_id)
        deciding = data.action in _DECISIONS
        if deciding:
            stages.require_decider(staff)
            if data.action != "clear" and data.reason is None:
                raise InvalidInput("Choose a reason for the decision.", field="reason")
        elif not staff.is_admin:
            raise Forbidden(f"Only an admin can {data.action} candidates.")
        if data.action == "extend" and data.days is None:
            raise InvalidInput("Say by how many days to extend the deadline.", field="days")
        ids = list(dict.fromkeys(data.invitation_ids))
        found = {
            i.id: i
            for i in (
                await db_session.execute(
                    select(Invitation).where(
                        Invitation.organization_id == staff.organization_id,
                        Invitation.assessment_id == assessment_id,
                        Invitation.id.in_(ids),
                    )
                )
            ).scalars()
        }
        items: list[BulkItem] = []
        reminded: list[Invitation] = []
        for inv_id in ids:
            inv = found.get(inv_id)
            if inv is None:
                items.append(
                    BulkItem(
                        invitation_id=inv_id,
                        candidate_name=None,
                        ok=False,
                        status=404,
                        message="No such candidate in this assessment.",
                    )
                )
                continue
            try:
                async with db_session.begin_nested():
                    if deciding:
                        stage: str = await stages.apply_decision(
                            db_session,
                            inv,
                            DecisionIn(decision=_DECISIONS[data.action], reason=data.reason, note=data.note),
                            staff,
                        )
                    elif data.action == "extend":
                        assert data.days is not None
                        await stages.extend_deadline(db_session, inv, days=data.days, staff=staff)
                        stage = await stages.stage_for(db_session, inv)
                    else:
                        days = data.days or settings.app.invitation_days
                        token = await bulk.resend_invitation(db_session, inv, days=days)
                        await queue_invitation_email(db_session, settings, inv, token)
                        record_by(
                            staff,
                            db_session,
                            action="invitation.resend",
                            target_kind="invitation",
                            target_id=inv.id,
                            data={"expires_at": inv.expires_at.isoformat(), "bulk": True},
                        )
                        reminded.append(inv)
                        stage = await stages.stage_for(db_session, inv)
                items.append(
                    BulkItem(invitation_id=inv.id, candidate_name=inv.candidate_name, ok=True, stage=stage)
                )
            except VivaError as exc:
                await db_session.refresh(inv)
                items.append(
                    BulkItem(
                        invitation_id=inv.id,
                        candidate_name=inv.candidate_name,
                        ok=False,
                        stage=exc.extra.get("stage") or await stages.stage_for(db_session, inv),
                        status=exc.status_code,
                        message=exc.detail,
                    )
                )
        applied = sum(1 for i in items if i.ok)
        await db_session.commit()
        if reminded and settings.email.enabled:
            for inv in reminded:
                await enqueue_invitation_email(jobs, inv)
        return BulkOut(action=data.action, applied=applied, failed=len(items) - applied, items=items)

    @get(
        "/api/organization/stage-names",
        dependencies={"staff": Provide(provide_staff)},
        summary="What this team calls each candidate stage",
    )
    async def get_stage_names(self, staff: StaffDep, db_session: DbSession) -> StageNames:
        return await stages.get_stage_names(db_session, staff.organization_id)

    @put(
        "/api/organization/stage-names",
        dependencies={"staff": Provide(provide_admin)},
        opt=problems("body", 422),
        summary="Name the candidate stages for this team, e.g. 'Phone screen' for advanced (admin)",
        description="The lifecycle stays fixed; only what the team sees changes. A stage left out "
        "(or given its default) shows the default name.",
    )
    async def put_stage_names(
        self, staff: StaffDep, data: JSONBody[StageNames], db_session: DbSession
    ) -> StageNames:
        return await stages.set_stage_names(db_session, staff, data)

    @get(
        "/api/assessments/{assessment_id:uuid}/funnel",
        dependencies={"staff": Provide(provide_staff)},
        summary="The funnel of one assessment: counts, rates, medians, drop-off per question",
    )
    async def assessment_funnel(
        self, staff: StaffDep, assessment_id: FromPath[uuid.UUID], db_session: DbSession
    ) -> Funnel:
        await ensure_visible(db_session, staff, assessment_id)
        a = await get_assessment(db_session, staff.organization_id, assessment_id)
        return await funnel(db_session, staff.organization_id, a)

    @get(
        "/api/funnel",
        dependencies={"staff": Provide(provide_staff)},
        summary="The funnel of the whole organization (the assessments the caller sees)",
    )
    async def organization_funnel(self, staff: StaffDep, db_session: DbSession) -> Funnel:
        return await funnel(
            db_session, staff.organization_id, None, visible=visible(staff, Invitation.assessment_id)
        )
