"""Per-item review endpoints follow the assignment rule of the lists (issue 16).

Once an assessment has reviewers assigned, a reviewer who is not one of them cannot read or
write its review items, suggestions, media, English level, ratings or notes (404, as for the
assessment itself); hiring managers reach only assessments they are assigned to. An assessment
with nobody assigned stays open to every reviewer, as before. Through the real app on SQLite
and PostgreSQL.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from server.db.models import Role
from tests.integration.test_reviews import as_user
from tests.support.reviews import add_ready_response, add_staff
from tests.support.world import World

pytestmark = pytest.mark.integration

NOT_SHARED = "not shared with you"


def _calls(world: World, rid: uuid.UUID, inv: uuid.UUID) -> list[tuple[str, str, dict[str, Any] | None]]:
    """Every per-item operation on one answer / candidate of alpha's assessment: (method, path, body)."""
    aid, qid = world.a.assessment_id, world.a.question_ids[1]
    return [
        ("GET", f"/api/review/responses/{rid}", None),
        ("POST", f"/api/review/responses/{rid}/reviews", {"decision": "confirm", "expected_version": 0}),
        (
            "POST",
            f"/api/review/responses/{rid}/resolve",
            {"score": 3, "comment": "Settled", "expected_version": 0},
        ),
        ("GET", f"/api/responses/{rid}", None),
        ("GET", f"/api/responses/{rid}/media/video", None),
        ("GET", f"/api/review/agreement?assessment_id={aid}", None),
        ("GET", f"/api/questions/{qid}/agreement", None),
        ("GET", f"/api/assessments/{aid}/rescore-status", None),
        ("GET", f"/api/reports/invitations/{inv}", None),
        ("POST", f"/api/reports/invitations/{inv}/english", {"level": "B2", "reason": "Clear and fluent"}),
        ("GET", f"/api/invitations/{inv}/feedback", None),
        ("PUT", f"/api/invitations/{inv}/rating", {"rating": 4}),
        ("POST", f"/api/invitations/{inv}/notes", {"body": "Probe the rollout."}),
        ("GET", f"/api/review/candidates?assessment_id={aid}", None),
    ]


async def _call(client: Any, headers: dict[str, str], method: str, path: str, body: Any) -> Any:
    return await client.request(method, path, headers=headers, json=body)


async def test_unassigned_reviewer_and_hiring_manager_reach_no_item(
    client: Any, world: World, db_url: str
) -> None:
    admin = await as_user(client, world.a.admin_email)
    outsider = await as_user(client, world.a.reviewer_email)  # never assigned
    rita_id = await add_staff(db_url, world.a.id, "rita@alpha.test", "Rita Assigned")
    hana_id = await add_staff(db_url, world.a.id, "hana@alpha.test", "Hana Manager", Role.HIRING_MANAGER)
    await add_staff(db_url, world.a.id, "hugo@alpha.test", "Hugo Elsewhere", Role.HIRING_MANAGER)
    rita = await as_user(client, "rita@alpha.test")
    hana = await as_user(client, "hana@alpha.test")
    hugo = await as_user(client, "hugo@alpha.test")
    inv = world.a.invitation_ids["Alice"]
    rid = await add_ready_response(db_url, inv, world.a.question_ids[1], video=True)
    calls = _calls(world, rid, inv)

    # nobody assigned yet: the reviewer reaches the answer as before
    r = await client.get(f"/api/review/responses/{rid}", headers=outsider)
    assert r.status_code == 200, r.text

    aid = world.a.assessment_id
    r = await client.put(
        f"/api/assessments/{aid}/members", headers=admin, json={"user_ids": [str(rita_id), str(hana_id)]}
    )
    assert r.status_code == 200, r.text

    for method, path, body in calls:
        r = await _call(client, outsider, method, path, body)
        if path.startswith("/api/review/candidates"):
            assert r.status_code == 404 and NOT_SHARED in r.json()["detail"], (path, r.text)
            continue
        assert r.status_code == 404, (method, path, r.status_code, r.text)
        assert NOT_SHARED in r.json()["detail"], (method, path, r.text)
        # a hiring manager assigned elsewhere gets no further (404, or 403 where the role never may)
        r = await _call(client, hugo, method, path, body)
        assert r.status_code in (403, 404), (method, path, r.status_code, r.text)
        assert r.status_code == 403 or NOT_SHARED in r.json()["detail"], (method, path, r.text)
    # nothing was written by them
    fb = (await client.get(f"/api/invitations/{inv}/feedback", headers=admin)).json()
    assert fb["ratings"] == [] and fb["notes"] == []
    item = (await client.get(f"/api/review/responses/{rid}", headers=admin)).json()
    assert item["reviews"] == [] and item["review_version"] == 0

    # the assigned reviewer reads and reviews it; the assigned hiring manager rates
    r = await client.get(f"/api/review/responses/{rid}", headers=rita)
    assert r.status_code == 200 and r.json()["suggestion"] is not None, r.text
    r = await client.post(
        f"/api/review/responses/{rid}/reviews",
        headers=rita,
        json={"decision": "confirm", "expected_version": r.json()["review_version"]},
    )
    assert r.status_code == 200, r.text
    for path in (
        f"/api/responses/{rid}",
        f"/api/review/agreement?assessment_id={aid}",
        f"/api/questions/{world.a.question_ids[1]}/agreement",
    ):
        assert (await client.get(path, headers=rita)).status_code == 200, path
    r = await client.get(f"/api/assessments/{aid}/rescore-status", headers=rita)
    assert r.status_code == 200 or NOT_SHARED not in r.json()["detail"], r.text  # no re-scoring yet
    r = await client.put(f"/api/invitations/{inv}/rating", headers=hana, json={"rating": 4})
    assert r.status_code == 200, r.text
    assert (await client.get(f"/api/reports/invitations/{inv}", headers=hana)).status_code == 200
    # the admin sees everything, assigned or not
    assert (await client.get(f"/api/review/responses/{rid}", headers=admin)).status_code == 200
