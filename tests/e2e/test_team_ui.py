"""The team in a real Chromium: "/" leads somewhere, an admin invites a colleague who sets a
password through the link (no SMTP in the demo: the admin passes it on) and signs in, the
admin changes their role and deactivates them (their open page is signed out), and a member
changes their own password."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import Demo, sign_in_as

pytestmark = pytest.mark.e2e

STRONG = "violet harbor tuesday lamp"


def test_root_leads_to_sign_in_or_the_dashboard(
    page: Page, demo: Demo, page_errors: list[str], shot: Callable[[Page, str], None]
) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    shot(page, "team-root-signed-out")
    sign_in_as(page, demo.admin_email, demo.admin_password)
    page.goto("/")
    expect(page.get_by_role("heading", name="Assessments", level=1)).to_be_visible()
    assert page.url.endswith("/app")


def test_admin_invites_a_colleague_who_joins_then_is_deactivated(
    page: Page,
    demo: Demo,
    new_context: Callable[..., BrowserContext],
    shot: Callable[[Page, str], None],
    page_errors: list[str],
) -> None:
    sign_in_as(page, demo.admin_email, demo.admin_password)
    page.get_by_role("link", name="Settings").click()
    team = page.get_by_role("region", name="Team").or_(page.locator("section[aria-labelledby=team-h]"))
    form = page.get_by_role("form", name="Invite a colleague")
    form.get_by_role("button", name="Send invitation").click()
    expect(form.get_by_text("Enter your colleague's name.")).to_be_visible()
    form.get_by_label("Name").fill("Hana Hill")
    form.get_by_label("Email").fill("hana@demo.viva")
    form.get_by_role("button", name="Send invitation").click()
    link = page.locator("#staff-link")
    expect(link).to_have_value(re.compile(r"/account/"))
    url = link.input_value()
    expect(team.get_by_role("row", name="Hana Hill")).to_contain_text("invited")
    shot(page, "team-invited")

    hana = new_context().new_page()
    hana.goto(url)
    expect(hana.get_by_role("heading", name="Join your team")).to_be_visible()
    expect(hana.get_by_text("hana@demo.viva")).to_be_visible()
    hana.get_by_label("New password").fill("password1234")
    hana.get_by_label("Confirm password").fill("password1234")
    hana.get_by_role("button", name="Set password and sign in").click()
    expect(hana.get_by_role("alert")).to_contain_text("common")
    shot(hana, "team-set-password-refused")
    hana.get_by_label("New password").fill(STRONG)
    hana.get_by_label("Confirm password").fill(STRONG)
    hana.get_by_role("button", name="Set password and sign in").click()
    expect(hana.get_by_role("heading", name="Assessments", level=1)).to_be_visible()
    expect(hana.get_by_text("Hana Hill")).to_be_visible()

    # the link is spent
    spent = new_context().new_page()
    spent.goto(url)
    expect(spent.get_by_text("already used")).to_be_visible()

    # the admin sees Hana active, makes her an admin, then deactivates her
    page.reload()
    row = team.get_by_role("row", name="Hana Hill")
    expect(row).to_contain_text("active")
    row.get_by_label("Role of Hana Hill").select_option("admin")
    expect(row.get_by_label("Role of Hana Hill")).to_have_value("admin")
    row.get_by_role("button", name="Deactivate Hana Hill").click()
    row.get_by_role("button", name="Deactivate", exact=True).click()
    expect(row).to_contain_text("deactivated")
    shot(page, "team-deactivated")
    hana.get_by_role("link", name="Review", exact=True).click()
    expect(hana.get_by_role("heading", name="Sign in")).to_be_visible()
    # reactivated, she signs in again
    row.get_by_role("button", name="Reactivate Hana Hill").click()
    expect(row).to_contain_text("active")
    sign_in_as(hana, "hana@demo.viva", STRONG)

    # the last-admin rule shows as a clear message: demote Hana back, then try to demote myself
    row.get_by_label("Role of Hana Hill").select_option("reviewer")
    expect(row.get_by_label("Role of Hana Hill")).to_have_value("reviewer")
    me = team.get_by_role("row", name="(you)")
    me.get_by_role("combobox").select_option("reviewer")
    expect(page.get_by_role("alert").filter(has_text="last admin")).to_be_visible()
    shot(page, "team-last-admin")

    # Hana changes her own password from her account page
    hana.get_by_role("link", name="My account").click()
    expect(hana.get_by_role("heading", name="My account")).to_be_visible()
    hana.get_by_label("Current password").fill(STRONG)
    hana.get_by_label("New password").fill("quiet orange river bicycle")
    hana.get_by_label("Confirm password").fill("quiet orange river bicycle")
    hana.get_by_role("button", name="Change password").click()
    expect(hana.get_by_text("Password changed.")).to_be_visible()
    shot(hana, "team-account-page")


def test_forgot_password_answers_alike(
    page: Page, demo: Demo, page_errors: list[str], shot: Callable[[Page, str], None]
) -> None:
    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("nobody@demo.viva")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_text("If this email belongs to a Viva account")).to_be_visible()
    shot(page, "team-forgot-password")
