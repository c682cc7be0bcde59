"""The review queue and the candidate list refresh by themselves (issue 16), in a real Chromium.

A reviewer has moved to the second answer of the queue (j); a new answer arrives that sorts
above it; after the refresh interval (the page's clock is fast-forwarded, the requests are real)
the new answer is shown and the reviewer's answer is still the active, focused row: they keep
their place. The candidates view counts the new candidate the same way.

Answers are written as the pipeline leaves them (``tests.support.reviews.add_ready_response``)
straight into the demo's database, which changes the lists' ETag as any new answer does.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Demo, sign_in_as
from tests.support.assessments import one_written_question
from tests.support.reviews import add_ready_response

pytestmark = pytest.mark.e2e

TITLE = f"Live lists {uuid.uuid4().hex[:6]}: support writing"
REFRESH_S = 15  # frontend/src/ui/usePoll.ts REFRESH_MS


def _in_thread(coro: Any) -> Any:
    """Run ``coro`` on a loop of its own (Playwright's sync API may hold one in this thread)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _invite(demo: Demo, assessment: dict[str, Any], name: str) -> uuid.UUID:
    with demo.staff_api() as api:
        inv = api.post(
            f"/api/assessments/{assessment['id']}/invitations",
            json={"candidate_name": name, "candidate_email": f"{name.split()[0].lower()}@example.com"},
        )
        inv.raise_for_status()
        return uuid.UUID(inv.json()["id"])


def test_the_queue_and_the_candidate_list_refresh_and_the_reviewer_keeps_their_place(
    page: Page, demo: Demo, shot: Callable[[Page, str], None], page_errors: list[str]
) -> None:
    with demo.staff_api() as api:
        made = api.post(
            "/api/assessments",
            json=one_written_question(
                TITLE,
                intro="One question.",
                prompt="How would you calm an upset customer?",
                competency=("w", "W"),
            ),
        )
        made.raise_for_status()
        a = made.json()
    db_url = f"sqlite+aiosqlite:///{demo.server.data_dir}/viva.db"
    question = uuid.UUID(a["questions"][0]["id"])
    waiting = {"Lena Early": 300.0, "Omar Middle": 200.0, "Pia Late": 100.0}  # seconds since submitted
    for name, ago in waiting.items():
        _in_thread(add_ready_response(db_url, _invite(demo, a, name), question, submitted_ago_s=ago))

    page.clock.install()  # the page's timers: the refresh is fast-forwarded, not waited for
    sign_in_as(page, demo.admin_email, demo.admin_password)
    page.goto(f"/app/review?assessment={a['id']}")
    rows = page.locator("table.queue-table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.locator(".cand-name")).to_have_text(["Lena Early", "Omar Middle", "Pia Late"])  # oldest first
    rows.first.focus()
    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_attribute("aria-selected", "true")
    expect(rows.nth(1)).to_be_focused()

    # an answer waiting longer than all of them arrives: it sorts first, above the reviewer's row
    _in_thread(add_ready_response(db_url, _invite(demo, a, "Nils Earliest"), question, submitted_ago_s=900.0))
    expect(rows).to_have_count(3)  # nothing changes before the refresh
    page.clock.fast_forward(REFRESH_S * 1000 + 500)
    expect(rows).to_have_count(4)
    expect(rows.locator(".cand-name")).to_have_text(
        ["Nils Earliest", "Lena Early", "Omar Middle", "Pia Late"]
    )
    mine = rows.filter(has_text="Omar Middle")
    expect(mine).to_have_attribute("aria-selected", "true")  # still the reviewer's answer
    expect(mine).to_be_focused()
    expect(page.locator("table.queue-table tbody tr[aria-selected=true]")).to_have_count(1)
    shot(page, "live-lists-01-queue-refreshed")
    page.keyboard.press("j")  # and j goes on from there
    expect(rows.filter(has_text="Pia Late")).to_have_attribute("aria-selected", "true")

    # the candidates view: a new candidate's answer shows up the same way
    page.goto(f"/app/review?assessment={a['id']}&view=candidates")
    heading = page.locator("#cands-h")
    expect(heading).to_have_text("4 candidates")
    _in_thread(add_ready_response(db_url, _invite(demo, a, "Quinn Latest"), question, submitted_ago_s=5.0))
    page.clock.fast_forward(REFRESH_S * 1000 + 500)
    expect(heading).to_have_text("5 candidates")
    expect(page.locator("section[aria-labelledby=cands-h] tbody")).to_contain_text("Quinn Latest")
    shot(page, "live-lists-02-candidates-refreshed")
