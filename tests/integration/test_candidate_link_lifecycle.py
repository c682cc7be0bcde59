"""A candidate link over its whole life (issue 12, F11 and F12).

F11: the consent version recorded is the one the server showed, not whatever the client sends.
F12: once completed, the link shows only the thank-you page (no prompts, drafts or answers),
expires with the invitation, and can be revoked like a link at any other stage.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from server.db.models import Attempt
from server.domain.candidate.schemas import CONSENT_VERSION
from tests.support.reviews import add_ready_response
from tests.support.world import World, expire_invitation

pytestmark = pytest.mark.integration


async def _stored_consent(db_url: str, invitation_id: uuid.UUID) -> str | None:
    engine = create_async_engine(db_url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            return (
                await conn.execute(
                    select(Attempt.consent_version).where(Attempt.invitation_id == invitation_id)
                )
            ).scalar_one_or_none()
    finally:
        await engine.dispose()


async def test_the_consent_version_recorded_is_the_one_shown(client: Any, world: World, db_url: str) -> None:
    token = world.a.tokens["Alice"]
    shown = (await client.get(f"/api/candidate/{token}")).json()["consent_version"]
    assert shown == f"{CONSENT_VERSION}+english+examples"  # the clauses that apply are named
    r = await client.post(
        f"/api/candidate/{token}/consent", json={"accept": True, "consent_version": "anything-v999"}
    )
    assert r.status_code == 409 and "Reload the page" in r.json()["detail"]
    assert await _stored_consent(db_url, world.a.invitation_ids["Alice"]) is None
    r = await client.post(f"/api/candidate/{token}/consent", json={"accept": True, "consent_version": shown})
    assert r.status_code == 200, r.text
    assert await _stored_consent(db_url, world.a.invitation_ids["Alice"]) == shown


async def _complete(client: Any, world: World, db_url: str, name: str) -> str:
    token = world.a.tokens[name]
    assert (await client.post(f"/api/candidate/{token}/consent", json={"accept": True})).status_code == 200
    for q in world.a.question_ids[1:]:
        await add_ready_response(db_url, world.a.invitation_ids[name], q)
    r = await client.post(f"/api/candidate/{token}/complete")
    assert r.status_code == 200, r.text
    return token


async def test_a_completed_link_shows_only_the_thank_you_page(client: Any, world: World, db_url: str) -> None:
    token = await _complete(client, world, db_url, "Alice")
    view = (await client.get(f"/api/candidate/{token}")).json()
    assert view["status"] == "completed" and view["candidate_name"] == "Alice"
    assert view["questions"] == [] and view["intro"] == ""
    for path in (
        "/ice-servers",
        f"/responses/{uuid.uuid4()}",
        f"/takes/{uuid.uuid4()}/level",
        f"/device-check/{uuid.uuid4()}",
    ):
        r = await client.get(f"/api/candidate/{token}{path}")
        assert r.status_code == 409 and "already completed" in r.json()["detail"], (path, r.text)


async def test_a_completed_link_expires_with_its_invitation(client: Any, world: World, db_url: str) -> None:
    token = await _complete(client, world, db_url, "Alice")
    await expire_invitation(db_url, world.a.invitation_ids["Alice"], ago=timedelta(minutes=1))
    r = await client.get(f"/api/candidate/{token}")
    assert r.status_code == 410 and "expired on" in r.json()["detail"]


async def test_revocation_works_at_every_stage(client: Any, world: World, db_url: str, login: Any) -> None:
    token = await _complete(client, world, db_url, "Alice")  # completed
    amir = world.a.tokens["Amir"]
    assert (await client.post(f"/api/candidate/{amir}/consent", json={"accept": True})).status_code == 200
    await login(world.a.admin_email)
    for name in ("Alice", "Amir"):  # completed, started
        r = await client.post(f"/api/invitations/{world.a.invitation_ids[name]}/revoke")
        assert r.status_code == 200, r.text
        again = await client.post(f"/api/invitations/{world.a.invitation_ids[name]}/revoke")
        assert again.status_code == 200  # idempotent
    for t in (token, amir):
        r = await client.get(f"/api/candidate/{t}")
        assert r.status_code == 410 and "withdrawn" in r.json()["detail"]
    # the completed interview stays completed for the reviewers, its answers kept
    listing = (await client.get(f"/api/assessments/{world.a.assessment_id}/invitations")).json()
    assert {i["candidate_name"]: i["status"] for i in listing}["Alice"] == "completed"
    report = await client.get(f"/api/reports/invitations/{world.a.invitation_ids['Alice']}")
    assert report.status_code == 200
