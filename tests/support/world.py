"""Two organizations with staff, assessments and invitations, built through the services."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from server.db.engine import session_maker
from server.db.models import Invitation, Organization, Role
from server.domain.accounts.services import create_user
from server.domain.assessments.schemas import AssessmentCreate
from server.domain.assessments.services import create_assessment
from server.domain.invitations.schemas import InvitationCreate
from server.domain.invitations.services import create_invitation
from server.seed.ml_engineer import ML_ENGINEER_ASSESSMENT
from server.storage import video_key

__all__ = ["PASSWORD", "Org", "World", "build_world", "expire_invitation"]

PASSWORD = "correct horse battery"


@dataclass
class Org:
    id: uuid.UUID
    slug: str
    admin_email: str
    reviewer_email: str
    assessment_id: uuid.UUID
    question_ids: list[uuid.UUID]
    tokens: dict[str, str] = field(default_factory=dict)  # candidate name -> raw token
    invitation_ids: dict[str, uuid.UUID] = field(default_factory=dict)


@dataclass
class World:
    a: Org
    b: Org


async def _org(engine: AsyncEngine, slug: str, candidates: dict[str, Any]) -> Org:
    async with session_maker(engine)() as db:
        org = Organization(name=f"Org {slug.upper()}", slug=slug)
        db.add(org)
        await db.flush()
        admin = await create_user(
            db,
            organization_id=org.id,
            email=f"admin@{slug}.test",
            name="Admin",
            password=PASSWORD,
            role=Role.ADMIN,
        )
        await create_user(
            db,
            organization_id=org.id,
            email=f"reviewer@{slug}.test",
            name="Reviewer",
            password=PASSWORD,
            role=Role.REVIEWER,
        )
        assessment = await create_assessment(
            db, org.id, msgspec.convert(ML_ENGINEER_ASSESSMENT, AssessmentCreate)
        )
        result = Org(
            id=org.id,
            slug=slug,
            admin_email=admin.email,
            reviewer_email=f"reviewer@{slug}.test",
            assessment_id=assessment.id,
            question_ids=[q.id for q in assessment.questions],
        )
        for name, opts in candidates.items():
            inv, token = await create_invitation(
                db,
                organization_id=org.id,
                assessment_id=assessment.id,
                data=InvitationCreate(candidate_name=name, candidate_email=f"{name.lower()}@example.com"),
                created_by=admin.id,
                default_days=14,
            )
            if opts.get("expired"):
                inv.expires_at = datetime.now(UTC) - timedelta(hours=1)
            result.tokens[name] = token
            result.invitation_ids[name] = inv.id
        await db.commit()
        return result


async def build_world(url: str) -> World:
    """Build the world with an engine of its own (the app's pool lives on the app's loop)."""
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    engine = create_async_engine(url, poolclass=NullPool)
    try:
        a = await _org(engine, "alpha", {"Alice": {}, "Amir": {}, "Ada": {"expired": True}})
        b = await _org(engine, "beta", {"Bob": {}})
    finally:
        await engine.dispose()
    return World(a=a, b=b)


async def expire_invitation(
    url: str, invitation_id: uuid.UUID, *, ago: timedelta = timedelta(minutes=1)
) -> None:
    """Make the invitation's link expired ``ago`` (behind the app's back, as time passing would)."""
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                update(Invitation)
                .where(Invitation.id == invitation_id)
                .values(expires_at=datetime.now(UTC) - ago)
            )
    finally:
        await engine.dispose()


async def add_video_response(
    url: str, inv_id: uuid.UUID, question_id: uuid.UUID, store: Any, video: bytes, *, duration_s: float = 0.0
) -> uuid.UUID:
    """A submitted video answer whose recording is already in the object store, queued for
    processing (exactly what the recorder leaves behind once its upload succeeded)."""
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    from server.db.models import Attempt, QuestionKind, Response, ResponseState

    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with session_maker(engine)() as db:
            attempt = (
                await db.execute(select(Attempt).where(Attempt.invitation_id == inv_id))
            ).scalar_one_or_none()
            if attempt is None:
                attempt = Attempt(
                    invitation_id=inv_id, consented_at=datetime.now(UTC), consent_version="test"
                )
                db.add(attempt)
                await db.flush()
            response = Response(
                attempt_id=attempt.id,
                question_id=question_id,
                take_id=uuid.uuid4(),
                kind=QuestionKind.VIDEO,
                duration_s=duration_s,
                state=ResponseState.QUEUED,
                submitted_at=datetime.now(UTC),
            )
            db.add(response)
            await db.flush()
            response.media_key = video_key(response.id)
            store.put_bytes(response.media_key, video, "video/webm")
            await db.commit()
            return response.id
    finally:
        await engine.dispose()
