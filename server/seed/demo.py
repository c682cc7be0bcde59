"""Seed the demo organization, its admin and reviewer, and the ML-engineer assessment."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Assessment, Organization, Role, User
from server.domain.accounts.services import create_user
from server.domain.assessments.schemas import AssessmentCreate
from server.domain.assessments.services import create_assessment
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
    creds = DemoCredentials(DEMO_ADMIN, secrets.token_urlsafe(9), DEMO_REVIEWER,
                            secrets.token_urlsafe(9))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(msgspec.json.encode(creds))
    path.chmod(0o600)
    return creds


async def seed_demo(db: AsyncSession, data_dir: Path) -> DemoCredentials:
    """Idempotent: creates only what is missing."""
    creds = _credentials(data_dir / "demo-credentials.json")
    org = (await db.execute(select(Organization).where(Organization.slug == DEMO_SLUG))
           ).scalar_one_or_none()
    if org is None:
        org = Organization(name="Demo Company", slug=DEMO_SLUG)
        db.add(org)
        await db.flush()
    for email, password, role, name in (
        (creds.admin_email, creds.admin_password, Role.ADMIN, "Ada Admin"),
        (creds.reviewer_email, creds.reviewer_password, Role.REVIEWER, "Rita Reviewer"),
    ):
        if (await db.execute(select(User).where(User.email == email))).scalar_one_or_none() is None:
            await create_user(db, organization_id=org.id, email=email, name=name,
                              password=password, role=role)
    has_assessment = (await db.execute(select(Assessment.id).where(
        Assessment.organization_id == org.id, Assessment.title == ML_ENGINEER_ASSESSMENT["title"])
    )).first()
    if has_assessment is None:
        data = msgspec.convert(ML_ENGINEER_ASSESSMENT, AssessmentCreate)
        await create_assessment(db, org.id, data)
    await db.commit()
    return creds
