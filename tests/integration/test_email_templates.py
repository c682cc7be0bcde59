"""Per-organization email templates (checked placeholders, escaped HTML, branded preview) and the
opt-in decision email, over a real SMTP server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from server.db.models import DecisionEmail, Invitation, Organization
from server.db.models.enums import CandidateDecision
from server.domain.invitations.decision_emails import queue_decision_email, send_decision_emails
from server.jobs.context import JobContext
from server.jobs.runtime import build_context
from server.settings import Settings
from tests.conftest import make_settings
from tests.support.smtp import SmtpServer, smtp_server
from tests.support.world import World

pytestmark = pytest.mark.integration


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, db_url: str, smtp: SmtpServer) -> Settings:
    return make_settings(
        tmp_path, db_url, **smtp.env(), VIVA_REMINDER_INTERVAL_SECONDS="0", VIVA_EMAIL_POLL_SECONDS="0"
    )


@pytest.fixture
async def ctx(settings: Settings) -> AsyncIterator[JobContext]:
    context, engine = build_context(settings)
    yield context
    await engine.dispose()


async def test_templates_are_listed_with_their_placeholders_and_defaults(
    client: Any, world: World, login: Any
) -> None:
    await login(world.a.reviewer_email)
    r = await client.get("/api/organization/email")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["email_enabled"] is True and body["decision_emails"] is False  # opt-in
    kinds = {t["kind"]: t for t in body["templates"]}
    assert set(kinds) == {"invitation", "reminder", "decision"}
    assert not any(t["custom"] for t in kinds.values())
    assert "opt_out_link" in {p["name"] for p in kinds["reminder"]["placeholders"]}
    # A reviewer reads but cannot change them.
    r = await client.put("/api/organization/email/templates/invitation", json={"subject": "x", "body": "y"})
    assert r.status_code == 403


async def test_an_unknown_placeholder_is_a_422_naming_it_and_nothing_is_stored(
    client: Any, world: World, login: Any
) -> None:
    await login(world.a.admin_email)
    for data, name in (
        ({"subject": "Hi {candidate}", "body": "{link}"}, "candidate"),
        ({"subject": "Hi", "body": "Decide: {decision}"}, "decision"),  # not an invitation field
        ({"subject": "Hi", "body": "{link.__class__}"}, "link.__class__"),
    ):
        r = await client.put("/api/organization/email/templates/invitation", json=data)
        assert r.status_code == 422, r.text
        problem = r.json()
        assert problem["placeholder"] == name and f"{{{name}}}" in problem["detail"]
    r = await client.put(
        "/api/organization/email/templates/invitation", json={"subject": "a { b", "body": "x"}
    )
    assert r.status_code == 422 and "'{{'" in r.json()["detail"] and r.json()["field"] == "subject"
    r = await client.put("/api/organization/email/templates/nonsense", json={"subject": "a", "body": "b"})
    assert r.status_code == 404
    body = (await client.get("/api/organization/email")).json()
    assert not any(t["custom"] for t in body["templates"])


async def test_the_preview_escapes_html_and_carries_the_branding(
    client: Any, world: World, login: Any
) -> None:
    await login(world.a.admin_email)
    r = await client.put(
        "/api/organization/branding",
        json={"accent_color": "#aa3300", "contact_email": "talent@alpha.test"},
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        "/api/organization/email/templates/reminder/preview",
        json={"subject": "Hi {candidate_name}", "body": "<script>x()</script> {{literal}}\n\nGo: {link}"},
    )
    assert r.status_code == 200, r.text
    p = r.json()
    assert p["subject"] == "Hi Ada Lovelace"
    assert "<script>" not in p["html"] and "&lt;script&gt;" in p["html"]
    assert "{literal}" in p["text"] and "#aa3300" in p["html"] and "Org ALPHA" in p["html"]
    assert '<a href="http://testserver.local/i/EXAMPLE-LINK">' in p["html"]
    assert "talent@alpha.test" in p["text"]


async def test_the_organization_template_is_what_the_invitation_email_says(
    client: Any, world: World, login: Any, smtp: SmtpServer
) -> None:
    await login(world.a.admin_email)
    r = await client.put(
        "/api/organization/email/templates/invitation",
        json={
            "subject": "{organization} would like to hear from you",
            "body": "Dear {candidate_name} <3,\n\nPlease answer by {expires}: {link}",
        },
    )
    assert r.status_code == 200 and r.json()["custom"] is True, r.text
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations",
        json={"candidate_name": "Grace & Co", "candidate_email": "grace@example.com"},
    )
    assert r.status_code == 201, r.text
    (message,) = await smtp.wait_for(1)
    assert message["Subject"] == "Org ALPHA would like to hear from you"
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Dear Grace & Co <3," in plain and r.json()["link"] in plain
    assert "Dear Grace &amp; Co &lt;3," in html
    # Back to the default.
    r = await client.delete("/api/organization/email/templates/invitation")
    assert r.status_code == 200 and r.json()["custom"] is False


async def test_decision_emails_are_sent_only_when_the_organization_turned_them_on(
    client: Any, world: World, login: Any, smtp: SmtpServer, ctx: JobContext
) -> None:
    iid = world.a.invitation_ids["Alice"]
    async with ctx.sessions() as db:
        inv = await db.get(Invitation, iid)
        assert inv is not None
        inv.decision = CandidateDecision.ADVANCED
        assert await queue_decision_email(db, inv) is None  # off by default: nothing queued
        await db.commit()
    await send_decision_emails(ctx)
    assert smtp.messages == []

    await login(world.a.admin_email)
    r = await client.put("/api/organization/email", json={"decision_emails": True})
    assert r.status_code == 200 and r.json()["decision_emails"] is True
    r = await client.put(
        "/api/organization/email/templates/decision",
        json={"subject": "About {assessment}", "body": "Hello {candidate_name}. {decision}"},
    )
    assert r.status_code == 200, r.text
    async with ctx.sessions() as db:
        inv = await db.get(Invitation, iid)
        assert inv is not None
        assert await queue_decision_email(db, inv) is not None
        assert await queue_decision_email(db, inv) is None  # already queued: not twice
        await db.commit()
    # Two workers at once: one email.
    await asyncio.gather(send_decision_emails(ctx), send_decision_emails(ctx))
    (message,) = await smtp.wait_for(1)
    assert message["To"].addresses[0].addr_spec == "alice@example.com"
    assert "move forward with you" in message.get_body(preferencelist=("plain",)).get_content()
    async with ctx.sessions() as db:
        (row,) = (await db.execute(select(DecisionEmail))).scalars()
        assert (row.status, row.tries, row.decision) == ("sent", 1, "advanced")
        inv = await db.get(Invitation, iid)
        assert inv is not None
        assert await queue_decision_email(db, inv) is None  # this decision was sent already
        # Turned off again before a queued email goes out: it is not sent.
        inv.decision = CandidateDecision.REJECTED
        assert await queue_decision_email(db, inv) is not None
        org = await db.get(Organization, world.a.id)
        assert org is not None
        org.decision_emails = False
        await db.commit()
    await send_decision_emails(ctx)
    assert len(smtp.messages) == 1
    async with ctx.sessions() as db:
        (row,) = (await db.execute(select(DecisionEmail))).scalars()
        assert row.status == "failed" and "turned off" in (row.last_error or "")
