"""Fixtures for API tests: a populated world and signed-in clients."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.world import PASSWORD, World, build_world


@pytest.fixture
async def world(client: Any, db_url: str) -> World:
    return await build_world(db_url)


async def sign_in(client: Any, email: str, password: str = PASSWORD) -> Any:
    await client.get("/api/auth/me")  # a safe request hands out the CSRF cookie
    r = await client.post(
        "/api/auth/login",
        json={"email": email, "password": password},
        headers={"x-csrf-token": client.cookies.get("viva_csrf", "")},
    )
    assert r.status_code == 200, r.text
    return r


@pytest.fixture
def login(client: Any):  # type: ignore[no-untyped-def]
    async def _login(email: str, password: str = PASSWORD) -> Any:
        return await sign_in(client, email, password)

    return _login
