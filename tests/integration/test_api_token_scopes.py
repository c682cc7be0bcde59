"""API token scopes (issue 16): read and invite; a missing scope is a 403 that names it.

An ATS connects with one token holding ``read`` and ``invite``: it creates the invitation on its
side, gets the candidate's link back, and reads the report later.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from server.db.models import Invitation
from tests.integration.test_reviews import as_user
from tests.support.reviews import open_db
from tests.support.world import World

pytestmark = pytest.mark.integration


async def _token(client: Any, world: World, scopes: list[str] | None) -> dict[str, str]:
    admin = await as_user(client, world.a.admin_email)
    body: dict[str, Any] = {"name": "ATS"}
    if scopes is not None:
        body["scopes"] = scopes
    r = await client.post("/api/api-tokens", headers=admin, json=body)
    assert r.status_code == 201, r.text
    client.cookies.clear()
    return {"authorization": f"Bearer {r.json()['token']}"}


async def test_an_invite_token_creates_invitations_and_gets_the_link(client: Any, world: World) -> None:
    bearer = await _token(client, world, ["read", "invite"])
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations",
        headers=bearer,
        json={"candidate_name": "Ivy Ats", "candidate_email": "ivy@example.com"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["link"].startswith("http://testserver.local/i/")
    async with open_db(world_db(client)) as db:
        inv = (await db.execute(select(Invitation).where(Invitation.id == r.json()["id"]))).scalar_one()
        assert inv.created_by_id is None  # made by a machine, not a person
    listed = await client.get(f"/api/assessments/{world.a.assessment_id}/invitations", headers=bearer)
    assert "Ivy Ats" in {i["candidate_name"] for i in listed.json()}
    # still nothing outside its scopes, and never another organization
    revoke = await client.post(f"/api/invitations/{r.json()['id']}/revoke", headers=bearer)
    assert revoke.status_code == 403
    other = await client.post(
        f"/api/assessments/{world.b.assessment_id}/invitations",
        headers=bearer,
        json={"candidate_name": "X", "candidate_email": "x@x.io"},
    )
    assert other.status_code == 404


async def test_a_missing_scope_is_a_403_naming_it(client: Any, world: World) -> None:
    read_only = await _token(client, world, None)  # the default: read
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations",
        headers=read_only,
        json={"candidate_name": "No Way", "candidate_email": "no@example.com"},
    )
    assert r.status_code == 403
    assert "'invite' scope" in r.json()["detail"] and r.json()["scope"] == "invite"
    invite_only = await _token(client, world, ["invite"])
    r = await client.get("/api/assessments", headers=invite_only)
    assert r.status_code == 403 and "'read' scope" in r.json()["detail"]
    admin = await as_user(client, world.a.admin_email)
    listed = (await client.get("/api/api-tokens", headers=admin)).json()
    assert sorted(t["scopes"] for t in listed) == [["invite"], ["read"]]
    bad = await client.post("/api/api-tokens", headers=admin, json={"name": "x", "scopes": ["admin"]})
    assert bad.status_code == 400


def world_db(client: Any) -> str:
    return str(client.app.state["settings"].db.url)
