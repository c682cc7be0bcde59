"""Hiring managers, per-assessment assignment, candidate ratings and notes, the shortlist (issue 16).

Through the real app on SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from server.db.models import Invitation, Role
from server.db.models.enums import CandidateDecision
from server.seed.ml_engineer import ML_ENGINEER_ASSESSMENT
from tests.integration.test_reviews import as_user
from tests.support.reviews import add_ready_response, add_staff, open_db, set_review_settings
from tests.support.world import World

pytestmark = pytest.mark.integration

HM = "hana@alpha.test"


async def _team(client: Any, world: World, db_url: str) -> tuple[dict[str, str], dict[str, str], uuid.UUID]:
    """Alpha's admin headers, a hiring manager's headers, and the hiring manager's id (unassigned)."""
    hm_id = await add_staff(db_url, world.a.id, HM, "Hana Manager", Role.HIRING_MANAGER)
    return await as_user(client, world.a.admin_email), await as_user(client, HM), hm_id


async def test_hiring_manager_sees_only_assigned_assessments_and_cannot_change(
    client: Any, world: World, db_url: str
) -> None:
    admin, hm, hm_id = await _team(client, world, db_url)
    aid = world.a.assessment_id
    assert (await client.get("/api/assessments", headers=hm)).json() == []
    r = await client.get(f"/api/assessments/{aid}", headers=hm)
    assert r.status_code == 404 and "not shared with you" in r.json()["detail"]
    r = await client.put(f"/api/assessments/{aid}/members", headers=admin, json={"user_ids": [str(hm_id)]})
    assert r.status_code == 200, r.text
    assert [m["role"] for m in r.json()] == ["hiring_manager"]
    assert [a["id"] for a in (await client.get("/api/assessments", headers=hm)).json()] == [str(aid)]
    assert (await client.get(f"/api/assessments/{aid}", headers=hm)).status_code == 200
    inv = world.a.invitation_ids["Alice"]
    assert (await client.get(f"/api/reports/invitations/{inv}", headers=hm)).status_code == 200
    # the role changes nothing and reviews nothing
    r = await client.patch(f"/api/assessments/{aid}", headers=hm, json={"title": "Mine now"})
    assert r.status_code == 403 and "Hiring managers" in r.json()["detail"]
    assert (await client.get("/api/review/queue", headers=hm)).status_code == 403
    assert (await client.get("/api/users", headers=hm)).status_code == 403
    # an admin cannot be assigned (they see everything) and an unknown id is named
    r = await client.put(
        f"/api/assessments/{aid}/members", headers=admin, json={"user_ids": [str(uuid.uuid4())]}
    )
    assert r.status_code == 422 and "No such staff member" in r.json()["detail"]


async def test_reviewers_assigned_elsewhere_lose_the_assessment(
    client: Any, world: World, db_url: str
) -> None:
    admin = await as_user(client, world.a.admin_email)
    rita = await add_staff(db_url, world.a.id, "rita@alpha.test", "Rita")
    reviewer = await as_user(client, world.a.reviewer_email)
    other = (await client.post("/api/assessments", headers=admin, json=ML_ENGINEER_ASSESSMENT)).json()["id"]
    seen = {a["id"] for a in (await client.get("/api/assessments", headers=reviewer)).json()}
    assert {str(world.a.assessment_id), other} <= seen  # nobody assigned: every reviewer sees both
    r = await client.put(f"/api/assessments/{other}/members", headers=admin, json={"user_ids": [str(rita)]})
    assert r.status_code == 200
    seen = {a["id"] for a in (await client.get("/api/assessments", headers=reviewer)).json()}
    assert other not in seen and str(world.a.assessment_id) in seen
    assert (await client.get(f"/api/assessments/{other}", headers=reviewer)).status_code == 404
    rita_h = await as_user(client, "rita@alpha.test")
    assert (await client.get(f"/api/assessments/{other}", headers=rita_h)).status_code == 200


async def test_blind_ratings_show_after_my_own_and_notes(client: Any, world: World, db_url: str) -> None:
    admin, hm, hm_id = await _team(client, world, db_url)
    aid = world.a.assessment_id
    await client.put(f"/api/assessments/{aid}/members", headers=admin, json={"user_ids": [str(hm_id)]})
    await set_review_settings(db_url, aid, blind_review=True)
    inv = world.a.invitation_ids["Alice"]
    reviewer = await as_user(client, world.a.reviewer_email)
    r = await client.put(
        f"/api/invitations/{inv}/rating", headers=reviewer, json={"rating": 2, "comment": "Vague"}
    )
    assert r.status_code == 200, r.text
    fb = (await client.get(f"/api/invitations/{inv}/feedback", headers=hm)).json()
    assert fb["blind"] and fb["ratings"] == [] and fb["others_withheld"] == 1 and fb["my_rating"] is None
    fb = (await client.get(f"/api/invitations/{inv}/feedback", headers=admin)).json()
    assert [x["rating"] for x in fb["ratings"]] == [2]  # admins see them all
    r = await client.put(f"/api/invitations/{inv}/rating", headers=hm, json={"rating": 5})
    fb = r.json()
    assert fb["others_withheld"] == 0 and sorted(x["rating"] for x in fb["ratings"]) == [2, 5]
    assert fb["mean_rating"] == 3.5 and fb["ratings"][0]["mine"] and fb["ratings"][1]["name"] == "Reviewer"
    r = await client.put(f"/api/invitations/{inv}/rating", headers=hm, json={"rating": 6})
    assert r.status_code == 400
    # notes: shown to the team; only the author (or an admin) deletes one
    r = await client.post(
        f"/api/invitations/{inv}/notes", headers=hm, json={"body": "  Probe the rollout story. "}
    )
    assert r.status_code == 201 and r.json()["body"] == "Probe the rollout story."
    note = r.json()["id"]
    fb = (await client.get(f"/api/invitations/{inv}/feedback", headers=reviewer)).json()
    assert [(n["author_name"], n["mine"]) for n in fb["notes"]] == [("Hana Manager", False)]
    assert (await client.delete(f"/api/candidate-notes/{note}", headers=reviewer)).status_code == 403
    assert (await client.delete(f"/api/candidate-notes/{note}", headers=hm)).status_code == 204
    r = await client.post(f"/api/invitations/{inv}/notes", headers=hm, json={"body": "   "})
    assert r.status_code == 422


async def test_hiring_manager_sees_no_suggestion_before_rating_in_blind_mode(
    client: Any, world: World, db_url: str
) -> None:
    admin, hm, hm_id = await _team(client, world, db_url)
    aid = world.a.assessment_id
    await client.put(f"/api/assessments/{aid}/members", headers=admin, json={"user_ids": [str(hm_id)]})
    await set_review_settings(db_url, aid, blind_review=True)
    inv = world.a.invitation_ids["Alice"]
    rid = await add_ready_response(db_url, inv, world.a.question_ids[1])
    body = (await client.get(f"/api/responses/{rid}", headers=hm)).json()
    assert body["suggestion"] is None and body["suggestion_withheld"]
    await client.put(f"/api/invitations/{inv}/rating", headers=hm, json={"rating": 4})
    body = (await client.get(f"/api/responses/{rid}", headers=hm)).json()
    assert body["suggestion"] is not None and not body["suggestion_withheld"]


async def test_shortlist_ranks_filters_and_probes(client: Any, world: World, db_url: str) -> None:
    admin = await as_user(client, world.a.admin_email)
    aid = world.a.assessment_id
    q = world.a.question_ids
    alice, amir = world.a.invitation_ids["Amir"], world.a.invitation_ids["Alice"]  # Amir ranks first
    for qid in q[1:]:  # every scored question (q[0] is the practice one)
        await add_ready_response(db_url, alice, qid, score=4.5, low=4.0, high=5.0)
        await add_ready_response(db_url, amir, qid, score=1.5, low=1.0, high=3.5)
    r = await client.get(f"/api/reports/assessments/{aid}/shortlist", headers=admin)
    assert r.status_code == 200, r.text
    body = r.json()
    assert [row["candidate_name"] for row in body["rows"]] == ["Amir", "Alice"]
    assert [row["rank"] for row in body["rows"]] == [1, 2]
    top, low = body["rows"]
    assert top["overall"]["low"] <= top["overall"]["score"] <= top["overall"]["high"]
    assert not top["fully_reviewed"] and top["decision"] is None
    assert top["notes"] == 0 and top["team_notes"] == []
    # the team's notes travel with the row, for side by side
    r = await client.post(
        f"/api/invitations/{alice}/notes", headers=admin, json={"body": "Strong on rollout."}
    )
    assert r.status_code == 201, r.text
    rows = (await client.get(f"/api/reports/assessments/{aid}/shortlist", headers=admin)).json()["rows"]
    assert rows[0]["notes"] == 1 and rows[1]["team_notes"] == []
    assert [(n["body"], n["mine"]) for n in rows[0]["team_notes"]] == [("Strong on rollout.", True)]
    # where to probe: low competencies first, each with two bank questions not asked
    asked = {x["prompt"].strip().lower() for x in ML_ENGINEER_ASSESSMENT["questions"]}
    assert low["probe"] and low["probe"][0]["why"] in ("low score", "not scored")
    for p in low["probe"]:
        if p["competency_key"]:
            assert len(p["questions"]) == 2
            assert all(f["prompt"].strip().lower() not in asked for f in p["questions"])
    r = await client.get(f"/api/reports/assessments/{aid}/shortlist?min_competency=50", headers=admin)
    assert [row["candidate_name"] for row in r.json()["rows"]] == ["Amir"]
    r = await client.get(f"/api/reports/assessments/{aid}/shortlist?fully_reviewed=true", headers=admin)
    assert r.json()["rows"] == [] and r.json()["total"] == 2
    r = await client.get(f"/api/reports/assessments/{aid}/shortlist?min_competency=101", headers=admin)
    assert r.status_code == 422 and "0 to 100" in r.json()["detail"]


async def test_shortlist_english_and_fully_reviewed_filters_and_probing_wide_intervals(
    client: Any, world: World, db_url: str
) -> None:
    """The two filters the first shortlist test leaves out, each keeping a candidate (not only
    none), and "where to probe" for a strong candidate: the widest intervals, widest first."""
    admin = await as_user(client, world.a.admin_email)
    aid = world.a.assessment_id
    q = world.a.question_ids
    alice, amir = world.a.invitation_ids["Alice"], world.a.invitation_ids["Amir"]
    alice_answers = []
    for i, qid in enumerate(q[1:]):  # Alice: strong, English C1, intervals of different widths
        alice_answers.append(
            await add_ready_response(db_url, alice, qid, score=4.5, low=4.4 - 0.3 * i, high=4.6, band="C1")
        )
        await add_ready_response(
            db_url, amir, qid, score=3.0, low=2.5, high=3.5, band="A2", meets_threshold=False
        )
    path = f"/api/reports/assessments/{aid}/shortlist"
    rows = {r["candidate_name"]: r for r in (await client.get(path, headers=admin)).json()["rows"]}
    assert rows["Alice"]["english"]["verdict"] == "likely_meets"
    assert rows["Amir"]["english"]["verdict"] == "likely_below"
    english = (await client.get(f"{path}?english_meets=true", headers=admin)).json()
    assert [r["candidate_name"] for r in english["rows"]] == ["Alice"] and english["shown"] == 1
    assert english["total"] == 2

    probe = rows["Alice"]["probe"]
    assert probe and all(p["why"] == "wide interval" for p in probe)  # nothing scored low
    widths = [p["high"] - p["low"] for p in probe]
    assert widths == sorted(widths, reverse=True) and len(probe) <= 3

    # a reviewer confirms every answer of Alice's: she alone is fully reviewed
    reviewer = await as_user(client, world.a.reviewer_email)
    for rid in alice_answers:
        r = await client.post(
            f"/api/review/responses/{rid}/reviews",
            headers=reviewer,
            json={"decision": "confirm", "expected_version": 0},
        )
        assert r.status_code in (200, 201), r.text
    reviewed = (await client.get(f"{path}?fully_reviewed=true", headers=admin)).json()
    assert [r["candidate_name"] for r in reviewed["rows"]] == ["Alice"]
    top = reviewed["rows"][0]
    assert top["fully_reviewed"] and top["confirmed"] == len(alice_answers) and top["unconfirmed"] == 0
    both = (await client.get(f"{path}?fully_reviewed=true&english_meets=true", headers=admin)).json()
    assert [r["candidate_name"] for r in both["rows"]] == ["Alice"]


async def test_fairness_selection_rates_from_recorded_decisions(
    client: Any, world: World, db_url: str
) -> None:
    """Advanced = selected; candidates without a decision are counted apart; no reviewer, hiring
    manager or report ever returns a candidate's demographics."""
    admin, hm, hm_id = await _team(client, world, db_url)
    aid = world.a.assessment_id
    await client.put(f"/api/assessments/{aid}/members", headers=admin, json={"user_ids": [str(hm_id)]})
    names = list(world.a.invitation_ids)
    decisions = {names[0]: CandidateDecision.ADVANCED, names[1]: CandidateDecision.REJECTED}
    for name in names[:2]:
        r = await client.put(f"/api/candidate/{world.a.tokens[name]}/demographics", json={"sex": "female"})
        assert r.status_code == 200, r.text
    async with open_db(db_url) as db:
        for name, decision in decisions.items():
            inv = await db.get(Invitation, world.a.invitation_ids[name])
            assert inv is not None
            inv.decision = decision
        await db.commit()
    body = (await client.get(f"/api/reports/assessments/{aid}/fairness", headers=admin)).json()
    d = body["decisions"]
    assert d["decided"] == 2 and d["advanced"] == 1
    female = next(r for r in d["sex"] if r["category"] == "female")
    assert (female["n"], female["selected"], female["selection_rate"]) == (2, 1, 0.5)
    # demographics reach neither a reviewer nor a hiring manager, on any read they can make
    reviewer = await as_user(client, world.a.reviewer_email)
    inv = world.a.invitation_ids[names[0]]
    for headers in (reviewer, hm):
        for path in (
            f"/api/reports/invitations/{inv}",
            f"/api/reports/assessments/{aid}/shortlist",
            f"/api/reports/assessments/{aid}/compare",
            f"/api/invitations/{inv}/feedback",
            f"/api/assessments/{aid}/invitations/progress",
        ):
            r = await client.get(path, headers=headers)
            assert r.status_code == 200, (path, r.text)
            assert "female" not in r.text and "race_ethnicity" not in r.text, path
        assert (
            await client.get(f"/api/reports/assessments/{aid}/fairness", headers=headers)
        ).status_code == 403
        assert (
            await client.get(f"/api/invitations/{inv}/candidate-data", headers=headers)
        ).status_code == 403
