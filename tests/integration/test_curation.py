"""Exemplar curation, AI-vs-reviewer agreement per question, and re-scoring pending answers."""

from __future__ import annotations

import asyncio
import copy
import time
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from server.db.models import AuditEvent, Exemplar, Response, ResponseState, Suggestion
from server.seed.ml_engineer import ML_ENGINEER_ASSESSMENT
from tests.integration.conftest import sign_in
from tests.support.reviews import add_ready_response, open_db
from tests.support.world import World

pytestmark = pytest.mark.integration


async def _invite(client: Any, assessment_id: Any, name: str) -> tuple[uuid.UUID, str]:
    r = await client.post(
        f"/api/assessments/{assessment_id}/invitations",
        json={"candidate_name": name, "candidate_email": f"{name.lower()}@example.com"},
    )
    assert r.status_code == 201, r.text
    return uuid.UUID(r.json()["id"]), r.json()["token"]


async def _review(client: Any, rid: uuid.UUID, score: int | None = None) -> None:
    body: dict[str, Any] = {"decision": "confirm", "expected_version": 0}
    if score is not None:
        body = {
            "decision": "override",
            "expected_version": 0,
            "score": score,
            "reason_code": "missed_key_point",
        }
    r = await client.post(f"/api/review/responses/{rid}/reviews", json=body)
    assert r.status_code == 200, r.text


async def _audit(db_url: str, action: str) -> list[AuditEvent]:
    async with open_db(db_url) as db:
        return list(
            (
                await db.execute(
                    select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.created_at)
                )
            ).scalars()
        )


async def test_exemplars_are_added_edited_and_retired_with_an_audit_trail(
    client: Any, world: World, login: Any, db_url: str
) -> None:
    q = world.a.question_ids[1]
    await login(world.a.reviewer_email)
    r = await client.post(f"/api/questions/{q}/exemplars", json={"level": 4, "text": "x"})
    assert r.status_code == 403
    await login(world.a.admin_email)
    before = (await client.get(f"/api/assessments/{world.a.assessment_id}")).json()["questions"][1]

    text = "I would add a canary release, compare its error rate with the baseline and roll back."
    r = await client.post(f"/api/questions/{q}/exemplars", json={"level": 4, "text": f"  {text} "})
    assert r.status_code == 201, r.text
    ex = r.json()
    assert (ex["level"], ex["text"], ex["retired"], ex["source_response_id"]) == (4, text, False, None)
    r = await client.post(f"/api/questions/{q}/exemplars", json={"level": 2, "text": text})
    assert r.status_code == 409 and "already an exemplar at level 4" in r.json()["detail"]
    r = await client.post(f"/api/questions/{q}/exemplars", json={"level": 6, "text": "y"})
    assert r.status_code == 400  # outside 1-5: the body itself is invalid

    r = await client.patch(f"/api/exemplars/{ex['id']}", json={"level": 3, "text": text + " Fast."})
    assert r.status_code == 200 and (r.json()["level"], r.json()["text"]) == (3, text + " Fast.")
    r = await client.post(f"/api/exemplars/{ex['id']}/retire")
    assert r.status_code == 200 and r.json()["retired"] is True
    assert (await client.post(f"/api/exemplars/{ex['id']}/retire")).json()["retired"] is True
    r = await client.patch(f"/api/exemplars/{ex['id']}", json={"level": 5})
    assert r.status_code == 409

    after = (await client.get(f"/api/assessments/{world.a.assessment_id}")).json()["questions"][1]
    stored = [e for e in after["rubric"]["exemplars"] if e["id"] == ex["id"]]
    assert stored and stored[0]["retired"] is True
    assert len(after["rubric"]["exemplars"]) == len(before["rubric"]["exemplars"]) + 1

    # the scorer's view leaves the retired exemplar out
    from server.db.models import Question
    from server.jobs.pipeline import rubric_of

    async with open_db(db_url) as db:
        question = await db.get(Question, q)
        assert question is not None
        texts = [t for lv in rubric_of(question).levels for t in lv.exemplars]
        assert text + " Fast." not in texts and len(texts) == len(before["rubric"]["exemplars"])

    (created,) = await _audit(db_url, "exemplar.create")
    assert created.data["after"]["level"] == 4 and created.actor_id is not None
    (updated,) = await _audit(db_url, "exemplar.update")
    assert updated.data["before"]["level"] == 4 and updated.data["after"]["level"] == 3
    assert len(await _audit(db_url, "exemplar.retire")) == 1  # retiring twice changes nothing

    # another organization cannot see or touch it
    await login(world.b.admin_email)
    assert (await client.post(f"/api/exemplars/{ex['id']}/retire")).status_code == 404
    assert (
        await client.post(f"/api/questions/{q}/exemplars", json={"level": 1, "text": "z"})
    ).status_code == 404


async def test_promotion_takes_reviewed_answers_only(
    client: Any, world: World, login: Any, db_url: str
) -> None:
    q = world.a.question_ids[1]
    text = "First I reproduce the drop offline, then I compare feature distributions week over week."
    rid = await add_ready_response(db_url, world.a.invitation_ids["Alice"], q, text=text, video=True)
    silent = await add_ready_response(
        db_url,
        world.a.invitation_ids["Amir"],
        q,
        text="",
        video=True,
        abstained=True,
        abstain_reason="No speech.",
    )
    async with open_db(db_url) as db:
        from server.db.models import Transcript

        t = (await db.execute(select(Transcript).where(Transcript.response_id == silent))).scalar_one()
        t.no_speech = True
        await db.commit()
    await login(world.a.admin_email)
    r = await client.post(f"/api/responses/{rid}/promote")
    assert r.status_code == 409 and "pending" in r.json()["detail"]

    await login(world.a.reviewer_email)
    await _review(client, rid, 4)
    await _review(client, silent, 1)
    await login(world.a.admin_email)
    r = await client.post(f"/api/responses/{silent}/promote")
    assert r.status_code == 422 and "no speech" in r.json()["detail"]
    r = await client.post(f"/api/responses/{rid}/promote")
    assert r.status_code == 201, r.text
    ex = r.json()
    assert (ex["level"], ex["text"], ex["source_response_id"]) == (4, text, str(rid))
    r = await client.post(f"/api/responses/{rid}/promote", json={"level": 5})
    assert r.status_code == 409 and "already an exemplar" in r.json()["detail"]
    # a chosen level wins over the final score once the first one is retired
    await client.post(f"/api/exemplars/{ex['id']}/retire")
    r = await client.post(f"/api/responses/{rid}/promote", json={"level": 5})
    assert r.status_code == 201 and r.json()["level"] == 5
    events = await _audit(db_url, "exemplar.promote")
    assert [e.data["response_id"] for e in events] == [str(rid), str(rid)]
    async with open_db(db_url) as db:
        rows = list((await db.execute(select(Exemplar).where(Exemplar.source_response_id == rid))).scalars())
        assert sorted(e.level for e in rows) == [4, 5]


async def test_agreement_per_question_matches_a_hand_count(
    client: Any, world: World, login: Any, db_url: str
) -> None:
    q = world.a.question_ids[3]
    await login(world.a.admin_email)
    # (AI level, score, interval) -> human score
    cases = [
        ((3, 3.0, 2.5, 3.5), None),
        ((4, 4.0, 3.5, 4.5), None),
        ((2, 2.0, 1.5, 2.5), 3),
        ((5, 4.8, 4.0, 5.0), 3),
        ((3, 3.2, 2.5, 4.0), 4),
    ]
    ids = []
    for n, ((level, score, low, high), _) in enumerate(cases):
        inv, _ = await _invite(client, world.a.assessment_id, f"Cand{n}")
        ids.append(
            await add_ready_response(db_url, inv, q, score=score, low=low, high=high, rounded_level=level)
        )
    inv, _ = await _invite(client, world.a.assessment_id, "Quiet")
    abstained = await add_ready_response(
        db_url, inv, q, abstained=True, abstain_reason="The answer is too short to compare."
    )
    inv, _ = await _invite(client, world.a.assessment_id, "Waiting")
    await add_ready_response(db_url, inv, q, score=1.0, rounded_level=1)  # not reviewed: left out

    empty = (await client.get(f"/api/questions/{q}/agreement")).json()["metrics"]
    assert empty["n"] == 0 and empty["qwk"] is None and empty["abstain_rate"] is None

    await login(world.a.reviewer_email)
    for rid, (_, human) in zip(ids, cases, strict=True):
        await _review(client, rid, human)
    await _review(client, abstained, 2)
    r = await client.get(f"/api/questions/{q}/agreement")
    assert r.status_code == 200, r.text
    m = r.json()["metrics"]
    # pairs (human, AI): (3,3) (4,4) (3,2) (3,5) (4,3); one abstention
    assert (m["n"], m["n_scored"]) == (6, 5) and m["abstain_rate"] == pytest.approx(1 / 6)
    assert m["exact_agreement"] == pytest.approx(2 / 5)
    assert m["adjacent_agreement"] == pytest.approx(4 / 5)
    # QWK: observed weighted disagreement (1 + 4 + 1) / 16 / 5 = 0.075; expected from the
    # marginals (human 3:3, 4:2; AI 2:1, 3:2, 4:1, 5:1) 32 / 25 / 16 = 0.08 -> 1 - 0.075/0.08
    assert m["qwk"] == pytest.approx(0.0625)
    # Each review recalibrates the suggestions not yet reviewed (the shipped prior while the
    # organization has few reviews), so coverage and width are counted on the intervals stored
    # when the reviewer decided, read back from the database.
    async with open_db(db_url) as db:
        stored = {
            s.response_id: (s.interval_low, s.interval_high)
            for s in (
                await db.execute(
                    select(Suggestion).where(Suggestion.response_id.in_(ids), Suggestion.is_current)
                )
            ).scalars()
        }
    humans = [3.0, 4.0, 3.0, 3.0, 4.0]  # confirmations keep the AI level (3, 4); overrides as given
    spans = [stored[rid] for rid in ids]
    assert all(lo is not None and hi is not None for lo, hi in spans)
    covered = [lo <= h <= hi for (lo, hi), h in zip(spans, humans, strict=True)]  # type: ignore[operator]
    assert m["coverage"] == pytest.approx(sum(covered) / 5)
    assert m["mean_interval_width"] == pytest.approx(sum(hi - lo for lo, hi in spans) / 5)  # type: ignore[operator]
    assert m["rmse"] == pytest.approx((4.88 / 5) ** 0.5)
    assert m["labels"] == [1, 2, 3, 4, 5]
    assert m["confusion"] == [
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 1, 1, 0, 1],
        [0, 0, 1, 1, 0],
        [0, 0, 0, 0, 0],
    ]
    assert m["abstain_reasons"] == {"unspecified": 1}
    # The dashboard's context: where the question sits, its levels and exemplars.
    ctx = r.json()["question"]
    assert ctx["assessment_id"] == str(world.a.assessment_id)
    assert (ctx["scale_min"], ctx["scale_max"]) == (1, 5) and set(ctx["levels"]) == {"1", "2", "3", "4", "5"}
    assert ctx["exemplars"] and all(not e["retired"] for e in ctx["exemplars"])
    assert [e["level"] for e in ctx["exemplars"]] == sorted(e["level"] for e in ctx["exemplars"])

    await login(world.b.admin_email)
    assert (await client.get(f"/api/questions/{q}/agreement")).status_code == 404


async def test_rescore_refuses_to_touch_reviewed_or_unfinished_answers(
    client: Any, world: World, login: Any, db_url: str
) -> None:
    q = world.a.question_ids[2]
    reviewed = await add_ready_response(db_url, world.a.invitation_ids["Alice"], q)
    failed = await add_ready_response(db_url, world.a.invitation_ids["Amir"], q, state=ResponseState.FAILED)
    await login(world.a.reviewer_email)
    await _review(client, reviewed)
    assert (await client.post(f"/api/questions/{q}/rescore")).status_code == 403
    await login(world.a.admin_email)
    r = await client.get(f"/api/assessments/{world.a.assessment_id}/rescore-status")
    assert r.status_code == 404
    r = await client.post(f"/api/questions/{q}/rescore")
    assert r.status_code == 200, r.text
    run = r.json()
    assert (run["queued"], run["skipped_reviewed"], run["skipped_not_ready"]) == (0, 1, 1)
    status = (await client.get(f"/api/assessments/{world.a.assessment_id}/rescore-status")).json()
    assert status["run_id"] == run["run_id"] and status["total"] == 0 and status["done"] is True
    async with open_db(db_url) as db:
        for rid, state in ((reviewed, ResponseState.READY), (failed, ResponseState.FAILED)):
            resp = await db.get(Response, rid)
            assert resp is not None and resp.state is state
    assert len(await _audit(db_url, "assessment.rescore")) == 1


# -- with the real scorer ---------------------------------------------------------------------
OWNERSHIP_Q = "Tell us about a time you took ownership of a problem nobody else was handling."
LEVELS = [
    "Waits for others; no ownership.",
    "Reports the problem but leaves it.",
    "Works around it for a while, then involves the team.",
    "Fixes the problem and tells others.",
    "Takes it on end to end: finds root causes, fixes them, prevents recurrence, measures.",
]
EXEMPLARS = {
    1: "I don't really do that. If something is not my job I leave it to whoever is responsible.",
    2: "I once noticed a broken dashboard, mentioned it to my manager and someone else fixed it.",
    3: "Our nightly job failed a lot, so I restarted it each morning and later asked the team to "
    "look at it together.",
}
STRONG = (
    "Nobody owned our flaky feature pipeline, so I took it on. For two weeks I wrote down "
    "every failure, then fixed the three causes behind most of them, added alerts and a "
    "runbook, and trained the on-call rotation. Failures went from weekly to once a quarter."
)
PARAPHRASE = (
    "No one was responsible for our unreliable feature pipeline, so I owned it myself. I "
    "logged each failure for two weeks, fixed the three root causes behind most of them, "
    "set up alerting and wrote a runbook, and trained the people on call. Failures dropped "
    "from every week to once per quarter."
)


async def _wait_ready(client: Any, rid: Any, timeout: float = 240) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = (await client.get(f"/api/responses/{rid}")).json()
        if body.get("state") in {"ready", "failed"}:
            assert body["state"] == "ready", body.get("state_reason")
            return body
        assert time.monotonic() < deadline, f"response {rid} stuck in {body.get('state')}"
        await asyncio.sleep(0.25)


async def _ownership_assessment(client: Any) -> dict[str, Any]:
    body = copy.deepcopy(ML_ENGINEER_ASSESSMENT)
    body["title"] = "Ownership check"
    body["questions"] = [
        {
            "prompt": OWNERSHIP_Q,
            "kind": "written",
            "competency": "ownership",
            "rubric": {
                "levels": [{"level": i + 1, "descriptor": d} for i, d in enumerate(LEVELS)],
                "exemplars": [{"level": lv, "text": t} for lv, t in EXEMPLARS.items()],
            },
        }
    ]
    r = await client.post("/api/assessments", json=body)
    assert r.status_code == 201, r.text
    made: dict[str, Any] = r.json()
    return made


async def _answer(client: Any, token: str, question_id: str, text: str) -> str:
    r = await client.post(f"/api/candidate/{token}/consent", json={"accept": True})
    assert r.status_code == 200, r.text
    r = await client.put(
        f"/api/candidate/{token}/written/{question_id}",
        json={"take_id": str(uuid.uuid4()), "text": text, "submit": True},
    )
    assert r.status_code == 200, r.text
    return str(r.json()["id"])


@pytest.mark.slow
async def test_promoting_an_answer_changes_later_suggestions(client: Any, world: World, db_url: str) -> None:
    await sign_in(client, world.a.admin_email)
    made = await _ownership_assessment(client)
    qid = made["questions"][0]["id"]
    model_inv, _ = await _invite(client, made["id"], "Model")
    _, before_token = await _invite(client, made["id"], "Before")
    _, after_token = await _invite(client, made["id"], "After")
    strong = await add_ready_response(
        db_url, model_inv, uuid.UUID(qid), text=STRONG, score=3.0, rounded_level=3
    )
    await sign_in(client, world.a.reviewer_email)
    await _review(client, strong, 5)

    rid = await _answer(client, before_token, qid, PARAPHRASE)
    before = (await _wait_ready(client, rid))["suggestion"]
    assert before["abstained"] is False, before

    await sign_in(client, world.a.admin_email)
    r = await client.post(f"/api/responses/{strong}/promote")
    assert r.status_code == 201 and r.json()["level"] == 5

    rid2 = await _answer(client, after_token, qid, PARAPHRASE)
    after = (await _wait_ready(client, rid2))["suggestion"]
    assert after["abstained"] is False
    assert after["score"] > before["score"] + 0.2, (before["score"], after["score"])

    # the before/after view re-scores the reviewed answer leave-one-out, storing nothing
    r = await client.post(f"/api/questions/{qid}/agreement/preview")
    assert r.status_code == 200, r.text
    preview = r.json()
    assert preview["before"]["n"] == 1 and preview["after"]["n"] == 1
    assert preview["answers"][0]["response_id"] == str(strong) and preview["answers"][0]["human"] == 5
    assert preview["model_versions"]["encoder"]
    async with open_db(db_url) as db:
        current = list(
            (await db.execute(select(Suggestion).where(Suggestion.response_id == strong))).scalars()
        )
        assert len(current) == 1 and current[0].score == 3.0
    assert preview["before_basis"] == "stored" and preview["draft"] is False

    # A draft is scored before it is saved: a paraphrase of the strong answer as a level-1
    # exemplar pulls its suggestion down; "before" is the current exemplars, scored the same way.
    r = await client.post(
        f"/api/questions/{qid}/agreement/preview", json={"add": [{"level": 1, "text": PARAPHRASE}]}
    )
    assert r.status_code == 200, r.text
    drafted = r.json()
    assert drafted["before_basis"] == "current_exemplars" and drafted["draft"] is True
    change = drafted["answers"][0]
    assert change["before_score"] == pytest.approx(preview["answers"][0]["after_score"])
    assert change["after_score"] < change["before_score"] - 0.5, change
    ctx = (await client.get(f"/api/questions/{qid}/agreement")).json()["question"]
    assert PARAPHRASE not in [e["text"] for e in ctx["exemplars"]]  # nothing was saved
    # Retiring in the draft something that is not an active exemplar here is refused.
    r = await client.post(f"/api/questions/{qid}/agreement/preview", json={"retire": [str(uuid.uuid4())]})
    assert r.status_code == 422 and "not an active exemplar" in r.json()["detail"], r.text


@pytest.mark.slow
async def test_rescore_brings_pending_answers_back_ready_and_leaves_reviewed_ones(
    client: Any, world: World, db_url: str
) -> None:
    await sign_in(client, world.a.admin_email)
    made = await _ownership_assessment(client)
    qid = uuid.UUID(made["questions"][0]["id"])
    invs = [(await _invite(client, made["id"], n))[0] for n in ("Rev", "Pend")]
    reviewed = await add_ready_response(db_url, invs[0], qid, text=STRONG, score=3.0)
    pending = await add_ready_response(db_url, invs[1], qid, text=PARAPHRASE, score=1.0)
    await sign_in(client, world.a.reviewer_email)
    await _review(client, reviewed, 5)
    await sign_in(client, world.a.admin_email)

    r = await client.post(f"/api/assessments/{made['id']}/rescore")
    assert r.status_code == 200, r.text
    run = r.json()
    assert run["response_ids"] == [str(pending)] and run["skipped_reviewed"] == 1
    body = await _wait_ready(client, pending)
    assert body["suggestion"]["score"] != 1.0 and body["suggestion"]["model_versions"]["encoder"]
    deadline = time.monotonic() + 60
    while not (status := (await client.get(f"/api/assessments/{made['id']}/rescore-status")).json())["done"]:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.25)
    assert status["states"] == {"ready": 1} and status["total"] == 1
    async with open_db(db_url) as db:
        rows = list(
            (await db.execute(select(Suggestion).where(Suggestion.response_id == reviewed))).scalars()
        )
        assert [(s.score, s.is_current) for s in rows] == [(3.0, True)]
        olds = list(
            (
                await db.execute(
                    select(Suggestion).where(
                        Suggestion.response_id == pending, Suggestion.is_current.is_(False)
                    )
                )
            ).scalars()
        )
        assert [s.score for s in olds] == [1.0]
