"""The welcome video in a real Chromium: an admin records it in the candidates' recorder, the
candidate's first page plays it (a seekable WebM with a duration), and the admin removes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Demo, sign_in

pytestmark = pytest.mark.e2e

ML_TITLE = "Machine Learning Engineer"


def _wait_playable(page: Page, selector: str) -> float:
    """The video's duration once the browser knows it (finite: the stored file is remuxed)."""
    page.wait_for_function(
        "(s) => { const v = document.querySelector(s); "
        "return v && v.readyState >= 1 && isFinite(v.duration) && v.duration > 0; }",
        arg=selector,
    )
    return float(page.evaluate(f"() => document.querySelector({selector!r}).duration"))


def test_admin_records_the_welcome_video_and_the_candidate_sees_it(
    demo: Demo, new_context: Any, screenshots: Path
) -> None:
    staff = new_context().new_page()
    sign_in(staff, demo)
    staff.goto("/app/settings")
    expect(staff.get_by_role("heading", name="Welcome video (optional)")).to_be_visible()
    staff.get_by_role("button", name="Record a welcome video").click()
    stop = staff.get_by_role("button", name="Stop recording")
    expect(stop).to_be_focused()
    expect(staff.get_by_role("timer")).to_have_text("0:02 / 3:00", timeout=10_000)
    stop.click()
    save = staff.get_by_role("button", name="Save this welcome video")
    expect(save).to_be_focused()
    expect(staff.get_by_label("Play back the welcome video you recorded")).to_be_visible()
    save.click()
    expect(staff.get_by_text("Welcome video saved")).to_be_visible(timeout=30_000)
    expect(staff.get_by_label("Play the current welcome video")).to_be_visible()
    staff.locator(".welcome-video-field").scroll_into_view_if_needed()
    staff.screenshot(path=str(screenshots / "44-welcome-video-settings.png"), full_page=True)

    with demo.staff_api() as api:
        brand = api.get("/api/organization/branding").json()
        assert brand["welcome_video_version"] and 1.5 < brand["welcome_video_seconds"] < 6
        ml = next(a for a in api.get("/api/assessments").json() if a["title"] == ML_TITLE)
        inv = api.post(
            f"/api/assessments/{ml['id']}/invitations",
            json={"candidate_name": "Wen Welcome", "candidate_email": "wen@example.com"},
        )
        inv.raise_for_status()
    cand = new_context().new_page()
    cand.goto(inv.json()["link"])
    expect(cand.get_by_role("heading", name=ML_TITLE, level=1)).to_be_visible()
    video = cand.get_by_label(f"A welcome from {brand['organization_name']}")
    expect(video).to_be_visible()
    duration = _wait_playable(cand, ".welcome-video video")
    assert abs(duration - brand["welcome_video_seconds"]) < 0.5
    cand.evaluate("() => document.querySelector('.welcome-video video').currentTime = 1")
    cand.wait_for_function("() => document.querySelector('.welcome-video video').readyState >= 2")
    cand.screenshot(path=str(screenshots / "45-welcome-video-candidate.png"), full_page=True)

    # Removing it: the candidate's first page has no video any more.
    staff.get_by_role("button", name="Remove welcome video").click()
    expect(staff.get_by_text("Welcome video removed.")).to_be_visible()
    cand.reload()
    expect(cand.get_by_role("heading", name=ML_TITLE, level=1)).to_be_visible()
    expect(cand.locator(".welcome-video")).to_have_count(0)
