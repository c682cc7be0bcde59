"""An admin writes a customer-support question in Chromium with its rubric and exemplars, from
the question form alone: level descriptors and red flags typed in, exemplars copied from the
nearest bank questions and edited, the live check saying how well they separate the levels.
A candidate answers it in writing, the running demo's pipeline scores the answer with the
real MiniLM scorer, and the reviewer sees a suggestion whose interval is narrower than the
scale, from the first answer (no reviews in the organization for this question yet).
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Demo, sign_in

pytestmark = pytest.mark.e2e

TITLE = "Customer Support Specialist (rubric form)"
PROMPT = (
    "A customer emails that they were charged twice for their subscription this month and "
    "says they will cancel if it is not fixed today. How do you handle it, from your first "
    "reply to closing the ticket?"
)
LEVELS = {
    1: "Sends a generic reply or blames billing; no check of the charges and no timeline.",
    2: "Apologises and forwards to billing, without verifying or owning the outcome.",
    3: "Acknowledges the frustration, verifies the duplicate charge, starts the refund and gives a timeline.",
    4: "Verifies quickly, refunds, explains timing honestly, addresses the threat to cancel, follows up.",
    5: "Owns it end to end: calm acknowledgement, verified fix during the contact, honest refund timing, "
    "the root cause checked so it cannot recur, written confirmation and a follow-up.",
}
RED_FLAGS = "Argues with the customer; promises refund dates it cannot keep; never checks the charges."
ANSWER = (
    "First I'd reply within the hour and say I'm sorry, being charged twice is really frustrating, and "
    "that I'm looking at it now. I'd check their billing history to confirm the duplicate charge, start "
    "the refund for the second payment straight away and tell them honestly it shows on their card in "
    "three to five business days, with the refund reference. I'd also ask billing why it happened so it "
    "doesn't repeat, send a written summary, and check two days later that the money is back."
)


@pytest.fixture
def shot(screenshots: Path) -> Callable[[Page, str], None]:
    def take(page: Page, name: str) -> None:
        page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)

    return take


def _wait_ready(api: httpx.Client, rid: str, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = api.get(f"/api/responses/{rid}").json()
        if body.get("state") in ("ready", "failed"):
            assert body["state"] == "ready", f"processing failed: {body.get('state_reason')}"
            return
        assert time.monotonic() < deadline, f"response {rid} stuck in {body.get('state')}"
        time.sleep(0.5)


def test_admin_writes_a_support_question_with_rubric_and_the_reviewer_gets_a_narrow_suggestion(
    page: Page, demo: Demo, shot: Callable[[Page, str], None]
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    with demo.staff_api() as api:
        neutral = api.get("/api/bank/roles").json()["neutral_dimensions"]
        support = next(
            r for r in api.get("/api/bank/roles").json()["roles"] if r["key"] == "customer-support"
        )
        made = api.post(
            "/api/assessments",
            json={"title": TITLE, "role": support["role"], "dimensions": support["dimensions"]},
        )
        assert made.status_code == 201, made.text
        aid = made.json()["id"]
        assert {c["key"] for d in neutral for c in d["competencies"]}.isdisjoint({"mlops", "ml-fundamentals"})

    sign_in(page, demo)
    page.goto(f"/app/assessments/{aid}/edit")
    expect(page.get_by_role("heading", name=f"Edit “{TITLE}”", level=1)).to_be_visible()
    page.get_by_role("button", name="Write a new question").click()
    form = page.get_by_role("form", name="Add question")
    form.get_by_label("Prompt").fill(PROMPT)
    form.get_by_label("Kind").select_option("written")
    form.get_by_label("Competency").select_option(label="De-escalation")
    for lv, text in LEVELS.items():
        form.get_by_label(re.compile(rf"^Level {lv} ·")).fill(text)
    form.get_by_label("Red flags").fill(RED_FLAGS)

    # Exemplars from the nearest bank questions, copied in and edited.
    form.get_by_role("button", name="Suggest exemplars from similar bank questions").click()
    suggestions = form.get_by_label("Similar bank questions")
    expect(suggestions.locator("details.similar-q")).to_have_count(3, timeout=60_000)
    first = suggestions.locator("details.similar-q").first
    expect(first.locator("summary")).to_contain_text("% similar")
    expect(first.locator("summary")).to_contain_text("charged twice")  # the support question, not a sales one
    shot(page, "90-rubric-form-suggestions")
    for lv in (1, 2, 3, 4, 5):
        first.get_by_role("button", name=f"Use at level {lv}").first.click()
    expect(form.locator("textarea.exemplar")).to_have_count(5)
    level1 = form.get_by_label(re.compile(r"^Exemplar answer at level 1"))
    level1.fill(
        "I'd tell them to calm down, that billing mistakes happen, and that they should write "
        "to the billing team. Then I'd close the ticket."
    )

    # The live check: leave-one-out with the real scorer, in one sentence.
    check = form.locator(".check-sentence")
    expect(check).to_contain_text("in the right order in", timeout=90_000)
    expect(check).to_have_class(re.compile(r"verdict-(good|fair)"))
    expect(form.locator(".ex-score").first).to_contain_text("the AI scores it")
    shot(page, "91-rubric-form-check")

    form.get_by_role("button", name="Add question").click()
    expect(page.get_by_role("status").filter(has_text="Question added")).to_be_visible()
    row = page.locator("ol.q-edit-list > li").last
    expect(row).to_contain_text("rubric with 5 levels, 5 exemplars")
    expect(row.get_by_role("link", name=re.compile("Exemplars & agreement"))).to_be_visible()
    shot(page, "92-rubric-form-saved")

    with demo.staff_api() as api:
        full = api.get(f"/api/assessments/{aid}").json()
        q = next(x for x in full["questions"] if x["prompt"] == PROMPT)
        assert q["rubric"]["levels"] == {str(k): v for k, v in LEVELS.items()}
        assert q["rubric"]["red_flags"] == RED_FLAGS
        assert sorted(e["level"] for e in q["rubric"]["exemplars"]) == [1, 2, 3, 4, 5]

        # A candidate answers in writing; the demo's pipeline scores it.
        inv = api.post(
            f"/api/assessments/{aid}/invitations",
            json={"candidate_name": "Rosa Rubric", "candidate_email": "rosa@example.com"},
        )
        assert inv.status_code == 201, inv.text
        token = inv.json()["link"].rsplit("/", 1)[1]
        api.post(f"/api/candidate/{token}/consent", json={"accept": True}).raise_for_status()
        r = api.put(
            f"/api/candidate/{token}/written/{q['id']}",
            json={"text": ANSWER, "submit": True, "take_id": str(uuid.uuid4())},
        )
        assert r.status_code in (200, 201), r.text
        rid = r.json()["id"]
        _wait_ready(api, rid)
        item = api.get(f"/api/review/responses/{rid}").json()
        s = item["suggestion"]
        assert s is not None and not s["abstained"], s
        assert s["score"] >= 3, s  # a solid answer, near the level-3/4 exemplars

    page.goto(f"/app/review/{rid}")
    expect(page.get_by_text(re.compile(r"\d+% interval"))).to_be_visible(timeout=30_000)
    shot(page, "93-rubric-form-review-suggestion")
    assert errors == []
    # From the first answer, the interval says something: narrower than the 1-5 scale.
    assert s["high"] - s["low"] < 4, f"interval {s['low']}-{s['high']} spans the whole scale"
