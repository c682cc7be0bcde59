"""PostgreSQL restarts while staff and candidates use the app: clean failures, recovery, no loss.

Real processes: a throwaway PostgreSQL cluster of its own, `viva serve` on it, and a client
load of concurrent reads and writes (an admin creating invitations, a reviewer reading,
candidates autosaving written answers). The cluster is restarted (`pg_ctl restart -m fast`)
and then stopped for a few seconds and started again.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from server.db.migrate import upgrade
from server.db.models import Attempt, Invitation, Response
from tests.faults.conftest import PgControl, wait_for
from tests.support.live_server import live_server
from tests.support.postgres import postgres_server
from tests.support.reviews import open_db
from tests.support.world import PASSWORD, World, build_world

pytestmark = pytest.mark.integration

HANG_S = 15.0  # no request may take this long, outage or not
RECOVERY_S = 20.0  # every kind of request succeeds again this soon after the database is up


@dataclass(frozen=True)
class Outcome:
    kind: str
    started: float
    elapsed: float
    status: int
    body: str
    headers: dict[str, str]
    payload: Any = None  # what a write tried to store


class Load:
    """Concurrent client loops; every request's outcome is kept."""

    def __init__(self) -> None:
        self.outcomes: list[Outcome] = []
        self.stop = asyncio.Event()

    async def loop(self, kind: str, request: Callable[[int], Awaitable[tuple[httpx.Response, Any]]]) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            started = time.monotonic()
            try:
                r, payload = await request(n)
            except httpx.TimeoutException:
                self.outcomes.append(
                    Outcome(kind, started, time.monotonic() - started, 0, "client timeout", {})
                )
                continue
            self.outcomes.append(
                Outcome(
                    kind, started, time.monotonic() - started, r.status_code, r.text, dict(r.headers), payload
                )
            )
            await asyncio.sleep(0.02)  # a person's pace, roughly; keeps 2 cores usable

    def failures(self, since: float = 0.0) -> list[Outcome]:
        return [o for o in self.outcomes if o.started >= since and not 200 <= o.status < 300]


async def _staff(server_url: str, email: str) -> httpx.AsyncClient:
    http = httpx.AsyncClient(base_url=server_url, timeout=HANG_S + 5)
    await http.get("/api/auth/me")  # hands out the CSRF cookie
    r = await http.post(
        "/api/auth/login",
        json={"email": email, "password": PASSWORD},
        headers={"x-csrf-token": http.cookies.get("viva_csrf", "")},
    )
    assert r.status_code == 200, r.text
    http.headers["x-csrf-token"] = http.cookies.get("viva_csrf", "")
    return http


async def _start_load(
    load: Load, server_url: str, world: World, clients: list[httpx.AsyncClient]
) -> list[asyncio.Task[None]]:
    admin = await _staff(server_url, world.a.admin_email)
    reviewer = await _staff(server_url, world.a.reviewer_email)
    candidate = httpx.AsyncClient(base_url=server_url, timeout=HANG_S + 5)
    clients += [admin, reviewer, candidate]
    aid = world.a.assessment_id

    async def invite(n: int) -> tuple[httpx.Response, Any]:
        email = f"load{n}-{uuid.uuid4().hex[:6]}@example.com"
        r = await admin.post(
            f"/api/assessments/{aid}/invitations",
            json={"candidate_name": f"Load {n}", "candidate_email": email},
        )
        return r, email

    async def read(n: int) -> tuple[httpx.Response, Any]:
        return await reviewer.get(f"/api/assessments/{aid}/invitations"), None

    tasks = [asyncio.create_task(load.loop("invite", invite)), asyncio.create_task(load.loop("read", read))]
    for name in ("Alice", "Amir"):
        token = world.a.tokens[name]
        view = (await candidate.post(f"/api/candidate/{token}/consent", json={"accept": True})).json()
        qid = next(q["id"] for q in view["questions"] if q["kind"] == "written" and not q["is_practice"])
        take = str(uuid.uuid4())

        def autosave(
            token: str = token, qid: str = qid, take: str = take
        ) -> Callable[[int], Awaitable[tuple[httpx.Response, Any]]]:
            async def save(n: int) -> tuple[httpx.Response, Any]:
                text = f"{token[:6]} draft {n}: I would first check the data pipeline."
                r = await candidate.put(
                    f"/api/candidate/{token}/written/{qid}",
                    json={"take_id": take, "text": text, "submit": False},
                )
                return r, (token, text)

            return save

        tasks.append(asyncio.create_task(load.loop(f"autosave-{name}", autosave())))
    return tasks


def _assert_clean(failure: Outcome) -> None:
    """A failure during the outage: a prompt 503 problem with advice, nothing internal."""
    assert failure.status == 503, (failure.kind, failure.status, failure.body[:500])
    assert failure.headers.get("content-type", "").startswith("application/problem+json")
    assert int(failure.headers.get("retry-after", "0")) > 0, failure.headers
    assert "database" in failure.body and "try again" in failure.body, failure.body
    for leak in ("Traceback", "asyncpg", "sqlalchemy", "Errno", 'File "'):
        assert leak not in failure.body, failure.body


async def test_database_restart_under_load_fails_cleanly_recovers_and_loses_nothing(tmp_path: Path) -> None:
    with postgres_server() as pg:
        pg.psql("CREATE DATABASE viva")
        db_url = pg.url("viva")
        await asyncio.to_thread(upgrade, db_url)
        world = await build_world(db_url)
        control = PgControl(pg)
        env = {"VIVA_DATABASE_URL": db_url, "VIVA_SECRET_KEY": "k" * 40}
        with live_server(tmp_path / "data", env) as server:
            load = Load()
            clients: list[httpx.AsyncClient] = []
            tasks = await _start_load(load, server.url, world, clients)
            kinds = {"invite", "read", "autosave-Alice", "autosave-Amir"}
            try:

                async def each_kind_ok(since: float) -> bool:
                    done = {o.kind for o in load.outcomes if o.started >= since and 200 <= o.status < 300}
                    return done >= kinds

                await wait_for(lambda: each_kind_ok(0.0), timeout=30, what="the load to run")
                # 1. A fast restart: sessions are cut, pooled connections go stale.
                await asyncio.to_thread(control.restart)
                up = time.monotonic()
                await wait_for(
                    lambda: each_kind_ok(up),
                    timeout=RECOVERY_S,
                    what="every kind of request to succeed after the restart",
                )
                # 2. An outage long enough that requests certainly meet it.
                await asyncio.to_thread(control.stop)
                down = time.monotonic()

                async def failing() -> bool:
                    return len(load.failures(since=down)) >= 8

                await wait_for(failing, timeout=30, what="requests to meet the outage")
                async with httpx.AsyncClient(base_url=server.url, timeout=HANG_S) as probe:
                    health = await probe.get("/health")
                assert health.status_code == 503 and health.json()["database"] != "ok"
                await asyncio.to_thread(control.start)
                up = time.monotonic()
                await wait_for(
                    lambda: each_kind_ok(up),
                    timeout=RECOVERY_S,
                    what="every kind of request to succeed after the outage",
                )
                recovered_in = (
                    max(
                        min(
                            o.started + o.elapsed
                            for o in load.outcomes
                            if o.kind == k and o.started >= up and 200 <= o.status < 300
                        )
                        for k in kinds
                    )
                    - up
                )
            finally:
                load.stop.set()
                await asyncio.gather(*tasks)
                for c in clients:
                    await c.aclose()
            async with httpx.AsyncClient(base_url=server.url, timeout=HANG_S) as probe:
                assert (await probe.get("/health")).status_code == 200
            output = server.output()

        failures = load.failures()
        assert failures, "no request met the outage: the test proved nothing"
        for failure in failures:
            _assert_clean(failure)
        slowest = max(load.outcomes, key=lambda o: o.elapsed)
        assert slowest.elapsed < HANG_S, slowest
        assert recovered_in < RECOVERY_S
        assert "unhandled_error" not in output  # every failure was recognised as the outage

        # Nothing acknowledged is lost.
        acked_emails = {o.payload for o in load.outcomes if o.kind == "invite" and o.status == 201}
        async with open_db(db_url) as db:
            stored = set((await db.execute(select(Invitation.candidate_email))).scalars())
            assert acked_emails <= stored, acked_emails - stored
            for name in ("Alice", "Amir"):
                saves = [o for o in load.outcomes if o.kind == f"autosave-{name}"]
                last_ok = max(i for i, o in enumerate(saves) if o.status == 200)
                # the last acknowledged draft, or a later one whose reply was lost
                allowed = {o.payload[1] for o in saves[last_ok:]}
                text = (
                    await db.execute(
                        select(Response.text)
                        .join(Attempt)
                        .join(Invitation)
                        .where(Invitation.id == world.a.invitation_ids[name])
                    )
                ).scalar_one()
                assert text in allowed, (text, saves[last_ok].payload)
        print(
            f"\n{len(load.outcomes)} requests, {len(failures)} failed cleanly (503), "
            f"slowest {slowest.elapsed:.2f}s, recovered {recovered_in:.2f}s after start"
        )
