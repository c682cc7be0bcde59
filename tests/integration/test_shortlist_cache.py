"""The shortlist's per-candidate cache and pages give what the uncached path gives (issue 16).

Every row of the shortlist (cold and warm cache, and as pages) matches the candidate's own
report (``/api/reports/invitations/{id}``: built from the rows, never cached) and the compare
table; a review, a rescored suggestion, an edited dimension weight and blind review each show at
once. Through the real app on SQLite and PostgreSQL.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from server.db.models import Assessment, Response, Review, ReviewStatus, Suggestion
from server.db.models.enums import ReviewDecision
from server.domain.reports import built_cache
from tests.integration.test_reviews import as_user
from tests.support.reviews import add_ready_response, open_db, set_review_settings
from tests.support.world import World

pytestmark = pytest.mark.integration

N = 14


def _scores(row: dict[str, Any]) -> Any:
    return (row["overall"], row["dimensions"], row["competencies"])


async def _seed(client: Any, world: World, db_url: str, admin: dict[str, str]) -> dict[str, str]:
    csv = "name,email\n" + "".join(f"Cand {i:02d},c{i}@example.com\n" for i in range(N))
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations/csv",
        content=csv.encode(),
        headers={**admin, "content-type": "text/csv"},
    )
    assert r.status_code == 201, r.text
    invs = {i["candidate_name"]: i["id"] for i in r.json()["invitations"]}
    rng = random.Random(16)
    for i, (_, inv_id) in enumerate(sorted(invs.items())):
        ability = rng.uniform(1.5, 4.5)
        # the last two answered only some questions; two candidates tie on everything
        qids = world.a.question_ids[1:] if i < N - 2 else world.a.question_ids[1:3]
        for q in qids:
            score = 3.0 if i in (3, 4) else min(5.0, max(1.0, rng.gauss(ability, 0.6)))
            width = 1.0 if i in (3, 4) else rng.uniform(0.4, 2.5)
            await add_ready_response(
                db_url,
                inv_id,  # type: ignore[arg-type]
                q,
                score=score,
                low=max(1.0, score - width / 2),
                high=min(5.0, score + width / 2),
                rounded_level=round(score),
            )
    return invs


async def _check_against_reports(client: Any, headers: dict[str, str], shortlist: dict[str, Any]) -> None:
    for row in shortlist["rows"]:
        report = (
            await client.get(f"/api/reports/invitations/{row['invitation_id']}", headers=headers)
        ).json()
        assert _scores(row) == (report["overall"], report["dimensions"], report["competencies"]), row[
            "candidate_name"
        ]
        assert row["english"]["band"] == report["english"]["band"]


async def test_cached_and_paged_shortlist_equals_the_uncached_reports(
    client: Any, world: World, db_url: str
) -> None:
    built_cache.clear()
    admin = await as_user(client, world.a.admin_email)
    invs = await _seed(client, world, db_url, admin)
    aid = world.a.assessment_id
    url = f"/api/reports/assessments/{aid}/shortlist"

    cold = (await client.get(url, headers=admin)).json()
    assert cold["total"] == N and cold["shown"] == N and len(cold["rows"]) == N
    assert [r["rank"] for r in cold["rows"]] == list(range(1, N + 1))
    key = [
        (r["overall"]["score"] is None, -(r["overall"]["score"] or 0.0), r["candidate_name"])
        for r in cold["rows"]
    ]
    assert key == sorted(key)
    await _check_against_reports(client, admin, cold)
    warm = (await client.get(url, headers=admin)).json()
    assert warm == cold

    # pages put together are the whole list; ranks stay global
    pages: list[dict[str, Any]] = []
    for offset in range(0, N, 5):
        page = (await client.get(f"{url}?limit=5&offset={offset}", headers=admin)).json()
        assert page["shown"] == N and page["offset"] == offset and page["limit"] == 5
        pages += page["rows"]
    assert pages == cold["rows"]
    page = (await client.get(f"{url}?limit=3&offset=2&min_competency=20", headers=admin)).json()
    filtered = (await client.get(f"{url}?min_competency=20", headers=admin)).json()
    assert page["rows"] == filtered["rows"][2:5] and page["shown"] == filtered["shown"]
    r = await client.get(f"{url}?limit=0", headers=admin)
    assert r.status_code == 400 and "limit" in r.text

    # compare (same cache) agrees with the shortlist
    compare = (await client.get(f"/api/reports/assessments/{aid}/compare", headers=admin)).json()
    by_id = {r["invitation_id"]: r for r in cold["rows"]}
    for row in compare["rows"]:
        assert row["overall"] == by_id[row["invitation_id"]]["overall"]

    # a review by a person shows at once
    target = cold["rows"][-1]
    rid = next(
        q["response_id"] for q in (await _report(client, admin, target))["questions"] if q["response_id"]
    )
    # (written as the review service does, without the recalibration job it starts, which would
    # move other candidates' intervals while this test compares)
    async with open_db(db_url) as db:
        resp = await db.get(Response, uuid.UUID(rid))
        assert resp is not None
        db.add(Review(response_id=resp.id, reviewer_id=None, score=5, decision=ReviewDecision.OVERRIDE))
        resp.review_status, resp.review_version = ReviewStatus.REVIEWED, resp.review_version + 1
        await db.commit()
    after = (await client.get(url, headers=admin)).json()
    changed = next(r for r in after["rows"] if r["invitation_id"] == target["invitation_id"])
    assert changed["overall"] != target["overall"] and changed["confirmed"] == target["confirmed"] + 1
    await _check_against_reports(client, admin, after)

    # a suggestion rescored in place (as recalibration does) shows at once
    other = after["rows"][0]
    async with open_db(db_url) as db:
        s = (
            (
                await db.execute(
                    select(Suggestion).where(
                        Suggestion.response_id.in_(
                            [
                                q["response_id"]
                                for q in (await _report(client, admin, other))["questions"]
                                if q["response_id"]
                            ]
                        ),
                        Suggestion.is_current.is_(True),
                    )
                )
            )
            .scalars()
            .first()
        )
        assert s is not None
        s.interval_low, s.interval_high = 1.0, 5.0
        await db.commit()
    again = (await client.get(url, headers=admin)).json()
    widened = next(r for r in again["rows"] if r["invitation_id"] == other["invitation_id"])
    assert widened["overall"] != other["overall"]
    await _check_against_reports(client, admin, again)

    # an edited dimension weight changes every overall score
    async with open_db(db_url) as db:
        a = await db.get(Assessment, aid)
        assert a is not None and len(a.dimensions) >= 2
        d0, d1 = a.dimensions[0], a.dimensions[1]
        d0.weight, d1.weight = d0.weight + d1.weight - 5, 5  # still 100 in all
        await db.commit()
    reweighted = (await client.get(url, headers=admin)).json()
    assert [r["overall"] for r in reweighted["rows"]] != [r["overall"] for r in again["rows"]]
    await _check_against_reports(client, admin, reweighted)

    # blind review: a reviewer's shortlist hides unconfirmed scores, as their reports do
    await set_review_settings(db_url, aid, blind_review=True)
    reviewer = await as_user(client, world.a.reviewer_email)
    blind = (await client.get(url, headers=reviewer)).json()
    await _check_against_reports(client, reviewer, blind)
    assert any(r["overall"]["score"] is None for r in blind["rows"])
    assert invs  # every seeded candidate was ranked above


async def _report(client: Any, headers: dict[str, str], row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = (
        await client.get(f"/api/reports/invitations/{row['invitation_id']}", headers=headers)
    ).json()
    return out
