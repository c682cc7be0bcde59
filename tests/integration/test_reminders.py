"""Automatic reminders over a real SMTP server: sent once per rule, never after opt-out or to
finished candidates, and exactly once with two workers running the job at the same time."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest
from sqlalchemy import select

from server.auth.sealing import seal
from server.db.models import Assessment, Invitation, InvitationReminder, InvitationStatus
from server.domain.invitations.reminders import opt_out_token, run_reminders
from server.jobs.context import JobContext
from server.jobs.runtime import build_context
from server.settings import Settings
from tests.conftest import make_settings
from tests.support.smtp import SmtpServer, smtp_server
from tests.support.world import World, build_world

pytestmark = pytest.mark.integration

OPT_OUT = re.compile(r"http://testserver\.local/opt-out/([A-Za-z0-9_.\-=]+)")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, db_url: str, smtp: SmtpServer) -> Settings:
    # The periodic job stays off: each test runs the job itself, as often as it needs.
    return make_settings(tmp_path, db_url, **smtp.env(), VIVA_REMINDER_INTERVAL_SECONDS="0")


@pytest.fixture
async def world(db_url: str) -> World:
    return await build_world(db_url)


@pytest.fixture
async def make_ctx(settings: Settings) -> AsyncIterator[Any]:
    engines = []

    def _make() -> JobContext:
        ctx, engine = build_context(settings)
        engines.append(engine)
        return ctx

    yield _make
    for engine in engines:
        await engine.dispose()


async def _prepare(
    ctx: JobContext,
    world: World,
    name: str,
    *,
    age_days: float = 0,
    expires_in_days: float = 10,
    status: InvitationStatus = InvitationStatus.INVITED,
) -> uuid.UUID:
    """The world's invitation as the invite request leaves it with email on (its link sealed)."""
    iid = world.a.invitation_ids[name]
    async with ctx.sessions() as db:
        inv = await db.get(Invitation, iid)
        assert inv is not None
        inv.link_sealed = seal(ctx.settings.app.secret_key, world.a.tokens[name])
        inv.created_at = datetime.now(UTC) - timedelta(days=age_days)
        inv.expires_at = datetime.now(UTC) + timedelta(days=expires_in_days)
        inv.status = status
        await db.commit()
    return iid


async def _rows(ctx: JobContext) -> list[InvitationReminder]:
    async with ctx.sessions() as db:
        return list((await db.execute(select(InvitationReminder))).scalars())


def _plain(message: Any) -> str:
    return str(message.get_body(preferencelist=("plain",)).get_content())


async def test_a_candidate_who_has_not_started_is_reminded_once_with_their_own_link(
    make_ctx: Any, world: World, smtp: SmtpServer
) -> None:
    ctx = make_ctx()
    await _prepare(ctx, world, "Alice", age_days=4)  # invited 4 days ago: due (default 3)
    await _prepare(ctx, world, "Amir", age_days=1)  # invited yesterday: not yet
    assert await run_reminders(ctx) == 1
    assert await run_reminders(ctx) == 0  # a second run sends nothing more
    (message,) = smtp.messages
    assert message["To"].addresses[0].addr_spec == "alice@example.com"
    assert message["Subject"].startswith("Reminder: your interview for")
    body = _plain(message)
    assert "You have not started yet." in body
    assert f"http://testserver.local/i/{world.a.tokens['Alice']}" in body  # the same link
    assert OPT_OUT.search(body) and message["List-Unsubscribe"].startswith(
        "<http://testserver.local/opt-out/"
    )
    (row,) = await _rows(ctx)
    assert (row.rule, row.status, row.tries) == ("not_started", "sent", 1)


async def test_before_expiry_reaches_started_candidates_but_never_finished_or_expired_ones(
    make_ctx: Any, world: World, smtp: SmtpServer
) -> None:
    ctx = make_ctx()
    await _prepare(ctx, world, "Alice", age_days=10, expires_in_days=1, status=InvitationStatus.STARTED)
    await _prepare(ctx, world, "Amir", age_days=10, expires_in_days=1, status=InvitationStatus.COMPLETED)
    await _prepare(ctx, world, "Ada", age_days=10, expires_in_days=-0.1)  # expired
    assert await run_reminders(ctx) == 1
    (message,) = smtp.messages
    assert message["To"].addresses[0].addr_spec == "alice@example.com"
    assert "Your link expires soon." in _plain(message)
    assert [(r.rule, r.status) for r in await _rows(ctx)] == [("before_expiry", "sent")]
    # An invitation that is over no longer keeps its sealed link.
    async with ctx.sessions() as db:
        amir = await db.get(Invitation, world.a.invitation_ids["Amir"])
        assert amir is not None and amir.link_sealed is None


async def test_a_candidate_due_under_both_rules_gets_one_per_run_and_one_per_rule(
    make_ctx: Any, world: World, smtp: SmtpServer
) -> None:
    ctx = make_ctx()
    await _prepare(ctx, world, "Alice", age_days=12, expires_in_days=1)
    assert await run_reminders(ctx) == 1  # the more urgent first
    assert "expires soon" in _plain(smtp.messages[0])
    assert await run_reminders(ctx) == 1  # the other rule on the next run
    assert "not started yet" in _plain(smtp.messages[1])
    assert await run_reminders(ctx) == 0
    assert len(smtp.messages) == 2


async def test_the_opt_out_link_is_honoured(
    make_ctx: Any, world: World, smtp: SmtpServer, client: Any
) -> None:
    ctx = make_ctx()
    await _prepare(ctx, world, "Alice", age_days=12, expires_in_days=1)
    assert await run_reminders(ctx) == 1
    token = OPT_OUT.search(_plain(smtp.messages[0])).group(1)  # type: ignore[union-attr]
    r = await client.get(f"/api/email/opt-out/{token}")
    assert r.status_code == 200, r.text
    assert r.json() == {
        "organization": "Org ALPHA",
        "assessment_title": r.json()["assessment_title"],
        "opted_out": False,
    }
    r = await client.post(f"/api/email/opt-out/{token}")
    assert r.status_code == 200 and r.json()["opted_out"] is True
    assert (await client.post(f"/api/email/opt-out/{token}")).json()["opted_out"] is True  # idempotent
    assert await run_reminders(ctx) == 0  # the not-started reminder is no longer sent
    assert len(smtp.messages) == 1
    # A token that is not ours, or altered, is a 404 that names the problem.
    forged = opt_out_token("another-secret", world.a.invitation_ids["Amir"])
    for bad in (forged, token[:-2] + "xx", "nonsense"):
        r = await client.post(f"/api/email/opt-out/{bad}")
        assert r.status_code == 404 and "not valid" in r.json()["detail"]
    async with ctx.sessions() as db:
        amir = await db.get(Invitation, world.a.invitation_ids["Amir"])
        assert amir is not None and amir.reminders_opted_out_at is None


async def test_two_workers_at_once_send_each_reminder_exactly_once(
    make_ctx: Any, world: World, smtp: SmtpServer
) -> None:
    one, two = make_ctx(), make_ctx()  # two processes' worth: separate engines and pools
    await _prepare(one, world, "Alice", age_days=4)
    await _prepare(one, world, "Amir", age_days=5)
    sent = await asyncio.gather(run_reminders(one), run_reminders(two), run_reminders(one))
    assert sum(sent) == 2
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp.messages) == [
        "alice@example.com",
        "amir@example.com",
    ]
    assert len(await _rows(one)) == 2


async def test_a_refused_reminder_is_retried_by_the_next_run_and_sent_once(
    make_ctx: Any, world: World, smtp: SmtpServer
) -> None:
    ctx = make_ctx()
    await _prepare(ctx, world, "Alice", age_days=4)
    smtp.fail_next = 1
    assert await run_reminders(ctx) == 0
    (row,) = await _rows(ctx)
    assert row.status == "failed" and row.tries == 1 and "451" in (row.last_error or "")
    assert await run_reminders(ctx) == 1
    assert await run_reminders(ctx) == 0
    assert len(smtp.messages) == 1


async def test_reminders_follow_the_assessment_settings(
    make_ctx: Any, world: World, smtp: SmtpServer, client: Any, login: Any
) -> None:
    ctx = make_ctx()
    await _prepare(ctx, world, "Alice", age_days=4)
    await login(world.a.admin_email)
    detail = (await client.get(f"/api/assessments/{world.a.assessment_id}")).json()
    assert detail["settings"]["reminders"] is True  # on by default
    async with ctx.sessions() as db:
        a = await db.get(Assessment, world.a.assessment_id)
        assert a is not None
        a.settings = msgspec.structs.replace(a.settings, reminders=False)
        await db.commit()
    assert await run_reminders(ctx) == 0
    async with ctx.sessions() as db:
        a = await db.get(Assessment, world.a.assessment_id)
        assert a is not None
        a.settings = msgspec.structs.replace(a.settings, reminders=True, remind_not_started_days=7)
        await db.commit()
    assert await run_reminders(ctx) == 0  # invited 4 days ago, the rule says 7
    assert smtp.messages == []


async def test_without_email_nothing_is_sent(tmp_path: Path, db_url: str, world: World) -> None:
    ctx, engine = build_context(make_settings(tmp_path, db_url))
    try:
        await _prepare(ctx, world, "Alice", age_days=4)
        assert await run_reminders(ctx) == 0
        assert await _rows(ctx) == []
    finally:
        await engine.dispose()
