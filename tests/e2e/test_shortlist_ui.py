"""The shortlist's "Show more" in a real Chromium, on 65 scored candidates of their own assessment.

The page shows the top 50; "Show 15 more" adds the next 15 below them in rank order (no row
twice, none skipped), keeps the 50 already shown, and moves the keyboard focus to the first new
candidate, so that a keyboard or screen-reader user goes on reading where the list grew.

The candidates are invited over the API; their answers are written as the pipeline leaves them
(``tests.support.reviews.add_ready_response``: suggestion with interval, English band) straight
into the demo's database: no model runs, and 65 candidates take seconds.
"""

from __future__ import annotations

import asyncio
import re
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

CANDIDATES = 65  # one page of 50, then 15 more
PAGE = 50
TITLE = f"Shortlist paging {uuid.uuid4().hex[:6]}: support writing"


def _score(i: int) -> float:
    """Candidate ``i``'s suggested level (1-5): every candidate a different one, spread out so
    their overall scores (0-100) differ too, shuffled so that invitation order is not rank order."""
    return 1.0 + 4.0 * ((i * 37) % CANDIDATES) / (CANDIDATES - 1)


async def _answer_all(db_url: str, question_id: str, invitations: list[str]) -> None:
    for i, inv in enumerate(invitations):
        s = _score(i)
        low, high = max(1.0, s - 0.5), min(5.0, s + 0.5)
        await add_ready_response(db_url, uuid.UUID(inv), uuid.UUID(question_id), score=s, low=low, high=high)


@pytest.fixture(scope="module")
def cohort(demo: Demo) -> dict[str, Any]:
    """The assessment and its 65 candidates, each with one scored written answer."""
    with demo.staff_api() as api:
        made = api.post(
            "/api/assessments",
            json=one_written_question(
                TITLE,
                intro="One written question.",
                prompt="How would you answer an upset customer?",
                competency=("w", "Writing"),
            ),
        )
        made.raise_for_status()
        a = made.json()
        invitations = []
        for i in range(CANDIDATES):
            inv = api.post(
                f"/api/assessments/{a['id']}/invitations",
                json={
                    "candidate_name": f"Paging Candidate {i:02d}",
                    "candidate_email": f"paging{i}@example.com",
                },
            )
            inv.raise_for_status()
            invitations.append(str(inv.json()["id"]))
    db_url = f"sqlite+aiosqlite:///{demo.server.data_dir}/viva.db"
    # Playwright's sync API may hold an event loop in this thread: the writes run in another.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, _answer_all(db_url, a["questions"][0]["id"], invitations)).result()
    ranked = demo.staff_get(f"/api/reports/assessments/{a['id']}/shortlist")
    assert ranked["shown"] == CANDIDATES, ranked["shown"]
    return {"assessment": a["id"], "ranked": [r["candidate_name"] for r in ranked["rows"]]}


def _rows(page: Page) -> list[tuple[int, str]]:
    """(rank, candidate name) of every row of the shortlist table, top to bottom."""
    cells = page.locator("table.shortlist-table tbody tr").evaluate_all(
        "rows => rows.map(r => [r.cells[1].textContent, r.querySelector('.cand-name').textContent])"
    )
    return [(int(rank), name) for rank, name in cells]


def test_show_more_adds_the_next_candidates_in_rank_order_and_moves_focus_to_the_first(
    page: Page, demo: Demo, cohort: dict[str, Any], shot: Callable[[Page, str], None], page_errors: list[str]
) -> None:
    ranked: list[str] = cohort["ranked"]
    # the server's ranking is by score: every candidate has a different one, best first
    assert ranked == sorted(ranked, key=lambda n: -_score(int(n.rsplit(" ", 1)[1])))

    sign_in_as(page, demo.admin_email, demo.admin_password)
    page.goto(f"/app/assessments/{cohort['assessment']}/shortlist")
    expect(page.get_by_role("heading", name="Shortlist", level=1)).to_be_visible()
    table_rows = page.locator("table.shortlist-table tbody tr")
    expect(table_rows).to_have_count(PAGE)
    expect(page.get_by_role("status")).to_contain_text(f"{CANDIDATES} of {CANDIDATES} candidates")
    expect(page.get_by_text(f"Showing the top {PAGE} of {CANDIDATES}")).to_be_visible()
    first_page = _rows(page)
    assert first_page == [(i + 1, n) for i, n in enumerate(ranked[:PAGE])]

    more = page.get_by_role("button", name=f"Show {CANDIDATES - PAGE} more")
    more.focus()
    page.keyboard.press("Enter")  # as a keyboard user would
    expect(table_rows).to_have_count(CANDIDATES)
    rows = _rows(page)
    assert rows[:PAGE] == first_page  # the rows already shown stay, in place
    assert rows == [(i + 1, n) for i, n in enumerate(ranked)]  # then the next ones, in rank order
    assert len({n for _, n in rows}) == CANDIDATES  # none twice
    # every candidate is shown: the button and the "top N of M" line are gone
    expect(page.get_by_role("button", name=re.compile(r"^Show \d+ more$"))).to_have_count(0)
    expect(page.get_by_text(re.compile("Showing the top"))).to_have_count(0)
    # focus lands on the first new candidate, not on the page's body
    first_new = table_rows.nth(PAGE).locator("a.cand-name")
    expect(first_new).to_have_text(ranked[PAGE])
    expect(first_new).to_be_focused()
    first_new.scroll_into_view_if_needed()
    shot(page, "shortlist-01-after-show-more")

    # a candidate shown by "Show more" can be picked for side by side like the others
    page.get_by_label(f"Compare {ranked[0]}").check()
    page.get_by_label(f"Compare {ranked[PAGE]}").check()
    side = page.locator("section[aria-labelledby=side-h]")
    expect(side.get_by_role("heading", name="Side by side (2)")).to_be_visible()
    expect(side.locator("thead")).to_contain_text(ranked[PAGE])
    side.scroll_into_view_if_needed()
    shot(page, "shortlist-02-side-by-side-after-show-more")

    # a filter starts again from the top 50
    page.get_by_label("No competency below").fill("5")
    expect(table_rows).to_have_count(PAGE)
    assert _rows(page)[0][0] == 1


def test_a_note_added_on_the_report_is_shown_to_the_team_and_counted_on_the_shortlist(
    page: Page, demo: Demo, cohort: dict[str, Any], shot: Callable[[Page, str], None], page_errors: list[str]
) -> None:
    top = cohort["ranked"][0]
    sign_in_as(page, demo.admin_email, demo.admin_password)
    page.goto(f"/app/assessments/{cohort['assessment']}/shortlist")
    page.get_by_role("link", name=top, exact=True).click()
    expect(page.get_by_role("heading", name=top, level=1)).to_be_visible()
    notes = page.locator(".candidate-notes")
    expect(notes).to_contain_text("No notes yet.")
    form = page.get_by_role("form", name="Add a note")
    form.get_by_role("button", name="Add note").click()  # empty: refused, with a reason
    expect(form).to_contain_text("Write the note first.")
    form.get_by_label("Add a note for the team").fill("Ask about the escalation they handled alone.")
    form.get_by_role("button", name="Add note").click()
    note = notes.locator("ul.notes li")
    expect(note).to_have_count(1)
    expect(note).to_contain_text("Ask about the escalation they handled alone.")
    expect(note.locator("strong")).to_have_text("Ada Admin")
    expect(form.get_by_label("Add a note for the team")).to_have_value("")
    notes.scroll_into_view_if_needed()
    shot(page, "shortlist-03-note-on-the-report")

    page.go_back()
    expect(page.get_by_role("heading", name="Shortlist", level=1)).to_be_visible()
    page.get_by_label(f"Compare {top}").check()
    side = page.locator("section[aria-labelledby=side-h]")
    team_notes = side.get_by_role("row", name="Team notes")
    expect(team_notes).to_contain_text("1 note, 0 ratings")
    # the note itself, with its author, beside the scores (not only a count)
    expect(team_notes.locator("li")).to_have_text("Ada Admin: Ask about the escalation they handled alone.")
    side.scroll_into_view_if_needed()
    shot(page, "shortlist-04-note-side-by-side")

    page.get_by_role("link", name=top, exact=True).click()
    note.get_by_role("button", name="Delete my note").click()
    expect(notes).to_contain_text("No notes yet.")
