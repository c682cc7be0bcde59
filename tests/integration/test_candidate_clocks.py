"""The server's clocks: think time and written-answer limits survive reloads and second tabs.

Time passing is simulated by moving a question's recorded start back in the database, so no
test sleeps; everything else goes through the candidate's HTTP API.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from server.db.models import QuestionClock, Response
from tests.support.reviews import open_db
from tests.support.world import World

pytestmark = pytest.mark.integration


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


async def _start(client: Any, token: str) -> dict[str, Any]:
    r = await client.post(f"/api/candidate/{token}/consent", json={"accept": True})
    assert r.status_code == 200, r.text
    return r.json()


async def _begin(client: Any, token: str, question_id: str) -> dict[str, Any]:
    r = await client.post(f"/api/candidate/{token}/questions/{question_id}/begin")
    assert r.status_code == 200, r.text
    return next(q for q in r.json()["questions"] if q["id"] == question_id)


async def _view_q(client: Any, token: str, question_id: str) -> dict[str, Any]:
    view = (await client.get(f"/api/candidate/{token}")).json()
    return next(q for q in view["questions"] if q["id"] == question_id)


async def _shift(db_url: str, question_id: str, seconds: float) -> None:
    """Pretend the question was begun ``seconds`` earlier than it was."""
    async with open_db(db_url) as db:
        clock = (
            await db.execute(select(QuestionClock).where(QuestionClock.question_id == uuid.UUID(question_id)))
        ).scalar_one()
        clock.think_started_at -= timedelta(seconds=seconds)
        if clock.answer_started_at is not None:
            clock.answer_started_at -= timedelta(seconds=seconds)
        await db.commit()


async def _written_assessment(
    client: Any, login: Any, world: World, *, extra_time_pct: int = 0
) -> tuple[str, list[str]]:
    """Two written questions (think 30 s + answer 120 s each) and a token; ids in order."""
    await login(world.a.admin_email)
    made = await client.post(
        "/api/assessments",
        json={
            "title": "Written screen",
            "role": "Analyst",
            "dimensions": [{"name": "Skill", "weight": 100, "competencies": [{"key": "sql", "name": "SQL"}]}],
            "questions": [
                {
                    "kind": "written",
                    "prompt": "Explain a LEFT JOIN.",
                    "competency": "sql",
                    "think_time_s": 30,
                    "max_answer_s": 120,
                },
                {
                    "kind": "written",
                    "prompt": "Explain an index.",
                    "competency": "sql",
                    "think_time_s": 30,
                    "max_answer_s": 120,
                },
            ],
        },
    )
    assert made.status_code == 201, made.text
    inv = await client.post(
        f"/api/assessments/{made.json()['id']}/invitations",
        json={
            "candidate_name": "Wren",
            "candidate_email": "wren@example.com",
            "accommodations": {"extra_time_pct": extra_time_pct},
        },
    )
    assert inv.status_code == 201, inv.text
    token = inv.json()["token"]
    view = await _start(client, token)
    return token, [q["id"] for q in view["questions"]]


async def test_prompt_is_sent_only_when_its_think_time_starts(client: Any, world: World) -> None:
    token = world.a.tokens["Alice"]
    view = await _start(client, token)
    assert all(q["prompt"] is None for q in view["questions"])  # consent reveals nothing yet
    first = view["questions"][0]
    assert first["is_practice"] and first["number"] is None and first["think_started_at"] is None
    assert [q["number"] for q in view["questions"][1:]] == list(range(1, 8))  # as staff see them
    begun = await _begin(client, token, first["id"])
    assert begun["prompt"] and begun["prompt"].startswith("Practice")
    assert _at(begun["think_ends_at"]) - _at(begun["think_started_at"]) == timedelta(seconds=15)
    view = (await client.get(f"/api/candidate/{token}")).json()
    assert [q["prompt"] is not None for q in view["questions"]] == [True] + [False] * 7


async def test_only_the_next_question_can_be_begun(client: Any, world: World) -> None:
    token = world.a.tokens["Alice"]
    view = await _start(client, token)
    ahead = view["questions"][2]["id"]
    r = await client.post(f"/api/candidate/{token}/questions/{ahead}/begin")
    assert r.status_code == 409 and "in order" in r.json()["detail"]
    assert (await _view_q(client, token, ahead))["prompt"] is None
    r = await client.post(f"/api/candidate/{token}/questions/{uuid.uuid4()}/begin")
    assert r.status_code == 404
    fresh = world.a.tokens["Amir"]  # no consent yet: nothing can begin
    r = await client.post(f"/api/candidate/{fresh}/questions/{view['questions'][0]['id']}/begin")
    assert r.status_code == 409 and "consent" in r.json()["detail"]


async def test_reload_and_second_tab_in_think_time_keep_the_same_clock(
    client: Any, world: World, db_url: str
) -> None:
    token = world.a.tokens["Alice"]
    view = await _start(client, token)
    qid = view["questions"][0]["id"]
    begun = await _begin(client, token, qid)
    await _shift(db_url, qid, 10)  # ten seconds of think time have passed
    reloaded = (await client.get(f"/api/candidate/{token}")).json()
    q = next(x for x in reloaded["questions"] if x["id"] == qid)
    left = (_at(q["think_ends_at"]) - _at(reloaded["server_now"])).total_seconds()
    assert 0 <= left <= 5.5  # 15 s of think time, 10 used: the reload gave nothing back
    assert _at(q["think_started_at"]) == _at(begun["think_started_at"]) - timedelta(seconds=10)
    # a second tab begins "again", at once: both see the first start
    tabs = await asyncio.gather(
        *(client.post(f"/api/candidate/{token}/questions/{qid}/begin") for _ in range(2))
    )
    for r in tabs:
        assert r.status_code == 200
        again = next(x for x in r.json()["questions"] if x["id"] == qid)
        assert again["think_started_at"] == q["think_started_at"]


async def test_written_answer_reload_resumes_the_limit_and_keeps_the_draft(
    client: Any, world: World, login: Any, db_url: str
) -> None:
    token, (q1, _) = await _written_assessment(client, login, world)
    begun = await _begin(client, token, q1)
    assert _at(begun["answer_ends_at"]) - _at(begun["think_started_at"]) == timedelta(seconds=150)
    take = str(uuid.uuid4())
    r = await client.put(
        f"/api/candidate/{token}/written/{q1}", json={"take_id": take, "text": "All rows of the left table"}
    )
    assert r.status_code == 200
    await _shift(db_url, q1, 100)
    q = await _view_q(client, token, q1)
    left = (_at(q["answer_ends_at"]) - datetime.now(tz=_at(q["answer_ends_at"]).tzinfo)).total_seconds()
    assert 30 <= left <= 50.5 and q["draft"] == "All rows of the left table"
    assert q["answer_started_at"] is not None and not q["time_up"]


async def test_submit_just_after_the_limit_is_accepted_within_the_grace(
    client: Any, world: World, login: Any, db_url: str
) -> None:
    token, (q1, q2) = await _written_assessment(client, login, world)
    await _begin(client, token, q1)
    await _shift(db_url, q1, 153)  # the browser's countdown hit zero 3 s ago
    r = await client.put(
        f"/api/candidate/{token}/written/{q1}",
        json={"take_id": str(uuid.uuid4()), "text": "Every left row, matched or not.", "submit": True},
    )
    assert r.status_code == 200 and r.json()["submitted"]
    view = (await client.get(f"/api/candidate/{token}")).json()
    assert view["next_question_id"] == q2


async def test_late_submit_is_a_409_and_the_saved_draft_becomes_the_answer(
    client: Any, world: World, login: Any, db_url: str
) -> None:
    token, (q1, q2) = await _written_assessment(client, login, world)
    await _begin(client, token, q1)
    take = str(uuid.uuid4())
    saved = await client.put(
        f"/api/candidate/{token}/written/{q1}", json={"take_id": take, "text": "Saved before the end"}
    )
    assert saved.status_code == 200
    await _shift(db_url, q1, 200)
    r = await client.put(
        f"/api/candidate/{token}/written/{q1}",
        json={"take_id": take, "text": "Saved before the end, and typed much later", "submit": True},
    )
    assert r.status_code == 409
    problem = r.json()
    assert problem["time_up"] is True and "ran out" in problem["detail"]
    assert "last saved draft was kept and submitted" in problem["detail"]
    stored = (await client.get(f"/api/candidate/{token}/responses/{saved.json()['id']}")).json()
    assert stored["text"] == "Saved before the end" and stored["submitted"] is True
    async with open_db(db_url) as db:  # exactly one answer, unchanged by the late request
        rows = (
            (await db.execute(select(Response).where(Response.question_id == uuid.UUID(q1)))).scalars().all()
        )
        assert [(x.text, x.submitted_at is not None) for x in rows] == [("Saved before the end", True)]
    view = (await client.get(f"/api/candidate/{token}")).json()
    assert view["next_question_id"] == q2 and view["answered_count"] == 1
    r = await client.put(f"/api/candidate/{token}/written/{q1}", json={"take_id": take, "text": "again"})
    assert r.status_code == 409  # and it stays closed


async def test_time_up_without_a_draft_closes_the_question_and_finishing_works(
    client: Any, world: World, login: Any, db_url: str
) -> None:
    token, (q1, q2) = await _written_assessment(client, login, world)
    await _begin(client, token, q1)
    await _shift(db_url, q1, 151)
    view = (await client.get(f"/api/candidate/{token}")).json()  # a reload after the end
    first = next(q for q in view["questions"] if q["id"] == q1)
    assert first["time_up"] and not first["answered"] and view["next_question_id"] == q2
    r = await client.post(f"/api/candidate/{token}/questions/{q1}/begin")
    assert r.status_code == 200  # already begun: nothing changes
    await _begin(client, token, q2)
    r = await client.put(
        f"/api/candidate/{token}/written/{q2}",
        json={"take_id": str(uuid.uuid4()), "text": "A B-tree over the column.", "submit": True},
    )
    assert r.status_code == 200
    done = await client.post(f"/api/candidate/{token}/complete")
    assert done.status_code == 200 and done.json()["status"] == "completed"


async def test_draft_left_when_time_ran_out_is_submitted_on_the_next_visit(
    client: Any, world: World, login: Any, db_url: str
) -> None:
    token, (q1, q2) = await _written_assessment(client, login, world)
    await _begin(client, token, q1)
    r = await client.put(
        f"/api/candidate/{token}/written/{q1}", json={"take_id": str(uuid.uuid4()), "text": "Half an answer"}
    )
    await _shift(db_url, q1, 600)  # the candidate closed the tab and came back much later
    view = (await client.get(f"/api/candidate/{token}")).json()
    first = next(q for q in view["questions"] if q["id"] == q1)
    assert first["answered"] and not first["time_up"] and view["next_question_id"] == q2
    stored = (await client.get(f"/api/candidate/{token}/responses/{r.json()['id']}")).json()
    assert stored["submitted"] and stored["text"] == "Half an answer"


async def test_extra_time_scales_the_written_limit(
    client: Any, world: World, login: Any, db_url: str
) -> None:
    token, (q1, _) = await _written_assessment(client, login, world, extra_time_pct=50)
    begun = await _begin(client, token, q1)
    assert _at(begun["answer_ends_at"]) - _at(begun["think_started_at"]) == timedelta(seconds=225)
    await _shift(db_url, q1, 200)  # past the plain limit, inside the scaled one
    r = await client.put(
        f"/api/candidate/{token}/written/{q1}",
        json={"take_id": str(uuid.uuid4()), "text": "Still in time", "submit": True},
    )
    assert r.status_code == 200
