"""Branding in a real Chromium: an admin sets it in Settings; the candidate always sees whose
interview it is (name, logo, welcome text, contact, privacy link) and what the consent covers."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, Demo

pytestmark = pytest.mark.e2e

ML_TITLE = "Machine Learning Engineer"
LOGO = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e-logo.svg"


@pytest.fixture
def shot(screenshots: Path) -> Callable[[Page, str], None]:
    def take(page: Page, name: str) -> None:
        page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)

    return take


def _logo_file() -> Path:
    """An SVG logo that also carries a script, a handler and a javascript: link (all removed)."""
    LOGO.parent.mkdir(parents=True, exist_ok=True)
    LOGO.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="420" height="96" viewBox="0 0 420 96" onload="alert(1)">'
        "<script>alert(2)</script>"
        '<rect x="0" y="8" width="80" height="80" rx="18" fill="#0f766e"/>'
        '<a xlink:href="javascript:alert(3)"><rect width="4" height="4"/></a>'
        '<text x="100" y="60" font-family="sans-serif" font-size="30" font-weight="bold" '
        'fill="#0f3c3c">ACME ROBOTICS</text></svg>'
    )
    return LOGO


def test_admin_sets_branding_and_the_candidate_sees_it_everywhere(
    demo: Demo, new_context: Any, shot: Callable[[Page, str], None]
) -> None:
    staff = new_context().new_page()
    dialogs: list[str] = []
    staff.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    staff.goto("/login")
    staff.get_by_label("Email").fill(demo.admin_email)
    staff.get_by_label("Password").fill(demo.admin_password)
    staff.get_by_role("button", name="Sign in").click()
    expect(staff.get_by_role("heading", name="Assessments", level=1)).to_be_visible()
    staff.goto("/app/settings")
    expect(staff.get_by_role("heading", name="Branding for candidates")).to_be_visible()
    staff.get_by_label("Logo (PNG or SVG, at most 512 KiB)").set_input_files(str(_logo_file()))
    expect(staff.get_by_text("Logo saved.")).to_be_visible()
    staff.get_by_label(re.compile("^Accent colour")).fill("#0f766e")
    staff.get_by_label("Welcome text on the first page").fill(
        "Thanks for applying to Acme! This short interview replaces our first phone call."
    )
    staff.get_by_label("Contact email for help and accommodations").fill("talent@acme.test")
    staff.get_by_label("Privacy policy link").fill("https://acme.test/privacy")
    staff.get_by_role("button", name="Save branding").click()
    expect(staff.get_by_text("Saved: candidates see this")).to_be_visible()
    expect(staff.locator(".brand-preview img")).to_be_visible()
    shot(staff, "40-branding-settings")
    logo_src = staff.locator(".brand-preview img").get_attribute("src")
    served = staff.request.get(f"{demo.url}{logo_src}")
    assert served.headers["content-type"] == "image/png" and b"<svg" not in served.body()
    staff.get_by_label(re.compile("^Accent colour")).fill("teal")
    staff.get_by_role("button", name="Save branding").click()
    expect(staff.get_by_role("alert")).to_contain_text("accent_color")

    with demo.staff_api() as api:
        ml = next(a for a in api.get("/api/assessments").json() if a["title"] == ML_TITLE)
        org = api.get("/api/organization").json()["name"]
        inv = api.post(
            f"/api/assessments/{ml['id']}/invitations",
            json={"candidate_name": "Bea Branded", "candidate_email": "bea@example.com"},
        )
        inv.raise_for_status()
    for viewport, name in (
        ({"width": 1280, "height": 900}, "41-branded-intro"),
        (PHONE, "42-branded-intro-phone"),
    ):
        cand = new_context(viewport).new_page()
        cand.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        cand.goto(inv.json()["link"])
        expect(cand.get_by_role("heading", name=ML_TITLE, level=1)).to_be_visible()
        expect(cand.locator(".brand-bar")).to_contain_text(org)
        logo = cand.locator(".brand-logo")
        expect(logo).to_be_visible()
        assert cand.evaluate("() => document.querySelector('.brand-logo').naturalWidth") > 0
        expect(cand.get_by_text("replaces our first phone call")).to_be_visible()
        expect(cand.get_by_text("Your English is assessed too")).to_be_visible()
        expect(cand.get_by_text("example answer", exact=False).first).to_be_visible()
        expect(cand.get_by_role("link", name="talent@acme.test")).to_have_attribute(
            "href", "mailto:talent@acme.test"
        )
        expect(cand.get_by_role("link", name="Privacy policy")).to_have_attribute(
            "href", "https://acme.test/privacy"
        )
        color = cand.evaluate(
            "() => getComputedStyle(document.querySelector('.btn-primary')).backgroundColor"
        )
        assert color == "rgb(15, 118, 110)", color
        shot(cand, name)
        assert not dialogs
    # the brand stays on the next pages (device check, questions)
    cand.get_by_label(re.compile("I agree to be recorded")).check()
    cand.get_by_role("button", name="Start").click()
    expect(cand.get_by_role("heading", name="Check your camera and microphone")).to_be_visible()
    expect(cand.locator(".brand-bar")).to_contain_text(org)
    expect(cand.get_by_role("link", name="talent@acme.test")).to_be_visible()
    shot(cand, "43-branded-device-check-phone")
