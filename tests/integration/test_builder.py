"""The assessment builder, the question bank and templates, through the admin API."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from sqlalchemy import select

from server.db.models import Assessment, AssessmentStatus, AuditEvent
from server.seed.bank import load_bank
from server.seed.ml_engineer import ML_ENGINEER_ASSESSMENT
from tests.support.reviews import add_ready_response, open_db
from tests.support.world import World

pytestmark = pytest.mark.integration

BANK = {q.id: q for q in load_bank()}


def _dims(**weights: float) -> list[dict[str, Any]]:
    dims = copy.deepcopy(ML_ENGINEER_ASSESSMENT["dimensions"])
    for d in dims:
        d["weight"] = weights.get(d["name"], d["weight"])
    return dims


async def _get(client: Any, assessment_id: Any) -> dict[str, Any]:
    r = await client.get(f"/api/assessments/{assessment_id}")
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_dimensions_are_replaced_only_when_weights_add_up_and_answered_competencies_stay(
    client: Any, world: World, login: Any, db_url: str
) -> None:
    await login(world.a.admin_email)
    aid = world.a.assessment_id
    url = f"/api/assessments/{aid}/dimensions"
    before = await _get(client, aid)

    r = await client.put(url, json={"dimensions": _dims(Technical=50)})  # 50 + 35 + 20 = 105
    assert r.status_code == 422
    assert r.json()["detail"].startswith("Dimension weights must add up to 100%; they add up to 105%")
    assert await _get(client, aid) == before

    # MLOps weighting, and 'mlops' moves to Contextual with a new competency beside it
    dims = _dims(Technical=50, Behavioral=30, Contextual=20)
    mlops = dims[0]["competencies"].pop(2)
    dims[2]["competencies"] += [mlops, {"key": "data-engineering", "name": "Data engineering"}]
    r = await client.put(url, json={"dimensions": dims})
    assert r.status_code == 200, r.text
    after = r.json()
    assert [(d["name"], d["weight"]) for d in after["dimensions"]] == [
        ("Technical", 50),
        ("Behavioral", 30),
        ("Contextual", 20),
    ]
    assert [c["key"] for c in after["dimensions"][2]["competencies"]] == [
        "production-thinking",
        "mlops",
        "data-engineering",
    ]
    mlops_id = next(c["id"] for c in before["dimensions"][0]["competencies"] if c["key"] == "mlops")
    assert (
        next(c["id"] for c in after["dimensions"][2]["competencies"] if c["key"] == "mlops") == mlops_id
    )  # same competency, moved
    assert [q["competency"] for q in after["questions"]] == [q["competency"] for q in before["questions"]]

    # a competency whose question has an answer cannot go; nothing changes
    q_own = next(q for q in after["questions"] if q["competency"] == "ownership")
    await add_ready_response(db_url, world.a.invitation_ids["Alice"], q_own["id"])
    no_ownership = copy.deepcopy(dims)
    no_ownership[1]["competencies"] = [c for c in no_ownership[1]["competencies"] if c["key"] != "ownership"]
    r = await client.put(url, json={"dimensions": no_ownership})
    assert r.status_code == 409, r.text
    assert "'ownership'" in r.json()["detail"] and "answers" in r.json()["detail"]
    assert r.json()["question_ids"] == [q_own["id"]]
    # an unanswered one names its questions to move first
    no_swe = copy.deepcopy(dims)
    no_swe[0]["competencies"] = [c for c in no_swe[0]["competencies"] if c["key"] != "software-engineering"]
    r = await client.put(url, json={"dimensions": no_swe})
    assert r.status_code == 409 and "move those questions" in r.json()["detail"]
    assert (await _get(client, aid))["dimensions"] == after["dimensions"]
    # a competency nobody uses can be removed
    dims[2]["competencies"].pop()
    r = await client.put(url, json={"dimensions": dims})
    assert r.status_code == 200 and "data-engineering" not in json.dumps(r.json()["dimensions"])

    async with open_db(db_url) as db:
        events = list(
            (
                await db.execute(select(AuditEvent).where(AuditEvent.action == "assessment.dimensions"))
            ).scalars()
        )
        assert len(events) == 2 and events[0].data["before"][0]["weight"] == 45

    reviewer = world.a.reviewer_email
    await login(reviewer)
    assert (await client.put(url, json={"dimensions": dims})).status_code == 403


async def test_questions_are_edited_deleted_and_reordered_by_the_rules(
    client: Any, world: World, login: Any, db_url: str
) -> None:
    await login(world.a.admin_email)
    aid = world.a.assessment_id
    qs = (await _get(client, aid))["questions"]
    first, answered, spare = qs[1], qs[2], qs[3]
    base = f"/api/assessments/{aid}/questions"

    r = await client.patch(
        f"{base}/{first['id']}",
        json={
            "prompt": "  Walk us through a model you shipped.  ",
            "think_time_s": 45,
            "max_answer_s": 240,
            "retakes_allowed": 0,
            "competency": "mlops",
            "kind": "written",
        },
    )
    assert r.status_code == 200, r.text
    got = r.json()
    assert (
        got["prompt"],
        got["think_time_s"],
        got["max_answer_s"],
        got["retakes_allowed"],
        got["competency"],
        got["kind"],
    ) == ("Walk us through a model you shipped.", 45, 240, 0, "mlops", "written")
    assert got["rubric"] == first["rubric"]  # untouched fields stay
    r = await client.patch(f"{base}/{first['id']}", json={"competency": "kubernetes"})
    assert r.status_code == 422 and "Unknown competency 'kubernetes'" in r.json()["detail"]
    r = await client.patch(f"{base}/{first['id']}", json={"competency": None})
    assert r.status_code == 422 and r.json()["field"] == "competency"
    r = await client.patch(f"{base}/{qs[0]['id']}", json={"competency": None})  # practice: fine
    assert r.status_code == 200

    await add_ready_response(db_url, world.a.invitation_ids["Alice"], answered["id"])
    r = await client.patch(f"{base}/{answered['id']}", json={"kind": "written"})
    assert r.status_code == 409 and "kind can no longer change" in r.json()["detail"]
    r = await client.patch(f"{base}/{answered['id']}", json={"prompt": "Fixed a typo."})
    assert r.status_code == 200 and r.json()["kind"] == answered["kind"]
    r = await client.delete(f"{base}/{answered['id']}")
    assert r.status_code == 409 and "1 answer(s)" in r.json()["detail"]

    r = await client.delete(f"{base}/{spare['id']}")
    assert r.status_code == 204
    now = (await _get(client, aid))["questions"]
    assert spare["id"] not in [q["id"] for q in now]
    assert [q["position"] for q in now] == list(range(len(qs) - 1))

    ids = [q["id"] for q in now]
    url = f"{base}/reorder"
    for bad, word in (
        (ids[:-1], "missing"),
        ([*ids, ids[0]], "listed twice"),
        ([*ids[:-1], spare["id"]], "not in this assessment"),
    ):
        r = await client.post(url, json={"question_ids": bad})
        assert r.status_code == 422 and word in r.json()["detail"], r.text
    assert [q["id"] for q in (await _get(client, aid))["questions"]] == ids
    r = await client.post(url, json={"question_ids": ids[::-1]})
    assert r.status_code == 200, r.text
    assert [q["id"] for q in r.json()["questions"]] == ids[::-1]
    assert [q["id"] for q in (await _get(client, aid))["questions"]] == ids[::-1]

    async with open_db(db_url) as db:
        actions = [
            e.action for e in (await db.execute(select(AuditEvent).order_by(AuditEvent.created_at))).scalars()
        ]
        assert {"question.update", "question.delete", "assessment.reorder"} <= set(actions)


async def test_bank_questions_are_copied_with_rubric_and_exemplars(
    client: Any, world: World, login: Any
) -> None:
    await login(world.a.admin_email)
    aid = world.a.assessment_id
    url = f"/api/assessments/{aid}/questions/from-bank"
    before = await _get(client, aid)
    r = await client.post(
        url, json={"bank_ids": ["own-unowned-problem", "no-such-question", "mlf-data-leakage", "nor-this"]}
    )
    assert r.status_code == 422 and "no-such-question, nor-this" in r.json()["detail"]
    assert await _get(client, aid) == before

    r = await client.post(url, json={"bank_ids": ["own-unowned-problem", "mlf-data-leakage"]})
    assert r.status_code == 201, r.text
    added = r.json()
    for q, bank_id in zip(added, ["own-unowned-problem", "mlf-data-leakage"], strict=True):
        src = BANK[bank_id]
        assert q["prompt"] == src.prompt and q["kind"] == src.kind
        assert q["competency"] == src.competency and q["max_answer_s"] == src.max_answer_s
        assert q["rubric"]["levels"] == {str(lv.level): lv.descriptor for lv in src.rubric.levels}
        assert sorted((e["level"], e["text"]) for e in q["rubric"]["exemplars"]) == sorted(
            (e.level, e.text) for e in src.rubric.exemplars
        )
        assert q["rubric"]["red_flags"] == src.rubric.red_flags
    got = await _get(client, aid)
    assert [q["id"] for q in got["questions"][-2:]] == [q["id"] for q in added]
    assert [q["position"] for q in got["questions"]] == list(range(len(got["questions"])))

    # a bank question whose competency the assessment lacks is refused
    body = copy.deepcopy(ML_ENGINEER_ASSESSMENT)
    body["dimensions"] = [
        {"name": "Technical", "weight": 100, "competencies": body["dimensions"][0]["competencies"]}
    ]
    body["questions"] = []
    small = (await client.post("/api/assessments", json=body)).json()
    r = await client.post(
        f"/api/assessments/{small['id']}/questions/from-bank",
        json={"bank_ids": ["mlf-data-leakage", "own-unowned-problem"]},
    )
    assert r.status_code == 422 and "own-unowned-problem needs 'ownership'" in r.json()["detail"]
    assert (await _get(client, small["id"]))["questions"] == []


async def test_a_template_gives_an_assessment_ready_to_invite(client: Any, world: World, login: Any) -> None:
    await login(world.a.reviewer_email)
    templates = (await client.get("/api/assessment-templates")).json()
    by_id = {t["id"]: t for t in templates}
    assert set(by_id) == {
        "ml-engineer-general",
        "ml-engineer-mlops",
        "ml-engineer-research",
        "ml-engineer-fullstack",
        "data-scientist",
        "data-engineer",
        "backend-engineer",
        "customer-support",
        "sales",
    }
    mlops, general = by_id["ml-engineer-mlops"], by_id["ml-engineer-general"]
    assert mlops["name"] == "ML engineer — MLOps focus"
    assert mlops["weights"] == {"Technical": 50, "Behavioral": 30, "Contextual": 20}
    assert all(abs(sum(t["weights"].values()) - 100) < 1e-9 for t in templates)
    n_mlops = {t: sum(BANK[b].competency == "mlops" for b in by_id[t]["bank_ids"]) for t in by_id}
    assert n_mlops["ml-engineer-mlops"] == 3 > n_mlops["ml-engineer-general"] == 1
    assert all(any(BANK[b].kind == "written" for b in t["bank_ids"]) for t in templates)
    assert sum("mlops" in BANK[b].focus for b in mlops["bank_ids"]) > sum(
        "mlops" in BANK[b].focus for b in general["bank_ids"]
    )

    r = await client.post("/api/assessments/from-template", json={"template_id": "ml-engineer-mlops"})
    assert r.status_code == 403
    await login(world.a.admin_email)
    r = await client.post("/api/assessments/from-template", json={"template_id": "nope"})
    assert r.status_code == 422 and "ml-engineer-mlops" in r.json()["detail"]
    r = await client.post(
        "/api/assessments/from-template",
        json={"template_id": "ml-engineer-mlops", "title": "Platform ML Engineer"},
    )
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["title"] == "Platform ML Engineer" and made["status"] == "active"
    assert made["settings"]["focus"] == "mlops"
    assert [(d["name"], d["weight"]) for d in made["dimensions"]] == [
        ("Technical", 50),
        ("Behavioral", 30),
        ("Contextual", 20),
    ]
    assert made["questions"][0]["is_practice"] is True
    scored = made["questions"][1:]
    assert [q["prompt"] for q in scored] == [BANK[b].prompt for b in mlops["bank_ids"]]
    assert all(len(q["rubric"]["exemplars"]) >= 3 for q in scored)

    r = await client.post(
        f"/api/assessments/{made['id']}/invitations",
        json={"candidate_name": "Priya", "candidate_email": "priya@example.com"},
    )
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    view = (await client.post(f"/api/candidate/{token}/consent", json={"accept": True})).json()
    assert view["assessment_title"] == "Platform ML Engineer"
    assert view["scored_question_count"] == len(scored)


async def test_bank_search_filters_and_export(client: Any, world: World, login: Any) -> None:
    await login(world.a.reviewer_email)
    page = (await client.get("/api/bank/questions")).json()
    assert page["total"] == len(BANK) and len(page["items"]) == 50
    assert (await client.get("/api/bank/questions", params={"offset": 50})).json()["items"][0]["id"] == list(
        BANK
    )[50]

    page = (await client.get("/api/bank/questions", params={"q": "LEAKAGE"})).json()
    assert {i["id"] for i in page["items"]} == {
        b.id for b in BANK.values() if "leakage" in (b.prompt + " ".join(b.tags)).lower()
    }
    assert "mlf-data-leakage" in {i["id"] for i in page["items"]}

    params = {"competency": "mlops", "kind": "written"}
    page = (await client.get("/api/bank/questions", params=params)).json()
    assert [i["id"] for i in page["items"]] == ["mlops-retraining-pipeline"]
    page = (
        await client.get("/api/bank/questions", params={"focus": "research", "difficulty": "senior"})
    ).json()
    want = [b.id for b in BANK.values() if "research" in b.focus and b.difficulty == "senior"]
    assert [i["id"] for i in page["items"]] == want and page["total"] == len(want) > 0
    assert (await client.get("/api/bank/questions", params={"kind": "audio"})).status_code == 400

    one = (await client.get("/api/bank/questions/own-unowned-problem")).json()
    assert one["levels"]["5"] == BANK["own-unowned-problem"].rubric.levels[4].descriptor
    assert {e["level"] for e in one["exemplars"]} >= {1, 3, 5}
    assert (await client.get("/api/bank/questions/nope")).status_code == 404

    assert (await client.get("/api/bank/export")).status_code == 403
    await login(world.a.admin_email)
    r = await client.get("/api/bank/export")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    doc = r.json()
    assert doc["format"] == "viva-question-bank" and len(doc["questions"]) == len(BANK)


async def test_import_lists_every_problem_and_imports_nothing_until_the_file_is_clean(
    client: Any, world: World, login: Any, db_url: str
) -> None:
    await login(world.a.admin_email)
    doc = (await client.get("/api/bank/export")).json()
    good = [q for q in doc["questions"] if q["id"] in ("own-unowned-problem", "mlf-data-leakage")]
    no_top = copy.deepcopy(good[0])
    no_top["id"] = "own-no-top"
    no_top["rubric"]["exemplars"] = [e for e in no_top["rubric"]["exemplars"] if e["level"] != 5]
    unknown = copy.deepcopy(good[1])
    unknown["id"] = "mlf-unknown-competency"
    unknown["competency"] = "kubernetes"
    bad_time = copy.deepcopy(good[1])
    bad_time["id"] = "mlf-too-long"
    bad_time["max_answer_s"] = 5000
    bad = {**doc, "questions": [good[0], no_top, unknown, bad_time, copy.deepcopy(good[0])]}

    async def count() -> int:
        return len((await client.get("/api/assessments")).json())

    n = await count()
    r = await client.post("/api/bank/import", json=bad)
    assert r.status_code == 422, r.text
    problems = r.json()["problems"]
    assert [(p["index"], p["question_id"], p["field"]) for p in problems] == [
        (2, "own-no-top", "rubric.exemplars"),
        (3, "mlf-unknown-competency", "competency"),
        (4, "mlf-too-long", "max_answer_s"),
        (5, good[0]["id"], "id"),
    ]
    assert "no exemplar at level 5" in problems[0]["message"]
    assert "nothing was imported" in r.json()["detail"]
    assert await count() == n

    r = await client.post("/api/bank/import", json={"format": "something-else", "questions": good})
    assert r.status_code == 422 and "Not a question bank" in r.json()["detail"]

    r = await client.post("/api/bank/import", params={"dry_run": "true"}, json={**doc, "questions": good})
    assert r.status_code == 200 and r.json()["dry_run"] is True and r.json()["assessment_id"] is None
    assert await count() == n

    r = await client.post("/api/bank/import", json={**doc, "questions": good})
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["bank_ids"] == [g["id"] for g in good] and out["question_count"] == 2
    assert out["assessment_title"].startswith("Imported bank questions ")
    draft = await _get(client, out["assessment_id"])
    assert draft["status"] == "draft" and [q["prompt"] for q in draft["questions"]] == [
        g["prompt"] for g in good
    ]
    assert all(
        len(q["rubric"]["exemplars"]) == len(g["rubric"]["exemplars"])
        for q, g in zip(draft["questions"], good, strict=True)
    )
    async with open_db(db_url) as db:
        a = await db.get(Assessment, draft["id"])
        assert a is not None and a.status is AssessmentStatus.DRAFT
        event = (await db.execute(select(AuditEvent).where(AuditEvent.action == "bank.import"))).scalar_one()
        assert event.data["bank_ids"] == out["bank_ids"]
    # a draft is not invitable until an admin activates it
    r = await client.post(
        f"/api/assessments/{draft['id']}/invitations",
        json={"candidate_name": "X", "candidate_email": "x@example.com"},
    )
    assert r.status_code == 409
