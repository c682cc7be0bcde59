"""Seed the demo organization, its admin and reviewer, and the ML-engineer assessment."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Assessment, Organization, Role, User
from server.domain.accounts.services import create_user
from server.domain.assessments.schemas import AssessmentCreate
from server.domain.assessments.services import create_assessment
from server.domain.candidate.consent import consent_terms, consent_version
from server.domain.candidate.schemas import WrittenAnswer
from server.domain.candidate.services import consent, save_written
from server.domain.invitations.schemas import InvitationCreate
from server.domain.invitations.services import create_invitation
from server.seed.ml_engineer import ML_ENGINEER_ASSESSMENT

__all__ = ["DEMO_ADMIN", "DEMO_REVIEWER", "DemoCredentials", "seed_demo"]

DEMO_SLUG = "demo"
DEMO_ADMIN = "admin@demo.viva"
DEMO_REVIEWER = "reviewer@demo.viva"


@dataclass(frozen=True)
class DemoCredentials:
    admin_email: str
    admin_password: str
    reviewer_email: str
    reviewer_password: str


def _credentials(path: Path) -> DemoCredentials:
    """Random demo passwords, kept (0600) in the data directory so reruns can print them."""
    if path.exists():
        return msgspec.json.decode(path.read_bytes(), type=DemoCredentials)
    # 16 random characters: well past the password policy (server/auth/password_policy.py)
    creds = DemoCredentials(DEMO_ADMIN, secrets.token_urlsafe(12), DEMO_REVIEWER, secrets.token_urlsafe(12))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(msgspec.json.encode(creds))
    path.chmod(0o600)
    return creds


async def seed_demo(db: AsyncSession, data_dir: Path) -> DemoCredentials:
    """Idempotent: creates only what is missing."""
    creds = _credentials(data_dir / "demo-credentials.json")
    org = (await db.execute(select(Organization).where(Organization.slug == DEMO_SLUG))).scalar_one_or_none()
    if org is None:
        org = Organization(name="Demo Company", slug=DEMO_SLUG)
        db.add(org)
        await db.flush()
    for email, password, role, name in (
        (creds.admin_email, creds.admin_password, Role.ADMIN, "Ada Admin"),
        (creds.reviewer_email, creds.reviewer_password, Role.REVIEWER, "Rita Reviewer"),
    ):
        if (await db.execute(select(User).where(User.email == email))).scalar_one_or_none() is None:
            await create_user(
                db, organization_id=org.id, email=email, name=name, password=password, role=role
            )
    has_assessment = (
        await db.execute(
            select(Assessment.id).where(
                Assessment.organization_id == org.id, Assessment.title == ML_ENGINEER_ASSESSMENT["title"]
            )
        )
    ).first()
    if has_assessment is None:
        data = msgspec.convert(ML_ENGINEER_ASSESSMENT, AssessmentCreate)
        assessment = await create_assessment(db, org.id, data)
        await _sample_candidates(db, assessment, creds.admin_email)
    await db.commit()
    return creds


SAMPLE_ANSWERS = {
    "Sam Sample": (
        "Our feature pipeline failed a few times a week and nobody owned it, so I took it on. "
        "I logged every failure for two weeks, found that three causes explained most of them, "
        "fixed those, added alerts and a runbook, and walked the on-call rotation through it. "
        "Failures went from weekly to about once a quarter."
    ),
    "Priya Example": (
        "I was responsible for the churn model. I built it and handed it over to the platform "
        "team, and later helped when they had questions about the features."
    ),
}


async def _sample_candidates(db: AsyncSession, assessment: Assessment, admin_email: str) -> None:
    """Two candidates who answered the written question, so reviewers have something to open."""

    admin = (await db.execute(select(User).where(User.email == admin_email))).scalar_one()
    written = next(q for q in assessment.questions if q.kind.value == "written")
    for name, answer in SAMPLE_ANSWERS.items():
        email = f"{name.split()[0].lower()}@example.com"
        inv, _ = await create_invitation(
            db,
            organization_id=assessment.organization_id,
            assessment_id=assessment.id,
            data=InvitationCreate(candidate_name=name, candidate_email=email),
            created_by=admin.id,
            default_days=30,
        )
        await db.refresh(inv, ["assessment", "attempt"])
        await consent(db, inv, consent_version(consent_terms(inv.assessment)), "en")
        await save_written(db, inv, written.id, WrittenAnswer(take_id=uuid.uuid4(), text=answer, submit=True))
