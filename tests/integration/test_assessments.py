"""Building assessments: the structure's rules, and bad input that stores nothing."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from server.seed.ml_engineer import ML_ENGINEER_ASSESSMENT
from tests.support.world import World

pytestmark = pytest.mark.integration


def _body(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(ML_ENGINEER_ASSESSMENT)
    body["title"] = "Research ML Engineer"
    body.update(changes)
    return body


async def _count(client: Any) -> int:
    return len((await client.get("/api/assessments")).json())


async def test_admin_creates_an_assessment_with_its_structure(client: Any, world: World, login: Any) -> None:
    await login(world.a.admin_email)
    r = await client.post("/api/assessments", json=_body())
    assert r.status_code == 201, r.text
    made = r.json()
    assert [(d["name"], d["weight"]) for d in made["dimensions"]] == [
        ("Technical", 45),
        ("Behavioral", 35),
        ("Contextual", 20),
    ]
    assert [c["key"] for c in made["dimensions"][0]["competencies"]] == [
        "ml-fundamentals",
        "software-engineering",
        "mlops",
    ]
    scored = [q for q in made["questions"] if not q["is_practice"]]
    assert len(scored) == 7 and all(q["rubric"]["levels"].keys() == {"1", "2", "3", "4", "5"} for q in scored)
    fetched = await client.get(f"/api/assessments/{made['id']}")
    assert fetched.json() == made


async def test_weights_not_summing_to_100_are_refused_and_nothing_is_stored(
    client: Any, world: World, login: Any
) -> None:
    await login(world.a.admin_email)
    before = await _count(client)
    body = _body()
    body["dimensions"][2]["weight"] = 25  # 45 + 35 + 25 = 105
    r = await client.post("/api/assessments", json=body)
    assert r.status_code == 422
    assert r.json()["detail"].startswith("Dimension weights must add up to 100%; they add up to 105%")
    assert await _count(client) == before


async def test_unknown_competency_is_refused_with_the_known_ones(
    client: Any, world: World, login: Any
) -> None:
    await login(world.a.admin_email)
    before = await _count(client)
    body = _body()
    body["questions"][1]["competency"] = "kubernetes"
    r = await client.post("/api/assessments", json=body)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "Unknown competency 'kubernetes'" in detail and "mlops" in detail
    assert await _count(client) == before
    # adding a question to an existing assessment follows the same rule
    q = {"prompt": "Why?", "kind": "video", "competency": "kubernetes"}
    r = await client.post(f"/api/assessments/{world.a.assessment_id}/questions", json=q)
    assert r.status_code == 422
    got = await client.get(f"/api/assessments/{world.a.assessment_id}")
    assert len(got.json()["questions"]) == 8


async def test_malformed_and_unknown_fields_are_400_with_a_message(
    client: Any, world: World, login: Any
) -> None:
    await login(world.a.admin_email)
    r = await client.post(
        "/api/assessments", content=b'{"title": "x", ', headers={"content-type": "application/json"}
    )
    assert r.status_code == 400 and r.json()["detail"]
    r = await client.post("/api/assessments", json=_body(colour="blue"))
    assert r.status_code == 400 and "colour" in r.json()["detail"]
    r = await client.post("/api/assessments", json=_body(dimensions=[]))
    assert r.status_code == 400 and "dimensions" in r.json()["detail"]
    assert await _count(client) == 1


async def test_oversized_body_is_refused(client: Any, world: World, login: Any) -> None:
    await login(world.a.admin_email)
    body = _body(intro="x" * (3 * 1024 * 1024))
    r = await client.post("/api/assessments", json=body)
    assert r.status_code == 413
    assert await _count(client) == 1


async def test_admin_adds_a_question_with_rubric(client: Any, world: World, login: Any) -> None:
    await login(world.a.admin_email)
    q = {
        "prompt": "How do you version datasets?",
        "kind": "video",
        "competency": "mlops",
        "rubric": {
            "levels": [{"level": 1, "descriptor": "No idea"}, {"level": 5, "descriptor": "Complete answer"}],
            "exemplars": [{"level": 5, "text": "We snapshot data with DVC ..."}],
        },
    }
    r = await client.post(f"/api/assessments/{world.a.assessment_id}/questions", json=q)
    assert r.status_code == 201
    assert r.json()["position"] == 8 and r.json()["rubric"]["levels"] == {
        "1": "No idea",
        "5": "Complete answer",
    }


async def test_settings_update_is_validated(client: Any, world: World, login: Any) -> None:
    await login(world.a.admin_email)
    url = f"/api/assessments/{world.a.assessment_id}"
    r = await client.patch(
        url, json={"settings": {"blind_review": True, "reviews_per_response": 2, "english_threshold": "C1"}}
    )
    assert r.status_code == 200
    assert r.json()["settings"]["blind_review"] is True
    r = await client.patch(url, json={"settings": {"english_threshold": "Z9"}})
    assert r.status_code == 400
    assert (await client.get(url)).json()["settings"]["english_threshold"] == "C1"
