"""Volunteered demographics and the fairness report, hand-checked on eight candidates."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from server.db.models import Attempt, Invitation, InvitationStatus
from tests.integration.test_reviews import as_user
from tests.support.reviews import add_ready_response, open_db
from tests.support.world import World

pytestmark = pytest.mark.integration

# name: (sex, race/ethnicity, the level every answer is suggested at)
PEOPLE: dict[str, tuple[str | None, str | None, int]] = {
    "F1": ("female", "asian", 5),
    "F2": ("female", "asian", 4),
    "F3": ("female", "white", 2),
    "M1": ("male", "white", 5),
    "M2": ("male", "white", 4),
    "M3": ("male", "white", 3),
    "M4": ("male", "asian", 2),
    "U1": (None, None, 3),
}


def _row(rows: list[dict[str, Any]], category: str) -> dict[str, Any]:
    return next(r for r in rows if r["category"] == category)


async def test_rates_and_impact_ratios_match_a_hand_count(client: Any, world: World, db_url: str) -> None:
    admin = await as_user(client, world.a.admin_email)
    csv = "name,email\n" + "".join(f"{n},{n.lower()}@example.com\n" for n in PEOPLE)
    r = await client.post(
        f"/api/assessments/{world.a.assessment_id}/invitations/csv",
        content=csv.encode(),
        headers={**admin, "content-type": "text/csv"},
    )
    assert r.status_code == 201, r.text
    invs = {i["candidate_name"]: i for i in r.json()["invitations"]}
    for name, (sex, race, level) in PEOPLE.items():
        inv_id = invs[name]["id"]
        for q in world.a.question_ids[1:]:
            await add_ready_response(
                db_url,
                inv_id,
                q,
                score=float(level),
                low=max(1.0, level - 0.5),
                high=min(5.0, level + 0.5),
                rounded_level=level,
            )
        if sex or race:
            r = await client.put(
                f"/api/candidate/{invs[name]['token']}/demographics",
                json={"sex": sex, "race_ethnicity": race},
            )
            assert r.status_code == 200, r.text
        async with open_db(db_url) as db:
            attempt = (await db.execute(select(Attempt).where(Attempt.invitation_id == inv_id))).scalar_one()
            attempt.completed_at = datetime.now(UTC)
            inv = await db.get(Invitation, attempt.invitation_id)
            assert inv is not None
            inv.status = InvitationStatus.COMPLETED
            await db.commit()
    # a candidate who has not finished is left out
    await add_ready_response(db_url, world.a.invitation_ids["Alice"], world.a.question_ids[1])

    compare = (
        await client.get(f"/api/reports/assessments/{world.a.assessment_id}/compare", headers=admin)
    ).json()
    overall = {row["candidate_name"]: row["overall"]["score"] for row in compare["rows"]}
    o = {level: overall[n] for n, (_, _, level) in PEOPLE.items()}
    assert o[5] > o[4] > o[3] > o[2]
    threshold = o[3]

    r = await client.get(
        f"/api/reports/assessments/{world.a.assessment_id}/fairness",
        params={"threshold": threshold, "min_group_size": 3},
        headers=admin,
    )
    assert r.status_code == 200, r.text
    rep = r.json()
    assert rep["candidates"] == 8 and rep["scored"] == 8 and rep["unscored"] == 0
    assert rep["median_score"] == pytest.approx((o[4] + o[3]) / 2, abs=1e-4)

    # By sex: selected = level >= 3, above median = level >= 4.
    female, male, unknown = (_row(rep["sex"], c) for c in ("female", "male", "unknown"))
    assert (female["n"], female["selected"], female["above_median"]) == (3, 2, 2)
    assert (male["n"], male["selected"], male["above_median"]) == (4, 3, 2)
    assert (unknown["n"], unknown["selected"], unknown["above_median"]) == (1, 1, 0)
    assert female["selection_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert male["selection_rate"] == 0.75
    assert female["selection_impact_ratio"] == pytest.approx((2 / 3) / 0.75, abs=1e-4)
    assert male["selection_impact_ratio"] == 1.0
    assert female["selection_below_four_fifths"] is False
    assert female["scoring_impact_ratio"] == 1.0
    assert male["scoring_rate"] == 0.5
    assert male["scoring_impact_ratio"] == pytest.approx(0.5 / (2 / 3), abs=1e-4)
    assert male["scoring_below_four_fifths"] is True
    assert unknown["selection_impact_ratio"] is None and unknown["excluded_from_reference"]

    # By race/ethnicity, with empty categories listed.
    asian, white = _row(rep["race_ethnicity"], "asian"), _row(rep["race_ethnicity"], "white")
    assert (asian["n"], asian["selected"], asian["above_median"]) == (3, 2, 2)
    assert (white["n"], white["selected"], white["above_median"]) == (4, 3, 2)
    assert white["scoring_below_four_fifths"] is True
    hispanic = _row(rep["race_ethnicity"], "hispanic_or_latino")
    assert hispanic["n"] == 0 and hispanic["selection_rate"] is None
    assert len(rep["race_ethnicity"]) == 8  # seven categories and unknown

    # Intersectional: only male/white has >= 3 people, so it is the reference.
    both = rep["intersectional"]
    assert len(both) == 15
    fa, fw = _row(both, "female/asian"), _row(both, "female/white")
    mw, ma = _row(both, "male/white"), _row(both, "male/asian")
    assert (fa["n"], fa["selected"], fa["small_sample"]) == (2, 2, True)
    assert (mw["n"], mw["selected"], mw["small_sample"]) == (3, 3, False)
    assert fa["excluded_from_reference"] and not mw["excluded_from_reference"]
    assert fa["selection_impact_ratio"] == 1.0 and fw["selection_impact_ratio"] == 0.0
    assert ma["selection_below_four_fifths"] is True
    assert mw["scoring_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert fa["scoring_impact_ratio"] == pytest.approx(1 / (2 / 3), abs=1e-4)
    assert _row(both, "unknown")["n"] == 1

    # Without a threshold only scoring rates are reported.
    rep = (
        await client.get(f"/api/reports/assessments/{world.a.assessment_id}/fairness", headers=admin)
    ).json()
    assert _row(rep["sex"], "male")["selection_rate"] is None
    assert _row(rep["sex"], "male")["scoring_rate"] == 0.5
    # With the default smallest group (5) no sex category is large enough to be the reference:
    # the report says its ratios compare every category and are only indicative.
    assert any(n.startswith("No sex category has 5 or more people") for n in rep["notes"])


async def test_demographics_are_optional_validated_and_admin_only_in_aggregate(
    client: Any, world: World
) -> None:
    token = world.a.tokens["Alice"]
    assert (await client.get(f"/api/candidate/{token}/demographics")).json() == {
        "sex": None,
        "race_ethnicity": None,
    }
    r = await client.put(f"/api/candidate/{token}/demographics", json={"sex": "robot"})
    assert r.status_code == 400
    r = await client.put(f"/api/candidate/{token}/demographics", json={"race_ethnicity": "two_or_more_races"})
    assert r.status_code == 200 and r.json()["sex"] is None
    r = await client.put(f"/api/candidate/{token}/demographics", json={})
    assert r.json() == {"sex": None, "race_ethnicity": None}  # withdrawn
    rev = await as_user(client, world.a.reviewer_email)
    assert (
        await client.get(f"/api/reports/assessments/{world.a.assessment_id}/fairness", headers=rev)
    ).status_code == 403
    admin = await as_user(client, world.a.admin_email)
    assert (
        await client.get(f"/api/reports/assessments/{world.b.assessment_id}/fairness", headers=admin)
    ).status_code == 404
