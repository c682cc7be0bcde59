"""Migrations: empty to head on both databases, and the models match the migrations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from server.db.migrate import downgrade, upgrade
from server.db.models import metadata
from tests.support.postgres import PostgresServer

pytestmark = pytest.mark.integration


def _sync(url: str) -> str:
    return url.replace("+aiosqlite", "").replace("+asyncpg", "+psycopg2")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    pg: PostgresServer = request.getfixturevalue("pg_server")
    name = f"empty_{tmp_path.name[-20:].replace('-', '_').lower()}"
    pg.psql(f"CREATE DATABASE {name}")
    yield pg.url(name)
    pg.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_upgrade_from_empty_to_head_and_models_match(empty_url: str) -> None:
    upgrade(empty_url)
    engine = create_engine(_sync(empty_url))
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        assert set(metadata.tables) <= tables and "alembic_version" in tables
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = [
            d
            for d in compare_metadata(ctx, metadata)
            if not (isinstance(d, tuple) and d[0] in {"add_constraint", "remove_constraint"})
        ]
    engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def test_downgrade_to_base_and_back(empty_url: str) -> None:
    upgrade(empty_url)
    downgrade(empty_url, "base")
    engine = create_engine(_sync(empty_url))
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    upgrade(empty_url)
