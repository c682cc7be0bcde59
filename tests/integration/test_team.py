"""Staff accounts and the team (issue 12 F4, F5, F9, F10; issue 16 "the team"), SQLite and PostgreSQL.

Every request goes through the real app; the database is inspected only to age a link or a
session the way time would.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update

from server.app import create_app
from server.db.models import AccountToken, StaffSession, User
from tests.conftest import make_settings
from tests.support.reviews import open_db
from tests.support.smtp import smtp_server
from tests.support.world import PASSWORD, build_world

pytestmark = pytest.mark.integration

NEW_PASSWORD = "a long unguessable phrase"
ACCOUNT_LINK = re.compile(r"http://testserver\.local/account/([A-Za-z0-9_\-]+)")


async def _login(client: Any, email: str, password: str = PASSWORD, **headers: str) -> Any:
    if not client.cookies.get("viva_csrf"):
        await client.get("/api/auth/me", headers=headers)
    return await client.post(
        "/api/auth/login",
        json={"email": email, "password": password},
        headers={"x-csrf-token": client.cookies.get("viva_csrf", ""), **headers},
    )


def _client(settings: Any) -> Any:
    """A client on an app of its own (two of them act like two app processes, one database)."""
    return AsyncTestClient(app=create_app(settings), base_url="http://testserver.local")


def _csrf(client: Any) -> dict[str, str]:
    return {"x-csrf-token": client.cookies.get("viva_csrf", "")}


async def _member_id(db_url: str, email: str) -> str:
    async with open_db(db_url) as db:
        user = (await db.execute(select(User).where(User.email == email))).scalars().first()
        assert user is not None
        return str(user.id)


async def _invite(client: Any, email: str, role: str = "reviewer", name: str = "Newcomer") -> Any:
    return await client.post(
        "/api/users", json={"email": email, "name": name, "role": role}, headers=_csrf(client)
    )


# -- F4: throttling by account and address; a stranger cannot lock a colleague out -------------
ATTACKER = {"x-forwarded-for": "203.0.113.9"}
OWNER = {"x-forwarded-for": "198.51.100.20"}


async def test_f4_a_stranger_cannot_lock_an_account_the_owner_still_signs_in(
    tmp_path: Path, db_url: str
) -> None:
    w = await build_world(db_url)
    settings = make_settings(tmp_path, db_url, VIVA_TRUSTED_PROXIES="*")
    async with AsyncTestClient(app=create_app(settings), base_url="http://testserver.local") as c:
        for _ in range(12):
            r = await _login(c, w.a.admin_email, "wrong password", **ATTACKER)
            if r.status_code == 429:
                break
            assert r.status_code == 401
        blocked = await _login(c, w.a.admin_email, PASSWORD, **ATTACKER)
        assert blocked.status_code == 429  # even the right password, from the guessing address
        # the owner, from an address that has not failed, gets in at once
        c.cookies.clear()
        assert (await _login(c, w.a.admin_email, PASSWORD, **OWNER)).status_code == 200


async def test_f4_the_delay_doubles_with_each_failure_from_one_address(tmp_path: Path, db_url: str) -> None:
    w = await build_world(db_url)
    settings = make_settings(tmp_path, db_url, VIVA_LOGIN_MAX_FAILURES="3", VIVA_LOGIN_WINDOW_SECONDS="900")
    from server.security.login_throttle import LoginThrottler

    throttle = LoginThrottler(settings.security)
    now = datetime.now(UTC)
    async with open_db(db_url) as db:
        waits = []
        for _ in range(8):
            await throttle.record_failure(db, w.a.admin_email, "192.0.2.1", now=now)
            waits.append(await throttle.retry_after(db, w.a.admin_email, "192.0.2.1", now=now))
        assert waits == [0, 0, 15, 30, 60, 120, 240, 480]
        # the same account from another address is not held back
        assert await throttle.retry_after(db, w.a.admin_email, "192.0.2.2", now=now) == 0
        assert await throttle.is_locked(db, w.a.admin_email, now=now)
        # past three times the limit the account is under attack: every address that failed
        # for it waits out the window, one that has not still may try
        await throttle.record_failure(db, w.a.admin_email, "192.0.2.3", now=now)
        assert await throttle.retry_after(db, w.a.admin_email, "192.0.2.3", now=now) == 900
        assert await throttle.retry_after(db, w.a.admin_email, "192.0.2.4", now=now) == 0


async def test_f4_an_admin_unlocks_a_member_in_the_ui_api(tmp_path: Path, db_url: str) -> None:
    from server.security.login_throttle import LoginThrottler

    w = await build_world(db_url)
    settings = make_settings(tmp_path, db_url, VIVA_LOGIN_MAX_FAILURES="3", VIVA_TRUSTED_PROXIES="*")
    async with open_db(db_url) as db:  # the member mistyped eight times from their desk
        for _ in range(8):
            await LoginThrottler(settings.security).record_failure(
                db, w.a.reviewer_email, ATTACKER["x-forwarded-for"]
            )
    async with _client(settings) as member, _client(settings) as admin:
        assert (await _login(member, w.a.reviewer_email, **ATTACKER)).status_code == 429
        assert (await _login(admin, w.a.admin_email, **OWNER)).status_code == 200
        rid = await _member_id(db_url, w.a.reviewer_email)
        team = {u["email"]: u for u in (await admin.get("/api/users")).json()}
        assert team[w.a.reviewer_email]["locked"] is True
        assert team[w.a.admin_email]["locked"] is False
        r = await admin.post(f"/api/users/{rid}/unlock", headers=_csrf(admin))
        assert r.status_code == 200 and r.json()["locked"] is False
        assert (await _login(member, w.a.reviewer_email, **ATTACKER)).status_code == 200


# -- F5: password change, sign out everywhere, idle timeout, deactivation ----------------------
async def test_f5_password_change_ends_the_other_sessions(tmp_path: Path, db_url: str) -> None:
    w = await build_world(db_url)
    settings = make_settings(tmp_path, db_url)
    async with _client(settings) as one, _client(settings) as two:
        await _login(one, w.a.reviewer_email)
        await _login(two, w.a.reviewer_email)
        wrong = await one.post(
            "/api/auth/password",
            headers=_csrf(one),
            json={"current_password": "not it", "new_password": NEW_PASSWORD},
        )
        assert wrong.status_code == 422 and "current password" in wrong.json()["detail"]
        weak = await one.post(
            "/api/auth/password",
            headers=_csrf(one),
            json={"current_password": PASSWORD, "new_password": "password12"},
        )
        assert weak.status_code == 422
        ok = await one.post(
            "/api/auth/password",
            headers=_csrf(one),
            json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        )
        assert ok.status_code == 204
        assert (await one.get("/api/auth/me")).status_code == 200  # this session goes on
        assert (await two.get("/api/auth/me")).status_code == 401  # the other one ended
        two.cookies.clear()
        assert (await _login(two, w.a.reviewer_email)).status_code == 401
        assert (await _login(two, w.a.reviewer_email, NEW_PASSWORD)).status_code == 200


async def test_f5_sign_out_everywhere(tmp_path: Path, db_url: str) -> None:
    w = await build_world(db_url)
    settings = make_settings(tmp_path, db_url)
    async with _client(settings) as one, _client(settings) as two:
        await _login(one, w.a.admin_email)
        await _login(two, w.a.admin_email)
        assert (await one.post("/api/auth/logout-everywhere", headers=_csrf(one))).status_code == 204
        assert (await one.get("/api/auth/me")).status_code == 401
        assert (await two.get("/api/auth/me")).status_code == 401


async def test_f5_an_idle_session_ends(tmp_path: Path, db_url: str) -> None:
    w = await build_world(db_url)
    async with _client(make_settings(tmp_path, db_url, VIVA_SESSION_IDLE_MINUTES="30")) as c:
        await _login(c, w.a.admin_email)
        assert (await c.get("/api/auth/me")).status_code == 200
        async with open_db(db_url) as db:  # 31 minutes pass without a request
            await db.execute(
                update(StaffSession).values(last_seen_at=datetime.now(UTC) - timedelta(minutes=31))
            )
            await db.commit()
        r = await c.get("/api/auth/me")
        assert r.status_code == 401 and "30 minutes without activity" in r.json()["detail"]


async def test_f5_deactivation_ends_sessions_at_once_and_reactivation_restores(
    tmp_path: Path, db_url: str
) -> None:
    w = await build_world(db_url)
    settings = make_settings(tmp_path, db_url)
    async with _client(settings) as member, _client(settings) as admin:
        await _login(member, w.a.reviewer_email)
        await _login(admin, w.a.admin_email)
        rid = await _member_id(db_url, w.a.reviewer_email)
        r = await admin.post(f"/api/users/{rid}/deactivate", headers=_csrf(admin))
        assert r.status_code == 200 and r.json()["is_active"] is False
        assert (await member.get("/api/assessments")).status_code == 401
        member.cookies.clear()
        assert (await _login(member, w.a.reviewer_email)).status_code == 401
        assert (await admin.post(f"/api/users/{rid}/reactivate", headers=_csrf(admin))).status_code == 200
        assert (await _login(member, w.a.reviewer_email)).status_code == 200


async def test_last_admin_cannot_be_demoted_or_deactivated(client: Any, db_url: str) -> None:
    w = await build_world(db_url)
    await _login(client, w.a.admin_email)
    me = await _member_id(db_url, w.a.admin_email)
    r = await client.patch(f"/api/users/{me}", json={"role": "reviewer"}, headers=_csrf(client))
    assert r.status_code == 409 and "last admin" in r.json()["detail"]
    r = await client.post(f"/api/users/{me}/deactivate", headers=_csrf(client))
    assert r.status_code == 409 and "last admin" in r.json()["detail"]
    rid = await _member_id(db_url, w.a.reviewer_email)
    assert (await client.patch(f"/api/users/{rid}", json={"role": "admin"}, headers=_csrf(client))).json()[
        "role"
    ] == "admin"
    r = await client.patch(f"/api/users/{me}", json={"role": "reviewer"}, headers=_csrf(client))
    assert r.status_code == 200  # another admin exists now
    # beta's members do not exist for alpha
    other = await _member_id(db_url, w.b.admin_email)
    assert (
        await client.post(f"/api/users/{other}/deactivate", headers=_csrf(client))
    ).status_code == 403  # no longer an admin


# -- set-password links: expired, reused, wrong ------------------------------------------------
async def test_invitation_links_are_one_time_expiring_and_stored_hashed(client: Any, db_url: str) -> None:
    w = await build_world(db_url)
    await _login(client, w.a.admin_email)
    body = (await _invite(client, "kim@alpha.test")).json()
    token = body["invitation"]["link"].rsplit("/", 1)[1]
    async with open_db(db_url) as db:
        rows = list((await db.execute(select(AccountToken))).scalars())
        assert len(rows) == 1 and token not in rows[0].token_hash
    client.cookies.clear()
    assert (await client.get(f"/api/account-links/{token[:-2]}xx")).status_code == 404
    ok = await client.post(
        f"/api/account-links/{token}", json={"password": NEW_PASSWORD}, headers=_csrf(client)
    )
    assert ok.status_code == 200
    again = await client.post(
        f"/api/account-links/{token}", json={"password": NEW_PASSWORD}, headers=_csrf(client)
    )
    assert again.status_code == 410 and "already used" in again.json()["detail"]

    client.cookies.clear()
    await _login(client, w.a.admin_email)
    body = (await _invite(client, "lee@alpha.test")).json()
    token = body["invitation"]["link"].rsplit("/", 1)[1]
    async with open_db(db_url) as db:
        await db.execute(
            update(AccountToken)
            .where(AccountToken.used_at.is_(None))
            .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
        await db.commit()
    r = await client.get(f"/api/account-links/{token}")
    assert r.status_code == 410 and "expired" in r.json()["detail"]
    # a new link voids the old one and works
    lee = await _member_id(db_url, "lee@alpha.test")
    fresh = (await client.post(f"/api/users/{lee}/link", headers=_csrf(client))).json()
    assert fresh["purpose"] == "invite"
    assert (await client.get(f"/api/account-links/{fresh['link'].rsplit('/', 1)[1]}")).status_code == 200


async def test_password_reset_request_says_the_same_for_unknown_emails(client: Any, db_url: str) -> None:
    w = await build_world(db_url)
    await client.get("/api/auth/me")
    known = await client.post(
        "/api/auth/password-reset", json={"email": w.a.admin_email}, headers=_csrf(client)
    )
    unknown = await client.post(
        "/api/auth/password-reset", json={"email": "nobody@alpha.test"}, headers=_csrf(client)
    )
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    for _ in range(10):
        await client.post("/api/auth/password-reset", json={"email": "x@alpha.test"}, headers=_csrf(client))
    limited = await client.post(
        "/api/auth/password-reset", json={"email": w.a.admin_email}, headers=_csrf(client)
    )
    assert limited.status_code == 429 and "retry-after" in limited.headers


async def test_a_reset_link_by_email_works_once_ends_the_other_sessions_and_expires(
    tmp_path: Path, db_url: str
) -> None:
    """The reset itself, over a real SMTP server: the emailed link sets a new password once and
    signs in; the account's other sessions end; a wrong, a used and an expired link are refused."""
    w = await build_world(db_url)
    with smtp_server() as smtp:
        settings = make_settings(tmp_path, db_url, **smtp.env(), VIVA_EMAIL_BACKOFF_SECONDS="0.1")
        async with _client(settings) as signed_in, _client(settings) as visitor:
            assert (await _login(signed_in, w.a.reviewer_email)).status_code == 200
            await visitor.get("/api/auth/me")

            async def emailed_token(count: int) -> str:
                r = await visitor.post(
                    "/api/auth/password-reset", json={"email": w.a.reviewer_email}, headers=_csrf(visitor)
                )
                assert r.status_code == 202, r.text
                message = (await smtp.wait_for(count))[-1]
                assert message["To"].addresses[0].addr_spec == w.a.reviewer_email
                found = ACCOUNT_LINK.search(message.get_body(preferencelist=("plain",)).get_content())
                assert found, message
                return found.group(1)

            token = await emailed_token(1)
            async with open_db(db_url) as db:  # only its hash is stored
                rows = list((await db.execute(select(AccountToken))).scalars())
                assert [r.purpose.value for r in rows] == ["reset"] and token not in rows[0].token_hash
            shown = await visitor.get(f"/api/account-links/{token}")
            assert shown.status_code == 200 and shown.json()["purpose"] == "reset"
            assert shown.json()["email"] == w.a.reviewer_email
            wrong = "A" + token[1:] if token[0] != "A" else "B" + token[1:]
            assert (await visitor.get(f"/api/account-links/{wrong}")).status_code == 404
            used = await visitor.post(
                f"/api/account-links/{token}", json={"password": NEW_PASSWORD}, headers=_csrf(visitor)
            )
            assert used.status_code == 200, used.text
            assert (await visitor.get("/api/auth/me")).json()["email"] == w.a.reviewer_email  # signed in
            assert (await signed_in.get("/api/auth/me")).status_code == 401  # the other session ended
            again = await visitor.post(
                f"/api/account-links/{token}",
                json={"password": "another long phrase here"},
                headers=_csrf(visitor),
            )
            assert again.status_code == 410 and "already used" in again.json()["detail"]
            signed_in.cookies.clear()
            assert (await _login(signed_in, w.a.reviewer_email)).status_code == 401  # the old password
            signed_in.cookies.clear()
            assert (await _login(signed_in, w.a.reviewer_email, NEW_PASSWORD)).status_code == 200

            later = await emailed_token(2)
            async with open_db(db_url) as db:
                await db.execute(
                    update(AccountToken)
                    .where(AccountToken.used_at.is_(None))
                    .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
                )
                await db.commit()
            expired = await visitor.post(
                f"/api/account-links/{later}",
                json={"password": "another long phrase here"},
                headers=_csrf(visitor),
            )
            assert expired.status_code == 410 and "expired" in expired.json()["detail"]
            signed_in.cookies.clear()
            assert (await _login(signed_in, w.a.reviewer_email, NEW_PASSWORD)).status_code == 200  # unchanged


# -- F9: nothing about another organization's addresses leaks --------------------------------
async def test_f9_inviting_another_organizations_address_reveals_nothing_and_reserves_nothing(
    client: Any, db_url: str
) -> None:
    w = await build_world(db_url)
    await _login(client, w.b.admin_email)
    r = await _invite(client, w.a.reviewer_email, name="Taken")  # alpha's reviewer
    fresh = await _invite(client, "unused@else.test", name="Fresh")
    assert r.status_code == fresh.status_code == 201  # answered alike: nothing leaks
    assert set(r.json()) == set(fresh.json())
    token = r.json()["invitation"]["link"].rsplit("/", 1)[1]
    client.cookies.clear()
    # alpha's reviewer still signs in to alpha, unaffected
    assert (await _login(client, w.a.reviewer_email)).json()["organization_name"] == "Org ALPHA"
    client.cookies.clear()
    # only the address's owner (who got the link) learns it is taken, and beta gets no account
    await client.get("/api/auth/me")
    used = await client.post(
        f"/api/account-links/{token}", json={"password": NEW_PASSWORD}, headers=_csrf(client)
    )
    assert used.status_code == 409 and "another organization" in used.json()["detail"]
    client.cookies.clear()
    assert (await _login(client, w.a.reviewer_email, NEW_PASSWORD)).status_code == 401
    # and an address alpha only invited (not verified) is no reservation either
    client.cookies.clear()
    await _login(client, w.a.admin_email)
    await _invite(client, "shared@else.test")
    client.cookies.clear()
    await _login(client, w.b.admin_email)
    assert (await _invite(client, "shared@else.test")).status_code == 201


# -- F10: common and weak passwords are refused, offline -----------------------------------
@pytest.mark.parametrize(
    "weak", ["aaaaaaaaaaaa", "password1234", "qwertyuiop12", "short pw", "newcomer2024!"]
)
async def test_f10_common_or_weak_passwords_are_refused(client: Any, db_url: str, weak: str) -> None:
    w = await build_world(db_url)
    await _login(client, w.a.admin_email)
    token = (await _invite(client, "newcomer@alpha.test")).json()["invitation"]["link"].rsplit("/", 1)[1]
    r = await client.post(f"/api/account-links/{token}", json={"password": weak}, headers=_csrf(client))
    assert r.status_code == 422, weak
    assert r.json()["detail"]
    good = await client.post(
        f"/api/account-links/{token}", json={"password": NEW_PASSWORD}, headers=_csrf(client)
    )
    assert good.status_code == 200  # the refusal spent nothing


def test_f10_the_policy_offline() -> None:
    from server.auth.password_policy import check_password
    from server.errors import InvalidInput

    for weak in ("aaaaaaaaaa", "password12", "aaaaaaaaaaaa", "Password123!"):
        with pytest.raises(InvalidInput):
            check_password(weak)
    with pytest.raises(InvalidInput, match=r"too easy|common|guess"):
        check_password("ada.lovelace2024", email="ada.lovelace@x.test", name="Ada Lovelace")
    check_password(NEW_PASSWORD)
    check_password(PASSWORD)


async def test_f5_a_sessions_last_use_is_stored_before_the_request_runs(tmp_path: Path, db_url: str) -> None:
    """The last-use write is committed on its own (so it never holds SQLite's write lock for a
    whole request): even a request that fails, whose own transaction is rolled back, keeps it."""
    w = await build_world(db_url)
    async with _client(make_settings(tmp_path, db_url)) as c:
        await _login(c, w.a.admin_email)
        before = datetime.now(UTC) - timedelta(minutes=5)
        async with open_db(db_url) as db:
            await db.execute(update(StaffSession).values(last_seen_at=before))
            await db.commit()
        missing = await c.get("/api/assessments/00000000-0000-4000-8000-000000000000")
        assert missing.status_code == 404  # the request's transaction is rolled back
        async with open_db(db_url) as db:
            seen = (await db.execute(select(StaffSession.last_seen_at))).scalars().all()
        assert seen and all(
            s is not None and s.replace(tzinfo=UTC) > before + timedelta(minutes=4) for s in seen
        )
