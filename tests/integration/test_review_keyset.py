"""Keyset pages of the review queue and the candidate list: cursors walk every row once, in order."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.test_reviews import as_user
from tests.support.reviews import add_ready_response
from tests.support.world import World

pytestmark = pytest.mark.integration


async def _walk(client: Any, path: str, headers: dict[str, str], **params: Any) -> list[list[str]]:
    """Every page of ``path`` by following ``next_cursor``, as lists of ids."""
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        r = await client.get(path, params=query, headers=headers)
        assert r.status_code == 200, r.text
        body = r.json()
        key = "id" if path.endswith("queue") else "invitation_id"
        pages.append([i[key] for i in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 20, "the cursor does not advance"


async def test_cursors_walk_the_queue_in_every_order_and_the_candidates(
    client: Any, world: World, db_url: str
) -> None:
    qs = world.a.question_ids
    alice, amir = world.a.invitation_ids["Alice"], world.a.invitation_ids["Amir"]
    made = [
        await add_ready_response(db_url, alice, qs[1], score=3.0, low=2.8, high=3.3, submitted_ago_s=500),
        await add_ready_response(db_url, alice, qs[2], score=3.0, low=1.5, high=4.5, submitted_ago_s=400),
        await add_ready_response(db_url, amir, qs[1], abstained=True, submitted_ago_s=300),
        await add_ready_response(db_url, amir, qs[2], score=2.0, low=1.0, high=4.8, submitted_ago_s=200),
        await add_ready_response(db_url, amir, qs[3], score=2.0, low=1.0, high=4.8, submitted_ago_s=200),
    ]
    rev = await as_user(client, world.a.reviewer_email)
    for order in ("oldest", "newest", "uncertain"):
        whole = await _walk(client, "/api/review/queue", rev, order=order, limit=50)
        assert len(whole) == 1 and sorted(whole[0]) == sorted(str(m) for m in made)
        paged = await _walk(client, "/api/review/queue", rev, order=order, limit=2)
        assert [len(p) for p in paged] == [2, 2, 1], order
        assert [x for p in paged for x in p] == whole[0], order  # same rows, same order, none twice

    staff_pages = await _walk(client, "/api/review/candidates", rev, limit=1)
    everyone = (await client.get("/api/review/candidates", params={"limit": 50}, headers=rev)).json()
    assert [x for p in staff_pages for x in p] == [c["invitation_id"] for c in everyone["items"]]
    assert len(staff_pages) == everyone["total"] >= 3

    for bad in ("not-a-cursor", "WyJ4Il0", "e30"):
        r = await client.get("/api/review/queue", params={"cursor": bad}, headers=rev)
        assert r.status_code == 422, r.text
        assert "cursor" in r.json()["detail"]
    r = await client.get("/api/review/candidates", params={"cursor": "bad"}, headers=rev)
    assert r.status_code == 422
