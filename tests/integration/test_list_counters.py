"""The polled lists (review queue, candidate list): ETags that change with what they show (304
while nothing did), and totals from trigger-kept counters that stay exact through every write."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import delete, text, update

from server.db import counters
from server.db.models import Attempt, Invitation, InvitationStatus, Response, ResponseState
from tests.integration.test_reviews import as_user
from tests.support.reviews import add_ready_response, open_db
from tests.support.world import World

pytestmark = pytest.mark.integration

QUEUE, CANDIDATES = "/api/review/queue", "/api/review/candidates"


async def _get(
    client: Any, path: str, headers: dict[str, str], etag: str | None = None, **params: Any
) -> Any:
    extra = {"If-None-Match": etag} if etag else {}
    return await client.get(path, params=params, headers={**headers, **extra})


async def _still(client: Any, path: str, headers: dict[str, str], etag: str, **params: Any) -> None:
    r = await _get(client, path, headers, etag, **params)
    assert r.status_code == 304, r.text
    assert r.content == b"" and r.headers["etag"] in etag


async def _changed(client: Any, path: str, headers: dict[str, str], etag: str, **params: Any) -> str:
    r = await _get(client, path, headers, etag, **params)
    assert r.status_code == 200, r.text
    assert r.headers["etag"] != etag
    return str(r.headers["etag"])


async def test_polled_lists_answer_304_until_an_answer_a_review_or_a_decision_changes_them(
    client: Any, world: World, db_url: str
) -> None:
    qs, alice = world.a.question_ids, world.a.invitation_ids["Alice"]
    first = await add_ready_response(db_url, alice, qs[1])
    rev = await as_user(client, world.a.reviewer_email)
    admin = await as_user(client, world.a.admin_email)

    r = await _get(client, QUEUE, rev)
    assert r.status_code == 200 and r.json()["total"] == 1
    q_tag = r.headers["etag"]
    c_tag = (await _get(client, CANDIDATES, admin)).headers["etag"]
    await _still(client, QUEUE, rev, q_tag)
    await _still(client, QUEUE, rev, f'W/{q_tag}, "other"')  # weak and list forms (RFC 9110)
    await _still(client, CANDIDATES, admin, c_tag)
    # another query, another person: another tag
    assert (await _get(client, QUEUE, rev, q_tag, order="newest")).status_code == 200
    assert (await _get(client, QUEUE, admin, q_tag)).status_code == 200

    # a change in another organization leaves these lists alone
    await add_ready_response(db_url, world.b.invitation_ids["Bob"], world.b.question_ids[1])
    await _still(client, QUEUE, rev, q_tag)

    # a new answer
    second = await add_ready_response(db_url, alice, qs[2])
    q_tag = await _changed(client, QUEUE, rev, q_tag)
    c_tag = await _changed(client, CANDIDATES, admin, c_tag)
    await _still(client, QUEUE, rev, q_tag)

    # a review (through the API)
    r = await client.post(
        f"/api/review/responses/{first}/reviews",
        json={"decision": "confirm", "expected_version": 0},
        headers=rev,
    )
    assert r.status_code == 200, r.text
    q_tag = await _changed(client, QUEUE, rev, q_tag)
    assert [i["id"] for i in (await _get(client, QUEUE, rev)).json()["items"]] == [str(second)]

    # a decision on the candidate (once Alice completed: that changes the list too)
    async with open_db(db_url) as db:
        await db.execute(
            update(Invitation).where(Invitation.id == alice).values(status=InvitationStatus.COMPLETED)
        )
        await db.execute(
            update(Attempt).where(Attempt.invitation_id == alice).values(completed_at=datetime.now(UTC))
        )
        await db.commit()
    c_tag = await _changed(client, CANDIDATES, admin, c_tag)
    r = await client.post(
        f"/api/invitations/{alice}/decision",
        json={"decision": "on_hold", "reason": "borderline"},
        headers=admin,
    )
    assert r.status_code == 200, r.text
    c_tag = await _changed(client, CANDIDATES, admin, c_tag)
    await _still(client, CANDIDATES, admin, c_tag)

    # a write the app did not make (a bulk UPDATE by hand) is seen too: triggers keep the stamp
    async with open_db(db_url) as db:
        await db.execute(update(Response).where(Response.id == second).values(state=ResponseState.FAILED))
        await db.commit()
    body = (await _get(client, QUEUE, rev, q_tag)).json()
    assert body["total"] == 0 and body["items"] == []


async def _walked(client: Any, path: str, headers: dict[str, str], **params: Any) -> tuple[int, int]:
    """(total, rows listed) of a list: the total from the counters, the rows from the pages."""
    rows, cursor, total = 0, None, -1
    while True:
        r = await _get(client, path, headers, **params, limit=200, **({"cursor": cursor} if cursor else {}))
        assert r.status_code == 200, r.text
        body = r.json()
        total = body["total"] if total < 0 else total
        rows += len(body["items"])
        if (cursor := body["next_cursor"]) is None:
            return total, rows


async def _exact(client: Any, world: World, *people: dict[str, str]) -> None:
    for who in people:
        for params in (
            {},
            {"assessment_id": str(world.a.assessment_id)},
            {"status": "pending"},
            {"status": "partial"},
            {"status": "conflict"},
        ):
            total, rows = await _walked(client, QUEUE, who, **params)
            assert total == rows, (params, total, rows)
        counts = (await _get(client, QUEUE, who)).json()["counts"]
        for status, n in counts.items():
            assert n == (await _walked(client, QUEUE, who, status=status))[1], status
        total, rows = await _walked(client, CANDIDATES, who)
        assert total == rows


async def test_totals_stay_exact_through_answers_reviews_retakes_deletes_and_erasure(
    client: Any, world: World, db_url: str
) -> None:
    qs, inv = world.a.question_ids, world.a.invitation_ids
    rev = await as_user(client, world.a.reviewer_email)
    admin = await as_user(client, world.a.admin_email)
    made = [await add_ready_response(db_url, inv[name], q) for name in ("Alice", "Amir") for q in qs[1:4]]
    await _exact(client, world, rev, admin)
    assert (await _get(client, QUEUE, rev)).json()["total"] == len(made)

    for rid in made[:2]:  # reviews: out of my queue, still in the admin's until fully reviewed
        r = await client.post(
            f"/api/review/responses/{rid}/reviews",
            json={"decision": "confirm", "expected_version": 0},
            headers=rev,
        )
        assert r.status_code == 200, r.text
    await _exact(client, world, rev, admin)

    async with open_db(db_url) as db:  # a retake makes the old answer not current; a raw delete
        await db.execute(update(Response).where(Response.id == made[2]).values(is_current=False))
        await db.execute(delete(Response).where(Response.id == made[3]))
        await db.commit()
    await _exact(client, world, rev, admin)

    r = await client.delete(f"/api/invitations/{inv['Amir']}/candidate-data", headers=admin)  # erasure
    assert r.status_code == 200, r.text
    await _exact(client, world, rev, admin)
    assert (await _walked(client, CANDIDATES, admin))[0] == len(inv) - 1

    # counters changed by hand are rebuilt by `viva db recount` (and every tag changes)
    tag = (await _get(client, QUEUE, rev)).headers["etag"]
    async with open_db(db_url) as db:
        await db.execute(text("UPDATE review_counts SET n = n + 7"))
        await db.execute(text("UPDATE invitation_counts SET n = n + 3"))
        await db.commit()
    assert (await _walked(client, QUEUE, rev))[0] != (await _walked(client, QUEUE, rev))[1]
    async with open_db(db_url) as db:
        await counters.recount(db)
        await db.commit()
    await _exact(client, world, rev, admin)
    assert (await _get(client, QUEUE, rev, tag)).status_code == 200


async def test_the_triggers_survive_a_batch_migration_and_are_listed(db_url: str) -> None:
    """SQLite's batch migrations copy tables without triggers: every upgrade puts them back."""
    async with open_db(db_url) as db:
        conn = await db.connection()
        if conn.dialect.name == "sqlite":
            rows = await db.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            names = {str(r[0]).rsplit("_", 1)[0] for r in rows}
        else:
            rows = await db.execute(text("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'viva_%'"))
            names = {str(r[0]) for r in rows}
    assert names == set(counters.TRIGGERS)
