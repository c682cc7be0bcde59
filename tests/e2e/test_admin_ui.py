"""The admin's journey in a real Chromium: a first assessment from a template in a few guided
steps (weights fixed after an error, questions from the bank), invitations one at a time and
from a CSV file with a bad row, the builder (reorder by keyboard, edit, phone width), the
question bank, and a question's agreement dashboard."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import PHONE, Demo, sign_in

pytestmark = pytest.mark.e2e

TITLE = "MLOps Engineer (browser test)"


def no_horizontal_overflow(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"  # type: ignore[index]


def question_prompts(page: Page) -> list[str]:
    return page.locator("ol.q-edit-list .q-prompt").all_inner_texts()


def test_admin_builds_invites_and_curates_from_the_ui(
    page: Page,
    demo: Demo,
    new_context: Callable[..., BrowserContext],
    screenshots: Path,
    shot: Callable[[Page, str], None],
    page_errors: list[str],
) -> None:
    sign_in(page, demo)

    # 1. Guided: start from a template.
    page.get_by_role("link", name="New assessment").click()
    expect(page.get_by_role("heading", name="New assessment", level=1)).to_be_visible()
    page.get_by_role("radio", name=re.compile("MLOps focus")).check()
    page.get_by_label("Title (optional)").fill(TITLE)
    shot(page, "60-admin-new-assessment-templates")
    page.get_by_role("button", name="Create and continue").click()

    # 2. Adjust: weights must add up to 100 (live check, then the server's own message).
    expect(page.get_by_role("heading", name=f"2. Adjust “{TITLE}”")).to_be_visible()
    expect(page.get_by_text("✓ Weights add up to 100%.")).to_be_visible()
    page.get_by_label("Weight % of Technical").fill("60")
    expect(page.get_by_text("Weights add up to 110%; they must add up to 100%.")).to_be_visible()
    page.get_by_role("button", name="Save dimensions").click()
    expect(page.get_by_role("alert")).to_contain_text("100")
    shot(page, "61-admin-weights-error")
    page.get_by_label("Weight % of Behavioral").fill("20")
    expect(page.get_by_text("✓ Weights add up to 100%.")).to_be_visible()
    page.get_by_role("button", name="Save dimensions").click()
    expect(page.get_by_text("Dimensions saved.")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)

    # Remove a question, then add two written collaboration questions from the bank.
    before = len(question_prompts(page))
    removed = question_prompts(page)[1]
    page.get_by_role("button", name="Remove question 2").click()
    page.get_by_role("button", name="Yes, delete").click()
    expect(page.get_by_text("Question deleted.")).to_be_visible()
    assert removed not in question_prompts(page)
    page.get_by_role("button", name="Add from the bank").click()
    picker = page.locator("section.bank-picker")
    expect(picker.get_by_role("heading", name="Add questions from the bank")).to_be_focused()
    picker.get_by_label("Competency", exact=True).select_option("collaboration")
    picker.get_by_label("Kind", exact=True).select_option("written")
    results = picker.locator(".pick-list li")
    expect(results.filter(has_not_text="Collaboration")).to_have_count(0)
    expect(results.filter(has_not_text="Written")).to_have_count(0)
    choices = picker.get_by_role("checkbox")
    expect(choices.first).to_be_visible()
    wanted = [choices.nth(i) for i in range(min(2, choices.count()))]
    for box in wanted:
        box.check()
    added = len(wanted)
    shot(page, "62-admin-bank-picker")
    picker.get_by_role("button", name=re.compile(r"^Add \d+ selected question")).click()
    expect(page.get_by_text(re.compile(rf"^{added} questions? added from the bank\.$"))).to_be_visible()
    assert len(question_prompts(page)) == before - 1 + added
    page.get_by_role("button", name="Close the bank").click()

    # 3. Invite the first candidate; land on the new assessment.
    page.get_by_role("button", name="Continue: invite a candidate").click()
    expect(page.get_by_role("heading", name="3. Invite your first candidate")).to_be_visible()
    page.get_by_label("Name").fill("Grace Hopper")
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_role("button", name="Create invitation link").click()
    expect(page.get_by_role("textbox", name="Invitation link", exact=True)).to_have_value(
        re.compile(r"/i/\S+$")
    )
    expect(page.get_by_text("share the link with the candidate yourself")).to_be_visible()
    shot(page, "63-admin-first-invitation")
    page.get_by_role("button", name="Open the assessment").click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.get_by_label("Weight 60 percent")).to_be_visible()
    grace = page.get_by_role("row").filter(has_text="grace@example.com")
    expect(grace).to_contain_text("Invited")
    expect(grace).to_contain_text("Not emailed")

    # CSV with one bad row: nothing imported, the row is named.
    csv_input = page.get_by_label("CSV file", exact=True)
    csv_input.set_input_files(
        files=[
            {
                "name": "candidates.csv",
                "mimeType": "text/csv",
                "buffer": b"name,email,extra_time_pct\nAlan Turing,alan@example.com,25\n"
                b"Bad Row,not-an-email,\nKaren Jones,karen@example.com,\n",
            }
        ]
    )
    page.get_by_role("button", name="Upload and invite").click()
    expect(page.get_by_role("alert")).to_contain_text("nothing was imported")
    errors = page.get_by_role("region", name="Rows to fix")
    expect(errors.get_by_role("row").filter(has_text="not a valid email")).to_contain_text("3")
    expect(
        page.locator("table.inv-table").get_by_role("row").filter(has_text="alan@example.com")
    ).to_have_count(0)
    shot(page, "64-admin-csv-row-error")
    csv_input.set_input_files(
        files=[
            {
                "name": "candidates.csv",
                "mimeType": "text/csv",
                "buffer": b"name,email,extra_time_pct\nAlan Turing,alan@example.com,25\n"
                b"Karen Jones,karen@example.com,\n",
            }
        ]
    )
    page.get_by_role("button", name="Upload and invite").click()
    expect(page.get_by_role("heading", name="Invited 2 candidates")).to_be_visible()
    expect(page.get_by_role("textbox", name="Link for Alan Turing")).to_have_value(re.compile(r"/i/\S+$"))
    listing = page.locator("table.inv-table")
    expect(listing.get_by_role("row").filter(has_text="alan@example.com")).to_contain_text("+25%")
    expect(page.get_by_role("list", name="Candidates by stage")).to_contain_text("3 Invited")

    # Resend Karen's link: a new link, shown once.
    karen = listing.get_by_role("row").filter(has_text="karen@example.com")
    karen.get_by_role("button", name="Resend invitation to Karen Jones").click()
    karen.get_by_label("Days the new link is valid").fill("3")
    karen.get_by_role("button", name="Yes, send").click()
    expect(page.get_by_role("heading", name="Invitation link for Karen Jones")).to_be_visible()
    in_3_days = datetime.now() + timedelta(days=3)
    expect(karen).to_contain_text(f"{in_3_days:%b} {in_3_days.day}, {in_3_days.year}")
    shot(page, "65-admin-invitations")

    # The builder: reorder by keyboard, edit a question.
    page.get_by_role("link", name="Edit assessment").click()
    expect(page.get_by_role("heading", name=f"Edit “{TITLE}”", level=1)).to_be_visible()
    builder_url = page.url
    # The practice question comes first, as candidates meet it; it has no number and
    # scored questions cannot be moved above it.
    rows = page.locator("ol.q-edit-list > li")
    expect(rows.first).to_contain_text("Practice · not scored")
    expect(rows.first.locator(".q-num")).to_have_count(0)
    expect(rows.nth(1).locator(".q-num")).to_have_text("Q1")
    expect(page.get_by_role("button", name="Move question 2 up")).to_be_disabled()
    first, second = question_prompts(page)[1:3]
    up = page.get_by_role("button", name="Move question 3 up")
    up.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Question moved to position 2.")).to_be_visible()
    assert question_prompts(page)[1:3] == [second, first]
    expect(page.get_by_role("button", name="Move question 2 down")).to_be_focused()
    page.get_by_role("button", name="Edit question 2").click()
    form = page.get_by_role("form", name="Save question")
    form.get_by_label("Max answer time (s)").fill("240")
    form.get_by_role("button", name="Save question").click()
    expect(page.get_by_text("Question saved.")).to_be_visible()
    expect(page.locator("ol.q-edit-list > li").nth(1)).to_contain_text(re.compile("answer 4 min", re.I))
    page.get_by_label("Blind review").check()
    page.get_by_label("Reviewers per answer").select_option("2")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("Details saved.")).to_be_visible()
    shot(page, "66-admin-builder")

    # The builder is usable on a phone.
    phone = new_context(PHONE).new_page()
    sign_in(phone, demo)
    phone.goto(builder_url)
    expect(phone.get_by_role("heading", name=f"Edit “{TITLE}”", level=1)).to_be_visible()
    expect(phone.get_by_label("Blind review")).to_be_checked()
    no_horizontal_overflow(phone)
    shot(phone, "67-admin-builder-phone")
    # Close-ups (the full page is very long): the weights and one question row.
    phone.locator("form.dims-editor fieldset").first.screenshot(
        path=str(screenshots / "67a-admin-builder-phone-weights.png")
    )
    phone.locator("ol.q-edit-list > li").nth(1).screenshot(
        path=str(screenshots / "67b-admin-builder-phone-question.png")
    )

    # The question bank: search, read a rubric, an import refused question by question.
    page.get_by_role("link", name="Question bank").click()
    expect(page.get_by_role("heading", name="Question bank", level=1)).to_be_visible()
    page.get_by_label("Search", exact=True).fill("drift")
    expect(page.get_by_role("status").filter(has_text=re.compile(r"^\d+ questions?$"))).to_be_visible()
    item = page.locator("li.bank-item").first
    expect(item).to_contain_text(re.compile("drift", re.I))
    item.get_by_role("button", name=re.compile("^Rubric and")).click()
    expect(item.get_by_text("What it reveals:")).to_be_visible()
    expect(item.get_by_role("heading", name="Exemplar answers")).to_be_visible()
    page.get_by_text("Import questions from a JSON file").click()
    page.get_by_label("Bank file (JSON)").set_input_files(
        files=[
            {
                "name": "bank.json",
                "mimeType": "application/json",
                "buffer": json.dumps({"questions": [{"id": "x-1", "prompt": ""}]}).encode(),
            }
        ]
    )
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("nothing")
    expect(page.get_by_role("region", name="Questions to fix").get_by_role("row")).not_to_have_count(0)
    shot(page, "68-admin-bank")

    # A question's agreement dashboard (built by the curation pages).
    page.goto(builder_url)
    page.get_by_role("link", name="Exemplars & agreement for question 2", exact=True).click()
    expect(page).to_have_url(re.compile(r"/app/questions/[0-9a-f-]+/agreement$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("agreement", re.I))
    expect(page.locator("p.eyebrow").first).to_contain_text(" · Q1 · ")  # the builder's second row: Q1
    expect(page.locator("p.lead.q-prompt")).to_have_text(second)
    shot(page, "69-admin-agreement")
