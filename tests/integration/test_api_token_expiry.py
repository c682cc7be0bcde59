"""Organization API tokens with an optional expiry (issue 12, hardening notes)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from server.db.models import ApiToken
from tests.integration.test_reviews import as_user
from tests.support.world import World

pytestmark = pytest.mark.integration


async def _expire(db_url: str, token_id: str) -> None:
    engine = create_async_engine(db_url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                update(ApiToken)
                .where(ApiToken.id == uuid.UUID(token_id))
                .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
            )
    finally:
        await engine.dispose()


async def test_a_token_with_an_expiry_stops_working_after_it(client: Any, world: World, db_url: str) -> None:
    admin = await as_user(client, world.a.admin_email)
    r = await client.post("/api/api-tokens", headers=admin, json={"name": "ATS", "expires_in_days": 30})
    assert r.status_code == 201, r.text
    made = r.json()
    expires = datetime.fromisoformat(made["expires_at"])
    assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30)
    lasting = (await client.post("/api/api-tokens", headers=admin, json={"name": "BI"})).json()
    assert lasting["expires_at"] is None
    for bad in (0, -1, 100_000):
        r = await client.post("/api/api-tokens", headers=admin, json={"name": "x", "expires_in_days": bad})
        assert r.status_code == 400 and "expires_in_days" in r.text
    client.cookies.clear()
    bearer = {"authorization": f"Bearer {made['token']}"}
    assert (await client.get("/api/assessments", headers=bearer)).status_code == 200
    await _expire(db_url, made["id"])
    r = await client.get("/api/assessments", headers=bearer)
    assert r.status_code == 401 and "expired on" in r.json()["detail"]
    still = {"authorization": f"Bearer {lasting['token']}"}
    assert (await client.get("/api/assessments", headers=still)).status_code == 200
