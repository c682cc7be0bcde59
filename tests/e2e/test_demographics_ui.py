"""The voluntary demographic questions in Chromium (issue 16): their own screen after the
interview is submitted and before the thank-you; optional ("Prefer not to say", Skip); what a
candidate gives is stored (and can be changed from the same link), what a candidate skips is not.
"""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from server.seed.ml_engineer import ML_ENGINEER_ASSESSMENT
from tests.e2e.conftest import PHONE, Demo

pytestmark = pytest.mark.e2e

HEADING = "Two optional questions about you"
HAWAIIAN = "Native Hawaiian or Other Pacific Islander (not Hispanic or Latino)"


def _answered_link(api: httpx.Client, assessment: dict[str, Any], name: str) -> tuple[str, str]:
    """A link whose only question is answered (through the candidate API), not yet submitted."""
    inv = api.post(
        f"/api/assessments/{assessment['id']}/invitations",
        json={"candidate_name": name, "candidate_email": f"{uuid.uuid4().hex[:8]}@example.com"},
    )
    inv.raise_for_status()
    link = inv.json()["link"]
    token = link.rsplit("/", 1)[1]
    api.post(f"/api/candidate/{token}/consent", json={"accept": True}).raise_for_status()
    api.put(
        f"/api/candidate/{token}/written/{assessment['questions'][0]['id']}",
        json={
            "text": "I would profile the pipeline and fix the slowest stage.",
            "submit": True,
            "take_id": str(uuid.uuid4()),
        },
    ).raise_for_status()
    return link, token


@pytest.fixture(scope="module")
def assessment(demo: Demo) -> dict[str, Any]:
    body = copy.deepcopy(ML_ENGINEER_ASSESSMENT)
    body["title"] = f"Demographics check {uuid.uuid4().hex[:6]}"
    body["questions"] = [q for q in body["questions"] if q["kind"] == "written"][:1]
    with demo.staff_api() as api:
        made = api.post("/api/assessments", json=body)
        assert made.status_code == 201, made.text
        return dict(made.json())


def test_volunteered_after_submitting_then_thank_you(
    page: Page, demo: Demo, assessment: dict[str, Any], shot: Callable[[Page, str], None]
) -> None:
    with demo.staff_api() as api:
        link, token = _answered_link(api, assessment, "Dana Demo")
    page.goto(link)
    page.get_by_role("button", name="Submit my interview").click()
    expect(page.get_by_role("heading", name=HEADING)).to_be_visible()
    sex = page.get_by_role("group", name="Sex")
    race = page.get_by_role("group", name="Race / ethnicity")
    # nothing is chosen for the candidate: both start at "Prefer not to say"
    expect(sex.get_by_label("Prefer not to say")).to_be_checked()
    expect(race.get_by_label("Prefer not to say")).to_be_checked()
    expect(page.get_by_text("Reviewers and hiring managers never see them")).to_be_visible()
    sex.get_by_label("Female").check()
    race.get_by_label(HAWAIIAN).check()
    shot(page, "demographics-01-form")
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_role("heading", name=re.compile("^Thank you, Dana Demo"))).to_be_visible()
    shot(page, "demographics-02-thanks")
    given = httpx.get(f"{demo.url}/api/candidate/{token}/demographics").json()
    assert given == {"sex": "female", "race_ethnicity": "native_hawaiian_or_other_pacific_islander"}

    # A reload goes straight to the thank-you; the answers can be changed from there.
    page.reload()
    expect(page.get_by_role("heading", name=re.compile("^Thank you"))).to_be_visible()
    page.get_by_role("button", name="Change or withdraw the voluntary questions about yourself").click()
    expect(page.get_by_role("group", name="Sex").get_by_label("Female")).to_be_checked()
    page.get_by_role("group", name="Sex").get_by_label("Prefer not to say").check()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_role("heading", name=re.compile("^Thank you"))).to_be_visible()
    given = httpx.get(f"{demo.url}/api/candidate/{token}/demographics").json()
    assert given == {"sex": None, "race_ethnicity": "native_hawaiian_or_other_pacific_islander"}


def test_skipped_on_a_phone_keeps_nothing(
    new_context: Any, demo: Demo, assessment: dict[str, Any], shot: Callable[[Page, str], None]
) -> None:
    with demo.staff_api() as api:
        link, token = _answered_link(api, assessment, "Sam Skip")
    page = new_context(PHONE).new_page()
    page.goto(link)
    page.get_by_role("button", name="Submit my interview").click()
    expect(page.get_by_role("heading", name=HEADING)).to_be_visible()
    # a choice made, then Skip anyway: nothing is kept
    page.get_by_role("group", name="Sex").get_by_label("Male", exact=True).check()
    shot(page, "demographics-03-phone")
    page.get_by_role("button", name="Skip").click()
    expect(page.get_by_role("heading", name=re.compile("^Thank you, Sam Skip"))).to_be_visible()
    assert httpx.get(f"{demo.url}/api/candidate/{token}/demographics").json() == {
        "sex": None,
        "race_ethnicity": None,
    }
    # the interview itself was submitted before the questions were asked
    assert httpx.get(f"{demo.url}/api/candidate/{token}").json()["status"] == "completed"
