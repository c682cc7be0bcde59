"""Retention deletes old recordings only; erasure leaves no object and no personal data; export."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from server.db.models import (
    Attempt,
    AuditEvent,
    Exemplar,
    Invitation,
    InvitationStatus,
    Response,
    Rubric,
    Transcript,
)
from server.settings import Settings
from server.storage import audio_key, response_prefix
from tests.conftest import make_settings
from tests.integration.test_reviews import as_user
from tests.support.reviews import add_ready_response, open_db, override
from tests.support.s3 import S3Endpoint
from tests.support.world import World

pytestmark = pytest.mark.integration

ANSWER = "I would retrain the gradient boosted churn model weekly with drift alarms"


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def settings(request: pytest.FixtureRequest, tmp_path: Path, db_url: str) -> Settings:
    env = {"VIVA_RETENTION_INTERVAL_SECONDS": "3600"}
    if "storage" in request.fixturenames and request.getfixturevalue("storage") == "s3":
        s3: S3Endpoint = request.getfixturevalue("s3")
        env.update(
            VIVA_S3_ENDPOINT=s3.endpoint,
            VIVA_S3_ACCESS_KEY=s3.access_key,
            VIVA_S3_SECRET_KEY=s3.secret_key,
            VIVA_S3_REGION=s3.region,
            VIVA_S3_BUCKET=f"viva-{uuid.uuid4().hex[:12]}",
        )
    return make_settings(tmp_path, db_url, **env)


async def _answers_with_media(
    client: Any,
    db_url: str,
    inv_id: uuid.UUID,
    questions: list[uuid.UUID],
    answer: str = ANSWER,
) -> tuple[list[uuid.UUID], list[str]]:
    """Video answers whose recording, audio and poster are really in the app's store."""
    store = client.app.state.store
    rids, keys = [], []
    for q in questions:
        rid = await add_ready_response(db_url, inv_id, q, video=True, text=answer)
        async with open_db(db_url) as db:
            r = await db.get(Response, rid)
            assert r is not None
            r.audio_key = audio_key(rid)
            await db.commit()
            for key in (r.media_key, r.poster_key, r.audio_key):
                assert key
                store.put_bytes(key, b"media of " + key.encode(), "application/octet-stream")
                keys.append(key)
        rids.append(rid)
    return rids, keys


async def _complete(db_url: str, inv_id: uuid.UUID, days_ago: float) -> None:
    async with open_db(db_url) as db:
        attempt = (await db.execute(select(Attempt).where(Attempt.invitation_id == inv_id))).scalar_one()
        attempt.completed_at = datetime.now(UTC) - timedelta(days=days_ago)
        inv = await db.get(Invitation, inv_id)
        assert inv is not None
        inv.status = InvitationStatus.COMPLETED
        await db.commit()


async def _scan_for(db_url: str, needles: list[str]) -> list[str]:
    """Every (table, needle) where a needle appears in any column of any row."""
    engine = create_async_engine(db_url, poolclass=NullPool)
    found = []
    try:
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
            for table in tables:
                for row in (await conn.execute(text(f'SELECT * FROM "{table}"'))).all():
                    blob = " ".join(str(v) for v in row)
                    found += [f"{table}: {n}" for n in needles if n in blob]
    finally:
        await engine.dispose()
    return found


def _keys_under(store: Any, prefix: str) -> list[str]:
    """Every object key under ``prefix/``, listed from the store itself (files or bucket)."""
    if store.backend == "local":
        base = Path(store.root) / prefix
        return [str(p.relative_to(store.root)) for p in base.rglob("*") if p.is_file()]
    return [
        o.object_name for o in store.client.list_objects(store.bucket, prefix=f"{prefix}/", recursive=True)
    ]


async def test_erasure_leaves_no_object_and_no_personal_data(
    client: Any, world: World, db_url: str, storage: str
) -> None:
    store = client.app.state.store
    assert store.backend == storage
    alice = world.a.invitation_ids["Alice"]
    rids, keys = await _answers_with_media(client, db_url, alice, world.a.question_ids[1:4])
    written = await add_ready_response(db_url, alice, world.a.question_ids[-2], text=ANSWER + " (written)")
    amir_rids, amir_keys = await _answers_with_media(
        client, db_url, world.a.invitation_ids["Amir"], world.a.question_ids[1:2], "Amir's answer"
    )
    r = await client.put(
        f"/api/candidate/{world.a.tokens['Alice']}/demographics",
        json={"sex": "female", "race_ethnicity": "asian"},
    )
    assert r.status_code == 200, r.text
    admin = await as_user(client, world.a.admin_email)
    await override(
        client, admin, rids[0], score=4, reason_code="other", comment="Alice explains drift alarms well"
    )
    assert (
        await client.post(
            f"/api/reports/invitations/{alice}/share", headers=admin, json={"expires_in_hours": 24}
        )
    ).status_code == 201
    async with open_db(db_url) as db:  # an exemplar promoted from her answer holds her words
        rubric = (
            await db.execute(select(Rubric).where(Rubric.question_id == world.a.question_ids[1]))
        ).scalar_one()
        db.add(Exemplar(rubric_id=rubric.id, level=4, text=ANSWER, source_response_id=rids[0]))
        await db.commit()
    # An object no row points at (a later derivative, a half-finished upload) under her prefix.
    store.put_bytes(f"{response_prefix(rids[0])}/derived/extra.bin", b"stray", "application/octet-stream")
    assert _keys_under(store, response_prefix(rids[0]))  # the listing does see her objects
    needles = ["Alice", "alice@example.com", ANSWER]
    assert await _scan_for(db_url, needles)  # the scan does find her before erasure

    r = await client.delete(f"/api/invitations/{alice}/candidate-data", headers=admin)
    assert r.status_code == 200, r.text
    erased = r.json()["erased"]
    assert erased["responses"] == 4 and erased["transcripts"] == 3 and erased["reviews"] == 1
    assert erased["media_objects"] == 10 and erased["exemplars"] == 1 and erased["share_links"] == 1

    assert [k for k in keys if store.exists(k)] == []
    assert [k for rid in [*rids, written] for k in _keys_under(store, response_prefix(rid))] == []
    assert all(store.exists(k) for k in amir_keys)  # another candidate is untouched
    if storage == "local":
        left = [
            p
            for p in Path(store.root).rglob("*")
            if p.is_file() and any(str(rid) in str(p) for rid in [*rids, written])
        ]
        assert left == []
    assert await _scan_for(db_url, needles) == []
    async with open_db(db_url) as db:
        assert await db.get(Invitation, alice) is None
        assert (await db.execute(select(Response).where(Response.id.in_([*rids, written])))).first() is None
        assert (await db.execute(select(Response).where(Response.id.in_(amir_rids)))).scalars().all()
        event = (
            await db.execute(select(AuditEvent).where(AuditEvent.action == "candidate.erase"))
        ).scalar_one()
        assert event.target_id == alice and event.data["erased"]["responses"] == 4
    assert (await client.get(f"/api/invitations/{alice}/candidate-data", headers=admin)).status_code == 404
    assert (await client.get(f"/api/candidate/{world.a.tokens['Alice']}")).status_code == 404


async def test_export_contains_everything_stored_about_the_candidate(
    client: Any, world: World, db_url: str
) -> None:
    alice = world.a.invitation_ids["Alice"]
    rids, keys = await _answers_with_media(client, db_url, alice, world.a.question_ids[1:2])
    await add_ready_response(db_url, alice, world.a.question_ids[-2], text="My written answer")
    await client.put(
        f"/api/candidate/{world.a.tokens['Alice']}/demographics",
        json={"sex": "female", "race_ethnicity": None},
    )
    rev = await as_user(client, world.a.reviewer_email)
    assert (await client.get(f"/api/invitations/{alice}/candidate-data", headers=rev)).status_code == 403
    admin = await as_user(client, world.a.admin_email)
    await client.post(
        f"/api/review/responses/{rids[0]}/reviews",
        headers=admin,
        json={
            "decision": "override",
            "score": 2,
            "reason_code": "other",
            "expected_version": 0,
            "comment": "Too short",
        },
    )
    r = await client.get(f"/api/invitations/{alice}/candidate-data", headers=admin)
    assert r.status_code == 200, r.text
    assert "attachment" in r.headers["content-disposition"]
    data = r.json()
    assert data["invitation"]["candidate_name"] == "Alice"
    assert data["invitation"]["candidate_email"] == "alice@example.com"
    assert data["demographics"]["sex"] == "female" and data["attempt"]["consent_version"] == "test"
    by_id = {x["id"]: x for x in data["responses"]}
    video = by_id[str(rids[0])]
    assert video["transcript"]["text"] == ANSWER
    assert video["transcript"]["segments"][0]["words"][0]["word"] == "I"
    assert {m["key"] for m in video["media"].values()} == set(keys)
    assert video["media"]["video"]["url"] == f"http://testserver.local/api/responses/{rids[0]}/media/video"
    assert video["reviews"][0]["comment"] == "Too short" and video["suggestions"][0]["score"] == 3.2
    assert video["proficiency"]["band"] == "B2"
    assert any(x["text"] == "My written answer" for x in data["responses"])
    assert (
        await client.get(f"/api/invitations/{world.b.invitation_ids['Bob']}/candidate-data", headers=admin)
    ).status_code == 404


async def test_retention_deletes_only_recordings_older_than_the_period(
    client: Any, world: World, db_url: str
) -> None:
    store = client.app.state.store
    old_rids, old_keys = await _answers_with_media(
        client, db_url, world.a.invitation_ids["Alice"], world.a.question_ids[1:3]
    )
    new_rids, new_keys = await _answers_with_media(
        client, db_url, world.a.invitation_ids["Amir"], world.a.question_ids[1:2]
    )
    bob_rids, bob_keys = await _answers_with_media(
        client, db_url, world.b.invitation_ids["Bob"], world.b.question_ids[1:2]
    )
    await _complete(db_url, world.a.invitation_ids["Alice"], days_ago=40)
    await _complete(db_url, world.a.invitation_ids["Amir"], days_ago=5)
    await _complete(db_url, world.b.invitation_ids["Bob"], days_ago=400)  # org B keeps all

    rev = await as_user(client, world.a.reviewer_email)
    assert (
        await client.patch("/api/organization", headers=rev, json={"retention_days": 30})
    ).status_code == 403
    admin = await as_user(client, world.a.admin_email)
    r = await client.patch("/api/organization", headers=admin, json={"retention_days": 30})
    assert r.status_code == 200 and r.json()["retention_days"] == 30
    assert (await client.get("/api/organization", headers=rev)).json()["retention_days"] == 30

    deadline = asyncio.get_running_loop().time() + 15
    while True:  # the PATCH starts the retention job; wait for its result
        async with open_db(db_url) as db:
            done = (
                (await db.execute(select(Response.media_deleted_at).where(Response.id.in_(old_rids))))
                .scalars()
                .all()
            )
        if all(done):
            break
        assert asyncio.get_running_loop().time() < deadline, "retention did not run"
        await asyncio.sleep(0.05)
    assert [k for k in old_keys if store.exists(k)] == []
    assert all(store.exists(k) for k in new_keys + bob_keys)
    async with open_db(db_url) as db:
        old = (await db.execute(select(Response).where(Response.id.in_(old_rids)))).scalars().all()
        assert all(r.media_key is None and r.poster_key is None for r in old)
        assert (
            len(
                (await db.execute(select(Transcript).where(Transcript.response_id.in_(old_rids))))
                .scalars()
                .all()
            )
            == 2
        )  # text stays
        kept = (
            (await db.execute(select(Response).where(Response.id.in_(new_rids + bob_rids)))).scalars().all()
        )
        assert all(r.media_deleted_at is None and r.media_key for r in kept)
        event = (
            await db.execute(select(AuditEvent).where(AuditEvent.action == "retention.delete_media"))
        ).scalar_one()
        assert event.data["responses"] == 2 and event.data["objects"] == 6
    # the video endpoint now says the recording is gone instead of failing
    r = await client.get(f"/api/responses/{old_rids[0]}/media/video", headers=admin)
    assert r.status_code == 404
