"""A candidate's written answers and completion: autosave, limits, and no silent changes."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.support.world import World

pytestmark = pytest.mark.integration


async def _start(client: Any, token: str) -> dict[str, Any]:
    r = await client.post(f"/api/candidate/{token}/consent", json={"accept": True})
    assert r.status_code == 200
    return r.json()


async def test_view_before_consent_hides_prompts_and_explains(client: Any, world: World) -> None:
    r = await client.get(f"/api/candidate/{world.a.tokens['Alice']}")
    assert r.status_code == 200
    view = r.json()
    assert view["consented"] is False and view["status"] == "invited"
    assert view["assessment_title"] == "Machine Learning Engineer"
    assert all(q["prompt"] is None for q in view["questions"])
    assert view["scored_question_count"] == 7 and view["questions"][0]["is_practice"]


async def test_answering_needs_consent(client: Any, world: World) -> None:
    token = world.a.tokens["Alice"]
    view = (await client.get(f"/api/candidate/{token}")).json()
    q = next(q for q in view["questions"] if q["kind"] == "written")
    r = await client.put(
        f"/api/candidate/{token}/written/{q['id']}", json={"take_id": str(uuid.uuid4()), "text": "hi"}
    )
    assert r.status_code == 409 and "consent" in r.json()["detail"]
    r = await client.post(f"/api/candidate/{token}/consent", json={"accept": False})
    assert r.status_code == 422


async def test_consent_starts_the_attempt_at_the_practice_question(client: Any, world: World) -> None:
    view = await _start(client, world.a.tokens["Alice"])
    assert view["consented"] and view["status"] == "started"
    assert all(q["prompt"] is None for q in view["questions"])  # revealed when begun
    assert view["next_question_id"] == view["questions"][0]["id"]  # the practice question


async def test_written_answer_autosaves_then_submits_once(client: Any, world: World) -> None:
    token = world.a.tokens["Alice"]
    view = await _start(client, token)
    q = next(q for q in view["questions"] if q["kind"] == "written")
    url = f"/api/candidate/{token}/written/{q['id']}"
    take = str(uuid.uuid4())
    r1 = await client.put(url, json={"take_id": take, "text": "First draft"})
    r2 = await client.put(url, json={"take_id": take, "text": "Second draft, longer"})
    assert r1.json()["id"] == r2.json()["id"] and r2.json()["submitted"] is False
    view = (await client.get(f"/api/candidate/{token}")).json()
    assert next(x for x in view["questions"] if x["id"] == q["id"])["draft"] == "Second draft, longer"
    final = "I owned our feature pipeline end to end."
    r3 = await client.put(url, json={"take_id": take, "text": final, "submit": True})
    assert r3.status_code == 200 and r3.json()["submitted"] is True
    again = await client.put(url, json={"take_id": take, "text": final, "submit": True})
    assert again.status_code == 200 and again.json()["id"] == r3.json()["id"]  # idempotent
    changed = await client.put(url, json={"take_id": str(uuid.uuid4()), "text": "New text"})
    assert changed.status_code == 409 and "already submitted" in changed.json()["detail"]
    stored = await client.get(f"/api/candidate/{token}/responses/{r3.json()['id']}")
    assert stored.json()["text"] == final


async def test_oversized_written_answer_is_refused_and_draft_kept(client: Any, world: World) -> None:
    token = world.a.tokens["Alice"]
    view = await _start(client, token)
    q = next(q for q in view["questions"] if q["kind"] == "written")
    url = f"/api/candidate/{token}/written/{q['id']}"
    take = str(uuid.uuid4())
    ok = await client.put(url, json={"take_id": take, "text": "A good draft"})
    assert ok.status_code == 200
    r = await client.put(url, json={"take_id": take, "text": "x" * (q["max_chars"] + 1)})
    assert r.status_code == 422 and f"limit for this question is {q['max_chars']}" in r.json()["detail"]
    kept = await client.get(f"/api/candidate/{token}/responses/{ok.json()['id']}")
    assert kept.json()["text"] == "A good draft"


async def test_video_question_refuses_a_written_answer(client: Any, world: World) -> None:
    token = world.a.tokens["Alice"]
    view = await _start(client, token)
    q = next(q for q in view["questions"] if q["kind"] == "video")
    r = await client.put(
        f"/api/candidate/{token}/written/{q['id']}", json={"take_id": str(uuid.uuid4()), "text": "hello"}
    )
    assert r.status_code == 422 and "video" in r.json()["detail"]


async def test_finishing_early_lists_what_is_missing(client: Any, world: World) -> None:
    token = world.a.tokens["Alice"]
    await _start(client, token)
    r = await client.post(f"/api/candidate/{token}/complete")
    assert r.status_code == 409
    assert "7 question(s) still need an answer" in r.json()["detail"]
    assert len(r.json()["missing"]) == 7


async def test_extra_time_accommodation_scales_the_clock(client: Any, world: World, login: Any) -> None:
    await login(world.a.admin_email)
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations",
        json={
            "candidate_name": "Cara",
            "candidate_email": "cara@example.com",
            "accommodations": {"extra_time_pct": 50},
        },
    )
    assert r.status_code == 201
    created = r.json()
    assert created["link"] == f"http://testserver.local/i/{created['token']}"
    view = (await client.get(f"/api/candidate/{created['token']}")).json()
    plain = (await client.get(f"/api/candidate/{world.a.tokens['Alice']}")).json()
    for q, p in zip(view["questions"], plain["questions"], strict=True):
        assert q["max_answer_s"] == -(-p["max_answer_s"] * 3 // 2)
    listing = await client.get(f"/api/assessments/{world.a.assessment_id}/invitations")
    assert "token" not in listing.json()[0]


async def test_nothing_changes_after_the_interview_is_completed(
    client: Any, world: World, login: Any
) -> None:
    await login(world.a.admin_email)
    made = await client.post(
        "/api/assessments",
        json={
            "title": "One question",
            "role": "Analyst",
            "dimensions": [{"name": "Skill", "weight": 100, "competencies": [{"key": "sql", "name": "SQL"}]}],
            "questions": [{"kind": "written", "prompt": "Explain a LEFT JOIN.", "competency": "sql"}],
        },
    )
    assert made.status_code == 201
    inv = (
        await client.post(
            f"/api/assessments/{made.json()['id']}/invitations",
            json={"candidate_name": "Dee", "candidate_email": "dee@example.com"},
        )
    ).json()
    token = inv["token"]
    view = await _start(client, token)
    q = view["questions"][0]
    take = str(uuid.uuid4())
    r = await client.put(
        f"/api/candidate/{token}/written/{q['id']}",
        json={"take_id": take, "text": "All rows of the left table.", "submit": True},
    )
    assert r.status_code == 200
    done = await client.post(f"/api/candidate/{token}/complete")
    assert done.status_code == 200 and done.json()["status"] == "completed"
    late = await client.put(
        f"/api/candidate/{token}/written/{q['id']}", json={"take_id": str(uuid.uuid4()), "text": "changed"}
    )
    assert late.status_code == 409 and "already completed" in late.json()["detail"]
    take_late = await client.post(
        f"/api/candidate/{token}/takes",
        json={"question_id": q["id"], "take_id": str(uuid.uuid4()), "sdp": "v=0", "type": "offer"},
    )
    assert take_late.status_code == 409
    again = await client.post(f"/api/candidate/{token}/complete")
    assert again.status_code == 409
    view = (await client.get(f"/api/candidate/{token}")).json()
    assert view["status"] == "completed"
    assert view["questions"] == []  # the thank-you page only (issue 12, F12)
    stored = await client.get(f"/api/candidate/{token}/responses/{r.json()['id']}")
    assert stored.status_code == 409
