"""Inviting from CSV (all or nothing), resending links, email over a real SMTP server, progress."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from server.db.models import Invitation, InvitationStatus
from server.seed.ml_engineer import ML_ENGINEER_ASSESSMENT
from server.settings import Settings
from tests.conftest import make_settings
from tests.support.reviews import add_ready_response, open_db
from tests.support.smtp import SmtpServer, smtp_server
from tests.support.world import World

pytestmark = pytest.mark.integration

TITLE = ML_ENGINEER_ASSESSMENT["title"]
LINK = re.compile(r"http://testserver\.local/i/([A-Za-z0-9_\-]+)")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def email_off() -> None:
    """Use in a test to run it without SMTP configured."""


@pytest.fixture
def settings(request: pytest.FixtureRequest, tmp_path: Path, db_url: str) -> Settings:
    """Email over the real SMTP server, unless the test uses ``email_off``."""
    if "email_off" in request.fixturenames:
        return make_settings(tmp_path, db_url)
    smtp: SmtpServer = request.getfixturevalue("smtp")
    return make_settings(tmp_path, db_url, **smtp.env(), VIVA_EMAIL_BACKOFF_SECONDS="0.1")


async def _count(db_url: str, world: World) -> int:
    async with open_db(db_url) as db:
        return len(
            (await db.execute(select(Invitation).where(Invitation.assessment_id == world.a.assessment_id)))
            .scalars()
            .all()
        )


def _token_of(message: Any) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    found = LINK.search(body)
    assert found, body
    return found.group(1)


async def test_csv_with_bad_rows_reports_each_row_and_imports_nothing(
    client: Any, world: World, login: Any, db_url: str, smtp: SmtpServer
) -> None:
    await login(world.a.admin_email)
    before = await _count(db_url, world)
    csv = (
        "name,email,extra_time_pct,expires_in_days\n"
        "Grace Hopper,grace@example.com,50,7\n"  # row 2: fine
        "No Email,,0,\n"  # row 3: email missing
        "Bad Email,not-an-email,,\n"  # row 4: invalid email
        "Grace Again,GRACE@example.com,,\n"  # row 5: duplicate of row 2
        "Slow,slow@example.com,lots,\n"  # row 6: bad number
        "Late,late@example.com,,0\n"  # row 7: out of range
        ",noname@example.com,,\n"  # row 8: name missing
        "Alice Again,alice@example.com,,\n"
    )  # row 9: fine in the file ...
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations/csv",
        content=csv.encode(),
        headers={"content-type": "text/csv"},
    )
    assert r.status_code == 422, r.text
    errors = {(e["row"], e["column"]) for e in r.json()["errors"]}
    assert errors == {
        (3, "email"),
        (4, "email"),
        (5, "email"),
        (6, "extra_time_pct"),
        (7, "expires_in_days"),
        (8, "name"),
    }
    assert "nothing was imported" in r.json()["detail"]
    by_row = {e["row"]: e["message"] for e in r.json()["errors"]}
    assert "row 2" in by_row[5] and "'lots'" in by_row[6]
    assert await _count(db_url, world) == before

    # Only the clash with an active invitation left: still all or nothing.
    ok_rows = "name,email\nGrace Hopper,grace@example.com\nAlice Again,alice@example.com\n"
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations/csv",
        content=ok_rows.encode(),
        headers={"content-type": "text/csv"},
    )
    assert r.status_code == 422, r.text
    assert [(e["row"], e["column"]) for e in r.json()["errors"]] == [(3, "email")]
    assert "active invitation" in r.json()["errors"][0]["message"]
    assert await _count(db_url, world) == before
    assert smtp.messages == []

    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations/csv",
        content=b"email,name,shoe_size\n",
        headers={"content-type": "text/csv"},
    )
    assert r.status_code == 422 and "shoe_size" in r.json()["detail"]


async def test_good_csv_imports_all_and_each_candidate_gets_a_working_link(
    client: Any, world: World, login: Any, db_url: str, smtp: SmtpServer
) -> None:
    await login(world.a.admin_email)
    before = await _count(db_url, world)
    # Ada's invitation expired: inviting her again is allowed.
    csv = (
        "Name;Email;Extra_time_pct;Expires_in_days\r\n"
        "Grace Hopper;grace@example.com;50;7\r\n"
        "Edsger Dijkstra;edsger@example.com;;\r\n"
        "Ada;ADA@example.com;0;30\r\n"
    )
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations/csv",
        files={"file": ("candidates.csv", csv.encode(), "text/csv")},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["created"] == 3 and body["email"]["status"] == "queued"
    made = {i["candidate_email"]: i for i in body["invitations"]}
    assert set(made) == {"grace@example.com", "edsger@example.com", "ada@example.com"}
    assert made["grace@example.com"]["accommodations"] == {"extra_time_pct": 50}
    assert await _count(db_url, world) == before + 3

    messages = await smtp.wait_for(3)
    by_to = {m["To"].addresses[0].addr_spec: m for m in messages}
    assert set(by_to) == set(made)
    grace = by_to["grace@example.com"]
    assert grace["Subject"] == f"Your interview for {TITLE} at Org ALPHA"
    assert grace["From"] == "Viva Test <viva@test.example>"
    assert "50% extra time" in grace.get_body(preferencelist=("plain",)).get_content()
    token = _token_of(grace)
    assert token == made["grace@example.com"]["token"]
    view = await client.get(f"/api/candidate/{token}")
    assert view.status_code == 200, view.text

    async def sent() -> list[dict[str, Any]]:
        rows = (await client.get(f"/api/assessments/{world.a.assessment_id}/invitations/progress")).json()
        ids = {i["id"] for i in made.values()}
        return [x for x in rows if x["id"] in ids]

    for _ in range(100):
        rows = await sent()
        if all(x["email"]["status"] == "sent" for x in rows):
            break
        await asyncio.sleep(0.05)
    assert len(rows) == 3
    assert all(x["email"]["status"] == "sent" and x["email"]["sent_at"] for x in rows), rows
    assert {x["progress"] for x in rows} == {"invited"}


async def test_a_single_invitation_is_emailed_with_its_link(
    client: Any, world: World, login: Any, smtp: SmtpServer
) -> None:
    await login(world.a.admin_email)
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations",
        json={
            "candidate_name": "Barbara Liskov",
            "candidate_email": "barbara@example.com",
            "expires_in_days": 5,
            "accommodations": {"extra_time_pct": 25},
        },
    )
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["email"]["status"] == "queued"
    (message,) = await smtp.wait_for(1)
    assert message["To"].addresses[0].addr_spec == "barbara@example.com"
    assert message["Subject"] == f"Your interview for {TITLE} at Org ALPHA"
    assert "25% extra time" in message.get_body(preferencelist=("plain",)).get_content()
    token = _token_of(message)
    assert token == made["token"] and made["link"].endswith(f"/i/{token}")
    assert (await client.get(f"/api/candidate/{token}")).status_code == 200

    for _ in range(100):
        rows = (await client.get(f"/api/assessments/{world.a.assessment_id}/invitations/progress")).json()
        mine = next(x for x in rows if x["id"] == made["id"])
        if mine["email"]["status"] == "sent":
            break
        await asyncio.sleep(0.05)
    assert mine["email"]["status"] == "sent" and mine["email"]["tries"] == 1

    # A refused invitation (bad email) stores nothing and sends nothing.
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations",
        json={"candidate_name": "Nobody", "candidate_email": "not-an-email"},
    )
    assert r.status_code == 400, r.text
    assert len(smtp.messages) == 1


@pytest.mark.usefixtures("email_off")
async def test_a_single_invitation_without_smtp_says_to_share_the_link(
    client: Any, world: World, login: Any
) -> None:
    await login(world.a.admin_email)
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations",
        json={"candidate_name": "Barbara Liskov", "candidate_email": "barbara@example.com"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["email"]["status"] == "disabled"
    assert "share the link" in r.json()["email"]["message"]


async def test_resend_gives_a_new_link_and_the_old_one_stops_working(
    client: Any, world: World, login: Any, db_url: str, smtp: SmtpServer
) -> None:
    await login(world.a.admin_email)
    old = world.a.tokens["Alice"]
    inv_id = world.a.invitation_ids["Alice"]
    assert (await client.get(f"/api/candidate/{old}")).status_code == 200
    r = await client.post(f"/api/invitations/{inv_id}/resend", json={"expires_in_days": 3})
    assert r.status_code == 200, r.text
    new = r.json()["token"]
    assert new != old and r.json()["email"]["status"] == "queued"
    (message,) = await smtp.wait_for(1)
    assert message["To"].addresses[0].addr_spec == "alice@example.com"
    assert _token_of(message) == new
    assert (await client.get(f"/api/candidate/{old}")).status_code == 404
    assert (await client.get(f"/api/candidate/{new}")).status_code == 200

    # An expired invitation comes back to life with a new expiry.
    ada = world.a.invitation_ids["Ada"]
    r = await client.post(f"/api/invitations/{ada}/resend")
    assert r.status_code == 200 and r.json()["status"] == "invited"

    await client.post(f"/api/invitations/{world.a.invitation_ids['Amir']}/revoke")
    r = await client.post(f"/api/invitations/{world.a.invitation_ids['Amir']}/resend")
    assert r.status_code == 409 and "revoked" in r.json()["detail"]
    async with open_db(db_url) as db:
        inv = await db.get(Invitation, inv_id)
        assert inv is not None
        inv.status = InvitationStatus.COMPLETED
        await db.commit()
    r = await client.post(f"/api/invitations/{inv_id}/resend")
    assert r.status_code == 409 and "completed" in r.json()["detail"]
    # Other organizations' invitations are invisible; reviewers cannot resend.
    assert (await client.post(f"/api/invitations/{world.b.invitation_ids['Bob']}/resend")).status_code == 404
    await login(world.a.reviewer_email)
    assert (await client.post(f"/api/invitations/{ada}/resend")).status_code == 403


async def test_a_refused_email_is_retried_and_its_error_recorded(
    client: Any, world: World, login: Any, smtp: SmtpServer
) -> None:
    smtp.fail_next = 2  # the server answers 451 twice, then accepts
    await login(world.a.admin_email)
    r = await client.post(f"/api/invitations/{world.a.invitation_ids['Alice']}/resend")
    assert r.status_code == 200
    (message,) = await smtp.wait_for(1)
    assert _token_of(message) == r.json()["token"]
    rows = (await client.get(f"/api/assessments/{world.a.assessment_id}/invitations/progress")).json()
    for _ in range(100):
        alice = next(x for x in rows if x["candidate_name"] == "Alice")
        if alice["email"]["status"] == "sent":
            break
        await asyncio.sleep(0.05)
        rows = (await client.get(f"/api/assessments/{world.a.assessment_id}/invitations/progress")).json()
    assert alice["email"]["status"] == "sent" and alice["email"]["tries"] == 3
    assert smtp.refused == 2


@pytest.mark.usefixtures("email_off")
async def test_without_smtp_the_api_says_to_share_the_link_by_hand(
    client: Any, world: World, login: Any
) -> None:
    await login(world.a.admin_email)
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations/csv",
        content=b"name,email\nGrace,grace@example.com\n",
        headers={"content-type": "text/csv"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["email"]["status"] == "disabled"
    assert "share the link" in r.json()["email"]["message"]
    rows = (await client.get(f"/api/assessments/{world.a.assessment_id}/invitations/progress")).json()
    grace = next(x for x in rows if x["candidate_email"] == "grace@example.com")
    assert grace["email"]["status"] == "not_sent"


@pytest.mark.usefixtures("email_off")
async def test_progress_reaches_reviewed_when_every_answer_is_reviewed(
    client: Any, world: World, login: Any, db_url: str
) -> None:
    from tests.integration.test_reviews import as_user

    scored = world.a.question_ids[1:]  # the first question is practice
    rids = [await add_ready_response(db_url, world.a.invitation_ids["Alice"], q, score=3.0) for q in scored]
    r = await client.post(f"/api/candidate/{world.a.tokens['Alice']}/complete")
    assert r.status_code == 200, r.text
    admin = await as_user(client, world.a.admin_email)

    async def alice() -> dict[str, Any]:
        rows = (
            await client.get(f"/api/assessments/{world.a.assessment_id}/invitations/progress", headers=admin)
        ).json()
        return next(x for x in rows if x["candidate_name"] == "Alice")

    assert (await alice())["progress"] == "completed"
    assert (await alice())["responses"] == len(scored)
    rev = await as_user(client, world.a.reviewer_email)
    for i, rid in enumerate(rids):
        r = await client.post(
            f"/api/review/responses/{rid}/reviews",
            headers=rev,
            json={"decision": "confirm", "expected_version": 0},
        )
        assert r.status_code == 200, r.text
        if i < len(rids) - 1:
            assert (await alice())["progress"] == "completed"
    state = await alice()
    assert state["progress"] == "reviewed" and state["reviewed_responses"] == len(scored)
    # the existing listing is unchanged for existing clients
    old = (await client.get(f"/api/assessments/{world.a.assessment_id}/invitations", headers=admin)).json()
    assert next(x for x in old if x["candidate_name"] == "Alice")["status"] == "completed"


async def test_the_invitation_email_carries_the_company_contact_and_privacy_link(
    client: Any, world: World, login: Any, smtp: SmtpServer
) -> None:
    await login(world.a.admin_email)
    r = await client.put(
        "/api/organization/branding",
        json={"contact_email": "talent@alpha.test", "privacy_url": "https://alpha.test/privacy"},
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations",
        json={"candidate_name": "Grace Hopper", "candidate_email": "grace@example.com"},
    )
    assert r.status_code == 201, r.text
    (message,) = await smtp.wait_for(1)
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Org ALPHA invites you" in plain and "Write to Org ALPHA at talent@alpha.test" in plain
    assert "https://alpha.test/privacy" in plain
    assert 'href="mailto:talent@alpha.test"' in html and 'href="https://alpha.test/privacy"' in html
