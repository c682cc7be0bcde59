"""The queue's "uncertain first" key on the answer (``responses.uncertainty``), kept by triggers on
``suggestions`` through every way a suggestion changes, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import delete, insert, select, update

from server.db import counters
from server.db.models import Response, ResponseState, Suggestion
from tests.integration.test_reviews import as_user
from tests.support.reviews import add_ready_response, open_db, stored_evidence
from tests.support.world import World

pytestmark = pytest.mark.integration


async def _uncertainty(url: str, *ids: uuid.UUID) -> list[float]:
    async with open_db(url) as db:
        got = dict(
            (await db.execute(select(Response.id, Response.uncertainty).where(Response.id.in_(ids)))).all()
        )
    return [round(got[i], 6) for i in ids]


async def test_uncertainty_follows_the_current_suggestion(client: Any, world: World, db_url: str) -> None:
    qs = world.a.question_ids
    alice, amir = world.a.invitation_ids["Alice"], world.a.invitation_ids["Amir"]
    narrow = await add_ready_response(db_url, alice, qs[1], low=2.8, high=3.3, submitted_ago_s=500)
    wide = await add_ready_response(db_url, alice, qs[2], low=1.5, high=4.5, submitted_ago_s=400)
    absent = await add_ready_response(db_url, amir, qs[1], abstained=True, submitted_ago_s=300)
    unscored = await add_ready_response(db_url, amir, qs[2], state=ResponseState.SCORING, submitted_ago_s=200)
    unset = counters.UNSCORED
    assert await _uncertainty(db_url, narrow, wide, absent, unscored) == [0.5, 3.0, unset, unset]
    rev = await as_user(client, world.a.reviewer_email)

    async def uncertain_first() -> list[str]:
        r = await client.get("/api/review/queue", params={"order": "uncertain"}, headers=rev)
        assert r.status_code == 200, r.text
        return [i["id"] for i in r.json()["items"]]

    assert await uncertain_first() == [str(absent), str(wide), str(narrow)]

    async with open_db(db_url) as db:
        # re-scored as the pipeline does it: the old suggestion stops being current, a new one comes
        await db.execute(update(Suggestion).where(Suggestion.response_id == narrow).values(is_current=False))
        await db.execute(
            insert(Suggestion).values(
                response_id=narrow,
                is_current=True,
                score=3.0,
                interval_low=1.0,
                interval_high=5.0,
                level=0.8,
                evidence=stored_evidence(),
            )
        )
        # the pipeline finishes the unscored answer with a narrow interval
        db.add(
            Suggestion(
                response_id=unscored,
                score=2.0,
                interval_low=1.8,
                interval_high=2.2,
                level=0.8,
                evidence=stored_evidence(),
            )
        )
        await db.execute(update(Response).where(Response.id == unscored).values(state=ResponseState.READY))
        await db.commit()
    assert await _uncertainty(db_url, narrow, unscored) == [4.0, 0.4]
    assert await uncertain_first() == [str(absent), str(narrow), str(wide), str(unscored)]

    async with open_db(db_url) as db:
        # a recalibration narrows every interval of the organization in one statement
        await db.execute(
            update(Suggestion)
            .where(Suggestion.response_id.in_([narrow, wide]), Suggestion.is_current.is_(True))
            .values(interval_low=Suggestion.score - 0.25, interval_high=Suggestion.score + 0.25)
        )
        await db.commit()
    assert await _uncertainty(db_url, narrow, wide) == [0.5, 0.5]

    async with open_db(db_url) as db:
        await db.execute(delete(Suggestion).where(Suggestion.response_id == wide))
        await db.commit()
    assert await _uncertainty(db_url, wide) == [counters.UNSCORED]
    assert (await uncertain_first())[:2] == [str(wide), str(absent)]  # both unscored: oldest first

    # a hand-edited key is put right by `viva db recount`
    async with open_db(db_url) as db:
        await db.execute(update(Response).where(Response.id == narrow).values(uncertainty=99.0))
        await db.commit()
    async with open_db(db_url) as db:
        await counters.recount(db)
        await db.commit()
    assert await _uncertainty(db_url, narrow) == [0.5]
