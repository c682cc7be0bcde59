"""The polled lists (review queue, candidate list): ETags that change with what they show (304
while nothing did), and totals from trigger-kept counters that stay exact through every write."""

from __future__ import annotations

import asyncio
import secrets
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import delete, insert, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from server.db import counters
from server.db.engine import create_engine, session_maker
from server.db.models import (
    COUNTER_DELTAS,
    INVITATION_COUNTS,
    REVIEW_COUNTS,
    Attempt,
    Invitation,
    InvitationStatus,
    Response,
    ResponseState,
)
from server.settings import DatabaseSettings
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
        dialect = conn.dialect.name
        if dialect == "sqlite":
            rows = await db.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        else:
            rows = await db.execute(text("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'viva_%'"))
        names = {str(r[0]) for r in rows}
    assert names == counters.triggers(dialect)


@asynccontextmanager
async def _closing(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    try:
        yield engine
    finally:
        await engine.dispose()


def _value(v: Any) -> Any:
    return getattr(v, "value", v)


async def _counters_exact(db: AsyncSession, organization_id: uuid.UUID, before: int) -> int:
    """The counters equal a count over the rows, nothing is left pending, and the organization's
    stamp moved past ``before``; returns the stamp."""
    kept = {
        (q, s): n
        for q, s, n in await db.execute(
            sa.select(REVIEW_COUNTS.c.question_id, REVIEW_COUNTS.c.review_status, REVIEW_COUNTS.c.n).where(
                REVIEW_COUNTS.c.n != 0
            )
        )
    }
    counted = {
        (q, _value(s)): n
        for q, s, n in await db.execute(
            sa.select(Response.question_id, Response.review_status, sa.func.count())
            .where(Response.is_current.is_(True), Response.state == ResponseState.READY)
            .group_by(Response.question_id, Response.review_status)
        )
    }
    assert kept == counted
    kept_inv = dict(
        (await db.execute(sa.select(INVITATION_COUNTS.c.assessment_id, INVITATION_COUNTS.c.n))).tuples().all()
    )
    counted_inv = dict(
        (
            await db.execute(
                sa.select(Invitation.assessment_id, sa.func.count()).group_by(Invitation.assessment_id)
            )
        )
        .tuples()
        .all()
    )
    assert {k: n for k, n in kept_inv.items() if n} == counted_inv
    assert (await db.execute(sa.select(sa.func.count()).select_from(COUNTER_DELTAS))).scalar_one() == 0
    now = await counters.stamp(db, organization_id)
    assert now > before, "a committed change must change the lists' stamp"
    await db.commit()  # end the read transaction
    return now


def _candidates(
    world: World, n: int, first: int = 0
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows for ``n`` candidates of alpha's assessment who answered every scored question
    (invitations, attempts, answers; a seventh of the answers failed, statuses mixed)."""
    org, assessment, questions = world.a.id, world.a.assessment_id, world.a.question_ids[1:]
    now = datetime.now(UTC)
    statuses = ("pending", "partial", "reviewed")
    invs: list[dict[str, Any]] = []
    atts: list[dict[str, Any]] = []
    resps: list[dict[str, Any]] = []
    for i in range(first, first + n):
        inv, att = uuid.uuid4(), uuid.uuid4()
        invs.append(
            {
                "id": inv,
                "organization_id": org,
                "assessment_id": assessment,
                "candidate_name": f"Bulk {i}",
                "candidate_email": f"bulk{i}@x.test",
                "token_hash": secrets.token_hex(32),
                "expires_at": now + timedelta(days=9),
                "accommodations": {},
                "created_at": now,
                "updated_at": now,
            }
        )
        atts.append(
            {
                "id": att,
                "invitation_id": inv,
                "consented_at": now,
                "consent_version": "bulk",
                "created_at": now,
                "updated_at": now,
            }
        )
        for k, q in enumerate(questions):
            resps.append(
                {
                    "id": uuid.uuid4(),
                    "attempt_id": att,
                    "question_id": q,
                    "take_id": uuid.uuid4(),
                    "take": 1,
                    "kind": "written",
                    "text": "An answer",
                    "is_partial": False,
                    "is_current": True,
                    "state": "ready" if (i + k) % 7 else "failed",
                    "review_status": statuses[(i + k) % 3],
                    "review_version": 0,
                    "processing_tries": 0,
                    "submitted_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    return invs, atts, resps


async def test_bulk_transactions_keep_the_counters_exact_and_change_the_stamp_on_every_commit(
    world: World, db_url: str
) -> None:
    """A seed, a bulk update, savepoints, row-by-row statements and a cascade, each in one
    transaction of thousands of rows: the counters stay exact and every commit moves the stamp.
    On PostgreSQL the counter rows are written once per transaction, not once per row (each write
    of a row already written in the same transaction walks a longer version chain: quadratic)."""
    org, questions = world.a.id, world.a.question_ids[1:]
    statuses = ("pending", "partial", "reviewed")
    invs, atts, resps = _candidates(world, 600)
    assert len(resps) >= 3000
    keys = {(r["question_id"], r["review_status"]) for r in resps}
    engine = create_engine(DatabaseSettings(url=db_url))  # the app's: SQLite with foreign keys on
    async with _closing(engine), session_maker(engine)() as db:
        pg = (await db.connection()).dialect.name == "postgresql"
        stamp = await counters.stamp(db, org)
        await db.commit()

        # the seed: one transaction, 1,000-row statements
        for model, rows in ((Invitation, invs), (Attempt, atts), (Response, resps)):
            for start in range(0, len(rows), 1000):
                await db.execute(insert(model), rows[start : start + 1000])
        if pg:  # apply the deltas now, to count the counter rows' writes inside this transaction
            await db.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))
            writes = dict(
                (
                    await db.execute(
                        text(
                            "SELECT relname, n_tup_ins + n_tup_upd FROM pg_stat_xact_user_tables "
                            "WHERE relname IN ('list_stamps', 'review_counts', 'invitation_counts')"
                        )
                    )
                )
                .tuples()
                .all()
            )
            assert writes == {"list_stamps": 1, "review_counts": len(keys), "invitation_counts": 1}
            await db.execute(text("SET CONSTRAINTS ALL DEFERRED"))
            # written after the deltas were applied: applied again at commit
            await db.execute(
                update(Response).where(Response.id == resps[0]["id"]).values(review_status="conflict")
            )
        await db.commit()
        stamp = await _counters_exact(db, org, stamp)

        # a bulk update beside a released savepoint and a rolled-back one
        await db.execute(
            update(Response)
            .where(Response.id.in_([r["id"] for r in resps[:1500]]))
            .values(review_status="reviewed")
        )
        async with db.begin_nested():
            await db.execute(
                update(Response)
                .where(Response.id.in_([r["id"] for r in resps[1500:2000]]))
                .values(is_current=False)
            )
        nested = await db.begin_nested()
        await db.execute(delete(Response).where(Response.id.in_([r["id"] for r in resps[2000:]])))
        await db.execute(delete(Invitation).where(Invitation.id.in_([i["id"] for i in invs[:100]])))
        await nested.rollback()
        await db.commit()
        stamp = await _counters_exact(db, org, stamp)

        # the only change inside a released savepoint still changes the stamp
        async with db.begin_nested():
            await db.execute(
                update(Response).where(Response.id == resps[1]["id"]).values(review_status="pending")
            )
        await db.commit()
        stamp = await _counters_exact(db, org, stamp)

        # row by row: a statement per answer, all in one transaction
        for n, r in enumerate(resps[2000:2600]):
            status = statuses[n % 3]
            await db.execute(update(Response).where(Response.id == r["id"]).values(review_status=status))
        await db.commit()
        stamp = await _counters_exact(db, org, stamp)

        # a rolled-back transaction leaves no trace
        await db.execute(update(Response).values(state="failed"))
        await db.rollback()
        assert await counters.stamp(db, org) == stamp
        await db.commit()

        # a cascade: 300 candidates' invitations, attempts and answers deleted in one statement
        await db.execute(delete(Invitation).where(Invitation.id.in_([i["id"] for i in invs[:300]])))
        await db.commit()
        stamp = await _counters_exact(db, org, stamp)
        assert (
            await db.execute(
                sa.select(sa.func.count()).select_from(Response).where(Response.text == "An answer")
            )
        ).scalar_one() == len(resps) - 300 * len(questions)


async def test_writers_committing_at_once_keep_the_counters_exact_without_deadlock(
    world: World, db_url: str
) -> None:
    """Six transactions of one organization write answers to the same questions, half of them in
    the reverse order, a statement per answer, and commit at once: the commits, which take the
    counter rows in one order (stamps, then counts by key), all finish and the counters add up
    to the rows."""
    batches = [_candidates(world, 40, first=1000 + 40 * k) for k in range(6)]
    engine = create_engine(DatabaseSettings(url=db_url))

    async def writer(k: int) -> None:
        invs, atts, resps = batches[k]
        async with session_maker(engine)() as db:
            await db.execute(insert(Invitation), invs)
            await db.execute(insert(Attempt), atts)
            for row in resps[::-1] if k % 2 else resps:
                await db.execute(insert(Response), [row])
            await db.commit()

    async with _closing(engine):
        async with session_maker(engine)() as db:
            stamp = await counters.stamp(db, world.a.id)
            await db.commit()
        await asyncio.wait_for(asyncio.gather(*(writer(k) for k in range(6))), timeout=180)
        async with session_maker(engine)() as db:
            await _counters_exact(db, world.a.id, stamp)
