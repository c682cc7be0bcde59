"""Helpers shared by the fault tests: fresh PostgreSQL databases and waiting on conditions."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from tests.support.postgres import PostgresServer
from tests.support.webrtc_client import make_test_media

T = TypeVar("T")


async def wait_for(
    probe: Callable[[], Awaitable[T | None]], *, timeout: float, what: str, every: float = 0.1
) -> T:
    """Poll ``probe`` until it returns something truthy; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        await asyncio.sleep(every)


@pytest.fixture
def pg_db(pg_server: PostgresServer, pg_template: str) -> Iterator[tuple[str, str]]:
    """A fresh migrated PostgreSQL database: (SQLAlchemy URL, plain postgresql:// URL for SAQ)."""
    name = f"viva_fault_{uuid.uuid4().hex[:8]}"
    pg_server.psql(f"CREATE DATABASE {name} TEMPLATE {pg_template}")
    plain = f"postgresql://{pg_server.user}@{pg_server.host}:{pg_server.port}/{name}"
    yield pg_server.url(name), plain
    pg_server.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def talk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """30 s of moving test pattern with JFK's speech (real speech audio), for WebRTC takes."""
    return make_test_media(tmp_path_factory.mktemp("talk") / "talk.webm", seconds=30)


class PgControl:
    """Stops, starts and restarts the cluster behind ``server`` with ``pg_ctl``.

    The cluster's command-line settings (port, addresses, socket directory) are written to
    ``postgresql.auto.conf`` first, so a plain ``pg_ctl start`` brings it back the same.
    """

    def __init__(self, server: PostgresServer) -> None:
        import os

        from tests.support.postgres import find_pg_bin

        self.server = server
        self.data = Path(server.psql("SHOW data_directory"))
        for name in ("port", "listen_addresses", "unix_socket_directories"):
            value = server.psql(f"SHOW {name}")
            server.psql(f"ALTER SYSTEM SET {name} = '{value}'")
        bin_dir = find_pg_bin()
        assert bin_dir is not None
        self._pg_ctl = [
            *(["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []),
            str(bin_dir / "pg_ctl"),
            "-D",
            str(self.data),
        ]

    def _run(self, *args: str) -> None:
        import subprocess

        # -l: the server's output goes to its log file, never to a pipe we would wait on.
        subprocess.run(
            [*self._pg_ctl, "-l", str(self.data.parent / "log"), "-w", "-t", "60", *args],
            check=True,
            capture_output=True,
            timeout=90,
        )

    def restart(self) -> None:
        """``pg_ctl restart -m fast``: sessions are terminated, the server comes straight back."""
        self._run("-m", "fast", "restart")

    def stop(self) -> None:
        self._run("-m", "fast", "stop")

    def start(self) -> None:
        self._run("start")
