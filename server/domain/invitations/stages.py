"""Candidate stages: the lifecycle that follows from what happened, and a person's decision.

invited -> started -> completed -> in_review -> reviewed follow from the attempt, its answers
and their reviews (computed in one grouped query for a whole list, never per row);
advanced / on_hold / rejected are a person's decision (a reason code from a closed list per
decision, an optional note), audited with before and after, and reversible: changed or
cleared, the audit log keeps every version. ``withdrawn`` (revoked) and ``expired`` end the
lifecycle before completion. Every illegal transition is a 409 naming the current stage.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

import msgspec
from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.audit import record
from server.auth.staff import Staff
from server.db.models import (
    Attempt,
    CandidateDecision,
    Invitation,
    InvitationStatus,
    Organization,
    Response,
    ReviewStatus,
    Role,
)
from server.domain.integrations import events as webhook_events
from server.domain.invitations.decision_emails import queue_decision_email
from server.errors import Conflict, Forbidden, InvalidInput, NotFound

__all__ = [
    "DECIDER_ROLES",
    "REASONS",
    "STAGES",
    "DecisionIn",
    "Stage",
    "StageCounts",
    "StageNames",
    "apply_decision",
    "can_decide",
    "extend_deadline",
    "get_stage_names",
    "require_decider",
    "set_stage_names",
    "stage_counts",
    "stage_of",
]

Stage = Literal[
    "invited",
    "started",
    "completed",
    "in_review",
    "reviewed",
    "advanced",
    "on_hold",
    "rejected",
    "withdrawn",
    "expired",
]
STAGES: tuple[Stage, ...] = (
    "invited",
    "started",
    "completed",
    "in_review",
    "reviewed",
    "advanced",
    "on_hold",
    "rejected",
    "withdrawn",
    "expired",
)
DECIDABLE: frozenset[str] = frozenset(
    {"completed", "in_review", "reviewed", "advanced", "on_hold", "rejected"}
)

# The closed list of reason codes per decision; "other" needs a note saying what it is.
REASONS: dict[CandidateDecision, tuple[str, ...]] = {
    CandidateDecision.ADVANCED: (
        "strong_overall",
        "strong_competency",
        "meets_requirements",
        "other",
    ),
    CandidateDecision.ON_HOLD: (
        "borderline",
        "needs_more_information",
        "position_on_hold",
        "other",
    ),
    CandidateDecision.REJECTED: (
        "below_threshold",
        "english_below_threshold",
        "missing_competency",
        "incomplete_answers",
        "candidate_withdrew",
        "other",
    ),
}

# Who may decide on candidates: the one place the permission lives.
DECIDER_ROLES: frozenset[Role] = frozenset({Role.ADMIN, Role.REVIEWER})


def can_decide(staff: Staff) -> bool:
    return staff.role in DECIDER_ROLES


def require_decider(staff: Staff) -> None:
    if not can_decide(staff):
        raise Forbidden("Only admins and reviewers can decide on candidates.")


@dataclass(frozen=True, slots=True)
class StageCounts:
    """What a stage is computed from: current submitted answers, reviewed ones, touched ones."""

    answers: int = 0
    reviewed: int = 0
    touched: int = 0  # answers with at least one review (partial, conflict or reviewed)


def stage_of(inv: Invitation, counts: StageCounts, now: datetime | None = None) -> Stage:
    """The candidate's stage from the invitation's status, decision and answer counts."""
    now = now or datetime.now(UTC)
    if inv.status is InvitationStatus.REVOKED:
        return "withdrawn"
    if inv.status is not InvitationStatus.COMPLETED:
        if inv.expires_at <= now:
            return "expired"
        return "started" if inv.status is InvitationStatus.STARTED else "invited"
    if inv.decision is not None:
        return inv.decision.value
    if counts.answers and counts.reviewed == counts.answers:
        return "reviewed"
    if counts.touched:
        return "in_review"
    return "completed"


async def stage_counts(db: AsyncSession, where: ColumnElement[bool]) -> dict[uuid.UUID, StageCounts]:
    """Counts per invitation matching ``where`` (on Invitation): one grouped query."""
    reviewed = func.sum(case((Response.review_status == ReviewStatus.REVIEWED, 1), else_=0))
    touched = func.sum(case((Response.review_status != ReviewStatus.PENDING, 1), else_=0))
    rows = await db.execute(
        select(Attempt.invitation_id, func.count(Response.id), reviewed, touched)
        .join(Invitation, Invitation.id == Attempt.invitation_id)
        .join(Response, Response.attempt_id == Attempt.id)
        .where(where, Response.is_current.is_(True), Response.submitted_at.is_not(None))
        .group_by(Attempt.invitation_id)
    )
    return {i: StageCounts(int(n), int(r or 0), int(t or 0)) for i, n, r, t in rows.all()}


async def stage_for(db: AsyncSession, inv: Invitation) -> Stage:
    counts = await stage_counts(db, Invitation.id == inv.id)
    return stage_of(inv, counts.get(inv.id, StageCounts()))


class DecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    """A decision on a candidate; ``decision: null`` clears the current one."""

    decision: CandidateDecision | None
    reason: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    note: Annotated[str, msgspec.Meta(max_length=4000)] | None = None


def _snapshot(inv: Invitation) -> dict[str, Any]:
    return {
        "decision": inv.decision.value if inv.decision else None,
        "reason": inv.decision_reason,
        "note": inv.decision_note,
        "decided_by_id": str(inv.decided_by_id) if inv.decided_by_id else None,
        "decided_at": inv.decided_at.isoformat() if inv.decided_at else None,
    }


def _check_reason(data: DecisionIn) -> tuple[str | None, str | None]:
    note = (data.note or "").strip() or None
    if data.decision is None:
        if data.reason:
            raise InvalidInput("Clearing a decision takes no reason.", field="reason")
        return None, note
    allowed = REASONS[data.decision]
    if data.reason is None or data.reason not in allowed:
        raise InvalidInput(
            f"Choose a reason for '{data.decision.value}': one of {', '.join(allowed)}.",
            field="reason",
        )
    if data.reason == "other" and note is None:
        raise InvalidInput("The reason 'other' needs a note saying what it is.", field="note")
    return data.reason, note


async def apply_decision(db: AsyncSession, inv: Invitation, data: DecisionIn, staff: Staff) -> Stage:
    """Set, change or clear the decision; audited with before and after; returns the new stage.

    409 (naming the current stage) before the candidate completed, once withdrawn, or when
    clearing a decision that is not there.
    """
    require_decider(staff)
    reason, note = _check_reason(data)
    current = await stage_for(db, inv)
    if current not in DECIDABLE:
        raise Conflict(
            f"The candidate is '{current}'; a decision can be made only once they have completed "
            "the assessment and their link was not withdrawn.",
            stage=current,
        )
    if data.decision is None and inv.decision is None:
        raise Conflict(f"The candidate is '{current}' and has no decision to clear.", stage=current)
    before = _snapshot(inv)
    now = datetime.now(UTC)
    inv.decision = data.decision
    inv.decision_reason = reason
    inv.decision_note = note
    inv.decided_at = now if data.decision else None
    inv.decided_by_id = staff.actor_user_id if data.decision else None
    after = _snapshot(inv)
    record(
        db,
        action="candidate.decision" if data.decision else "candidate.decision_cleared",
        target_kind="invitation",
        target_id=inv.id,
        organization_id=inv.organization_id,
        actor_id=staff.user_id,
        data={"before": before, "after": after, "via_token": staff.via_token},
    )
    await db.flush()
    new = await stage_for(db, inv)
    await webhook_events.candidate_decided(db, inv, new, previous=before["decision"])
    if data.decision is not None:
        # Only where the organization turned decision emails on; a later change or a clear
        # before it goes out is caught by the sender, which mails the current decision only.
        await queue_decision_email(db, inv)
    return new


async def extend_deadline(db: AsyncSession, inv: Invitation, *, days: int, staff: Staff) -> Invitation:
    """Move the link's expiry ``days`` later (from now if it has expired); the link stays the same."""
    if inv.status is InvitationStatus.COMPLETED:
        raise Conflict(
            "The candidate is 'completed'; there is no deadline left to extend.", stage="completed"
        )
    if inv.status is InvitationStatus.REVOKED or inv.revoked_at is not None:
        raise Conflict(
            "The candidate is 'withdrawn'; invite them again instead of extending.", stage="withdrawn"
        )
    now = datetime.now(UTC)
    before = inv.expires_at
    inv.expires_at = max(before, now) + timedelta(days=days)
    record(
        db,
        action="invitation.extend",
        target_kind="invitation",
        target_id=inv.id,
        organization_id=inv.organization_id,
        actor_id=staff.user_id,
        data={"before": before.isoformat(), "after": inv.expires_at.isoformat(), "days": days},
    )
    await db.flush()
    return inv


# -- display names per organization ------------------------------------------------------------
StageName = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]


class StageNames(msgspec.Struct, forbid_unknown_fields=True):
    """What the team sees for each stage; a stage left out shows its default name."""

    names: dict[Stage, StageName]


DEFAULT_NAMES: dict[Stage, str] = {
    "invited": "Invited",
    "started": "Started",
    "completed": "Completed",
    "in_review": "In review",
    "reviewed": "Reviewed",
    "advanced": "Advanced",
    "on_hold": "On hold",
    "rejected": "Rejected",
    "withdrawn": "Withdrawn",
    "expired": "Expired",
}


async def _org(db: AsyncSession, organization_id: uuid.UUID) -> Organization:
    org = await db.get(Organization, organization_id)
    if org is None:
        raise NotFound("Your organization no longer exists.")
    return org


async def get_stage_names(db: AsyncSession, organization_id: uuid.UUID) -> StageNames:
    org = await _org(db, organization_id)
    custom = {k: v for k, v in (org.stage_names or {}).items() if k in DEFAULT_NAMES}
    return StageNames(names={**DEFAULT_NAMES, **custom})


async def set_stage_names(db: AsyncSession, staff: Staff, data: StageNames) -> StageNames:
    org = await _org(db, staff.organization_id)
    names: dict[str, str] = {
        k: v.strip() for k, v in data.names.items() if v.strip() and v.strip() != DEFAULT_NAMES[k]
    }
    before = dict(org.stage_names or {})
    org.stage_names = names
    record(
        db,
        action="organization.stage_names",
        target_kind="organization",
        target_id=org.id,
        organization_id=org.id,
        actor_id=staff.user_id,
        data={"before": before, "after": names},
    )
    await db.flush()
    return await get_stage_names(db, staff.organization_id)
