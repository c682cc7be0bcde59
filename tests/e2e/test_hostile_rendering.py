"""Hostile text in Chromium: a candidate name, a written answer and a review comment made of
HTML and script show as text on the review page, the queue and the report, and never run.

The strings go in through the real API of the running demo (the written answer is scored by
its in-process pipeline); the page is the built frontend under the app's Content-Security-Policy,
and the test also fails on any CSP violation the pages cause (the policy must not break them).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

from tests.e2e.conftest import Demo, sign_in

pytestmark = pytest.mark.e2e

ML_TITLE = "Machine Learning Engineer"
NAME = '<img src=x onerror="window.__pwned=(window.__pwned||0)+1">Mallory'
ANSWER = (
    "<script>window.__pwned=1</script><b>I would</b> retrain the model weekly, watch "
    "feature drift with a population stability index, and alert on it. "
    '<a href="javascript:window.__pwned=1">details</a>'
)
COMMENT = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script> thin answer'


def _wait_ready(api: Any, rid: str, timeout: float = 150) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = api.get(f"/api/responses/{rid}").json()
        if body.get("state") in ("ready", "failed"):
            assert body["state"] == "ready", f"processing failed: {body.get('state_reason')}"
            return body
        assert time.monotonic() < deadline, f"response {rid} stuck in {body.get('state')}"
        time.sleep(0.5)


@pytest.fixture(scope="module")
def hostile(demo: Demo) -> dict[str, str]:
    with demo.staff_api() as api:
        assessment = next(a for a in api.get("/api/assessments").json() if a["title"] == ML_TITLE)
        full = api.get(f"/api/assessments/{assessment['id']}").json()
        written_q = next(
            q
            for q in sorted(full["questions"], key=lambda q: q["position"])
            if q["kind"] == "written" and not q["is_practice"]
        )
        inv = api.post(
            f"/api/assessments/{assessment['id']}/invitations",
            json={"candidate_name": NAME, "candidate_email": "mallory@example.com"},
        )
        inv.raise_for_status()
        assert inv.json()["candidate_name"] == NAME
        token = inv.json()["link"].rsplit("/", 1)[1]
        api.post(f"/api/candidate/{token}/consent", json={"accept": True}).raise_for_status()
        written = api.put(
            f"/api/candidate/{token}/written/{written_q['id']}",
            json={"text": ANSWER, "submit": True, "take_id": str(uuid.uuid4())},
        )
        written.raise_for_status()
        rid = written.json()["id"]
        _wait_ready(api, rid)
        item = api.get(f"/api/review/responses/{rid}").json()
        scale = item["question"]["scale_min"]
        decided = api.post(
            f"/api/review/responses/{rid}/reviews",
            json={
                "decision": "override",
                "score": scale,
                "reason_code": "other",
                "comment": COMMENT,
                "expected_version": item["review_version"],
            },
        )
        decided.raise_for_status()
        return {"response": rid, "invitation": inv.json()["id"], "assessment": assessment["id"]}


@pytest.fixture
def violations(context: BrowserContext) -> Iterator[list[str]]:
    """Script errors and Content-Security-Policy violations on any page of the test."""
    found: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if "Content Security Policy" in msg.text or "Refused to" in msg.text:
            found.append(msg.text)

    context.on("console", on_console)
    context.on("weberror", lambda e: found.append(str(e.error)))
    yield found
    assert found == []


def _assert_inert(page: Page) -> None:
    """Nothing the hostile strings carry became an element or ran."""
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator('a[href^="javascript:"]').count() == 0
    assert page.evaluate("() => document.querySelectorAll('body script').length") == 0


def test_hostile_name_answer_and_comment_render_as_text(
    page: Page, demo: Demo, hostile: dict[str, str], shot: Callable[[Page, str], None], violations: list[str]
) -> None:
    sign_in(page, demo)

    page.goto(f"/app/review/{hostile['response']}?assessment={hostile['assessment']}")
    expect(page.get_by_role("heading", name=NAME, level=1)).to_be_visible()
    answer = page.locator(".written-answer")
    expect(answer).to_contain_text("<script>window.__pwned=1</script><b>I would</b>")
    expect(answer).to_contain_text('<a href="javascript:window.__pwned=1">details</a>')
    expect(page.get_by_text(COMMENT).first).to_be_visible()
    _assert_inert(page)
    shot(page, "90-hostile-review-page")

    page.goto(f"/app/review?assessment={hostile['assessment']}&view=candidates")
    expect(page.get_by_text(NAME).first).to_be_visible()
    _assert_inert(page)
    shot(page, "91-hostile-review-candidates")

    page.goto(f"/app/reports/{hostile['invitation']}")
    expect(page.get_by_role("heading", name=NAME, level=1)).to_be_visible()
    expect(page.get_by_text(COMMENT).first).to_be_visible()
    _assert_inert(page)
    shot(page, "92-hostile-report")
    assert page.title() != "pwned"
