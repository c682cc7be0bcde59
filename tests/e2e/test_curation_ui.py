"""An admin curates exemplars in Chromium: the agreement dashboard shows the API's figures,
an exemplar is added and retired with a before/after preview, pending answers are re-scored
with visible progress, a reviewed answer is promoted from the review page; settings (retention,
a webhook, an API token), the fairness report and erasing a candidate.

Data is made the way the product makes it: candidates answer through the candidate API, the
running demo's in-process pipeline scores them (real MiniLM), reviewers decide through the
review API.
"""

from __future__ import annotations

import copy
import json
import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from server.seed.ml_engineer import ML_ENGINEER_ASSESSMENT
from tests.e2e.conftest import PHONE, Demo, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("page_errors")]  # a script error fails any test

ML_TITLE = "Machine Learning Engineer"
FAIR_TITLE = "Ownership (fairness check)"
AGREEMENT_HEADING = "Exemplars and AI agreement with reviewers"
PENDING_TEXT = (
    "I took over our flaky nightly training job. I listed every failure for a week, fixed the "
    "data loader race and the disk quota, and added an alert. It has not failed since."
)
NEW_EXEMPLAR = (
    "I noticed our feature store backfills kept failing, so I traced them, found a schema "
    "mismatch, fixed it and told the team. Nobody asked me to."
)
FAIR_ANSWERS = [
    (
        "Fiona Female",
        "female",
        "white",
        "I owned our churn pipeline end to end: I logged failures, fixed the three root causes, "
        "added alerts and a runbook, and trained the on-call rotation.",
    ),
    (
        "Farah Female",
        "female",
        "asian",
        "I was responsible for the churn model and handed it over to the platform team.",
    ),
    (
        "Marco Male",
        "male",
        "white",
        "I owned the fraud model: I measured its drift weekly, retrained it, wrote a runbook and "
        "cut false positives by a third, then taught the team to run it.",
    ),
]


# -- data ------------------------------------------------------------------------------------
def _wait_state(api: httpx.Client, rid: str, timeout: float = 180) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = api.get(f"/api/responses/{rid}").json()
        if body.get("state") in ("ready", "failed"):
            assert body["state"] == "ready", f"processing failed: {body.get('state_reason')}"
            return body
        assert time.monotonic() < deadline, f"response {rid} stuck in {body.get('state')}"
        time.sleep(0.5)


def _answer(
    api: httpx.Client,
    assessment_id: str,
    question_id: str,
    name: str,
    text: str,
    demographics: dict[str, str] | None = None,
    complete: bool = False,
) -> tuple[str, str]:
    inv = api.post(
        f"/api/assessments/{assessment_id}/invitations",
        json={"candidate_name": name, "candidate_email": f"{name.split()[0].lower()}@example.com"},
    )
    inv.raise_for_status()
    token = inv.json()["link"].rsplit("/", 1)[1]
    api.post(f"/api/candidate/{token}/consent", json={"accept": True}).raise_for_status()
    if demographics:
        api.put(f"/api/candidate/{token}/demographics", json=demographics).raise_for_status()
    r = api.put(
        f"/api/candidate/{token}/written/{question_id}",
        json={"text": text, "submit": True, "take_id": str(uuid.uuid4())},
    )
    r.raise_for_status()
    if complete:
        api.post(f"/api/candidate/{token}/complete").raise_for_status()
    return inv.json()["id"], r.json()["id"]


def _decide(api: httpx.Client, rid: str, *, override_to: int | None = None) -> int:
    """Review an answer (confirm the suggestion, or override it); returns the decided score."""
    item = api.get(f"/api/review/responses/{rid}").json()
    s = item["suggestion"]
    body: dict[str, Any] = {"decision": "confirm", "expected_version": item["review_version"]}
    score = s["rounded_level"] if s and not s["abstained"] else None
    if override_to is not None or score is None:
        score = override_to if override_to is not None else 3
        body = {
            "decision": "override",
            "score": score,
            "reason_code": "missed_key_point",
            "expected_version": item["review_version"],
        }
    r = api.post(f"/api/review/responses/{rid}/reviews", json=body)
    assert r.status_code == 200, r.text
    return int(score)


@pytest.fixture(scope="module")
def data(demo: Demo) -> dict[str, Any]:
    with demo.staff_api() as api:
        ml = next(a for a in api.get("/api/assessments").json() if a["title"] == ML_TITLE)
        full = api.get(f"/api/assessments/{ml['id']}").json()
        wq = next(q for q in full["questions"] if q["kind"] == "written")
        # The demo's two sample answers to the written question: wait until scored, then decide.
        deadline = time.monotonic() + 180
        while True:  # they are scored at start-up; the queue lists them once ready
            items = api.get("/api/review/queue", params={"assessment_id": ml["id"]}).json()["items"]
            samples = sorted(
                (i for i in items if i["question_id"] == wq["id"]), key=lambda i: i["candidate_name"]
            )[:2]
            if len(samples) == 2:
                break
            assert time.monotonic() < deadline, f"the demo should hold two sample answers: {items}"
            time.sleep(0.5)
        for s in samples:
            _wait_state(api, s["id"])
        confirmed = samples[0]["id"]
        decided = _decide(api, confirmed)
        first = api.get(f"/api/review/responses/{samples[1]['id']}").json()["suggestion"]
        other = 1 if first and first["rounded_level"] and first["rounded_level"] >= 3 else 5
        _decide(api, samples[1]["id"], override_to=other)
        # One more answer left unreviewed: something for the re-scoring to do.
        _, pending = _answer(api, ml["id"], wq["id"], "Ada Pending", PENDING_TEXT)
        _wait_state(api, pending)

        # A one-question assessment three candidates complete, volunteering demographics.
        body = copy.deepcopy(ML_ENGINEER_ASSESSMENT)
        body["title"] = FAIR_TITLE
        body["questions"] = [q for q in body["questions"] if q["kind"] == "written"]
        made = api.post("/api/assessments", json=body)
        assert made.status_code == 201, made.text
        fair = made.json()
        fair_rids = [
            _answer(
                api,
                fair["id"],
                fair["questions"][0]["id"],
                name,
                text,
                {"sex": sex, "race_ethnicity": race},
                complete=True,
            )[1]
            for name, sex, race, text in FAIR_ANSWERS
        ]
        for rid in fair_rids:
            _wait_state(api, rid)
        return {
            "assessment": ml["id"],
            "question": wq["id"],
            "position": wq["position"],
            "confirmed": confirmed,
            "decided": decided,
            "pending": pending,
            "fair_assessment": fair["id"],
        }


# -- browser helpers -------------------------------------------------------------------------
def pct(v: float | None) -> str:
    return "—" if v is None else f"{int(v * 100 + 0.5)}%"


def agreement(demo: Demo, qid: str) -> dict[str, Any]:
    return demo.staff_get(f"/api/questions/{qid}/agreement")


# -- tests -----------------------------------------------------------------------------------
def test_agreement_dashboard_preview_exemplars_and_rescore(
    page: Page,
    demo: Demo,
    data: dict[str, Any],
    new_context: Any,
    shot: Callable[[Page, str], None],
) -> None:
    sign_in(page, demo)
    page.goto(f"/app/questions/{data['question']}/agreement")
    expect(page.get_by_role("heading", name=AGREEMENT_HEADING, level=1)).to_be_visible()
    api_view = agreement(demo, data["question"])
    m = api_view["metrics"]
    assert m["n"] >= 2

    # The figures shown are the API's.
    facts = page.locator("dl.metric-facts")
    expect(facts.locator('[data-fact="n"]')).to_have_text(str(m["n"]))
    expect(facts.locator('[data-fact="exact"]')).to_have_text(pct(m["exact_agreement"]))
    expect(facts.locator('[data-fact="adjacent"]')).to_have_text(pct(m["adjacent_agreement"]))
    expect(facts.locator('[data-fact="coverage"]')).to_have_text(pct(m["coverage"]))
    expect(facts.locator('[data-fact="qwk"]')).to_have_text("—" if m["qwk"] is None else f"{m['qwk']:.2f}")
    # Charts are labelled images; the matrix is also a table with the same counts.
    for title in (
        "Agreement of the AI's suggestions with reviewers' scores",
        "Reviewers' final scores against the AI's suggested levels",
    ):
        expect(page.get_by_role("img", name=title)).to_be_visible()
    page.get_by_text("The matrix as a table").first.click()
    cells = page.locator("table.cm-table").first.locator("tbody tr")
    expect(cells).to_have_count(len(m["labels"]))
    shown = [[int(c) for c in cells.nth(i).locator("td").all_inner_texts()] for i in range(len(m["labels"]))]
    assert shown == m["confusion"]
    shot(page, "70-agreement-dashboard")

    # Add an exemplar: Preview shows before and after side by side, then save.
    page.get_by_role("button", name="Add an exemplar").click()
    form = page.get_by_role("form", name="New exemplar")
    form.get_by_label("Level").select_option("2")
    form.get_by_label("Exemplar answer").fill(NEW_EXEMPLAR)
    form.get_by_role("button", name="Preview").click()
    panel = page.locator("#preview")
    expect(panel.get_by_role("heading", name="Preview: add a level 2 exemplar")).to_be_visible(
        timeout=120_000
    )
    expect(panel.get_by_role("heading", name="Before", exact=True)).to_be_visible()
    expect(panel.get_by_role("heading", name="After", exact=True)).to_be_visible()
    expect(panel.get_by_role("img")).to_have_count(4)  # bars and matrix, before and after
    expect(panel.locator('.preview-table td[data-side="before"]').first).to_have_text(
        "—" if m["qwk"] is None else re.compile(r"^-?\d\.\d\d$")
    )
    shot(page, "71-agreement-preview-add")
    form.get_by_role("button", name="Save exemplar").click()
    expect(page.get_by_role("status").filter(has_text="Exemplar added at level 2")).to_be_visible()
    level2 = page.locator('.level-card[data-level="2"]')
    expect(level2.locator("blockquote", has_text=NEW_EXEMPLAR)).to_be_visible()
    added = next(
        e for e in agreement(demo, data["question"])["question"]["exemplars"] if e["text"] == NEW_EXEMPLAR
    )
    assert (added["level"], added["retired"]) == (2, False)
    shot(page, "72-agreement-exemplar-added")

    # Retire it, with a preview first.
    mine = level2.locator("li.exemplar", has_text=NEW_EXEMPLAR)
    mine.get_by_role("button", name="Retire…").click()
    mine.get_by_role("button", name="Preview").click()
    expect(panel.get_by_role("heading", name="Preview: retire a level 2 exemplar")).to_be_visible(
        timeout=120_000
    )
    shot(page, "73-agreement-preview-retire")
    mine.get_by_role("button", name="Retire", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Exemplar retired (level 2)")).to_be_visible()
    expect(level2.locator("details.retired summary")).to_have_text(re.compile(r"^\d+ retired$"))
    retired = next(
        e for e in agreement(demo, data["question"])["question"]["exemplars"] if e["id"] == added["id"]
    )
    assert retired["retired"] is True

    # Re-score this question's pending answers; the progress reaches done.
    page.get_by_role("button", name="Re-score this question").click()
    expect(page.locator(".rescore-run")).to_contain_text(
        re.compile(r"Started for this question: \d+ answers? queued")
    )
    status = page.locator(".rescore-status")
    expect(status).to_have_attribute("data-done", "true", timeout=180_000)
    expect(status).to_contain_text(re.compile(r"Done: (\d+) of \1 answers re-scored"))
    with demo.staff_api() as api:
        s = api.get(f"/api/assessments/{data['assessment']}/rescore-status").json()
    assert s["done"] is True and s["total"] >= 1 and s["states"].get("ready", 0) >= 1
    expect(page.get_by_role("progressbar", name="Re-scoring progress")).to_have_attribute(
        "aria-valuenow", str(s["total"])
    )
    assert _pending_is_ready(demo, data["pending"])
    shot(page, "74-agreement-rescored")

    # Phone width: the dashboard stacks without sideways scrolling.
    phone = new_context(PHONE).new_page()
    sign_in(phone, demo)
    phone.goto(f"/app/questions/{data['question']}/agreement")
    expect(phone.get_by_role("heading", name=AGREEMENT_HEADING, level=1)).to_be_visible()
    n_now = agreement(demo, data["question"])["metrics"]["n"]
    expect(phone.locator('dl.metric-facts [data-fact="n"]')).to_have_text(str(n_now))
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the dashboard scrolls sideways on a phone ({width}px)"
    shot(phone, "75-agreement-phone")


def _pending_is_ready(demo: Demo, rid: str) -> bool:
    with demo.staff_api() as api:
        return bool(api.get(f"/api/responses/{rid}").json()["state"] == "ready")


def test_promote_a_reviewed_answer_from_the_review_page(
    page: Page, demo: Demo, data: dict[str, Any], shot: Callable[[Page, str], None]
) -> None:
    sign_in(page, demo)
    page.goto(f"/app/review/{data['confirmed']}")
    group = page.get_by_role("group", name="Use as an exemplar")
    expect(group).to_be_visible()
    expect(group.get_by_label("Level")).to_have_value(str(data["decided"]))
    shot(page, "76-review-promote")
    group.get_by_role("button", name="Promote to exemplar").click()
    expect(group.get_by_role("status")).to_contain_text(
        f"this answer is now a level {data['decided']} exemplar"
    )
    exemplars = agreement(demo, data["question"])["question"]["exemplars"]
    promoted = [e for e in exemplars if e["source_response_id"] == data["confirmed"]]
    assert len(promoted) == 1 and promoted[0]["level"] == data["decided"]
    shot(page, "77-review-promoted")
    group.get_by_role("link", name="Open the question's agreement dashboard").click()
    expect(page).to_have_url(re.compile(rf"/app/questions/{data['question']}/agreement$"))
    card = page.locator(f'.level-card[data-level="{data["decided"]}"]')
    expect(card.get_by_role("link", name="from a reviewed answer")).to_be_visible()


def test_settings_retention_webhook_and_api_token(
    page: Page, demo: Demo, shot: Callable[[Page, str], None]
) -> None:
    sign_in(page, demo)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Settings", level=1)).to_be_visible()

    # Retention: a bad value is refused in place; 30 days is saved.
    page.get_by_label("Keep recordings until a candidate is erased").uncheck()
    page.get_by_label("Delete recordings after (days)").fill("0")
    page.get_by_role("button", name="Save retention").click()
    expect(page.get_by_text("Enter a whole number of days from 1 to 3650.")).to_be_visible()
    page.get_by_label("Delete recordings after (days)").fill("30")
    page.get_by_role("button", name="Save retention").click()
    expect(page.get_by_text("Saved: recordings are deleted 30 days after")).to_be_visible()
    with demo.staff_api() as api:
        assert api.get("/api/organization").json()["retention_days"] == 30

    # A webhook: the signing secret is shown once; deliveries are listed.
    page.get_by_label("Endpoint URL").fill("https://hooks.example.com/viva")
    page.get_by_label("Description").fill("ATS")
    page.get_by_role("button", name="Add webhook").click()
    secret = page.get_by_role("textbox", name="Signing secret")
    expect(secret).to_have_value(re.compile(r"\S{16,}"))
    hook = page.locator("li.hook", has_text="https://hooks.example.com/viva")
    expect(hook).to_contain_text("review.completed")
    hook.get_by_role("button", name="Deliveries").click()
    expect(hook.get_by_role("heading", name="Recent deliveries")).to_be_visible()
    with demo.staff_api() as api:
        hooks = api.get("/api/webhooks").json()
    assert [h["url"] for h in hooks].count("https://hooks.example.com/viva") == 1
    shot(page, "78-settings-webhook")
    page.get_by_role("button", name="I have copied it").first.click()
    expect(secret).to_have_count(0)

    # An API token: shown once, works for reads, stops working when revoked.
    page.get_by_label("Token name").fill("ATS sync")
    page.get_by_role("button", name="Create token").click()
    token_box = page.get_by_role("textbox", name="API token")
    expect(token_box).to_have_value(re.compile(r"^viva_\S+$"))
    token = token_box.input_value()
    row = page.locator("table.tokens-table tbody tr", has_text="ATS sync")
    expect(row).to_contain_text("active")
    shot(page, "79-settings-token")
    with httpx.Client(base_url=demo.url) as anon:
        ok = anon.get("/api/assessments", headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200
        row.get_by_role("button", name="Revoke the token ATS sync").click()
        row.get_by_role("button", name="Revoke", exact=True).click()
        expect(row).to_contain_text("revoked")
        gone = anon.get("/api/assessments", headers={"Authorization": f"Bearer {token}"})
        assert gone.status_code == 401


def test_fairness_report(
    page: Page, demo: Demo, data: dict[str, Any], shot: Callable[[Page, str], None]
) -> None:
    sign_in(page, demo)
    page.goto(f"/app/assessments/{data['fair_assessment']}/compare")
    page.get_by_role("link", name="Fairness report").click()
    expect(page.get_by_role("heading", name="Fairness report", level=1)).to_be_visible()
    with demo.staff_api() as api:
        report = api.get(f"/api/reports/assessments/{data['fair_assessment']}/fairness").json()
    assert report["candidates"] == 3
    # the first tab: selection rates from recorded decisions, and how many have none yet
    decisions = report["decisions"]
    expect(page.locator('[data-fact="decided"]')).to_have_text(str(decisions["decided"]))
    expect(page.locator('[data-fact="undecided"]')).to_have_text(str(decisions["undecided"]))
    shot(page, "79-fairness-decisions")
    page.get_by_role("link", name="Score threshold").click()
    expect(page.locator('[data-fact="candidates"]')).to_have_text("3")
    expect(page.locator('[data-fact="scored"]')).to_have_text(str(report["scored"]))
    sex = page.locator("#sex-table tbody tr")
    for cat in report["sex"]:
        label = {"male": "Male", "female": "Female", "unknown": "Unknown (not given)"}[cat["category"]]
        expect(sex.filter(has_text=label).locator("td").first).to_have_text(str(cat["n"]))
    expect(page.get_by_role("heading", name="Race/Ethnicity", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Intersectional: sex and race/ethnicity")).to_be_visible()
    expect(page.locator(".fairness-notes")).to_contain_text("fewer than 5 applicants")
    expect(page.locator(".fairness-notes")).to_contain_text("No sex category has 5 or more people")

    # With a threshold, selection rates and impact ratios appear (LL144 columns).
    page.get_by_label("Selection threshold").fill("0")
    page.get_by_role("button", name="Update").click()
    expect(page).to_have_url(re.compile(r"/fairness\?tab=scores&threshold=0$"))
    expect(page.locator("#sex-table thead")).to_contain_text("Selection rate")
    expect(page.locator("#sex-table thead")).to_contain_text("Impact ratio")
    with demo.staff_api() as api:
        selected = api.get(
            f"/api/reports/assessments/{data['fair_assessment']}/fairness", params={"threshold": 0}
        ).json()
    female = next(c for c in selected["sex"] if c["category"] == "female")
    expect(sex.filter(has_text="Female").locator("td").nth(1)).to_have_text(str(female["selected"]))
    shot(page, "80-fairness-report")


def test_export_and_erase_a_candidate(
    page: Page, demo: Demo, data: dict[str, Any], shot: Callable[[Page, str], None]
) -> None:
    name = "Erin Erasable"
    with demo.staff_api() as api:
        full = api.get(f"/api/assessments/{data['fair_assessment']}").json()
        inv, rid = _answer(
            api,
            data["fair_assessment"],
            full["questions"][0]["id"],
            name,
            "I owned the ETL jobs and fixed them.",
        )
    sign_in(page, demo)
    page.goto(f"/app/reports/{inv}")
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()

    with page.expect_download() as dl:
        page.get_by_role("link", name="Export data (JSON)").click()
    exported = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
    assert exported["invitation"]["candidate_name"] == name
    assert [r["id"] for r in exported["responses"]] == [rid]

    page.get_by_role("button", name="Erase candidate…").click()
    dialog = page.get_by_role("dialog", name=f"Erase {name}?")
    expect(dialog).to_be_visible()
    erase = dialog.get_by_role("button", name="Erase for good")
    expect(erase).to_be_disabled()
    dialog.get_by_label(re.compile("Type the candidate's name")).fill("Erin")
    expect(erase).to_be_disabled()
    dialog.get_by_label(re.compile("Type the candidate's name")).fill(name)
    shot(page, "81-erase-dialog")
    erase.click()
    expect(page).to_have_url(re.compile(rf"/app/assessments/{data['fair_assessment']}/compare$"))
    expect(page.get_by_role("status").filter(has_text=f"{name}'s data was erased")).to_be_visible()
    expect(page.locator("table.compare-table")).not_to_contain_text(name)
    shot(page, "82-erased-notice")
    with demo.staff_api() as api:
        assert api.get(f"/api/reports/invitations/{inv}").status_code == 404
        assert api.get(f"/api/responses/{rid}").status_code == 404
