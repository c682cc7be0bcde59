"""Candidate email templates in Settings, in a real Chromium: a wrong placeholder is named, the
preview is the server's branded rendering, and the assessment's reminder settings are editable."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Demo, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def shot(screenshots: Path) -> Callable[[Page, str], None]:
    def take(page: Page, name: str) -> None:
        page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)

    return take


def test_admin_edits_the_reminder_email_with_a_preview(
    demo: Demo, new_context: Any, shot: Callable[[Page, str], None]
) -> None:
    page = new_context().new_page()
    sign_in(page, demo)
    page.goto("/app/settings")
    section = page.get_by_role("region", name="Candidate emails")
    expect(section.get_by_role("heading", name="Reminder email")).to_be_visible()
    form = section.get_by_role("form", name="Reminder email")
    form.get_by_label("Subject").fill("A nudge from {organisation}")
    form.get_by_role("button", name="Save").click()
    expect(form.get_by_role("alert")).to_contain_text("Unknown placeholder {organisation}")
    form.get_by_label("Subject").fill("A nudge from {organization}")
    form.get_by_label("Text").fill(
        "Hi {candidate_name} <b>!</b>\n\nPick up where you left off: {link}\n\n{opt_out_link}"
    )
    form.get_by_role("button", name="Preview").click()
    frame = form.frame_locator("iframe")
    expect(frame.get_by_text("Hi Ada Lovelace <b>!</b>")).to_be_visible()  # escaped, shown as text
    expect(form.get_by_text("Subject: A nudge from")).to_be_visible()
    form.get_by_role("button", name="Save").click()
    expect(form.get_by_text("Saved: the next emails use this text.")).to_be_visible()
    expect(form.get_by_text("Your text")).to_be_visible()
    shot(page, "60-email-templates")
    form.get_by_role("button", name="Use the default").click()
    expect(form.get_by_text("Back to the default text.")).to_be_visible()
    expect(form.get_by_label("Subject")).to_have_value(
        "Reminder: your interview for {assessment} at {organization}"
    )
