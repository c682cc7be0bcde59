"""Candidate reports: numbers checked by hand, CSV export, comparison, share links, blind mode."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest
from sqlalchemy import select

from server.db.models import AuditEvent, EnglishReview, ShareLink, Suggestion
from tests.integration.test_reviews import as_user
from tests.support.reviews import add_ready_response, open_db, override, set_review_settings
from tests.support.world import World

pytestmark = pytest.mark.integration

TRICKY = 'Smith, "Bo" <script>alert(1)</script>'


def _two_questions() -> dict[str, Any]:
    levels = [{"level": i, "descriptor": f"Level {i}"} for i in range(1, 6)]
    return {
        "title": "Two questions",
        "role": "Engineer",
        "dimensions": [
            {"name": "Technical", "weight": 60, "competencies": [{"key": "tech", "name": "Tech"}]},
            {"name": "Soft", "weight": 40, "competencies": [{"key": "soft", "name": "Soft"}]},
        ],
        "questions": [
            {
                "prompt": "Explain drift.",
                "kind": "written",
                "competency": "tech",
                "rubric": {"levels": levels},
            },
            # a practice question between the scored ones: candidates meet it first, and staff
            # screens number only the scored ones (Q1 drift, Q2 conflict)
            {"prompt": "Practice: say hello.", "kind": "written", "is_practice": True},
            {
                "prompt": "=Tell us about a conflict.",
                "kind": "written",
                "competency": "soft",
                "rubric": {"levels": levels},
            },
        ],
    }


async def _setup(client: Any, world: World, db_url: str) -> tuple[dict[str, str], dict[str, Any]]:
    """Candidate A: Q1 reviewed at 4 (human), Q2 suggested 3.0 in [2, 4] at 80%; candidate B:
    Q2 abstained only."""
    admin = await as_user(client, world.a.admin_email)
    made = (await client.post("/api/assessments", json=_two_questions(), headers=admin)).json()
    assert made["questions"][1]["is_practice"], made
    aid, (q1, q2) = made["id"], [uuid.UUID(q["id"]) for q in made["questions"] if not q["is_practice"]]
    invs = {}
    for name in (TRICKY, "Zoe"):
        r = await client.post(
            f"/api/assessments/{aid}/invitations",
            headers=admin,
            json={"candidate_name": name, "candidate_email": f"c{len(invs)}@example.com"},
        )
        assert r.status_code == 201, r.text
        invs[name] = uuid.UUID(r.json()["id"])
    r1 = await add_ready_response(db_url, invs[TRICKY], q1, score=3.1, low=2.5, high=3.8, band="B1")
    r2 = await add_ready_response(db_url, invs[TRICKY], q2, score=3.0, low=2.0, high=4.0, band="C1")
    # the review below moves waiting intervals to the calibration's (server/jobs/recalibration):
    # a spread whose prior interval is [2, 4] keeps these hand-checked numbers whenever it runs
    async with open_db(db_url) as db:
        s = (await db.execute(select(Suggestion).where(Suggestion.response_id == r2))).scalar_one()
        s.evidence = msgspec.structs.replace(s.evidence, spread=1.2)
        await db.commit()
    await add_ready_response(db_url, invs["Zoe"], q2, abstained=True, abstain_reason="Too short.")
    rev = await as_user(client, world.a.reviewer_email)
    await override(client, rev, r1, score=4, comment='=HYPERLINK("x") covers monitoring')
    return admin, {
        "aid": aid,
        "q1": q1,
        "q2": q2,
        "practice": uuid.UUID(made["questions"][1]["id"]),
        "invs": invs,
        "rev": rev,
    }


async def test_report_numbers_by_hand_and_comparison(client: Any, world: World, db_url: str) -> None:
    admin, ctx = await _setup(client, world, db_url)
    inv = ctx["invs"][TRICKY]
    rep = (await client.get(f"/api/reports/invitations/{inv}", headers=admin)).json()
    # Q1: human 4 on 1-5 -> 75, no uncertainty. Q2: suggestion 3 -> 50; its 80% interval [2, 4]
    # is +-25 on 0-100. Overall = 0.6*75 + 0.4*50 = 65, interval +-0.4*25 = [55, 75].
    tech, soft = rep["dimensions"]
    assert (tech["name"], tech["score"], tech["low"], tech["high"]) == ("Technical", 75.0, 75.0, 75.0)
    assert tech["n_human"] == 1
    assert soft["score"] == pytest.approx(50.0) and soft["low"] == pytest.approx(25.0)
    assert soft["high"] == pytest.approx(75.0) and soft["n_human"] == 0
    overall = rep["overall"]
    assert overall["score"] == pytest.approx(65.0)
    assert (overall["low"], overall["high"]) == (pytest.approx(55.0), pytest.approx(75.0))
    assert overall["coverage"] == 1.0 and rep["level"] == 0.8
    q1, q2 = rep["questions"]
    assert (q1["source"], q1["confirmed"], q1["score"], q1["decision"]) == ("human", True, 4.0, "override")
    assert (q2["source"], q2["confirmed"], q2["score"], q2["low"]) == ("suggestion", False, 3.0, 2.0)
    assert [(q["position"], q["number"]) for q in (q1, q2)] == [(0, 1), (2, 2)]
    assert rep["counts"] == {
        "confirmed": 0,
        "overridden": 1,
        "resolved": 0,
        "unconfirmed": 1,
        "needs_human": 0,
        "missing": 0,
    }
    # B1 (3.0 in [2.6, 3.4]) and C1 (5.0 in [4.6, 5.4]), 120 words each: the word-weighted
    # mean is 4.0 in [3.6, 4.4], all of it B2: "likely meets B2"
    english = rep["english"]
    assert {
        k: english[k]
        for k in (
            "band",
            "band_low",
            "band_high",
            "threshold",
            "meets_threshold",
            "responses",
            "verdict",
            "words",
            "confirmed_level",
        )
    } == {
        "band": "B2",
        "band_low": "B2",
        "band_high": "B2",
        "threshold": "B2",
        "meets_threshold": True,
        "responses": 2,
        "verdict": "likely_meets",
        "words": 240,
        "confirmed_level": None,
    }
    assert english["score_low"] == pytest.approx(3.6) and english["score_high"] == pytest.approx(4.4)
    assert [
        (n["reviewer_name"], n["score"], n["reason_code"], n["question_number"]) for n in rep["notes"]
    ] == [("Reviewer", 4, "missed_key_point", 1)]
    assert rep["candidate_email"] == "c0@example.com"

    cmp = (await client.get(f"/api/reports/assessments/{ctx['aid']}/compare", headers=admin)).json()
    assert [r["candidate_name"] for r in cmp["rows"]] == [TRICKY, "Zoe"]
    first, zoe = cmp["rows"]
    assert first["overall"]["score"] == pytest.approx(65.0) and first["confirmed"] == 1
    assert [d["score"] for d in first["dimensions"]] == [75.0, pytest.approx(50.0)]
    assert zoe["overall"]["score"] is None and zoe["overall"]["coverage"] == 0.0
    assert zoe["overall"]["abstained"] == [str(ctx["q2"])] and zoe["unconfirmed"] == 1
    assert cmp["dimensions"] == [{"name": "Technical", "weight": 60.0}, {"name": "Soft", "weight": 40.0}]

    beta = await as_user(client, world.b.admin_email)
    assert (await client.get(f"/api/reports/invitations/{inv}", headers=beta)).status_code == 404
    r = await client.get(f"/api/reports/assessments/{ctx['aid']}/compare", headers=beta)
    assert r.status_code == 404


async def test_csv_export_escapes_and_parses(client: Any, world: World, db_url: str) -> None:
    admin, ctx = await _setup(client, world, db_url)
    inv = ctx["invs"][TRICKY]
    r = await client.get(f"/api/reports/invitations/{inv}", params={"format": "csv"}, headers=admin)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    disposition = r.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="viva-report-Smith-Bo-script-alert-1-script.csv"')
    assert "filename*=UTF-8''" in disposition and "<" not in disposition
    assert r.headers["cache-control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == ["section", "item", "score", "low", "high", "coverage", "source", "detail"]
    assert rows[1][:2] == ["candidate", TRICKY]  # comma, quotes and markup survive intact
    by_section = {(row[0], row[1]): row for row in rows}
    assert by_section[("overall", "overall")][2:5] == ["65.0", "55.0", "75.0"]
    assert by_section[("dimension", "Technical")][2] == "75.0"
    question = next(row for row in rows if row[0] == "question" and "conflict" in row[1])
    assert question[1] == "Q2: =Tell us about a conflict." and question[6] == "suggestion (unconfirmed)"
    note = next(row for row in rows if row[0] == "note")
    assert note[7] == '\'=HYPERLINK("x") covers monitoring'  # a formula is defused, not run
    j = await client.get(f"/api/reports/invitations/{inv}", params={"format": "json"}, headers=admin)
    assert j.headers["content-disposition"].startswith("attachment;") and j.json()["overall"]["score"]


async def test_share_link_then_expiry_and_revocation(client: Any, world: World, db_url: str) -> None:
    admin, ctx = await _setup(client, world, db_url)
    inv = ctx["invs"][TRICKY]
    share = f"/api/reports/invitations/{inv}/share"
    assert (await client.post(share, json={}, headers=ctx["rev"])).status_code == 403
    r = await client.post(share, json={"expires_in_hours": 24}, headers=admin)
    assert r.status_code == 201, r.text
    made = r.json()
    token = made["token"]
    assert made["url"].endswith(f"/api/share/{token}") and len(token) >= 43
    async with open_db(db_url) as db:  # only the hash is stored
        link = (await db.execute(select(ShareLink))).scalar_one()
        assert link.token_hash != token and token not in link.token_hash
    client.cookies.clear()  # a recipient has no session
    r = await client.get(f"/api/share/{token}")
    assert r.status_code == 200, r.text
    shared = r.json()
    assert shared["shared"] is True and shared["candidate_email"] is None
    assert shared["candidate_name"] == TRICKY and shared["overall"]["score"] == pytest.approx(65.0)
    assert all(q["response_id"] is None for q in shared["questions"])
    assert "@example.com" not in r.text and "/media/" not in r.text and "segments" not in r.text
    assert (await client.get("/api/share/not-a-token")).status_code == 404

    async with open_db(db_url) as db:
        link = (await db.execute(select(ShareLink))).scalar_one()
        link.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        await db.commit()
    r = await client.get(f"/api/share/{token}")
    assert r.status_code == 410 and "expired" in r.json()["detail"]

    admin = await as_user(client, world.a.admin_email)
    second = (await client.post(share, json={}, headers=admin)).json()
    assert (await client.get(f"/api/share/{second['token']}")).status_code == 200
    beta = await as_user(client, world.b.admin_email)
    assert (await client.delete(f"/api/reports/share-links/{second['id']}", headers=beta)).status_code == 404
    r = await client.delete(f"/api/reports/share-links/{second['id']}", headers=admin)
    assert r.status_code == 204
    r = await client.get(f"/api/share/{second['token']}")
    assert r.status_code == 410 and "withdrawn" in r.json()["detail"]
    links = (await client.get(share, headers=admin)).json()
    assert sorted(x["status"] for x in links) == ["expired", "revoked"]

    async with open_db(db_url) as db:
        events = list(
            (
                await db.execute(
                    select(AuditEvent)
                    .where(AuditEvent.action.like("share_link.%"))
                    .order_by(AuditEvent.created_at)
                )
            ).scalars()
        )
    assert [e.action for e in events] == ["share_link.create", "share_link.create", "share_link.revoke"]
    assert events[2].data["before"]["status"] == "active"
    assert events[2].data["after"]["status"] == "revoked" and events[2].actor_id is not None


async def test_blind_assessment_reports_hide_unconfirmed_suggestions_from_reviewers(
    client: Any, world: World, db_url: str
) -> None:
    admin, ctx = await _setup(client, world, db_url)
    await set_review_settings(db_url, uuid.UUID(ctx["aid"]), blind_review=True)
    inv = ctx["invs"][TRICKY]
    rev = await as_user(client, world.a.reviewer_email)
    seen = (await client.get(f"/api/reports/invitations/{inv}", headers=rev)).json()
    assert [q["source"] for q in seen["questions"]] == ["human", "withheld"]
    assert seen["questions"][1]["score"] is None
    # the withheld answer is its dimension's only one: no overall headline on half the answers
    assert seen["overall"]["score"] is None and seen["overall"]["partial"] is True
    assert seen["overall"]["note"] == "partial: 1 of 2 answers"
    assert seen["dimensions"][0]["score"] == 75.0 and seen["dimensions"][0]["n_scored"] == 1
    admin = await as_user(client, world.a.admin_email)
    full = (await client.get(f"/api/reports/invitations/{inv}", headers=admin)).json()
    assert full["questions"][1]["source"] == "suggestion"
    assert full["overall"]["score"] == pytest.approx(65.0)


async def test_every_staff_screen_numbers_the_scored_questions_alike(
    client: Any, world: World, db_url: str
) -> None:
    """Q2 is the second scored question wherever staff meet it, though a practice question sits
    between Q1 and Q2 (position 2); the practice question has no number."""
    admin, ctx = await _setup(client, world, db_url)
    built = (await client.get(f"/api/assessments/{ctx['aid']}", headers=admin)).json()
    assert [(q["position"], q["number"]) for q in built["questions"]] == [(0, 1), (1, None), (2, 2)]
    queue = (await client.get("/api/review/queue", headers=ctx["rev"])).json()
    assert {(i["question_id"], i["question_position"], i["question_number"]) for i in queue["items"]} == {
        (str(ctx["q2"]), 2, 2)
    }
    item = (await client.get(f"/api/review/responses/{queue['items'][0]['id']}", headers=ctx["rev"])).json()
    assert (item["question"]["position"], item["question"]["number"]) == (2, 2)
    scored = (await client.get(f"/api/questions/{ctx['q2']}/agreement", headers=admin)).json()
    assert (scored["question"]["number"], scored["question"]["is_practice"]) == (2, False)
    practice = (await client.get(f"/api/questions/{ctx['practice']}/agreement", headers=admin)).json()
    assert (practice["question"]["position"], practice["question"]["number"]) == (1, None)
    assert practice["question"]["is_practice"] is True
    csv_rows = list(
        csv.reader(
            io.StringIO(
                (
                    await client.get(
                        f"/api/reports/invitations/{ctx['invs'][TRICKY]}",
                        params={"format": "csv"},
                        headers=admin,
                    )
                ).content.decode("utf-8-sig")
            )
        )
    )
    assert [row[1] for row in csv_rows if row[0] in ("question", "note")] == [
        "Q1: Explain drift.",
        "Q2: =Tell us about a conflict.",
        "Q1",
    ]


async def test_a_person_confirms_or_corrects_the_english_level_with_a_reason(
    client: Any, world: World, db_url: str
) -> None:
    admin, ctx = await _setup(client, world, db_url)
    inv = ctx["invs"][TRICKY]
    url = f"/api/reports/invitations/{inv}/english"
    rev = await as_user(client, world.a.reviewer_email)
    for bad, message in (
        ({"level": "B3", "reason": "x"}, "A1, A2"),
        ({"level": "B2", "reason": "  "}, "why"),
    ):
        r = await client.post(url, headers=rev, json=bad)
        assert r.status_code == 422 and message in r.json()["detail"], r.text
    assert (await client.post(url, headers=rev, json={"level": "B2"})).status_code == 400
    r = await client.post(url, headers=rev, json={"level": "b1", "reason": "Long pauses, simple words."})
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["confirmed_level"], out["confirmed_by"], out["confirmed_agrees"], out["confirmations"]) == (
        "B1",
        "Reviewer",
        False,
        1,
    )
    assert out["verdict"] == "likely_meets" and out["confirmed_reason"] == "Long pauses, simple words."
    r = await client.post(url, headers=admin, json={"level": "B2", "reason": "Agree after listening."})
    assert r.status_code == 200, r.text
    rep = (await client.get(f"/api/reports/invitations/{inv}", headers=admin)).json()["english"]
    assert (rep["confirmed_level"], rep["confirmed_by"], rep["confirmed_agrees"], rep["confirmations"]) == (
        "B2",
        "Admin",
        True,
        2,
    )
    async with open_db(db_url) as db:
        events = (
            await db.execute(select(AuditEvent).where(AuditEvent.action == "english.reviewed"))
        ).scalars()
        assert [e.data["level"] for e in events] == ["B1", "B2"]
    other = await as_user(client, world.b.admin_email)
    assert (await client.post(url, headers=other, json={"level": "B2", "reason": "x"})).status_code == 404


async def test_blind_review_hides_the_ai_english_level_until_the_reviewer_gave_theirs(
    client: Any, world: World, db_url: str
) -> None:
    admin, ctx = await _setup(client, world, db_url)
    await set_review_settings(db_url, uuid.UUID(ctx["aid"]), blind_review=True)
    inv = ctx["invs"][TRICKY]
    rev = await as_user(client, world.a.reviewer_email)
    seen = (await client.get(f"/api/reports/invitations/{inv}", headers=rev)).json()["english"]
    assert seen["ai_withheld"] and seen["verdict"] == "withheld"
    assert seen["band"] is None and seen["score"] is None and seen["meets_threshold"] is None
    full = (await client.get(f"/api/reports/invitations/{inv}", headers=admin)).json()["english"]
    assert full["band"] == "B2" and not full["ai_withheld"]
    r = await client.post(
        f"/api/reports/invitations/{inv}/english",
        headers=rev,
        json={"level": "C1", "reason": "Fluent and precise."},
    )
    assert r.json()["band"] == "B2" and not r.json()["ai_withheld"]
    async with open_db(db_url) as db:
        row = (await db.execute(select(EnglishReview))).scalar_one()
        assert (row.level, row.ai_band, row.ai_verdict) == ("C1", "B2", "likely_meets")
