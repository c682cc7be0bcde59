"""Staff sign-in, sessions, CSRF, and organization boundaries (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from tests.support.world import PASSWORD, World

pytestmark = __import__("pytest").mark.integration


async def test_wrong_password_and_unknown_email_are_refused_alike(client: Any, world: World) -> None:
    await client.get("/api/auth/me")
    wrong = await client.post(
        "/api/auth/login", json={"email": world.a.admin_email, "password": "not the password"}
    )
    unknown = await client.post("/api/auth/login", json={"email": "nobody@alpha.test", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"] == "Wrong email or password."
    assert "viva_session" not in client.cookies


async def test_login_session_and_logout(client: Any, world: World, login: Any) -> None:
    r = await login(world.a.admin_email.upper())  # emails are case-insensitive
    assert r.json()["role"] == "admin"
    cookie = r.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    me = await client.get("/api/auth/me")
    assert me.status_code == 200 and me.json()["organization_name"] == "Org ALPHA"
    assert (await client.post("/api/auth/logout")).status_code == 204
    client.cookies.delete("viva_session")
    assert (await client.get("/api/auth/me")).status_code == 401


async def test_stolen_cookie_stops_working_after_logout(client: Any, world: World, login: Any) -> None:
    await login(world.a.admin_email)
    token = client.cookies.get("viva_session")
    await client.post("/api/auth/logout")
    client.cookies.set("viva_session", token)
    assert (await client.get("/api/auth/me")).status_code == 401


async def test_state_change_without_csrf_token_is_refused(client: Any, world: World, login: Any) -> None:
    await login(world.a.admin_email)
    r = await client.post(
        f"/api/invitations/{world.a.invitation_ids['Alice']}/revoke", headers={"x-csrf-token": "forged"}
    )
    assert r.status_code == 403
    # nothing changed
    listing = await client.get(f"/api/assessments/{world.a.assessment_id}/invitations")
    assert {i["candidate_name"]: i["status"] for i in listing.json()}["Alice"] == "invited"


async def test_anonymous_staff_endpoints_need_sign_in(client: Any, world: World) -> None:
    for path in ("/api/assessments", f"/api/assessments/{world.a.assessment_id}", "/api/users"):
        r = await client.get(path)
        assert r.status_code == 401, path
        assert r.json()["detail"] == "Sign in to continue."


async def test_reviewer_cannot_read_another_organizations_data(client: Any, world: World, login: Any) -> None:
    await login(world.a.reviewer_email)
    own = await client.get(f"/api/assessments/{world.a.assessment_id}")
    assert own.status_code == 200
    other = await client.get(f"/api/assessments/{world.b.assessment_id}")
    assert other.status_code == 404
    invs = await client.get(f"/api/assessments/{world.b.assessment_id}/invitations")
    assert invs.status_code == 404
    listed = await client.get("/api/assessments")
    assert [a["id"] for a in listed.json()] == [str(world.a.assessment_id)]


async def test_reviewer_cannot_do_admin_work(client: Any, world: World, login: Any) -> None:
    await login(world.a.reviewer_email)
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations",
        json={"candidate_name": "Eve", "candidate_email": "eve@example.com"},
    )
    assert r.status_code == 403
    assert (await client.get("/api/users")).status_code == 403


async def test_admin_cannot_touch_another_organizations_invitation(
    client: Any, world: World, login: Any
) -> None:
    await login(world.a.admin_email)
    r = await client.post(f"/api/invitations/{world.b.invitation_ids['Bob']}/revoke")
    assert r.status_code == 404
    view = await client.get(f"/api/candidate/{world.b.tokens['Bob']}")
    assert view.json()["status"] == "invited"


async def test_admin_invites_a_reviewer_who_sets_a_password_and_signs_in(
    client: Any, world: World, login: Any
) -> None:
    await login(world.a.admin_email)
    r = await client.post("/api/users", json={"email": "new@alpha.test", "name": "New", "role": "reviewer"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["user"]["pending"] is True and body["invitation"]["emailed"] is False
    link = body["invitation"]["link"]
    assert link.startswith("http://testserver.local/account/")
    dup = await client.post("/api/users", json={"email": "NEW@alpha.test", "name": "Again", "role": "admin"})
    assert dup.status_code == 409 and "already a member" in dup.json()["detail"]
    await client.post("/api/auth/logout")
    token = link.rsplit("/", 1)[1]
    shown = await client.get(f"/api/account-links/{token}")
    assert shown.status_code == 200 and shown.json()["email"] == "new@alpha.test"
    weak = await client.post(f"/api/account-links/{token}", json={"password": "short"})
    assert weak.status_code == 422
    done = await client.post(f"/api/account-links/{token}", json={"password": "a long unguessable phrase"})
    assert done.status_code == 200 and done.json()["role"] == "reviewer"
    await client.post("/api/auth/logout")
    await login("new@alpha.test", "a long unguessable phrase")
    assert (await client.get("/api/auth/me")).json()["role"] == "reviewer"
