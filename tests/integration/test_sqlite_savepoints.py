"""A savepoint on the embedded SQLite database waits for a writer instead of failing at once.

Python's sqlite3 module (which aiosqlite wraps) starts no transaction for a SELECT, and a
``SAVEPOINT`` outside a transaction starts a *deferred* one: the first read in it takes a
snapshot, and when another connection commits before the first write, SQLite refuses the
write at once ("database is locked", SQLITE_BUSY_SNAPSHOT; the busy timeout does not apply).
The bulk stage actions run each candidate in a savepoint while webhook and email jobs commit
beside them, so a reviewer got a 503 for a bulk reject. The engine now opens such a savepoint
inside ``BEGIN IMMEDIATE``, which waits (busy timeout) for the other writer and then cannot
be refused.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from server.db.engine import create_engine
from server.settings import DatabaseSettings

pytestmark = pytest.mark.integration


async def test_a_savepoint_that_reads_then_writes_survives_a_commit_by_another_connection(
    tmp_path: Path,
) -> None:
    engine = create_engine(DatabaseSettings(url=f"sqlite+aiosqlite:///{tmp_path / 'viva.db'}"))
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)"))
            await conn.execute(text("INSERT INTO t (id, v) VALUES (1, 0), (2, 0)"))
        other_committed = asyncio.Event()

        async def other_writer() -> None:
            async with engine.begin() as conn:
                await conn.execute(text("UPDATE t SET v = v + 1 WHERE id = 2"))
            other_committed.set()

        async with engine.connect() as conn:
            await conn.execute(text("SELECT v FROM t WHERE id = 1"))  # no transaction yet
            async with conn.begin_nested():
                assert (await conn.execute(text("SELECT v FROM t WHERE id = 1"))).scalar_one() == 0
                writer = asyncio.create_task(other_writer())
                # the other connection waits for this savepoint's transaction (it holds the
                # write lock from its start) instead of committing under its snapshot
                await asyncio.sleep(0.3)
                assert not other_committed.is_set()
                await conn.execute(text("UPDATE t SET v = v + 1 WHERE id = 1"))
            await conn.commit()
        await asyncio.wait_for(writer, 20)
        async with engine.connect() as conn:
            rows = dict((await conn.execute(text("SELECT id, v FROM t"))).tuples().all())
        assert rows == {1: 1, 2: 1}
    finally:
        await engine.dispose()
