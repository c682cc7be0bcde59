"""Volunteered demographics (issue 16): given after the interview, replaced by a second submit,
stored apart from the answers, and never returned to reviewers or hiring managers.

Through the real app on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from server.db.models import CandidateDemographics, Invitation, InvitationStatus, Role
from server.db.models.enums import CandidateDecision
from tests.integration.test_reviews import as_user
from tests.support.reviews import add_ready_response, add_staff, open_db
from tests.support.world import World

pytestmark = pytest.mark.integration

# Distinctive values: a response that contains them (or the field names) leaked demographics.
VOLUNTEERED = {"sex": "female", "race_ethnicity": "native_hawaiian_or_other_pacific_islander"}


async def _complete(db_url: str, world: World, name: str) -> None:
    async with open_db(db_url) as db:
        inv = await db.get(Invitation, world.a.invitation_ids[name])
        assert inv is not None
        inv.status = InvitationStatus.COMPLETED
        await db.commit()


async def _rows(db_url: str, world: World, name: str) -> list[CandidateDemographics]:
    async with open_db(db_url) as db:
        return list(
            (
                await db.execute(
                    select(CandidateDemographics).where(
                        CandidateDemographics.invitation_id == world.a.invitation_ids[name]
                    )
                )
            ).scalars()
        )


async def test_given_after_completion_and_a_second_submit_replaces_it(
    client: Any, world: World, db_url: str
) -> None:
    """The screen comes after the last answer, so a completed link still takes it; submitting
    again is an idempotent update (one row, the latest answer), and "prefer not to say" on both
    withdraws it."""
    await _complete(db_url, world, "Alice")
    token = world.a.tokens["Alice"]
    url = f"/api/candidate/{token}/demographics"
    r = await client.put(url, json={"sex": "male", "race_ethnicity": None})
    assert r.status_code == 200, r.text
    r = await client.put(url, json=VOLUNTEERED)
    assert r.status_code == 200 and r.json() == VOLUNTEERED
    r2 = await client.put(url, json=VOLUNTEERED)  # the same submit again changes nothing
    assert r2.status_code == 200 and r2.json() == VOLUNTEERED
    assert (await client.get(url)).json() == VOLUNTEERED
    rows = await _rows(db_url, world, "Alice")
    assert [(x.sex, x.race_ethnicity) for x in rows] == [("female", VOLUNTEERED["race_ethnicity"])]
    # an unknown category is refused with the allowed values named; what was stored stays
    r = await client.put(url, json={"sex": "female", "race_ethnicity": "martian"})
    assert r.status_code == 400 and "race_ethnicity" in r.text
    assert (await client.get(url)).json() == VOLUNTEERED
    # both "prefer not to say": nothing is kept
    r = await client.put(url, json={"sex": None, "race_ethnicity": None})
    assert r.status_code == 200 and r.json() == {"sex": None, "race_ethnicity": None}
    assert await _rows(db_url, world, "Alice") == []
    # a bad link is a 404, and another organization's token never reaches alpha's row
    assert (await client.put("/api/candidate/not-a-token/demographics", json=VOLUNTEERED)).status_code == 404
    async with open_db(db_url) as db:
        assert (await db.execute(select(func.count()).select_from(CandidateDemographics))).scalar_one() == 0


def _fill(path: str, values: dict[str, str]) -> str | None:
    """The path with its parameters filled from ``values``; None when one is unknown."""
    names = re.findall(r"{([^}:]+)(?::[^}]+)?}", path)
    if any(n not in values for n in names):
        return None
    return re.sub(r"{([^}:]+)(?::[^}]+)?}", lambda m: values[m.group(1)], path)


async def test_no_read_a_reviewer_or_hiring_manager_can_make_returns_demographics(
    client: Any, world: World, db_url: str
) -> None:
    """Every GET in the API that a reviewer's or a hiring manager's session can fill in for an
    assessment they work on (reports, shortlist, compare, exports, progress, funnel, responses,
    review items...) answers without the volunteered values; the fairness report (aggregates)
    and the privacy export are admin-only (403)."""
    admin = await as_user(client, world.a.admin_email)
    hm_id = await add_staff(db_url, world.a.id, "hana@alpha.test", "Hana Manager", Role.HIRING_MANAGER)
    hm = await as_user(client, "hana@alpha.test")
    reviewer = await as_user(client, world.a.reviewer_email)
    aid = world.a.assessment_id
    r = await client.put(f"/api/assessments/{aid}/members", headers=admin, json={"user_ids": [str(hm_id)]})
    assert r.status_code == 200, r.text
    name = "Alice"
    inv_id = world.a.invitation_ids[name]
    response_id = await add_ready_response(db_url, inv_id, world.a.question_ids[1])
    await _complete(db_url, world, name)
    async with open_db(db_url) as db:
        inv = await db.get(Invitation, inv_id)
        assert inv is not None
        inv.decision = CandidateDecision.ADVANCED
        await db.commit()
    r = await client.put(f"/api/candidate/{world.a.tokens[name]}/demographics", json=VOLUNTEERED)
    assert r.status_code == 200, r.text

    # the admin's privacy export has them (an access request), so the check below is not vacuous
    r = await client.get(f"/api/invitations/{inv_id}/candidate-data", headers=admin)
    assert r.status_code == 200 and VOLUNTEERED["race_ethnicity"] in r.text

    values = {
        "assessment_id": str(aid),
        "invitation_id": str(inv_id),
        "response_id": str(response_id),
        "question_id": str(world.a.question_ids[1]),
    }
    schema = (await client.get("/schema/openapi.json")).json()
    gets = [
        filled
        for path, ops in schema["paths"].items()
        if "get" in ops and not path.startswith("/api/candidate/")
        if (filled := _fill(path, values)) is not None and filled.startswith("/api/")
    ]
    assert len(gets) > 20, gets
    read_something = {"reviewer": 0, "hiring_manager": 0}
    for role, headers in (("reviewer", reviewer), ("hiring_manager", hm)):
        for path in gets:
            r = await client.get(path, headers=headers)
            assert r.status_code < 500, (role, path, r.text)
            if r.status_code == 200:
                read_something[role] += 1
                body = r.text
                assert VOLUNTEERED["race_ethnicity"] not in body, (role, path)
                assert "race_ethnicity" not in body and "demographic" not in body.lower(), (role, path)
        for path in (f"/api/reports/assessments/{aid}/fairness", f"/api/invitations/{inv_id}/candidate-data"):
            r = await client.get(path, headers=headers)
            assert r.status_code == 403, (role, path, r.text)
    # they did read the candidate's report, shortlist and so on
    assert read_something["reviewer"] >= 5 and read_something["hiring_manager"] >= 5, read_something
