"""Engine and session configuration shared by the app, jobs and the CLI."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from advanced_alchemy.extensions.litestar import (
    AlembicAsyncConfig,
    AsyncSessionConfig,
    SQLAlchemyAsyncConfig,
)
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from server.db.models import metadata
from server.settings import DatabaseSettings

_MIGRATIONS = Path(__file__).parent / "migrations"

__all__ = ["create_engine", "create_private_sqlite_file", "is_sqlite", "session_maker", "sqlalchemy_config"]


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def create_private_sqlite_file(url: str) -> None:
    """Create a SQLite database file readable by its owner only (0600) before SQLite does.

    It holds candidates' names, answers and scores; SQLite would create it with the umask's
    mode (often world-readable), and its -wal/-shm files copy the database file's mode.
    """
    if not is_sqlite(url):
        return
    path = url.split(":///", 1)[-1].split("?", 1)[0]
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(file, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _sqlite_pragmas(dbapi_conn: Any, _: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=15000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_savepoint_writes(conn: Any, _name: str | None) -> None:
    """Open a savepoint outside a transaction as ``BEGIN IMMEDIATE``.

    Python's sqlite3 starts no transaction for a SELECT, and a ``SAVEPOINT`` outside one
    starts a deferred transaction: its first read takes a snapshot, and if another connection
    commits before its first write, SQLite refuses that write at once (SQLITE_BUSY_SNAPSHOT,
    "database is locked"; no busy timeout). Savepoints wrap writes (bulk actions, the
    candidate's clocks, the login throttle), so taking the write lock first makes them wait
    for the other writer instead. Any transaction already open is left as it is.
    """
    dbapi = conn.connection.dbapi_connection
    raw = getattr(dbapi, "_connection", dbapi)  # aiosqlite's adapter wraps the connection
    if not raw.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _engine_kwargs(settings: DatabaseSettings) -> dict[str, Any]:
    if is_sqlite(settings.url):
        return {"echo": settings.echo, "poolclass": NullPool}
    return {
        "echo": settings.echo,
        "pool_size": settings.pool_size,
        "max_overflow": 10,
        "pool_pre_ping": True,
        "pool_recycle": 1800,
    }


def create_engine(settings: DatabaseSettings) -> AsyncEngine:
    """An async engine; SQLite gets foreign keys, WAL, a busy timeout and savepoints that write."""
    create_private_sqlite_file(settings.url)
    engine = create_async_engine(settings.url, **_engine_kwargs(settings))
    if is_sqlite(settings.url):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "savepoint", _sqlite_savepoint_writes)
    return engine


def session_maker(engine: AsyncEngine) -> async_sessionmaker[Any]:
    return async_sessionmaker(engine, expire_on_commit=False)


def sqlalchemy_config(settings: DatabaseSettings, engine: AsyncEngine) -> SQLAlchemyAsyncConfig:
    """advanced-alchemy's Litestar config: one session per request, committed on 2xx."""
    return SQLAlchemyAsyncConfig(
        engine_instance=engine,
        session_config=AsyncSessionConfig(expire_on_commit=False),
        before_send_handler="autocommit",
        session_dependency_key="db_session",
        metadata=metadata,
        create_all=False,
        alembic_config=AlembicAsyncConfig(script_location=str(_MIGRATIONS)),
    )
