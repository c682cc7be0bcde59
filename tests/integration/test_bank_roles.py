"""Any role from the bank: role templates, neutral blank dimensions, the rubric editor's API,
similar bank questions and the exemplar check."""

from __future__ import annotations

import json
from typing import Any

import pytest

from server.seed.bank import load_bank
from server.seed.roles import ROLES, get_role
from tests.support.world import World

pytestmark = pytest.mark.integration

BANK = {q.id: q for q in load_bank()}
NEW_ROLES = ("data-scientist", "data-engineer", "backend-engineer", "customer-support", "sales")
ML_KEYS = {"ml-fundamentals", "mlops", "software-engineering", "production-thinking"}


async def test_every_role_has_a_template_built_from_its_own_questions(
    client: Any, world: World, login: Any
) -> None:
    await login(world.a.admin_email)
    templates = {t["id"]: t for t in (await client.get("/api/assessment-templates")).json()}
    for role in NEW_ROLES:
        t = templates[role]
        assert t["role"] == role and t["question_count"] >= 8
        assert all(role in BANK[b].roles for b in t["bank_ids"]), role
        r = await client.post("/api/assessments/from-template", json={"template_id": role})
        assert r.status_code == 201, r.text
        made = r.json()
        spec = get_role(role)
        assert made["role"] == spec.role
        keys = {c["key"] for d in made["dimensions"] for c in d["competencies"]}
        assert keys == set(spec.competencies)
        scored = [q for q in made["questions"] if not q["is_practice"]]
        assert {q["competency"] for q in scored} == keys, role  # every competency is asked
        assert all(len(q["rubric"]["levels"]) == 5 and q["rubric"]["red_flags"] for q in scored)
        assert all({1, 3, 5} <= {e["level"] for e in q["rubric"]["exemplars"]} for q in scored)
    support = {
        q["competency"]
        for q in (
            await client.post("/api/assessments/from-template", json={"template_id": "customer-support"})
        ).json()["questions"]
    }
    assert not support & ML_KEYS


async def test_roles_and_the_blank_assessments_neutral_dimensions(
    client: Any, world: World, login: Any
) -> None:
    await login(world.a.reviewer_email)
    out = (await client.get("/api/bank/roles")).json()
    assert [r["key"] for r in out["roles"]] == [r.key for r in ROLES]
    assert all(r["question_count"] >= 20 for r in out["roles"])
    neutral = {c["key"] for d in out["neutral_dimensions"] for c in d["competencies"]}
    assert neutral and not neutral & ML_KEYS
    page = (await client.get("/api/bank/questions", params={"role": "sales", "limit": 200})).json()
    assert page["total"] >= 20 and all("sales" in x["roles"] for x in page["items"])

    await login(world.a.admin_email)
    r = await client.post(
        "/api/assessments",
        json={"title": "Support lead", "role": "Support lead", "dimensions": out["neutral_dimensions"]},
    )
    assert r.status_code == 201, r.text
    assert {c["key"] for d in r.json()["dimensions"] for c in d["competencies"]} == neutral


async def test_importing_support_questions_gets_the_support_dimensions(
    client: Any, world: World, login: Any
) -> None:
    await login(world.a.admin_email)
    doc = json.loads((await client.get("/api/bank/export")).text)
    picked = [q for q in doc["questions"] if q["id"] in ("cs-angry-customer-call", "beh-own-mistake")]
    r = await client.post("/api/bank/import", json={"questions": picked})
    assert r.status_code == 201, r.text
    made = (await client.get(f"/api/assessments/{r.json()['assessment_id']}")).json()
    assert made["role"] == get_role("customer-support").role
    assert [q["competency"] for q in made["questions"]] == ["de-escalation", "ownership"]


async def test_the_rubric_text_is_edited_in_place_and_exemplars_stay(
    client: Any, world: World, login: Any
) -> None:
    await login(world.a.admin_email)
    aid = world.a.assessment_id
    created = await client.post(
        f"/api/assessments/{aid}/questions",
        json={
            "prompt": "A customer asks for a refund outside the policy. What do you write?",
            "kind": "written",
            "competency": "collaboration",
            "max_answer_s": 600,
            "rubric": {
                "levels": [
                    {"level": 1, "descriptor": "Refuses rudely."},
                    {"level": 5, "descriptor": "Kind, clear, offers options."},
                ],
                "exemplars": [
                    {"level": 1, "text": "No refunds, sorry."},
                    {"level": 5, "text": "I am sorry; I cannot refund it, but I can pause your plan."},
                ],
                "red_flags": "Promises what policy forbids.",
            },
        },
    )
    assert created.status_code == 201, created.text
    q = created.json()
    url = f"/api/assessments/{aid}/questions/{q['id']}"

    r = await client.patch(
        url,
        json={
            "rubric": {
                "levels": [
                    {"level": 1, "descriptor": "Refuses rudely or quotes policy only."},
                    {"level": 3, "descriptor": "Polite refusal with one alternative."},
                    {"level": 5, "descriptor": "Kind, clear, offers options that fit."},
                ],
                "red_flags": "Promises a refund; hides behind policy.",
            }
        },
    )
    assert r.status_code == 200, r.text
    rubric = r.json()["rubric"]
    assert rubric["levels"] == {
        "1": "Refuses rudely or quotes policy only.",
        "3": "Polite refusal with one alternative.",
        "5": "Kind, clear, offers options that fit.",
    }
    assert rubric["red_flags"] == "Promises a refund; hides behind policy."
    assert sorted(e["level"] for e in rubric["exemplars"]) == [1, 5]

    before = r.json()
    r = await client.patch(
        url, json={"rubric": {"levels": [{"level": 2, "descriptor": "a"}, {"level": 2, "descriptor": "b"}]}}
    )
    assert r.status_code == 422 and "only once" in r.json()["detail"]
    r = await client.patch(url, json={"rubric": {"levels": [{"level": 6, "descriptor": "x"}]}})
    assert r.status_code == 400 or r.status_code == 422
    got = (await client.get(f"/api/assessments/{aid}")).json()
    assert next(x for x in got["questions"] if x["id"] == q["id"]) == before


async def test_bad_requests_to_the_similar_and_check_helpers_say_what_to_do(
    client: Any, world: World, login: Any
) -> None:
    await login(world.a.admin_email)
    r = await client.post("/api/bank/similar", json={"prompt": "Refund?"})
    assert r.status_code == 422 and "at least a few words" in r.json()["detail"]
    r = await client.post(
        "/api/exemplar-check",
        json={
            "prompt": "Tell us about a refund you refused.",
            "exemplars": [{"level": 3, "text": "I said no."}, {"level": 3, "text": "I said no politely."}],
        },
    )
    assert r.status_code == 422 and "two or more levels" in r.json()["detail"]
    r = await client.post(
        "/api/exemplar-check",
        json={
            "prompt": "Tell us about a refund you refused.",
            "levels": {"9": "x"},
            "exemplars": [{"level": 1, "text": "I said no."}, {"level": 5, "text": "I explained why."}],
        },
    )
    assert r.status_code == 422 and "not one of 1-5" in r.json()["detail"]
    await login(world.a.reviewer_email)
    r = await client.post("/api/exemplar-check", json={"prompt": "x", "exemplars": []})
    assert r.status_code == 403


@pytest.mark.slow
async def test_similar_bank_questions_and_the_exemplar_check_use_the_real_scorer(
    client: Any, world: World, login: Any
) -> None:
    await login(world.a.admin_email)
    r = await client.post(
        "/api/bank/similar",
        json={
            "prompt": "A caller is furious about a double charge and wants to speak to a manager. "
            "How do you handle the call?",
            "limit": 3,
        },
    )
    assert r.status_code == 200, r.text
    near = r.json()
    assert len(near) == 3 and near[0]["similarity"] >= near[-1]["similarity"]
    assert "customer-support" in near[0]["question"]["roles"]
    assert {e["level"] for e in near[0]["question"]["exemplars"]} >= {1, 3, 5}
    support = get_role("customer-support").competencies
    r = await client.post(
        "/api/bank/similar",
        json={
            "prompt": "A customer says they will cancel today unless we fix a double charge. What do you do?",
            "limit": 5,
            "competencies": list(support),
        },
    )
    assert all(x["question"]["competency"] in support for x in r.json())

    q = BANK["cs-angry-customer-call"]
    exemplars = [{"level": e.level, "text": e.text} for e in q.rubric.exemplars]
    levels = {str(lv.level): lv.descriptor for lv in q.rubric.levels}
    r = await client.post(
        "/api/exemplar-check", json={"prompt": q.prompt, "levels": levels, "exemplars": exemplars}
    )
    assert r.status_code == 200, r.text
    good = r.json()  # the shipped exemplars: 8 of the 10 pairs in order when last measured
    assert good["verdict"] in ("good", "fair") and good["ordered_pairs"] >= 0.7 * good["pairs"] == 7
    assert f"in the right order in {good['ordered_pairs']} of 10 comparisons" in good["sentence"]
    assert len(good["exemplars"]) == len(exemplars) and good["model_versions"]["encoder"]
    scores = {e["level"]: e["score"] for e in good["exemplars"]}
    assert scores[1] < scores[3] < scores[5]

    # Levels that do not follow the answers' content (a reversal would stay self-consistent):
    shuffled = {1: 3, 2: 5, 3: 1, 4: 4, 5: 2}
    mixed = [{"level": shuffled[e["level"]], "text": e["text"]} for e in exemplars]
    r = await client.post("/api/exemplar-check", json={"prompt": q.prompt, "exemplars": mixed})
    bad = r.json()
    assert bad["verdict"] == "weak", bad
    assert "cannot yet tell these levels apart" in bad["sentence"]
