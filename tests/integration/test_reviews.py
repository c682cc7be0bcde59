"""Reviewers confirm or override suggestions: queue, review page, decisions, concurrency, audit."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import select

from server.db.models import AuditEvent, Response, ResponseState, Review, ReviewStatus
from server.jobs.training import final_scores
from server.settings import Settings
from tests.support.live_server import free_port
from tests.support.reviews import add_ready_response, add_staff, open_db, set_review_settings
from tests.support.world import PASSWORD, World

pytestmark = pytest.mark.integration


async def as_user(client: Any, email: str) -> dict[str, str]:
    """Headers that act as ``email`` on this client, whoever else signs in on it afterwards."""
    await client.get("/api/auth/me")
    csrf = client.cookies.get("viva_csrf", "")
    r = await client.post(
        "/api/auth/login", json={"email": email, "password": PASSWORD}, headers={"x-csrf-token": csrf}
    )
    assert r.status_code == 200, r.text
    session = client.cookies.get("viva_session")
    return {"cookie": f"viva_session={session}; viva_csrf={csrf}", "x-csrf-token": csrf}


def _review(version: int, decision: str = "confirm", **body: Any) -> dict[str, Any]:
    return {"decision": decision, "expected_version": version, **body}


async def _audit(db_url: str, response_id: uuid.UUID) -> list[AuditEvent]:
    async with open_db(db_url) as db:
        return list(
            (
                await db.execute(
                    select(AuditEvent)
                    .where(AuditEvent.target_id == response_id)
                    .order_by(AuditEvent.created_at)
                )
            ).scalars()
        )


async def test_confirm_then_override_with_audit_and_training_contract(
    client: Any, world: World, db_url: str
) -> None:
    q = world.a.question_ids[1]
    rid = await add_ready_response(
        db_url,
        world.a.invitation_ids["Alice"],
        q,
        score=3.2,
        low=2.6,
        high=3.9,
        video=True,
        text="First I check the pipeline",
    )
    rev = await as_user(client, world.a.reviewer_email)
    page = (await client.get("/api/review/queue", headers=rev)).json()
    assert [i["id"] for i in page["items"]] == [str(rid)]
    assert page["counts"] == {"pending": 1, "partial": 0, "conflict": 0} and page["total"] == 1
    item = (await client.get(f"/api/review/responses/{rid}", headers=rev)).json()
    assert item["review_version"] == 0 and item["review_status"] == "pending"
    assert item["suggestion"]["rounded_level"] == 3 and item["suggestion"]["low"] == 2.6
    assert item["question"]["scale_max"] == 5 and len(item["question"]["levels"]) == 5
    assert item["video_url"].startswith(f"/api/responses/{rid}/media/video?expires=")  # signed
    assert item["transcript"]["segments"][0]["words"][0]["word"] == "First"
    assert item["proficiency"]["band"] == "B2" and item["can_review"] is True

    r = await client.post(f"/api/review/responses/{rid}/reviews", json=_review(0), headers=rev)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["review"]["score"] == 3 and body["review"]["decision"] == "confirm"
    assert body["review_status"] == "reviewed" and body["review_version"] == 1
    assert body["final_score"] == 3 and body["disagreement"]["agrees"] is True
    assert (await client.get("/api/review/queue", headers=rev)).json()["total"] == 0

    admin = await as_user(client, world.a.admin_email)
    r = await client.post(
        f"/api/review/responses/{rid}/reviews",
        headers=admin,
        json=_review(1, "override", score=4, reason_code="missed_key_point", comment="Mentions monitoring."),
    )
    assert r.status_code == 200, r.text
    assert r.json()["final_score"] == 4 and r.json()["disagreement"]["difference"] == 1
    item = (await client.get(f"/api/review/responses/{rid}", headers=rev)).json()
    assert [(x["decision"], x["score"]) for x in item["reviews"]] == [("confirm", 3), ("override", 4)]

    async with open_db(db_url) as db:  # the scorer learns from the latest (decisive) review
        finals = await final_scores(db, [rid])
        assert finals[rid].score == 4 and finals[rid].reason_code == "missed_key_point"
    events = await _audit(db_url, rid)
    assert [e.action for e in events] == ["review.confirm", "review.override"]
    override = events[1].data
    assert override["before"] == {"review_status": "reviewed", "review_version": 1, "final_score": 3}
    assert override["after"]["final_score"] == 4 and override["after"]["reason_code"] == "missed_key_point"
    assert override["suggestion"]["score"] == 3.2 and override["suggestion"]["low"] == 2.6
    assert override["suggestion"]["rounded_level"] == 3 and events[1].actor_id is not None


async def test_refusals_store_nothing(client: Any, world: World, db_url: str) -> None:
    q = world.a.question_ids[2]
    rid = await add_ready_response(
        db_url,
        world.a.invitation_ids["Alice"],
        q,
        abstained=True,
        abstain_reason="The answer is too short to compare.",
    )
    rev = await as_user(client, world.a.reviewer_email)
    item = (await client.get(f"/api/review/responses/{rid}", headers=rev)).json()
    assert item["suggestion"]["abstained"] is True and item["suggestion"]["rounded_level"] is None
    url = f"/api/review/responses/{rid}/reviews"
    r = await client.post(url, json=_review(0), headers=rev)
    assert r.status_code == 422 and "abstained" in r.json()["detail"]
    assert "too short" in r.json()["detail"]
    r = await client.post(url, json=_review(0, "override", score=2), headers=rev)
    assert r.status_code == 422 and r.json()["field"] == "reason_code"
    r = await client.post(url, json=_review(0, "override", score=2, reason_code="other"), headers=rev)
    assert r.status_code == 422 and r.json()["field"] == "comment"
    r = await client.post(url, json=_review(0, "override", score=6, reason_code="asr_error"), headers=rev)
    assert r.status_code == 422 and "from 1 to 5" in r.json()["detail"]
    r = await client.post(url, json=_review(0, "override", score=2, reason_code="guess"), headers=rev)
    assert r.status_code == 400
    async with open_db(db_url) as db:
        resp = await db.get(Response, rid)
        assert resp is not None and resp.review_version == 0
        assert resp.review_status is ReviewStatus.PENDING
        assert (await db.execute(select(Review))).first() is None
    r = await client.post(
        url, json=_review(0, "override", score=2, reason_code="partial_answer"), headers=rev
    )
    assert r.status_code == 200 and r.json()["disagreement"]["abstained"] is True


@pytest.fixture
def live_url(settings: Settings) -> Iterator[str]:
    """The real app served by uvicorn on a loopback port, in a thread with its own event loop
    (the in-process test client runs one request at a time, so it cannot race two)."""
    from server.app import create_app

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


async def _signed_in(base_url: str, email: str) -> httpx.AsyncClient:
    c = httpx.AsyncClient(base_url=base_url, timeout=30)
    await c.get("/api/auth/me")
    csrf = c.cookies["viva_csrf"]
    c.headers["x-csrf-token"] = csrf
    r = await c.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return c


async def test_concurrent_decisions_exactly_one_wins(
    client: Any, world: World, db_url: str, live_url: str
) -> None:
    names = ["Rita", "Sam", "Tess"]
    for name in names:
        await add_staff(db_url, world.a.id, f"{name.lower()}@alpha.test", name)
    rid = await add_ready_response(db_url, world.a.invitation_ids["Amir"], world.a.question_ids[1])
    emails = [world.a.reviewer_email] + [f"{n.lower()}@alpha.test" for n in names]
    clients = [await _signed_in(live_url, e) for e in emails]
    url = f"/api/review/responses/{rid}/reviews"
    try:
        bodies = [_review(0)] + [
            _review(0, "override", score=s, reason_code="missed_key_point") for s in (1, 2, 5)
        ]
        results = await asyncio.gather(*(c.post(url, json=b) for c, b in zip(clients, bodies, strict=True)))
        codes = sorted(r.status_code for r in results)
        assert codes == [200, 409, 409, 409], [r.text for r in results]
        winner = next(r for r in results if r.status_code == 200).json()
        who = winner["review"]["reviewer_name"]
        for loser in (r.json() for r in results if r.status_code == 409):
            assert loser["detail"].startswith(f"{who} reviewed this ") and "reload" in loser["detail"]
            assert loser["current_version"] == 1
        async with open_db(db_url) as db:
            reviews = list((await db.execute(select(Review).where(Review.response_id == rid))).scalars())
            assert len(reviews) == 1 and reviews[0].score == winner["review"]["score"]
            resp = await db.get(Response, rid)
            assert resp is not None and resp.review_version == 1
        # a stale version later on is refused the same way, naming who saved
        loser = next(c for c, r in zip(clients, results, strict=True) if r.status_code == 409)
        r = await loser.post(url, json=_review(0, "override", score=1, reason_code="other", comment="late"))
        assert r.status_code == 409 and r.json()["detail"].startswith(f"{who} reviewed this ")
    finally:
        for c in clients:
            await c.aclose()


async def test_reviewers_are_confined_to_their_organization(client: Any, world: World, db_url: str) -> None:
    rid = await add_ready_response(db_url, world.a.invitation_ids["Alice"], world.a.question_ids[1])
    bid = await add_ready_response(db_url, world.b.invitation_ids["Bob"], world.b.question_ids[1])
    beta = await as_user(client, world.b.reviewer_email)
    assert (await client.get(f"/api/review/responses/{rid}", headers=beta)).status_code == 404
    r = await client.post(f"/api/review/responses/{rid}/reviews", json=_review(0), headers=beta)
    assert r.status_code == 404
    r = await client.post(
        f"/api/review/responses/{rid}/resolve",
        headers=beta,
        json={"score": 3, "comment": "x", "expected_version": 0},
    )
    assert r.status_code == 404
    r = await client.get(
        "/api/review/queue", params={"assessment_id": str(world.a.assessment_id)}, headers=beta
    )
    assert r.status_code == 404
    assert [i["id"] for i in (await client.get("/api/review/queue", headers=beta)).json()["items"]] == [
        str(bid)
    ]
    r = await client.get(
        "/api/review/agreement", params={"assessment_id": str(world.a.assessment_id)}, headers=beta
    )
    assert r.status_code == 404
    cands = (await client.get("/api/review/candidates", headers=beta)).json()
    assert [c["candidate_name"] for c in cands["items"]] == ["Bob"]
    client.cookies.clear()
    assert (await client.get(f"/api/review/responses/{rid}")).status_code == 401  # no session


async def test_blind_review_hides_the_suggestion_until_i_score(
    client: Any, world: World, db_url: str
) -> None:
    await set_review_settings(db_url, world.a.assessment_id, blind_review=True)
    rid = await add_ready_response(
        db_url, world.a.invitation_ids["Alice"], world.a.question_ids[1], score=3.4, low=2.8, high=4.1
    )
    rev = await as_user(client, world.a.reviewer_email)
    queued = (await client.get("/api/review/queue", headers=rev)).json()["items"][0]
    assert queued["suggestion_withheld"] is True and queued["suggested_score"] is None
    item = (await client.get(f"/api/review/responses/{rid}", headers=rev)).json()
    assert item["blind_review"] is True and item["suggestion"] is None
    assert item["suggestion_withheld"] is True and "Blind review" in item["withheld_reason"]
    plain = (await client.get(f"/api/responses/{rid}", headers=rev)).json()  # no side door
    assert "suggestion" in plain, plain
    assert plain["suggestion"] is None and plain["suggestion_withheld"] is True
    url = f"/api/review/responses/{rid}/reviews"
    r = await client.post(url, json=_review(0), headers=rev)  # nothing seen, nothing to confirm
    assert r.status_code == 422 and r.json()["field"] == "score"
    r = await client.post(url, json=_review(0, "override", score=2), headers=rev)
    assert r.status_code == 200, r.text
    shown = r.json()["disagreement"]
    assert shown == {
        "my_score": 2,
        "suggested_score": 3.4,
        "suggested_level": 3,
        "low": 2.8,
        "high": 4.1,
        "abstained": False,
        "difference": -1,
        "agrees": False,
        "within_interval": False,
    }
    assert r.json()["review"]["decision"] == "override"
    item = (await client.get(f"/api/review/responses/{rid}", headers=rev)).json()
    assert item["suggestion_withheld"] is False and item["suggestion"]["score"] == 3.4
    plain = (await client.get(f"/api/responses/{rid}", headers=rev)).json()
    assert plain["suggestion_withheld"] is False and plain["suggestion"]["score"] == 3.4
    assert item["disagreement"]["difference"] == -1


async def test_two_independent_reviews_agree_conflict_and_resolve(
    client: Any, world: World, db_url: str
) -> None:
    await set_review_settings(db_url, world.a.assessment_id, reviews_per_response=2)
    await add_staff(db_url, world.a.id, "rita@alpha.test", "Rita")
    await add_staff(db_url, world.a.id, "sam@alpha.test", "Sam")
    inv = world.a.invitation_ids["Alice"]
    agree_id = await add_ready_response(db_url, inv, world.a.question_ids[1], score=3.0, submitted_ago_s=300)
    split_id = await add_ready_response(db_url, inv, world.a.question_ids[2], score=3.0, submitted_ago_s=200)
    rev = await as_user(client, world.a.reviewer_email)
    rita = await as_user(client, "rita@alpha.test")
    sam = await as_user(client, "sam@alpha.test")

    r = await client.post(f"/api/review/responses/{agree_id}/reviews", json=_review(0), headers=rev)
    assert r.status_code == 200 and r.json()["review_status"] == "partial"
    assert r.json()["final_score"] is None and r.json()["next_id"] == str(split_id)
    r = await client.post(f"/api/review/responses/{agree_id}/reviews", json=_review(1), headers=rev)
    assert r.status_code == 409 and "already reviewed" in r.json()["detail"]
    mine = (await client.get("/api/review/queue", headers=rev)).json()
    assert [i["id"] for i in mine["items"]] == [str(split_id)]  # never shown twice
    item = (await client.get(f"/api/review/responses/{agree_id}", headers=rita)).json()
    assert item["reviews"] == [] and item["reviews_hidden"] == 1 and item["can_review"] is True
    r = await client.post(f"/api/review/responses/{agree_id}/reviews", json=_review(1), headers=rita)
    assert r.status_code == 200
    assert r.json()["review_status"] == "reviewed" and r.json()["reviewers_agree"] is True
    assert r.json()["final_score"] == 3

    r = await client.post(
        f"/api/review/responses/{split_id}/reviews",
        headers=rev,
        json=_review(0, "override", score=2, reason_code="partial_answer"),
    )
    assert r.json()["review_status"] == "partial"
    r = await client.post(
        f"/api/review/responses/{split_id}/reviews",
        headers=rita,
        json=_review(1, "override", score=4, reason_code="exemplar_mismatch"),
    )
    assert r.json()["review_status"] == "conflict" and r.json()["reviewers_agree"] is False
    conflicts = (await client.get("/api/review/queue", params={"status": "conflict"}, headers=sam)).json()
    assert [i["id"] for i in conflicts["items"]] == [str(split_id)]
    assert conflicts["items"][0]["reviews_done"] == 2
    resolve = f"/api/review/responses/{split_id}/resolve"
    r = await client.post(resolve, json={"score": 3, "comment": "mine", "expected_version": 2}, headers=rev)
    assert r.status_code == 403
    r = await client.post(resolve, json={"score": 3, "comment": " ", "expected_version": 2}, headers=sam)
    assert r.status_code == 422
    r = await client.post(f"/api/review/responses/{split_id}/reviews", json=_review(2), headers=sam)
    assert r.status_code == 409 and "resolving" in r.json()["detail"]
    r = await client.post(
        resolve,
        headers=sam,
        json={"score": 3, "comment": "Covers drift but not label delay.", "expected_version": 2},
    )
    assert r.status_code == 200, r.text
    assert r.json()["review_status"] == "reviewed" and r.json()["final_score"] == 3
    admin = await as_user(client, world.a.admin_email)
    r = await client.post(
        resolve, json={"score": 4, "comment": "again", "expected_version": 3}, headers=admin
    )
    assert r.status_code == 409

    stats = (
        await client.get(
            "/api/review/agreement", params={"assessment_id": str(world.a.assessment_id)}, headers=admin
        )
    ).json()
    assert stats["reviewer_pairs"] == 2 and stats["exact_agreement"] == 0.5
    assert stats["adjacent_agreement"] == 0.5 and stats["conflicts_resolved"] == 1
    assert stats["conflicts_open"] == 0 and stats["ai_compared"] == 2
    assert stats["ai_exact_agreement"] == 1.0 and stats["override_reasons"] == {
        "partial_answer": 1,
        "exemplar_mismatch": 1,
    }
    events = await _audit(db_url, split_id)
    assert [e.action for e in events] == ["review.override", "review.override", "review.resolve"]
    assert events[2].data["before"]["scores"] == [2, 4] and events[2].data["after"]["final_score"] == 3
    async with open_db(db_url) as db:
        finals = await final_scores(db, [agree_id, split_id])
        assert {k: v.score for k, v in finals.items()} == {agree_id: 3, split_id: 3}


async def test_queue_filters_order_pagination_and_candidates(client: Any, world: World, db_url: str) -> None:
    qs = world.a.question_ids
    alice, amir = world.a.invitation_ids["Alice"], world.a.invitation_ids["Amir"]
    narrow = await add_ready_response(db_url, alice, qs[1], score=3.0, low=2.8, high=3.3, submitted_ago_s=500)
    wide = await add_ready_response(db_url, alice, qs[2], score=3.0, low=1.5, high=4.5, submitted_ago_s=400)
    absent = await add_ready_response(db_url, amir, qs[1], abstained=True, submitted_ago_s=300)
    wider = await add_ready_response(db_url, amir, qs[2], score=2.0, low=1.0, high=4.8, submitted_ago_s=200)
    await add_ready_response(db_url, amir, qs[3], state=ResponseState.SCORING)
    rev = await as_user(client, world.a.reviewer_email)

    async def ids(**params: Any) -> list[str]:
        r = await client.get("/api/review/queue", params=params, headers=rev)
        assert r.status_code == 200, r.text
        return [i["id"] for i in r.json()["items"]]

    assert await ids() == [str(narrow), str(wide), str(absent), str(wider)]  # oldest first
    assert await ids(order="uncertain") == [str(absent), str(wider), str(wide), str(narrow)]
    assert await ids(confidence="abstained") == [str(absent)]
    assert await ids(confidence="wide") == [str(wide), str(wider)]
    assert await ids(order="uncertain", limit=2, offset=1) == [str(wider), str(wide)]
    comp = (await client.get(f"/api/assessments/{world.a.assessment_id}", headers=rev)).json()
    key = next(q["competency"] for q in comp["questions"] if q["id"] == str(qs[1]))
    comp_id = next(c["id"] for d in comp["dimensions"] for c in d["competencies"] if c["key"] == key)
    assert await ids(competency_id=comp_id) == [str(narrow), str(absent)]
    item = (
        await client.get(f"/api/review/responses/{absent}", params={"order": "uncertain"}, headers=rev)
    ).json()
    assert item["next_id"] == str(wider)
    r = await client.get("/api/review/queue", params={"limit": 0}, headers=rev)
    assert r.status_code == 400

    await client.post(f"/api/review/responses/{narrow}/reviews", json=_review(0), headers=rev)
    page = (
        await client.get(
            "/api/review/candidates", params={"assessment_id": str(world.a.assessment_id)}, headers=rev
        )
    ).json()
    by_name = {c["candidate_name"]: c for c in page["items"]}
    assert page["total"] == 3 and by_name["Ada"]["responses"] == 0
    assert (by_name["Alice"]["reviewed"], by_name["Alice"]["pending"]) == (1, 1)
    assert (
        by_name["Amir"]["responses"],
        by_name["Amir"]["ready"],
        by_name["Amir"]["processing"],
        by_name["Amir"]["pending"],
    ) == (3, 2, 1, 2)
