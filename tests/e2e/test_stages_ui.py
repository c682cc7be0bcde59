"""Candidate stages in a real Chromium: an admin names a stage, selects candidates on the list,
advances one and rejects one in bulk (the confirmation names how many), sees a refused
candidate reported by name, and the funnel shows the decisions."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Demo, sign_in_as
from tests.support.assessments import one_written_question

pytestmark = pytest.mark.e2e

TITLE = "Stages check: support writing"


def _assessment(demo: Demo) -> dict[str, Any]:
    with demo.staff_api() as api:
        r = api.post(
            "/api/assessments",
            json=one_written_question(
                TITLE,
                intro="One written question.",
                prompt="How would you answer an upset customer?",
                competency=("w", "Writing"),
            ),
        )
        r.raise_for_status()
        return dict(r.json())


def _candidate(demo: Demo, a: dict[str, Any], name: str, *, complete: bool) -> str:
    with demo.staff_api() as api:
        inv = api.post(
            f"/api/assessments/{a['id']}/invitations",
            json={"candidate_name": name, "candidate_email": f"{name.split()[0].lower()}@example.com"},
        )
        inv.raise_for_status()
        if complete:
            token = inv.json()["token"]
            api.post(f"/api/candidate/{token}/consent", json={"accept": True}).raise_for_status()
            api.put(
                f"/api/candidate/{token}/written/{a['questions'][0]['id']}",
                json={
                    "text": f"{name} listens, apologises and fixes it.",
                    "submit": True,
                    "take_id": str(uuid.uuid4()),
                },
            ).raise_for_status()
            api.post(f"/api/candidate/{token}/complete").raise_for_status()
        return str(inv.json()["id"])


def test_admin_advances_one_and_rejects_one_in_bulk_and_the_funnel_shows_it(
    page: Page, demo: Demo, shot: Callable[[Page, str], None], page_errors: list[str]
) -> None:
    a = _assessment(demo)
    _candidate(demo, a, "Carla Complete", complete=True)
    _candidate(demo, a, "Dev Done", complete=True)
    _candidate(demo, a, "Ivan Invited", complete=False)
    sign_in_as(page, demo.admin_email, demo.admin_password)

    # Settings: the team calls "advanced" "Phone screen"
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Advanced (advanced)").fill("Phone screen")
    page.get_by_role("button", name="Save stage names").click()
    expect(page.get_by_text("Saved: the candidate list shows these names.")).to_be_visible()

    page.goto("/app")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    carla = page.get_by_role("row").filter(has_text="Carla Complete")
    expect(carla.locator("[data-stage]")).to_have_attribute("data-stage", "completed")
    shot(page, "stages-01-list")

    # advance Carla
    page.get_by_label("Select Carla Complete").check()
    bar = page.get_by_role("region", name="Bulk actions")
    expect(bar).to_contain_text("1 candidate selected")
    bar.get_by_role("button", name="Phone screen").click()
    confirm = bar.get_by_role("group", name="Confirm: Advance 1 candidate")
    confirm.get_by_label("Reason").select_option("strong_overall")
    shot(page, "stages-02-confirm-advance")
    confirm.get_by_role("button", name="Yes, advance 1 candidate").click()
    expect(page.get_by_text("Advance: done for 1 candidate.")).to_be_visible()
    expect(carla.locator("[data-stage]")).to_have_text("Phone screen")

    # reject Dev, with Ivan (not completed) selected too: Ivan is reported, nothing else changes
    page.get_by_label("Select Dev Done").check()
    page.get_by_label("Select Ivan Invited").check()
    expect(bar).to_contain_text("2 candidates selected")
    bar.get_by_role("button", name="Rejected").click()
    confirm = bar.get_by_role("group", name="Confirm: Reject 2 candidates")
    confirm.get_by_label("Reason").select_option("other")
    expect(
        confirm.get_by_role("button", name="Yes, reject 2 candidates")
    ).to_be_disabled()  # "other" needs a note
    confirm.get_by_label("Note (required for “Other”)").fill("Role filled internally")
    confirm.get_by_role("button", name="Yes, reject 2 candidates").click()
    expect(page.get_by_text("Reject: done for 1 candidate; not done for 1 candidate.")).to_be_visible()
    failures = page.get_by_role("list", name="Candidates the action was not applied to")
    expect(failures).to_contain_text("Ivan Invited")
    expect(failures).to_contain_text("'invited'")
    dev = page.get_by_role("row").filter(has_text="Dev Done")
    expect(dev.locator("[data-stage]")).to_have_attribute("data-stage", "rejected")
    expect(page.get_by_role("row").filter(has_text="Ivan Invited").locator("[data-stage]")).to_have_attribute(
        "data-stage", "invited"
    )

    # the funnel
    funnel = page.locator("section.funnel")
    funnel.scroll_into_view_if_needed()
    expect(funnel.locator("[data-metric=decision-advanced]")).to_have_text("1")
    expect(funnel.locator("[data-metric=decision-rejected]")).to_have_text("1")
    expect(funnel.locator("[data-metric=funnel-decided]")).to_have_text("2")
    expect(funnel.locator("[data-metric=funnel-invited]")).to_have_text("3")
    expect(funnel.locator("[data-metric=completion-rate]")).to_have_text("67%")
    shot(page, "stages-03-decided-and-funnel")
