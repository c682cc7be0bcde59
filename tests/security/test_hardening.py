"""Hardening notes of issue 12: API answers are not cached, the SQLite file is private, and
the production build serves no source maps."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest

from server.app import STATIC_DIR
from server.db.migrate import upgrade
from tests.integration.conftest import sign_in
from tests.support.world import World, build_world

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def world(db_url: str) -> World:
    return await build_world(db_url)


async def test_api_answers_with_personal_data_are_never_stored_by_caches(client: Any, world: World) -> None:
    r = await client.get(f"/api/candidate/{world.a.tokens['Alice']}")
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    await sign_in(client, world.a.admin_email)
    for path in (
        "/api/auth/me",
        f"/api/assessments/{world.a.assessment_id}/invitations",
        "/api/review/queue",
        "/api/nothing-here",
    ):
        r = await client.get(path)
        assert "no-store" in r.headers["cache-control"], (path, r.headers.get("cache-control"))


def test_the_sqlite_file_is_created_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "data" / "viva.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    for file in [path, *path.parent.glob("viva.db-*")]:
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, (file, oct(file.stat().st_mode))


def test_the_production_build_has_no_public_source_maps() -> None:
    config = (ROOT / "frontend/vite.config.ts").read_text()
    assert "sourcemap: false" in config
    if (STATIC_DIR / "index.html").exists() and not list(STATIC_DIR.rglob("*.map")):
        for js in STATIC_DIR.rglob("*.js"):
            assert "sourceMappingURL" not in js.read_text(errors="replace")[-300:], js
