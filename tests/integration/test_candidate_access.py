"""Candidates reach only their own invitation, through an unguessable token."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.support.world import World

pytestmark = pytest.mark.integration


async def test_unknown_token_is_not_found(client: Any, world: World) -> None:
    r = await client.get("/api/candidate/" + "A" * 43)
    assert r.status_code == 404
    assert "not valid" in r.json()["detail"]


async def test_expired_invitation_says_so(client: Any, world: World) -> None:
    r = await client.get(f"/api/candidate/{world.a.tokens['Ada']}")
    assert r.status_code == 410
    assert "expired on" in r.json()["detail"]


async def test_revoked_invitation_says_so(client: Any, world: World, login: Any) -> None:
    await login(world.a.admin_email)
    r = await client.post(f"/api/invitations/{world.a.invitation_ids['Amir']}/revoke")
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    r = await client.get(f"/api/candidate/{world.a.tokens['Amir']}")
    assert r.status_code == 410 and "withdrawn" in r.json()["detail"]


async def test_token_is_long_and_only_its_hash_is_stored(world: World, db_url: str) -> None:
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import create_async_engine

    from server.db.models import Invitation

    token = world.a.tokens["Alice"]
    assert len(token) >= 43  # 256 bits, URL-safe base64
    engine = create_async_engine(db_url)
    async with engine.connect() as conn:
        stored = list((await conn.execute(select(Invitation.token_hash))).scalars())
    await engine.dispose()
    assert len(stored) == 4  # Alice, Amir, Ada, Bob
    assert token not in stored and all(len(h) == 64 for h in stored)


async def _consent(client: Any, token: str) -> dict[str, Any]:
    r = await client.post(f"/api/candidate/{token}/consent", json={"accept": True})
    assert r.status_code == 200, r.text
    return r.json()


def _written_question(view: dict[str, Any]) -> dict[str, Any]:
    return next(q for q in view["questions"] if q["kind"] == "written")


async def test_candidate_cannot_read_another_candidates_response(client: Any, world: World) -> None:
    alice, bob = world.a.tokens["Alice"], world.b.tokens["Bob"]
    view = await _consent(client, bob)
    q = _written_question(view)
    r = await client.put(
        f"/api/candidate/{bob}/written/{q['id']}",
        json={"take_id": str(uuid.uuid4()), "text": "Bob's private answer"},
    )
    assert r.status_code == 200
    bobs_response = r.json()["id"]
    await _consent(client, alice)
    r = await client.get(f"/api/candidate/{alice}/responses/{bobs_response}")
    assert r.status_code == 404
    assert "Bob's" not in r.text
    r = await client.get(f"/api/candidate/{bob}/responses/{bobs_response}")
    assert r.status_code == 200 and r.json()["text"] == "Bob's private answer"


async def test_candidate_cannot_answer_a_question_of_another_assessment(client: Any, world: World) -> None:
    alice = world.a.tokens["Alice"]
    await _consent(client, alice)
    foreign = world.b.question_ids[-1]
    r = await client.put(
        f"/api/candidate/{alice}/written/{foreign}", json={"take_id": str(uuid.uuid4()), "text": "hello"}
    )
    assert r.status_code == 404 and "not part of your assessment" in r.json()["detail"]


async def test_staff_cookie_does_not_open_candidate_routes_of_other_orgs(
    client: Any, world: World, login: Any
) -> None:
    await login(world.b.admin_email)
    # staff of B read A's responses through the staff API: refused
    alice = world.a.tokens["Alice"]
    view = await _consent(client, alice)
    q = _written_question(view)
    r = await client.put(
        f"/api/candidate/{alice}/written/{q['id']}",
        json={"take_id": str(uuid.uuid4()), "text": "Alice's answer"},
    )
    r = await client.get(f"/api/responses/{r.json()['id']}")
    assert r.status_code == 404
