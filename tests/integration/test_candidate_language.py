"""Candidate pages' language: the organization's default, what consent records, problem codes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from server.db.models import Attempt
from server.domain.candidate.schemas import CONSENT_VERSION
from tests.support.world import World, expire_invitation

pytestmark = pytest.mark.integration


async def _attempt(db_url: str, invitation_id: uuid.UUID) -> tuple[str, str | None] | None:
    engine = create_async_engine(db_url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            row = (
                await conn.execute(
                    select(Attempt.consent_version, Attempt.consent_language).where(
                        Attempt.invitation_id == invitation_id
                    )
                )
            ).one_or_none()
            return (row[0], row[1]) if row else None
    finally:
        await engine.dispose()


async def test_admin_sets_the_default_language_and_candidates_get_it(
    client: Any, world: World, login: Any
) -> None:
    token = world.a.tokens["Alice"]
    assert (await client.get(f"/api/candidate/{token}")).json()["organization"]["default_language"] == "en"
    await login(world.a.admin_email)
    r = await client.put(
        "/api/organization/branding", json={"welcome_text": "Hola", "default_language": "es"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["default_language"] == "es"
    assert (await client.get(f"/api/candidate/{token}")).json()["organization"]["default_language"] == "es"
    # Saving the branding without the field keeps the language (older clients send no such field).
    r = await client.put("/api/organization/branding", json={"welcome_text": "Hola de nuevo"})
    assert r.status_code == 200 and r.json()["default_language"] == "es"
    # A language the candidate pages are not translated into is refused, and nothing changes.
    r = await client.put("/api/organization/branding", json={"welcome_text": "x", "default_language": "fr"})
    assert r.status_code == 400 and "default_language" in r.text
    assert (await client.get("/api/organization/branding")).json()["default_language"] == "es"
    # The other organization's candidates are not affected.
    other = (await client.get(f"/api/candidate/{next(iter(world.b.tokens.values()))}")).json()
    assert other["organization"]["default_language"] == "en"


async def test_reviewers_cannot_change_the_language(client: Any, world: World, login: Any) -> None:
    await login(world.a.reviewer_email)
    r = await client.put("/api/organization/branding", json={"welcome_text": "", "default_language": "pt"})
    assert r.status_code == 403


async def test_consent_stores_the_version_shown_and_its_language(
    client: Any, world: World, db_url: str
) -> None:
    token = world.a.tokens["Alice"]
    view = (await client.get(f"/api/candidate/{token}")).json()
    assert view["consent_terms"] == {"english_assessed": True, "example_answers": True}
    assert view["consent_version"] == f"{CONSENT_VERSION}+english+examples"
    r = await client.post(
        f"/api/candidate/{token}/consent",
        json={"accept": True, "consent_version": view["consent_version"], "language": "pt"},
    )
    assert r.status_code == 200, r.text
    assert await _attempt(db_url, world.a.invitation_ids["Alice"]) == (view["consent_version"], "pt")
    # Consent again (another tab) changes nothing recorded.
    r = await client.post(f"/api/candidate/{token}/consent", json={"accept": True, "language": "es"})
    assert r.status_code == 200
    assert await _attempt(db_url, world.a.invitation_ids["Alice"]) == (view["consent_version"], "pt")


async def test_consent_to_an_old_text_is_refused_with_a_code(client: Any, world: World, db_url: str) -> None:
    token = world.a.tokens["Alice"]
    r = await client.post(
        f"/api/candidate/{token}/consent",
        json={"accept": True, "consent_version": "2026-11-v1", "language": "es"},
    )
    assert r.status_code == 409 and r.json()["code"] == "consent_changed"
    assert await _attempt(db_url, world.a.invitation_ids["Alice"]) is None
    r = await client.post(f"/api/candidate/{token}/consent", json={"accept": True, "language": "de"})
    assert r.status_code == 400  # not a language the pages are shown in
    assert await _attempt(db_url, world.a.invitation_ids["Alice"]) is None


async def test_link_problems_carry_a_code_the_page_can_translate(
    client: Any, world: World, db_url: str
) -> None:
    assert (await client.get("/api/candidate/not-a-real-token")).json()["code"] == "link_invalid"
    await expire_invitation(db_url, world.a.invitation_ids["Alice"], ago=timedelta(days=1))
    r = await client.get(f"/api/candidate/{world.a.tokens['Alice']}")
    body = r.json()
    assert r.status_code == 410 and body["code"] == "invitation_expired"
    assert datetime.fromisoformat(body["expires_at"]) < datetime.now(UTC)
    assert "expired" in body["detail"]  # the server's own message stays, in English
