"""The organization-wide funnel on the admin's dashboard (issue 16): the figures of `/api/funnel`
across every assessment, as a chart and numbers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Demo, sign_in

pytestmark = pytest.mark.e2e


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{round(v * 100)}%"


def test_admin_dashboard_shows_the_organization_funnel(
    page: Page, demo: Demo, shot: Callable[[Page, str], None]
) -> None:
    with demo.staff_api() as api:
        # one more candidate invited to one assessment, one to another: both count
        assessments = api.get("/api/assessments").json()
        assert len(assessments) >= 1
        for a in assessments[:2]:
            api.post(
                f"/api/assessments/{a['id']}/invitations",
                json={"candidate_name": "Funnel Person", "candidate_email": "funnel@example.com"},
            ).raise_for_status()
        want = api.get("/api/funnel").json()
    sign_in(page, demo)
    funnel = page.locator("section.funnel")
    expect(funnel.get_by_role("heading", name="Funnel across all assessments")).to_be_visible()
    funnel.scroll_into_view_if_needed()
    for key in ("invited", "started", "completed", "reviewed", "decided"):
        expect(funnel.locator(f"[data-metric=funnel-{key}]")).to_have_text(str(want[key]))
    for key in ("advanced", "on_hold", "rejected"):
        expect(funnel.locator(f"[data-metric=decision-{key}]")).to_have_text(
            str(want["decisions"].get(key, 0))
        )
    expect(funnel.locator("[data-metric=completion-rate]")).to_have_text(_pct(want["completion_rate"]))
    assert want["invited"] >= 2
    shot(page, "org-funnel-01-dashboard")
