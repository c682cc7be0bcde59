"""Staff and candidate journeys through the built frontend, in a real Chromium."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, Demo, sign_in
from tests.support.assessments import one_written_question

pytestmark = pytest.mark.e2e

ML_TITLE = "Machine Learning Engineer"
WRITTEN_TITLE = "Support Engineer written screen"
PREVIEW_PLAYING = (
    "() => { const v = document.querySelector('video.preview');"
    " return !!v && v.readyState >= 2 && v.videoWidth > 0 && !v.paused; }"
)
WRITTEN_PROMPT = "A customer writes that the CSV export is broken. Write your first reply."


@pytest.fixture(scope="module")
def written_assessment(demo: Demo) -> dict[str, Any]:
    """A one-question written assessment, so the candidate reaches a written question first."""
    with demo.staff_api() as api:
        resp = api.post(
            "/api/assessments",
            json=one_written_question(
                WRITTEN_TITLE,
                intro="One short written question about helping a customer.",
                prompt=WRITTEN_PROMPT,
            ),
        )
        resp.raise_for_status()
        return dict(resp.json())


def no_horizontal_overflow(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"  # type: ignore[index]


def invite(demo: Demo, assessment_id: str, name: str) -> dict[str, Any]:
    with demo.staff_api() as api:
        resp = api.post(
            f"/api/assessments/{assessment_id}/invitations",
            json={"candidate_name": name, "candidate_email": "cand@example.com"},
        )
        resp.raise_for_status()
        return dict(resp.json())


def test_sign_in_shows_the_servers_reason_when_it_fails(
    page: Page, demo: Demo, shot: Callable[[Page, str], None], page_errors: list[str]
) -> None:
    page.goto("/app")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fapp$"))
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    shot(page, "01-login")

    page.get_by_label("Email").fill(demo.admin_email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong email or password.")
    shot(page, "02-login-error")


def test_admin_invites_candidate_who_answers_in_writing(
    page: Page,
    demo: Demo,
    written_assessment: dict[str, Any],
    new_context: Any,
    shot: Callable[[Page, str], None],
    page_errors: list[str],
) -> None:
    sign_in(page, demo)
    expect(page.get_by_text("Ada Admin")).to_be_visible()
    shot(page, "03-assessments")

    # The seeded assessment: dimensions, questions, rubric levels and exemplars.
    page.get_by_role("link", name=ML_TITLE).click()
    expect(page.get_by_role("heading", name=ML_TITLE, level=1)).to_be_visible()
    expect(page.get_by_label("Weight 45 percent")).to_be_visible()
    expect(page.get_by_text("Practice · not scored")).to_be_visible()
    shot(page, "04-assessment")
    rubric = page.locator("details.rubric").first
    rubric.locator("summary").click()
    expect(rubric.get_by_text("Separates data drift, concept drift")).to_be_visible()
    expect(rubric.get_by_text("I would just retrain the model")).to_be_visible()
    rubric.scroll_into_view_if_needed()
    shot(page, "05-rubric-open")

    # Invite a candidate to the written assessment; the link is shown once, with Copy.
    page.get_by_role("link", name="Assessments").click()
    page.get_by_role("link", name=WRITTEN_TITLE).click()
    expect(page.get_by_role("heading", name=WRITTEN_TITLE, level=1)).to_be_visible()
    page.get_by_label("Name").fill("Casey <b>Candidate</b>")
    page.get_by_label("Email").fill("casey@example.com")
    page.get_by_label("Extra time %").fill("50")
    page.get_by_role("button", name="Create invitation link").click()
    link_box = page.get_by_role("textbox", name="Invitation link", exact=True)
    expect(link_box).to_have_value(re.compile(r"^http://127\.0\.0\.1:\d+/i/\S+$"))
    link = link_box.input_value()
    page.get_by_role("button", name="Copy", exact=True).click()
    expect(page.get_by_text("Link copied to the clipboard.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == link
    row = page.get_by_role("row").filter(has_text="casey@example.com")
    expect(row).to_contain_text("Casey <b>Candidate</b>")  # escaped, shown as typed
    expect(row).to_contain_text("+50%")
    shot(page, "06-invited-link-shown-once")

    # The candidate opens the link in their own browser profile.
    candidate = new_context().new_page()
    candidate.goto(link)
    expect(candidate.get_by_role("heading", name=WRITTEN_TITLE, level=1)).to_be_visible()
    expect(candidate.get_by_text("Hello Casey <b>Candidate</b>")).to_be_visible()
    expect(candidate.get_by_text("People decide")).to_be_visible()
    candidate.get_by_role("button", name="Start").click()
    expect(candidate.get_by_role("alert")).to_contain_text("tick the box")
    shot(candidate, "07-candidate-intro")
    # Keyboard only: Space ticks the box, Tab reaches Start, Enter starts.
    candidate.get_by_label(re.compile("I agree to be recorded")).focus()
    candidate.keyboard.press("Space")
    candidate.keyboard.press("Tab")
    expect(candidate.get_by_role("button", name="Start")).to_be_focused()
    candidate.keyboard.press("Enter")

    # No video questions: no device check; the question starts when the candidate chooses.
    expect(candidate.get_by_text("Question 1 of 1").first).to_be_visible()
    expect(candidate.get_by_text(WRITTEN_PROMPT)).to_have_count(0)
    candidate.get_by_role("button", name="Start question 1").click()
    expect(candidate.get_by_text(WRITTEN_PROMPT)).to_be_visible()
    answer = candidate.get_by_label("Your answer")
    draft = "Hi Sam, sorry the export is failing. Could you tell me which report and when?"
    answer.press_sequentially(draft, delay=5)
    expect(candidate.get_by_text(f"{len(draft)} / 600 characters")).to_be_visible()
    expect(candidate.get_by_role("status").filter(has_text=re.compile(r"^✓ Saved$"))).to_be_visible()
    shot(candidate, "08-written-autosaved")

    token = link.rsplit("/", 1)[1]
    view = candidate.request.get(f"/api/candidate/{token}").json()
    assert view["questions"][0]["draft"] == draft

    # Blur saves at once, without waiting for the debounce.
    answer.press("End")
    answer.type(" Thanks!")
    answer.press("Tab")
    expect(candidate.get_by_role("status").filter(has_text=re.compile(r"^✓ Saved$"))).to_be_visible()
    view = candidate.request.get(f"/api/candidate/{token}").json()
    assert view["questions"][0]["draft"] == draft + " Thanks!"

    # Reopening the link resumes at the same question with the draft in place.
    candidate.reload()
    expect(candidate.get_by_label("Your answer")).to_have_value(draft + " Thanks!")

    candidate.get_by_role("button", name="Submit answer").click()
    expect(candidate.get_by_role("heading", name="You have answered every question")).to_be_visible()
    shot(candidate, "09-ready-to-finish")
    candidate.get_by_role("button", name="Submit my interview").click()
    candidate.get_by_role("button", name="Skip").click()  # the voluntary demographic questions
    # Generous: the first submitted answer makes the in-process worker load the sentence
    # encoder, and today that stalls the server's event loop for several seconds.
    expect(candidate.get_by_role("heading", name=re.compile("^Thank you"))).to_be_visible(timeout=60_000)
    shot(candidate, "10-finished")

    # Back on the staff side the invitation shows as completed (or already in review, once the
    # worker has made its suggestions).
    page.reload()
    expect(page.get_by_role("row").filter(has_text="casey@example.com")).to_contain_text(
        re.compile("Completed|In review")
    )


def test_revoked_link_says_so(
    page: Page,
    demo: Demo,
    written_assessment: dict[str, Any],
    new_context: Any,
    shot: Callable[[Page, str], None],
    page_errors: list[str],
) -> None:
    sign_in(page, demo)
    page.get_by_role("link", name=WRITTEN_TITLE).click()
    page.get_by_label("Name").fill("Riley Revoked")
    page.get_by_label("Email").fill("riley@example.com")
    page.get_by_role("button", name="Create invitation link").click()
    link = page.get_by_role("textbox", name="Invitation link", exact=True).input_value()

    row = page.get_by_role("row").filter(has_text="riley@example.com")
    row.get_by_role("button", name="Revoke invitation for Riley Revoked").click()
    expect(row.get_by_text("Revoke this link?")).to_be_visible()
    shot(page, "11-revoke-confirm")
    row.get_by_role("button", name="Yes, revoke").click()
    expect(page.get_by_text("The link for Riley Revoked no longer works.")).to_be_visible()
    expect(row).to_contain_text("Withdrawn")  # a revoked link's stage
    expect(row.get_by_role("button")).to_have_count(0)
    shot(page, "12-revoked")

    candidate = new_context().new_page()
    candidate.goto(link)
    expect(candidate.get_by_role("heading", name="This interview link no longer works")).to_be_visible()
    expect(candidate.get_by_text(re.compile("revoked|withdrawn|no longer", re.I)).first).to_be_visible()
    shot(candidate, "13-revoked-link")

    candidate.goto("/i/not-a-real-token")
    expect(candidate.get_by_role("heading", name="We could not find this interview")).to_be_visible()
    expect(candidate.get_by_text("This link is not valid.")).to_be_visible()
    shot(candidate, "14-unknown-link")


def test_phone_sized_login_and_candidate_intro(
    demo: Demo, written_assessment: dict[str, Any], new_context: Any, shot: Callable[[Page, str], None]
) -> None:
    phone = new_context(PHONE).new_page()
    phone.goto("/login")
    expect(phone.get_by_role("button", name="Sign in")).to_be_visible()
    no_horizontal_overflow(phone)
    shot(phone, "15-phone-login")

    with demo.staff_api() as api:
        ml = next(a for a in api.get("/api/assessments").json() if a["title"] == ML_TITLE)
    created = invite(demo, ml["id"], "Pat Phone")
    phone.goto(created["link"])
    expect(phone.get_by_role("heading", name=ML_TITLE, level=1)).to_be_visible()
    expect(phone.get_by_text("What we record")).to_be_visible()
    no_horizontal_overflow(phone)
    shot(phone, "16-phone-candidate-intro")

    staff = new_context(PHONE).new_page()
    sign_in(staff, demo)
    staff.get_by_role("link", name=WRITTEN_TITLE).click()
    expect(staff.get_by_role("heading", name="Invitations")).to_be_visible()
    no_horizontal_overflow(staff)
    shot(staff, "16b-phone-assessment")


def test_candidate_checks_devices_and_records_the_practice_answer(
    demo: Demo, new_context: Any, shot: Callable[[Page, str], None]
) -> None:
    with demo.staff_api() as api:
        ml = next(a for a in api.get("/api/assessments").json() if a["title"] == ML_TITLE)
    created = invite(demo, ml["id"], "Devi Device")
    cand = new_context().new_page()
    cand.goto(created["link"])
    cand.get_by_label(re.compile("I agree to be recorded")).check()
    cand.get_by_role("button", name="Start").click()

    # Device check: Chromium's fake camera plays and its fake microphone beeps.
    expect(cand.get_by_role("heading", name="Check your camera and microphone")).to_be_visible()
    cand.wait_for_function(PREVIEW_PLAYING)
    expect(cand.get_by_text("We can hear you")).to_be_visible()
    expect(cand.get_by_text("Your sound reaches our recording server")).to_be_visible(timeout=30_000)
    shot(cand, "17-device-check")
    cand.get_by_role("button", name="Continue").click()

    # The practice question (numbered as staff number it: not at all): think time (skipped),
    # record, review, retake, accept.
    expect(cand.get_by_label("Progress")).to_contain_text("Practice question")
    cand.get_by_role("button", name="Start the practice question").click()
    expect(cand.get_by_text("Practice · not scored")).to_be_visible()
    expect(cand.get_by_role("timer")).to_be_visible()
    cand.wait_for_function(PREVIEW_PLAYING)
    shot(cand, "18-practice-think-time")
    for take, label in ((1, re.compile("start recording$")), (2, re.compile("^Start recording$"))):
        cand.get_by_role("button", name=label).click()
        stop = cand.get_by_role("button", name="Stop recording")
        expect(stop).to_be_visible(timeout=30_000)
        expect(cand.get_by_role("timer")).to_have_text(re.compile(r"^0:0[2-9] / 1:00$"))
        if take == 1:
            shot(cand, "19-recording")
        stop.click()
        expect(cand.get_by_role("heading", name="Review your answer")).to_be_visible(timeout=30_000)
        expect(cand.get_by_text(f"Take {take} of 4")).to_be_visible()
        cand.wait_for_function(
            "() => { const v = document.querySelector('video.playback'); return v && v.readyState >= 1; }"
        )
        if take == 1:
            shot(cand, "20-review-take")
            cand.get_by_role("button", name="Record again (3 retakes left)").click()
    cand.get_by_role("button", name="Use this answer").click()
    expect(cand.get_by_label("Progress")).to_contain_text("Question 1 of 7", timeout=30_000)
    cand.get_by_role("button", name="Start question 1").click()
    cand.wait_for_function(PREVIEW_PLAYING)  # the camera comes back on for the next question
    shot(cand, "21-next-question")

    view = cand.request.get(f"/api/candidate/{created['token']}").json()
    assert view["questions"][0]["answered"] is True
    assert view["next_question_id"] == view["questions"][1]["id"]
