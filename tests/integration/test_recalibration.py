"""Stored suggestions follow the calibration: prior from day one, replaced by reviews, idempotent."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest
from sqlalchemy import select

from server.db.models import (
    Attempt,
    QuestionKind,
    Response,
    ResponseState,
    Review,
    ReviewDecision,
    ReviewStatus,
    Suggestion,
    User,
)
from server.jobs.recalibration import recalibrate
from tests.support.reviews import add_ready_response, open_db, stored_evidence
from tests.support.world import PASSWORD, World

pytestmark = pytest.mark.integration

EVIDENCE = stored_evidence(
    n_exemplars=3, interval_method="full-scale", rounded_level=3, exemplar_kind="graded"
)


async def _pending(db_url: str, inv: uuid.UUID, question: uuid.UUID) -> uuid.UUID:
    """A pending answer whose suggestion was stored with the whole scale (no calibration yet)."""
    rid = await add_ready_response(db_url, inv, question, score=3.0, low=1.0, high=5.0)
    async with open_db(db_url) as db:
        s = (await db.execute(select(Suggestion).where(Suggestion.response_id == rid))).scalar_one()
        s.evidence = msgspec.structs.replace(s.evidence, exemplar_kind="graded", interval_method="full-scale")
        await db.commit()
    return rid


async def _reviewed(
    db_url: str,
    inv: uuid.UUID,
    question: uuid.UUID,
    reviewer: str,
    n: int,
    *,
    suggested: float,
    human: int,
    first_take: int,
) -> None:
    """``n`` past takes, reviewed: the suggestion said ``suggested``, a person said ``human``."""
    async with open_db(db_url) as db:
        attempt = (await db.execute(select(Attempt).where(Attempt.invitation_id == inv))).scalar_one_or_none()
        if attempt is None:
            attempt = Attempt(invitation_id=inv, consented_at=datetime.now(UTC), consent_version="test")
            db.add(attempt)
            await db.flush()
        user = (await db.execute(select(User).where(User.email == reviewer))).scalar_one()
        for i in range(n):
            r = Response(
                attempt_id=attempt.id,
                question_id=question,
                take_id=uuid.uuid4(),
                take=first_take + i,
                is_current=False,
                kind=QuestionKind.WRITTEN,
                text=f"an old answer {i}",
                state=ResponseState.READY,
                submitted_at=datetime.now(UTC),
                review_status=ReviewStatus.REVIEWED,
            )
            db.add(r)
            await db.flush()
            s = Suggestion(
                response_id=r.id,
                score=suggested,
                interval_low=1.0,
                interval_high=5.0,
                level=0.8,
                abstained=False,
                evidence=EVIDENCE,
            )
            db.add(s)
            await db.flush()
            db.add(
                Review(
                    response_id=r.id,
                    reviewer_id=user.id,
                    suggestion_id=s.id,
                    score=human,
                    decision=ReviewDecision.OVERRIDE,
                )
            )
        await db.commit()


async def _interval(db_url: str, rid: uuid.UUID) -> tuple[float | None, float | None, str]:
    async with open_db(db_url) as db:
        s = (
            await db.execute(
                select(Suggestion).where(Suggestion.response_id == rid, Suggestion.is_current.is_(True))
            )
        ).scalar_one()
        return s.interval_low, s.interval_high, s.evidence.interval_method


async def _recalibrate(db_url: str, org: uuid.UUID) -> int:
    async with open_db(db_url) as db:
        changed = await recalibrate(db, org)
        await db.commit()
        return changed


async def test_prior_then_reviews_then_nothing_new(world: World, db_url: str) -> None:
    q = world.a.question_ids[1]
    rid = await _pending(db_url, world.a.invitation_ids["Alice"], q)
    other = await _pending(db_url, world.b.invitation_ids["Bob"], world.b.question_ids[1])

    # day one: no reviews, the shipped prior narrows the whole scale
    assert await _recalibrate(db_url, world.a.id) == 1
    low, high, method = await _interval(db_url, rid)
    assert method == "prior:regime:exemplars:graded"
    assert low is not None and high is not None and high - low < 4.0
    assert await _recalibrate(db_url, world.a.id) == 0  # idempotent
    assert await _interval(db_url, rid) == (low, high, method)

    # 25 reviews in this regime, all two levels off: the organization's own quantile takes over
    await _reviewed(
        db_url,
        world.a.invitation_ids["Amir"],
        q,
        world.a.reviewer_email,
        25,
        suggested=3.0,
        human=5,
        first_take=10,
    )
    assert await _recalibrate(db_url, world.a.id) == 1
    low2, high2, method2 = await _interval(db_url, rid)
    assert method2 == "mondrian:regime:exemplars"
    assert (low2, high2) == (1.0, 5.0)  # errors of 2 levels at spread 0.5 cover the scale
    assert await _recalibrate(db_url, world.a.id) == 0
    assert await _interval(db_url, rid) == (low2, high2, method2)

    # another organization's suggestions are never touched by alpha's calibration
    assert await _interval(db_url, other) == (1.0, 5.0, "full-scale")


async def test_a_confirmed_review_moves_waiting_intervals_by_itself(
    client: Any, world: World, db_url: str
) -> None:
    q = world.a.question_ids[1]
    waiting = await _pending(db_url, world.a.invitation_ids["Alice"], q)
    decided = await add_ready_response(
        db_url, world.a.invitation_ids["Amir"], q, score=3.0, low=1.0, high=5.0
    )
    # 19 earlier reviews: one more makes 20, enough for the organization's regime quantile
    await _reviewed(
        db_url,
        world.a.invitation_ids["Amir"],
        q,
        world.a.reviewer_email,
        19,
        suggested=3.0,
        human=5,
        first_take=10,
    )
    await client.get("/api/auth/me")
    r = await client.post(
        "/api/auth/login",
        json={"email": world.a.reviewer_email, "password": PASSWORD},
        headers={"x-csrf-token": client.cookies.get("viva_csrf", "")},
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        f"/api/review/responses/{decided}/reviews", json={"decision": "confirm", "expected_version": 0}
    )
    assert r.status_code == 200, r.text
    assert r.json()["review_status"] == "reviewed"

    deadline = time.monotonic() + 30
    while (await _interval(db_url, waiting))[2] != "mondrian:regime:exemplars":
        assert time.monotonic() < deadline, await _interval(db_url, waiting)
        await asyncio.sleep(0.1)
    # the job left nothing for a second run
    assert await _recalibrate(db_url, world.a.id) == 0
