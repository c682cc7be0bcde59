"""Candidate stages and decisions (issue 16), on SQLite and PostgreSQL.

Every stage that follows from what happened, every illegal decision a 409 naming the stage,
decisions audited with before and after and reversible, bulk actions with per-candidate
results, deadline extensions, the ``decide`` token scope, webhook events and the funnel.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from server.db.models import (
    Attempt,
    AuditEvent,
    DecisionEmail,
    Invitation,
    InvitationStatus,
    Organization,
    Response,
    ReviewStatus,
    WebhookDelivery,
)
from tests.integration.test_reviews import as_user
from tests.support.reviews import add_ready_response, open_db
from tests.support.world import World

pytestmark = pytest.mark.integration


def _url(client: Any) -> str:
    return str(client.app.state["settings"].db.url)


async def _complete(client: Any, world: World, name: str, *, review: str | None = None) -> uuid.UUID:
    """``name`` answered every scored question (ready answers) and completed; ``review``:
    ``some`` reviews one answer, ``all`` every answer."""
    url = _url(client)
    inv_id = world.a.invitation_ids[name]
    scored = world.a.question_ids[1:]  # the first question is the practice one
    for q in scored:
        await add_ready_response(url, inv_id, q)
    async with open_db(url) as db:
        await db.execute(
            update(Invitation).where(Invitation.id == inv_id).values(status=InvitationStatus.COMPLETED)
        )
        await db.execute(
            update(Attempt)
            .where(Attempt.invitation_id == inv_id)
            .values(completed_at=datetime.now(UTC) + timedelta(minutes=20))
        )
        if review is not None:
            ids = list(
                (
                    await db.execute(select(Response.id).join(Attempt).where(Attempt.invitation_id == inv_id))
                ).scalars()
            )
            chosen = ids[:1] if review == "some" else ids
            await db.execute(
                update(Response).where(Response.id.in_(chosen)).values(review_status=ReviewStatus.REVIEWED)
            )
        await db.commit()
    return inv_id


async def _stages(client: Any, world: World, headers: dict[str, str]) -> dict[str, str]:
    r = await client.get(f"/api/assessments/{world.a.assessment_id}/invitations/progress", headers=headers)
    assert r.status_code == 200, r.text
    return {i["candidate_name"]: i["stage"] for i in r.json()}


def _decide(decision: str | None, reason: str | None = None, note: str | None = None) -> dict[str, Any]:
    return {"decision": decision, "reason": reason, "note": note}


async def test_stages_follow_what_happened(client: Any, world: World) -> None:
    admin = await as_user(client, world.a.admin_email)
    assert await _stages(client, world, admin) == {"Alice": "invited", "Amir": "invited", "Ada": "expired"}
    url = _url(client)
    async with open_db(url) as db:
        db.add(
            Attempt(
                invitation_id=world.a.invitation_ids["Amir"],
                consented_at=datetime.now(UTC),
                consent_version="t",
            )
        )
        await db.execute(
            update(Invitation)
            .where(Invitation.id == world.a.invitation_ids["Amir"])
            .values(status=InvitationStatus.STARTED)
        )
        await db.commit()
    assert (await _stages(client, world, admin))["Amir"] == "started"
    await _complete(client, world, "Alice")
    assert (await _stages(client, world, admin))["Alice"] == "completed"
    async with open_db(url) as db:
        rid = (
            (
                await db.execute(
                    select(Response.id)
                    .join(Attempt)
                    .where(Attempt.invitation_id == world.a.invitation_ids["Alice"])
                )
            )
            .scalars()
            .first()
        )
        await db.execute(
            update(Response).where(Response.id == rid).values(review_status=ReviewStatus.PARTIAL)
        )
        await db.commit()
    assert (await _stages(client, world, admin))["Alice"] == "in_review"
    async with open_db(url) as db:
        await db.execute(
            update(Response)
            .where(
                Response.attempt_id.in_(
                    select(Attempt.id).where(Attempt.invitation_id == world.a.invitation_ids["Alice"])
                )
            )
            .values(review_status=ReviewStatus.REVIEWED)
        )
        await db.commit()
    assert (await _stages(client, world, admin))["Alice"] == "reviewed"
    r = await client.post(f"/api/invitations/{world.a.invitation_ids['Amir']}/revoke", headers=admin)
    assert r.status_code == 200
    assert (await _stages(client, world, admin))["Amir"] == "withdrawn"


async def test_decisions_are_audited_reversible_and_illegal_ones_name_the_stage(
    client: Any, world: World
) -> None:
    admin = await as_user(client, world.a.admin_email)
    alice = await _complete(client, world, "Alice", review="all")
    # not completed yet, expired, withdrawn: 409 with the stage named
    for name, stage in (("Amir", "invited"), ("Ada", "expired")):
        r = await client.post(
            f"/api/invitations/{world.a.invitation_ids[name]}/decision",
            headers=admin,
            json=_decide("advanced", "strong_overall"),
        )
        assert r.status_code == 409, r.text
        assert r.json()["stage"] == stage and f"'{stage}'" in r.json()["detail"]
    await client.post(f"/api/invitations/{world.a.invitation_ids['Amir']}/revoke", headers=admin)
    r = await client.post(
        f"/api/invitations/{world.a.invitation_ids['Amir']}/decision",
        headers=admin,
        json=_decide("rejected", "other", "x"),
    )
    assert r.status_code == 409 and r.json()["stage"] == "withdrawn"
    # clearing what is not there
    r = await client.post(f"/api/invitations/{alice}/decision", headers=admin, json=_decide(None))
    assert r.status_code == 409 and r.json()["stage"] == "reviewed"
    # reasons from the closed list of that decision; "other" needs a note
    r = await client.post(
        f"/api/invitations/{alice}/decision", headers=admin, json=_decide("advanced", "below_threshold")
    )
    assert r.status_code == 422 and r.json()["field"] == "reason"
    r = await client.post(
        f"/api/invitations/{alice}/decision", headers=admin, json=_decide("rejected", "other")
    )
    assert r.status_code == 422 and r.json()["field"] == "note"
    # a reviewer decides; an admin changes it; then clears it
    rev = await as_user(client, world.a.reviewer_email)
    r = await client.post(
        f"/api/invitations/{alice}/decision",
        headers=rev,
        json=_decide("advanced", "strong_overall", "  Great. "),
    )
    assert r.status_code == 200, r.text
    assert r.json() == {
        "invitation_id": str(alice),
        "stage": "advanced",
        "decision": "advanced",
        "reason": "strong_overall",
        "note": "Great.",
    }
    assert (await _stages(client, world, admin))["Alice"] == "advanced"
    r = await client.post(
        f"/api/invitations/{alice}/decision", headers=admin, json=_decide("on_hold", "borderline")
    )
    assert r.status_code == 200 and r.json()["stage"] == "on_hold"
    r = await client.post(f"/api/invitations/{alice}/decision", headers=admin, json=_decide(None))
    assert r.status_code == 200 and r.json()["stage"] == "reviewed" and r.json()["decision"] is None
    async with open_db(_url(client)) as db:
        events = list(
            (
                await db.execute(
                    select(AuditEvent)
                    .where(AuditEvent.target_id == alice, AuditEvent.action.like("candidate.decision%"))
                    .order_by(AuditEvent.created_at)
                )
            ).scalars()
        )
        inv = await db.get(Invitation, alice)
        assert inv is not None and inv.decision is None and inv.decided_at is None
    assert [e.action for e in events] == [
        "candidate.decision",
        "candidate.decision",
        "candidate.decision_cleared",
    ]
    assert [(e.data["before"]["decision"], e.data["after"]["decision"]) for e in events] == [
        (None, "advanced"),
        ("advanced", "on_hold"),
        ("on_hold", None),
    ]
    assert (
        events[0].data["after"]["note"] == "Great." and events[1].data["before"]["reason"] == "strong_overall"
    )
    # a completed candidate not yet reviewed can be decided (e.g. rejected early)
    beta_admin = await as_user(client, "admin@beta.test")
    r = await client.post(
        f"/api/invitations/{alice}/decision", headers=beta_admin, json=_decide("rejected", "other", "x")
    )
    assert r.status_code == 404


async def test_bulk_actions_report_each_candidate_and_apply_nothing_by_half(
    client: Any, world: World
) -> None:
    admin = await as_user(client, world.a.admin_email)
    alice = await _complete(client, world, "Alice", review="all")
    amir = world.a.invitation_ids["Amir"]
    unknown = uuid.uuid4()
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations/bulk",
        headers=admin,
        json={
            "action": "reject",
            "invitation_ids": [str(alice), str(amir), str(unknown)],
            "reason": "below_threshold",
        },
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["applied"], out["failed"]) == (1, 2)
    by_id = {i["invitation_id"]: i for i in out["items"]}
    assert by_id[str(alice)]["ok"] and by_id[str(alice)]["stage"] == "rejected"
    assert by_id[str(amir)] | {"message": None} == {
        "invitation_id": str(amir),
        "candidate_name": "Amir",
        "ok": False,
        "stage": "invited",
        "status": 409,
        "message": None,
    }
    assert by_id[str(unknown)]["status"] == 404
    async with open_db(_url(client)) as db:
        inv = await db.get(Invitation, amir)
        assert inv is not None and inv.decision is None
        audits = (
            (await db.execute(select(AuditEvent).where(AuditEvent.action == "candidate.decision")))
            .scalars()
            .all()
        )
        assert [a.target_id for a in audits] == [alice]
    # a reason is needed; a reviewer may decide in bulk but not remind or extend
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations/bulk",
        headers=admin,
        json={"action": "advance", "invitation_ids": [str(alice)]},
    )
    assert r.status_code == 422
    rev = await as_user(client, world.a.reviewer_email)
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations/bulk",
        headers=rev,
        json={"action": "extend", "invitation_ids": [str(amir)], "days": 3},
    )
    assert r.status_code == 403
    # remind: a new link through the resend path; the completed one is refused by name
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations/bulk",
        headers=admin,
        json={"action": "remind", "invitation_ids": [str(amir), str(alice)]},
    )
    assert r.status_code == 200
    items = {i["candidate_name"]: i for i in r.json()["items"]}
    assert items["Amir"]["ok"] and not items["Alice"]["ok"] and items["Alice"]["status"] == 409


async def test_extending_a_deadline_keeps_the_link_and_revives_an_expired_one(
    client: Any, world: World
) -> None:
    admin = await as_user(client, world.a.admin_email)
    ada = world.a.invitation_ids["Ada"]
    token = world.a.tokens["Ada"]
    assert (await client.get(f"/api/candidate/{token}")).status_code == 410
    r = await client.post(f"/api/invitations/{ada}/extend", headers=admin, json={"days": 3})
    assert r.status_code == 200, r.text
    expires = datetime.fromisoformat(r.json()["expires_at"])
    assert timedelta(days=2, hours=23) < expires - datetime.now(UTC) <= timedelta(days=3)
    assert r.json()["status"] == "invited"
    assert (await client.get(f"/api/candidate/{token}")).status_code == 200  # same link works again
    # bulk: Alice (in date) gets 5 more days on top of hers; a completed one is refused
    alice_before = (await _progress(client, world, admin))["Alice"]["expires_at"]
    amir = await _complete(client, world, "Amir")
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations/bulk",
        headers=admin,
        json={
            "action": "extend",
            "invitation_ids": [str(world.a.invitation_ids["Alice"]), str(amir)],
            "days": 5,
        },
    )
    items = {i["candidate_name"]: i for i in r.json()["items"]}
    assert items["Alice"]["ok"] and items["Amir"]["status"] == 409 and items["Amir"]["stage"] == "completed"
    after = (await _progress(client, world, admin))["Alice"]["expires_at"]
    assert datetime.fromisoformat(after) - datetime.fromisoformat(alice_before) == timedelta(days=5)
    r = await client.post(f"/api/invitations/{amir}/extend", headers=admin, json={"days": 3})
    assert r.status_code == 409 and r.json()["stage"] == "completed"


async def _progress(client: Any, world: World, headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    r = await client.get(f"/api/assessments/{world.a.assessment_id}/invitations/progress", headers=headers)
    return {i["candidate_name"]: i for i in r.json()}


async def _token(client: Any, world: World, scopes: list[str]) -> dict[str, str]:
    admin = await as_user(client, world.a.admin_email)
    r = await client.post("/api/api-tokens", headers=admin, json={"name": "ATS", "scopes": scopes})
    assert r.status_code == 201, r.text
    client.cookies.clear()
    return {"authorization": f"Bearer {r.json()['token']}"}


async def test_a_decide_token_sets_stages_and_others_get_403_naming_the_scope(
    client: Any, world: World
) -> None:
    alice = await _complete(client, world, "Alice", review="all")
    invite = await _token(client, world, ["read", "invite"])
    r = await client.post(
        f"/api/invitations/{alice}/decision", headers=invite, json=_decide("advanced", "strong_overall")
    )
    assert r.status_code == 403 and r.json()["scope"] == "decide" and "'decide' scope" in r.json()["detail"]
    decide = await _token(client, world, ["read", "decide"])
    r = await client.post(
        f"/api/invitations/{alice}/decision", headers=decide, json=_decide("advanced", "strong_overall")
    )
    assert r.status_code == 200 and r.json()["stage"] == "advanced"
    async with open_db(_url(client)) as db:
        inv = await db.get(Invitation, alice)
        assert inv is not None and inv.decided_by_id is None  # a machine, not a person
        audit = (
            await db.execute(select(AuditEvent).where(AuditEvent.action == "candidate.decision"))
        ).scalar_one()
        assert audit.data["via_token"] is True


async def test_webhook_events_for_completed_reviewed_and_decided(client: Any, world: World) -> None:
    admin = await as_user(client, world.a.admin_email)
    r = await client.post(
        "/api/webhooks",
        headers=admin,
        json={
            "url": "https://hooks.example.com/ats",
            "events": ["candidate.completed", "candidate.reviewed", "candidate.decided"],
        },
    )
    assert r.status_code == 201, r.text
    # completion through the candidate's own flow
    inv_id = world.a.invitation_ids["Alice"]
    token = world.a.tokens["Alice"]
    r = await client.post(f"/api/candidate/{token}/consent", json={"accept": True})
    assert r.status_code in (200, 201), r.text
    for q in world.a.question_ids[1:]:
        await add_ready_response(_url(client), inv_id, q)
    r = await client.post(f"/api/candidate/{token}/complete")
    assert r.status_code == 200, r.text
    # the reviewer confirms every answer: the last one makes the candidate reviewed
    rev = await as_user(client, world.a.reviewer_email)
    async with open_db(_url(client)) as db:
        rids = list(
            (
                await db.execute(select(Response.id).join(Attempt).where(Attempt.invitation_id == inv_id))
            ).scalars()
        )
    for rid in rids:
        r = await client.post(
            f"/api/review/responses/{rid}/reviews",
            headers=rev,
            json={"decision": "confirm", "expected_version": 0},
        )
        assert r.status_code in (200, 201), r.text
    r = await client.post(
        f"/api/invitations/{inv_id}/decision", headers=rev, json=_decide("rejected", "missing_competency")
    )
    assert r.status_code == 200
    async with open_db(_url(client)) as db:
        rows = list(
            (await db.execute(select(WebhookDelivery).order_by(WebhookDelivery.created_at))).scalars()
        )
    assert [d.event for d in rows] == ["candidate.completed", "candidate.reviewed", "candidate.decided"]
    decided = rows[-1].payload["data"]
    assert decided == {
        "invitation_id": str(inv_id),
        "assessment_id": str(world.a.assessment_id),
        "stage": "rejected",
        "decision": "rejected",
        "reason": "missing_competency",
        "previous_decision": None,
        "decided_at": decided["decided_at"],
    }
    assert "candidate_name" not in str(rows[-1].payload)  # ids only, never personal data


async def test_stage_names_per_organization(client: Any, world: World) -> None:
    admin = await as_user(client, world.a.admin_email)
    r = await client.put(
        "/api/organization/stage-names",
        headers=admin,
        json={"names": {"advanced": " Phone screen ", "rejected": "Rejected"}},
    )
    assert r.status_code == 200, r.text
    assert r.json()["names"]["advanced"] == "Phone screen" and r.json()["names"]["on_hold"] == "On hold"
    rev = await as_user(client, world.a.reviewer_email)
    assert (await client.get("/api/organization/stage-names", headers=rev)).json()["names"][
        "advanced"
    ] == "Phone screen"
    beta = await as_user(client, "admin@beta.test")
    assert (await client.get("/api/organization/stage-names", headers=beta)).json()["names"][
        "advanced"
    ] == "Advanced"
    r = await client.put("/api/organization/stage-names", headers=admin, json={"names": {"shortlisted": "X"}})
    assert r.status_code == 400
    assert (
        await client.put("/api/organization/stage-names", headers=rev, json={"names": {}})
    ).status_code == 403


async def test_the_funnel_counts_rates_medians_and_drop_off(client: Any, world: World) -> None:
    admin = await as_user(client, world.a.admin_email)
    alice = await _complete(client, world, "Alice", review="all")
    url = _url(client)
    # Amir started and answered only the first scored question
    await add_ready_response(url, world.a.invitation_ids["Amir"], world.a.question_ids[1])
    r = await client.post(
        f"/api/invitations/{alice}/decision", headers=admin, json=_decide("advanced", "strong_overall")
    )
    assert r.status_code == 200
    f = (await client.get(f"/api/assessments/{world.a.assessment_id}/funnel", headers=admin)).json()
    assert (f["invited"], f["started"], f["completed"], f["reviewed"], f["decided"]) == (3, 2, 1, 1, 1)
    assert f["decisions"] == {"advanced": 1, "on_hold": 0, "rejected": 0}
    assert f["completion_rate"] == round(1 / 3, 3) and f["start_to_complete_rate"] == 0.5
    assert 19 <= f["median_minutes_to_complete"] <= 21
    assert f["median_hours_to_decision"] == 0.0  # decided "before" the completion moved 20 min ahead
    stopped = {d["number"]: d["stopped"] for d in f["drop_off"]}
    assert stopped[2] == 1 and sum(stopped.values()) == 1
    assert f["stages"]["advanced"] == 1 and f["stages"]["expired"] == 1
    org = (await client.get("/api/funnel", headers=admin)).json()
    assert org["invited"] == 3 and org["assessment_id"] is None and org["drop_off"] == []


async def test_the_cohort_exports_as_csv_and_json_with_stages_scores_and_neutralised_cells(
    client: Any, world: World
) -> None:
    admin = await as_user(client, world.a.admin_email)
    alice = await _complete(client, world, "Alice", review="all")
    async with open_db(_url(client)) as db:
        await db.execute(
            update(Invitation)
            .where(Invitation.id == world.a.invitation_ids["Amir"])
            .values(candidate_name="=HYPERLINK(1)")
        )
        await db.commit()
    r = await client.post(
        f"/api/invitations/{alice}/decision", headers=admin, json=_decide("rejected", "other", "@risk note")
    )
    assert r.status_code == 200
    r = await client.get(
        f"/api/reports/assessments/{world.a.assessment_id}/export", headers=admin, params={"format": "json"}
    )
    assert r.status_code == 200, r.text
    assert "attachment" in r.headers["content-disposition"]
    body = r.json()
    rows = {c["candidate_name"]: c for c in body["candidates"]}
    assert set(rows) == {"Alice", "=HYPERLINK(1)", "Ada"}
    a = rows["Alice"]
    assert (a["stage"], a["decision"], a["decision_reason"]) == ("rejected", "rejected", "other")
    assert (
        a["overall"]["score"] is not None
        and a["overall"]["low"] <= a["overall"]["score"] <= a["overall"]["high"]
    )
    assert {d["name"] for d in a["dimensions"]} == set(body["dimensions"])
    assert len(a["competencies"]) == len(body["competencies"]) > 0
    assert a["english"]["band"] == "B2" and a["report_url"].endswith(f"/app/reports/{alice}")
    assert [row["candidate_name"] for row in body["compare"]["rows"]] == ["Alice"]
    assert rows["Ada"]["stage"] == "expired"
    r = await client.get(f"/api/reports/assessments/{world.a.assessment_id}/export", headers=admin)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    head = table[0]
    assert head[:3] == ["candidate", "email", "stage"] and "english" in head and "overall_low" in head
    by_name = {row[0]: dict(zip(head, row, strict=True)) for row in table[1:]}
    assert "'=HYPERLINK(1)" in by_name and by_name["Alice"]["decision_note"] == "'@risk note"
    assert float(by_name["Alice"]["overall_low"]) <= float(by_name["Alice"]["overall"])
    # a chosen few; a bad id list is a 422
    r = await client.get(
        f"/api/reports/assessments/{world.a.assessment_id}/export",
        headers=admin,
        params={"format": "json", "ids": str(alice)},
    )
    assert [c["candidate_name"] for c in r.json()["candidates"]] == ["Alice"]
    r = await client.get(
        f"/api/reports/assessments/{world.a.assessment_id}/export", headers=admin, params={"ids": "x"}
    )
    assert r.status_code == 422


async def test_a_decision_queues_the_candidate_email_only_where_the_organization_turned_it_on(
    client: Any, world: World
) -> None:
    admin = await as_user(client, world.a.admin_email)
    alice = await _complete(client, world, "Alice", review="all")
    amir = await _complete(client, world, "Amir", review="all")
    url = _url(client)

    r = await client.post(
        f"/api/invitations/{alice}/decision", headers=admin, json=_decide("advanced", "strong_overall")
    )
    assert r.status_code == 200, r.text
    async with open_db(url) as db:  # off by default: nothing queued
        assert (await db.execute(select(DecisionEmail))).scalars().all() == []
        await db.execute(
            update(Organization).where(Organization.id == world.a.id).values(decision_emails=True)
        )
        await db.commit()

    r = await client.post(
        f"/api/invitations/{amir}/decision", headers=admin, json=_decide("rejected", "missing_competency")
    )
    assert r.status_code == 200, r.text
    async with open_db(url) as db:
        rows = (await db.execute(select(DecisionEmail))).scalars().all()
        assert [(row.invitation_id, row.decision, row.status) for row in rows] == [
            (amir, "rejected", "queued")
        ]
