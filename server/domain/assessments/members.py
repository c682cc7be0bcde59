"""Who works on an assessment, and which assessments a staff member sees (issue 16).

- Admins see every assessment of their organization.
- Hiring managers see only the assessments they are assigned to (anything else is 404).
- Reviewers see the assessments they are assigned to, and every assessment that has no
  reviewer assigned at all: an organization that never assigns works as before, and one
  that assigns reviewers to an assessment keeps the others out of it.
"""

from __future__ import annotations

import uuid

import msgspec
from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from server.auth.staff import Staff
from server.db.models import Assessment, AssessmentMember, Invitation, Role, User
from server.errors import InvalidInput, NotFound

__all__ = [
    "MemberOut",
    "MembersIn",
    "ensure_visible",
    "get_visible_invitation",
    "list_members",
    "replace_members",
    "visible",
]


class MemberOut(msgspec.Struct):
    user_id: uuid.UUID
    name: str
    email: str
    role: str
    is_active: bool


class MembersIn(msgspec.Struct, forbid_unknown_fields=True):
    """The reviewers and hiring managers who work on the assessment (replaces the list)."""

    user_ids: list[uuid.UUID] = msgspec.field(default_factory=list)


def visible(
    staff: Staff, assessment_id: ColumnElement[uuid.UUID] | InstrumentedAttribute[uuid.UUID] | None = None
) -> ColumnElement[bool] | None:
    """A condition on ``assessment_id`` (default ``Assessment.id``) for what ``staff`` sees;
    ``None`` for admins and API tokens (everything of the organization)."""
    col = Assessment.id if assessment_id is None else assessment_id
    if staff.is_admin:
        return None
    mine = select(AssessmentMember.assessment_id).where(AssessmentMember.user_id == staff.user_id)
    if staff.is_hiring_manager:
        return col.in_(mine)
    reviewers_assigned = exists(
        select(AssessmentMember.id)
        .join(User, User.id == AssessmentMember.user_id)
        .where(AssessmentMember.assessment_id == col, User.role == Role.REVIEWER)
    )
    return col.in_(mine) | ~reviewers_assigned


async def ensure_visible(db: AsyncSession, staff: Staff, assessment_id: uuid.UUID) -> None:
    """404 unless the assessment is of the staff's organization and visible to them."""
    conds: list[ColumnElement[bool]] = [
        Assessment.id == assessment_id,
        Assessment.organization_id == staff.organization_id,
    ]
    cond = visible(staff)
    if cond is not None:
        conds.append(cond)
    if (await db.execute(select(Assessment.id).where(*conds))).first() is None:
        raise NotFound("No such assessment in your organization, or it is not shared with you.")


async def get_visible_invitation(db: AsyncSession, staff: Staff, invitation_id: uuid.UUID) -> Invitation:
    """The candidate's invitation, 404 unless it is of the staff's organization and of an
    assessment they see (:func:`ensure_visible`)."""
    inv = await db.get(Invitation, invitation_id)
    if inv is None or inv.organization_id != staff.organization_id:
        raise NotFound("No such candidate in your organization.")
    await ensure_visible(db, staff, inv.assessment_id)
    return inv


async def list_members(db: AsyncSession, assessment_id: uuid.UUID) -> list[MemberOut]:
    rows = (
        await db.execute(
            select(User)
            .join(AssessmentMember, AssessmentMember.user_id == User.id)
            .where(AssessmentMember.assessment_id == assessment_id)
            .order_by(User.name, User.email)
        )
    ).scalars()
    return [
        MemberOut(user_id=u.id, name=u.name, email=u.email, role=u.role.value, is_active=u.is_active)
        for u in rows
    ]


async def replace_members(
    db: AsyncSession, organization_id: uuid.UUID, assessment_id: uuid.UUID, user_ids: list[uuid.UUID]
) -> list[MemberOut]:
    """Set the reviewers and hiring managers of an assessment; admins need no assignment (422)."""
    wanted = list(dict.fromkeys(user_ids))
    if len(wanted) > 500:
        raise InvalidInput("Assign at most 500 people to one assessment.")
    users = {
        u.id: u
        for u in (
            await db.execute(select(User).where(User.id.in_(wanted), User.organization_id == organization_id))
        ).scalars()
    }
    unknown = [str(i) for i in wanted if i not in users]
    if unknown:
        raise InvalidInput(f"No such staff member in your organization: {', '.join(unknown)}.")
    admins = [users[i].email for i in wanted if users[i].role is Role.ADMIN]
    if admins:
        raise InvalidInput(
            f"Admins see every assessment and need no assignment: {', '.join(admins)}. "
            "Assign reviewers and hiring managers."
        )
    await db.execute(delete(AssessmentMember).where(AssessmentMember.assessment_id == assessment_id))
    db.add_all(AssessmentMember(assessment_id=assessment_id, user_id=i) for i in wanted)
    await db.flush()
    return await list_members(db, assessment_id)
