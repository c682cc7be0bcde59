"""The queue's "uncertain first" key on the answer (``responses.uncertainty``), kept by triggers on
``suggestions`` through every way a suggestion changes, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import delete, select, update

from server.db import counters
from server.db.models import UNSCORED, Response, ResponseState, Suggestion
from server.jobs.recalibration import recalibrate
from tests.integration.test_reviews import as_user
from tests.support.reviews import add_ready_response, add_suggestion, open_db
from tests.support.world import World

pytestmark = pytest.mark.integration


async def _uncertainty(url: str, *ids: uuid.UUID) -> list[float]:
    async with open_db(url) as db:
        got = dict(
            (await db.execute(select(Response.id, Response.uncertainty).where(Response.id.in_(ids)))).all()
        )
    return [round(got[i], 6) for i in ids]


async def _widths(url: str, *ids: uuid.UUID) -> list[float]:
    """The interval width of each answer's current suggestion, as stored."""
    async with open_db(url) as db:
        got = dict(
            (
                await db.execute(
                    select(Suggestion.response_id, Suggestion.interval_high - Suggestion.interval_low).where(
                        Suggestion.response_id.in_(ids), Suggestion.is_current.is_(True)
                    )
                )
            ).all()
        )
    return [round(got[i], 6) for i in ids]


async def test_uncertainty_follows_the_current_suggestion(client: Any, world: World, db_url: str) -> None:
    qs = world.a.question_ids
    alice, amir = world.a.invitation_ids["Alice"], world.a.invitation_ids["Amir"]
    narrow = await add_ready_response(db_url, alice, qs[1], low=2.8, high=3.3, submitted_ago_s=500)
    wide = await add_ready_response(db_url, alice, qs[2], low=1.5, high=4.5, submitted_ago_s=400)
    absent = await add_ready_response(db_url, amir, qs[1], abstained=True, submitted_ago_s=300)
    unscored = await add_ready_response(db_url, amir, qs[2], state=ResponseState.SCORING, submitted_ago_s=200)
    unset = UNSCORED
    assert await _uncertainty(db_url, narrow, wide, absent, unscored) == [0.5, 3.0, unset, unset]
    rev = await as_user(client, world.a.reviewer_email)

    async def uncertain_first() -> list[str]:
        r = await client.get("/api/review/queue", params={"order": "uncertain"}, headers=rev)
        assert r.status_code == 200, r.text
        return [i["id"] for i in r.json()["items"]]

    assert await uncertain_first() == [str(absent), str(wide), str(narrow)]

    async with open_db(db_url) as db:
        # re-scored as the pipeline does it: the old suggestion stops being current, a new one comes
        await add_suggestion(db, narrow, 1.0, 5.0, score=3.0, spread=0.05)
        # the pipeline finishes the unscored answer with a narrow interval
        await add_suggestion(db, unscored, 1.8, 2.2, score=2.0, spread=1.5)
        await db.execute(update(Response).where(Response.id == unscored).values(state=ResponseState.READY))
        await db.commit()
    assert await _uncertainty(db_url, narrow, unscored) == [4.0, 0.4]
    assert await uncertain_first() == [str(absent), str(narrow), str(wide), str(unscored)]

    # a review elsewhere changed the calibration: the recalibration job gives every waiting
    # suggestion of the organization its new interval from its score and spread (the shipped
    # prior's, with no reviews yet): the re-scored answer's whole-scale interval narrows, the
    # uncertain model's (spread 1.5) widens past the others
    async with open_db(db_url) as db:
        assert await recalibrate(db, world.a.id) == 3
        await db.commit()
    widths = await _widths(db_url, narrow, wide, unscored)
    assert widths[0] < 4.0 and widths[2] > 0.4 and widths[2] > max(widths[:2]), widths
    assert await _uncertainty(db_url, narrow, wide, unscored) == widths
    assert await uncertain_first() == [str(absent), str(unscored), str(narrow), str(wide)]

    async with open_db(db_url) as db:
        await db.execute(delete(Suggestion).where(Suggestion.response_id == wide))
        await db.commit()
    assert await _uncertainty(db_url, wide) == [UNSCORED]
    assert (await uncertain_first())[:2] == [str(wide), str(absent)]  # both unscored: oldest first

    # a hand-edited key is put right by `viva db recount`
    async with open_db(db_url) as db:
        await db.execute(update(Response).where(Response.id == narrow).values(uncertainty=99.0))
        await db.commit()
    async with open_db(db_url) as db:
        await counters.recount(db)
        await db.commit()
    assert await _uncertainty(db_url, narrow) == widths[:1]
