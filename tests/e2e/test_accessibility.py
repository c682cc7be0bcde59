"""axe-core (the npm package, injected from frontend/node_modules: nothing is fetched at run time)
on every candidate and staff page: no serious or critical violation anywhere."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import PHONE, Demo, sign_in

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def _violations(page: Page) -> list[dict[str, Any]]:
    if not AXE.exists():
        pytest.fail("frontend/node_modules/axe-core is missing: run `npm ci` in frontend/", pytrace=False)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
    )
    return [v for v in result if v["impact"] in BLOCKING]


def _check(page: Page, url: str, problems: dict[str, Any]) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1").first).to_be_visible()
    found = _violations(page)
    if found:
        problems[url] = found


def _axe_here(page: Page, name: str, problems: dict[str, Any]) -> None:
    page.wait_for_load_state("networkidle")
    found = _violations(page)
    if found:
        problems[f"{name} ({page.viewport_size})"] = found


def _candidate_flow(page: Page, link: str, problems: dict[str, Any]) -> None:
    """Past the first page: the device check, the pause before a question, a question."""
    page.goto(link)
    page.get_by_label(re.compile("I agree to be recorded")).check()
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.get_by_role("heading", name="Check your camera and microphone")).to_be_visible()
    _axe_here(page, "candidate: device check", problems)
    page.get_by_role("button", name="Continue").click()
    start = page.get_by_role("button", name=re.compile(r"^Start (question|the practice)", re.I))
    expect(start).to_be_visible()
    _axe_here(page, "candidate: before a question", problems)
    start.click()
    expect(page.get_by_role("timer")).to_be_visible()
    _axe_here(page, "candidate: a question", problems)


def _routes(demo: Demo) -> tuple[list[str], list[str], list[str]]:
    """Every client-side route, with real ids from the demo (staff pages, candidate pages)."""
    with demo.staff_api() as api:
        # The seeded demo assessment (its video questions bring the device check), not whatever
        # another browser test created before this one.
        details = [api.get(f"/api/assessments/{x['id']}").json() for x in api.get("/api/assessments").json()]
        detail = next(d for d in details if any(q["kind"] == "video" for q in d["questions"]))
        a = detail["id"]
        question = detail["questions"][-1]["id"]
        queue = api.get("/api/review/queue").json()["items"]
        invited = [
            api.post(
                f"/api/assessments/{a}/invitations",
                json={"candidate_name": f"Axe Candidate {i}", "candidate_email": f"axe{i}@example.com"},
            ).json()
            for i in range(3)
        ]
    staff = [
        "/app",
        "/app/assessments/new",
        f"/app/assessments/{a}",
        f"/app/assessments/{a}/edit",
        f"/app/assessments/{a}/compare",
        f"/app/assessments/{a}/fairness",
        f"/app/questions/{question}/agreement",
        "/app/review",
        "/app/bank",
        "/app/settings",
        "/app/account",
    ]
    if queue:
        staff += [f"/app/review/{queue[0]['id']}", f"/app/reports/{queue[0]['invitation_id']}"]
    candidate = [
        f"/i/{invited[0]['token']}",
        "/i/not-a-real-link",
        "/opt-out/not-a-real-token",
        "/share/not-a-real-link",
        "/account/not-a-real-link",
        "/login",
        "/forgot",
    ]
    return staff, candidate, [f"/i/{x['token']}" for x in invited[1:]]


def test_no_page_has_a_serious_or_critical_axe_violation(demo: Demo, browser: Browser) -> None:
    staff_routes, public_routes, flows = _routes(demo)
    problems: dict[str, Any] = {}
    for viewport, flow in zip(({"width": 1280, "height": 900}, PHONE), flows, strict=True):
        # The app's CSP allows no injected script; the page under test is otherwise the same.
        context = browser.new_context(viewport=viewport, base_url=demo.url, bypass_csp=True)  # type: ignore[arg-type]
        context.set_default_timeout(30_000)
        context.grant_permissions(["camera", "microphone"], origin=demo.url)
        try:
            page = context.new_page()
            for url in public_routes:
                _check(page, url, problems)
            _candidate_flow(page, flow, problems)
            sign_in(page, demo)
            for url in staff_routes:
                _check(page, url, problems)
        finally:
            context.close()
    assert not problems, json.dumps(problems, indent=1)
