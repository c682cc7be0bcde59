"""Shared fixtures: real databases (SQLite and PostgreSQL), real object stores, the app."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from server.settings import Settings
from tests.support.postgres import PostgresServer, postgres_server
from tests.support.s3 import S3Endpoint, s3_endpoint

DATA = Path(__file__).parent / "data"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
_db_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """One real PostgreSQL cluster for the whole run."""
    with postgres_server() as server:
        yield server


@pytest.fixture(scope="session")
def pg_template(pg_server: PostgresServer) -> str:
    """A database migrated to head once; each test gets a fresh copy of it."""
    from server.db.migrate import upgrade

    pg_server.psql("CREATE DATABASE viva_template")
    upgrade(pg_server.url("viva_template"))
    return "viva_template"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from server.db.migrate import upgrade

    path = tmp_path_factory.mktemp("sqlite-template") / "viva.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


def _fresh_database(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        path = tmp_path / "viva.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    template = request.getfixturevalue("pg_template")
    name = f"viva_t{next(_db_counter)}"
    server.psql(f"CREATE DATABASE {name} TEMPLATE {template}")
    yield server.url(name)
    server.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database: every test using it runs on SQLite and on PostgreSQL."""
    yield from _fresh_database(request, request.param, tmp_path)


@pytest.fixture
def sqlite_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated SQLite database (for tests that do not depend on the database)."""
    yield from _fresh_database(request, "sqlite", tmp_path)


@pytest.fixture(scope="session")
def s3() -> Iterator[S3Endpoint]:
    with s3_endpoint() as endpoint:
        yield endpoint


def make_settings(tmp_path: Path, db_url: str, **env: str) -> Settings:
    base = {
        "VIVA_DATABASE_URL": db_url,
        "VIVA_SECRET_KEY": "test-secret-" + "x" * 40,
        "VIVA_PUBLIC_URL": "http://testserver.local",
    }
    base.update(env)
    return Settings.from_env(base, data_dir=tmp_path / "data")


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return make_settings(tmp_path, db_url)


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[object]:
    """An HTTP client on the real app; it sends the CSRF header the way the frontend does."""
    from litestar.testing import AsyncTestClient

    from server.app import CSRF_COOKIE, CSRF_HEADER, create_app

    app = create_app(settings)
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as c:

        async def add_csrf(request):  # type: ignore[no-untyped-def]
            if request.method not in {"GET", "HEAD", "OPTIONS"}:
                token = c.cookies.get(CSRF_COOKIE)
                if token and CSRF_HEADER not in request.headers:
                    request.headers[CSRF_HEADER] = token

        c.event_hooks["request"].append(add_csrf)
        yield c
