"""The whole hiring-team loop in a real Chromium, on its own assessment and candidates:

an admin invites a hiring manager from Settings -> Team, who sets a password through the
one-time link and signs in; a reviewer reviews a candidate's answers; the hiring manager rates
the candidate; the admin shortlists two candidates (side by side), advances one and rejects
the other in bulk; the funnel and the fairness report show the decisions; a share link made
with the answers' video plays that video for a signed-out visitor (readyState and currentTime
checked). The clicks from sign-in to the decision on the reviewed candidate are counted.

Answers are made as the product makes them (see ``test_review_ui``): written answers through
the candidate API, a video take recorded by the passthrough recorder and left in the spool.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from server.seed.ml_engineer import ML_ENGINEER_ASSESSMENT
from tests.e2e.conftest import Demo, sign_in_as
from tests.e2e.test_review_ui import _record_passthrough, _spool_video_take, _wait_ready, review_item
from tests.e2e.test_team_ui import STRONG
from tests.support.media_files import make_webm

pytestmark = pytest.mark.e2e

TITLE = f"Hiring loop {uuid.uuid4().hex[:6]}: ML platform"
VERA, WALT = "Vera Vasquez", "Walt Whitaker"
HM_NAME, HM_EMAIL = "Hanna Lindqvist", f"hanna.{uuid.uuid4().hex[:6]}@demo.viva"
REV_NAME, REV_EMAIL = "Rosa Quillfeather", f"rita.{uuid.uuid4().hex[:6]}@demo.viva"
TEXTS = {
    VERA: (
        "I owned our churn model end to end. I wrote down every failure of the feature pipeline for "
        "two weeks, fixed the three causes behind most of them, added alerts and a runbook, and "
        "trained the on-call rotation. Failures went from weekly to once a quarter, and I measured "
        "the impact on retention before I handed it over."
    ),
    WALT: "I fixed a bug in a report once. It took a while, then it worked and I moved on.",
}

# Counts trusted clicks on any page of a context (kept in sessionStorage across reloads).
CLICK_COUNTER = """
addEventListener('click', (e) => {
  if (!e.isTrusted) return;
  const n = Number(sessionStorage.getItem('viva-clicks') || '0') + 1;
  sessionStorage.setItem('viva-clicks', String(n));
}, true);
"""


def _body() -> dict[str, Any]:
    """A two-question assessment (one video, one written) from the seeded ML questions, with
    their rubrics and exemplars, so that the AI suggests scores."""
    src = ML_ENGINEER_ASSESSMENT
    video = next(q for q in src["questions"] if q["kind"] == "video" and q.get("competency") == "mlops")
    written = next(q for q in src["questions"] if q["kind"] == "written" and not q.get("is_practice"))
    comps = {c["key"]: c for d in src["dimensions"] for c in d["competencies"]}
    return {
        "title": TITLE,
        "role": "ML Platform Engineer",
        "intro": "Two questions.",
        "settings": src["settings"],
        "dimensions": [
            {"name": "Technical", "weight": 60, "competencies": [comps[video["competency"]]]},
            {"name": "Ownership", "weight": 40, "competencies": [comps[written["competency"]]]},
        ],
        "questions": [video, written],
    }


@pytest.fixture(scope="module")
def loop(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The assessment, two completed candidates (video + written, processed by the demo) and a
    reviewer who joined through their set-password link."""
    tmp = tmp_path_factory.mktemp("hiring")
    webm = make_webm(tmp / "jfk.webm", 11)
    recorded = tmp / "take.webm"
    with ThreadPoolExecutor(max_workers=1) as pool:
        duration = pool.submit(asyncio.run, _record_passthrough(webm, recorded)).result()
    with demo.staff_api() as api:
        made = api.post("/api/assessments", json=_body())
        made.raise_for_status()
        a = made.json()
        video_q = next(q for q in a["questions"] if q["kind"] == "video")
        written_q = next(q for q in a["questions"] if q["kind"] == "written")
        out: dict[str, Any] = {"assessment": a["id"], "video_q": video_q["id"], "written_q": written_q["id"]}
        for name in (VERA, WALT):
            inv = api.post(
                f"/api/assessments/{a['id']}/invitations",
                json={"candidate_name": name, "candidate_email": f"{name.split()[0].lower()}@example.com"},
            )
            inv.raise_for_status()
            invitation = inv.json()
            token = invitation["link"].rsplit("/", 1)[1]
            api.post(f"/api/candidate/{token}/consent", json={"accept": True}).raise_for_status()
            written = api.put(
                f"/api/candidate/{token}/written/{written_q['id']}",
                json={"text": TEXTS[name], "submit": True, "take_id": str(uuid.uuid4())},
            )
            written.raise_for_status()
            take = tmp / f"{invitation['id']}.webm"
            shutil.copyfile(recorded, take)
            with ThreadPoolExecutor(max_workers=1) as pool:
                video_id = pool.submit(
                    asyncio.run,
                    _spool_video_take(demo.server.data_dir, invitation["id"], video_q["id"], take, duration),
                ).result()
            out[name] = {
                "invitation": invitation["id"],
                "token": token,
                "written": written.json()["id"],
                "video": str(video_id),
            }
        for name in (VERA, WALT):  # processed (transcribed and scored), then the candidates finish
            _wait_ready(api, out[name]["written"])
            _wait_ready(api, out[name]["video"])
            api.post(f"/api/candidate/{out[name]['token']}/complete").raise_for_status()
        # a reviewer, invited and joined through the API (the UI invitation is the hiring manager's)
        rev = api.post("/api/users", json={"name": REV_NAME, "email": REV_EMAIL, "role": "reviewer"})
        rev.raise_for_status()
        rev_token = rev.json()["invitation"]["link"].rsplit("/", 1)[1]
        api.post(f"/api/account-links/{rev_token}", json={"password": STRONG}).raise_for_status()
        out["reviewer_id"] = rev.json()["user"]["id"]
    return out


def _review_item_in_ui(page: Page, demo: Demo, rid: str, *, comment: str) -> None:
    """On a review item: confirm the AI's level when it suggests one ("c"), else give 2 with a
    reason and a comment."""
    item = review_item(demo, rid)
    suggestion = item.get("suggestion") or {}
    if suggestion.get("rounded_level") and not suggestion.get("abstained"):
        page.locator("h1").focus()
        page.keyboard.press("c")
        expect(page.locator(".saved")).to_contain_text(f"confirmed {suggestion['rounded_level']}")
        return
    page.locator("h1").focus()
    page.keyboard.press("o")
    group = page.get_by_role("radiogroup", name=re.compile("Your score|Override the suggestion"))
    expect(group).to_be_visible()
    group.get_by_role("radio", name="2").click()
    page.get_by_label("Reason").select_option("other")
    page.get_by_label(re.compile(r"^Comment")).fill(comment)
    page.keyboard.press("Control+Enter")
    expect(page.locator(".saved")).to_contain_text("overrode 2")


def test_hiring_team_loop_from_invitation_to_a_shared_video(
    page: Page,
    context: BrowserContext,
    demo: Demo,
    loop: dict[str, Any],
    new_context: Callable[..., BrowserContext],
    shot: Callable[[Page, str], None],
    page_errors: list[str],
) -> None:
    vera = loop[VERA]

    # 1. The admin invites a hiring manager from Settings -> Team and assigns them the assessment.
    sign_in_as(page, demo.admin_email, demo.admin_password)
    page.get_by_role("link", name="Settings").click()
    form = page.get_by_role("form", name="Invite a colleague")
    form.get_by_label("Name").fill(HM_NAME)
    form.get_by_label("Email").fill(HM_EMAIL)
    form.get_by_label("Role").select_option("hiring_manager")
    form.get_by_role("button", name="Send invitation").click()
    link = page.locator("#staff-link")
    expect(link).to_have_value(re.compile(r"/account/"))
    invite_url = link.input_value()
    expect(page.get_by_role("row", name=HM_NAME)).to_contain_text("invited")
    shot(page, "hiring-01-hm-invited")

    hm = new_context().new_page()
    hm.goto(invite_url)
    expect(hm.get_by_role("heading", name="Join your team")).to_be_visible()
    hm.get_by_label("New password").fill(STRONG)
    hm.get_by_label("Confirm password").fill(STRONG)
    shot(hm, "hiring-02-hm-sets-password")
    hm.get_by_role("button", name="Set password and sign in").click()
    expect(hm.get_by_role("heading", name="Assessments", level=1)).to_be_visible()
    expect(hm.get_by_role("link", name=TITLE)).to_have_count(0)  # not assigned yet
    hm.get_by_role("button", name=re.compile("Sign out")).click()
    expect(hm.get_by_role("heading", name="Sign in")).to_be_visible()
    sign_in_as(hm, HM_EMAIL, STRONG)  # and signs in with the new password

    page.goto(f"/app/assessments/{loop['assessment']}")
    page.get_by_role("button", name="Assign people").click()
    assign = page.get_by_role("form", name="Assign people")
    assign.get_by_label(re.compile(HM_NAME)).check()
    assign.get_by_label(re.compile(REV_NAME)).check()
    assign.get_by_role("button", name="Save assignment").click()
    members = page.locator("ul.members")
    expect(members).to_contain_text(HM_NAME)
    expect(members).to_contain_text(REV_NAME)
    shot(page, "hiring-03-assigned")

    # 2. The reviewer reviews Vera's two answers from the queue.
    rev = new_context().new_page()
    sign_in_as(rev, REV_EMAIL, STRONG)
    rev.get_by_role("link", name=TITLE).click()
    rev.get_by_role("link", name="Review answers").click()
    expect(rev.get_by_role("heading", name="Review", level=1)).to_be_visible()
    rows = rev.locator("table.queue-table tbody tr").filter(has_text=VERA)
    expect(rows).to_have_count(2)
    shot(rev, "hiring-04-review-queue")
    for rid, comment in (
        (vera["written"], "Owned it end to end, measured impact."),
        (vera["video"], "Off-topic speech; nothing about drift."),
    ):
        rev.goto(f"/app/review/{rid}?assessment={loop['assessment']}")
        expect(rev.get_by_role("heading", name=VERA, level=1)).to_be_visible()
        _review_item_in_ui(rev, demo, rid, comment=comment)
    shot(rev, "hiring-05-reviewed")

    # 3. The hiring manager finds the candidate and rates them 4 with a comment.
    hm.goto("/app")
    hm.get_by_role("link", name=TITLE).click()
    expect(hm.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    hm.goto(f"/app/reports/{vera['invitation']}")
    expect(hm.get_by_role("heading", name=VERA, level=1)).to_be_visible()
    rating = hm.get_by_role("form", name="My rating")
    rating.locator("input[name=rating][value='4']").check()
    rating.get_by_label("Comment (optional)").fill("Strong ownership; let's meet her.")
    rating.get_by_role("button", name="Save my rating").click()
    expect(rating.get_by_role("status")).to_contain_text("Saved.")
    expect(hm.get_by_role("link", name=re.compile("^Review$"))).to_have_count(0)
    shot(hm, "hiring-06-hm-rated")

    # 4. The admin shortlists the two candidates side by side ...
    page.goto(f"/app/assessments/{loop['assessment']}")
    page.get_by_role("link", name="Shortlist").click()
    expect(page.get_by_role("heading", name="Shortlist", level=1)).to_be_visible()
    page.get_by_label(f"Compare {VERA}").check()
    page.get_by_label(f"Compare {WALT}").check()
    side = page.locator("section[aria-labelledby=side-h]")
    expect(side).to_contain_text(VERA)
    expect(side).to_contain_text(WALT)
    expect(page.locator("table.shortlist-table tbody tr").filter(has_text=VERA)).to_contain_text(
        re.compile(r"4(\.0)? / 5")
    )
    shot(page, "hiring-07-shortlist-side-by-side")

    # ... then, signed in afresh, advances the reviewed one. Clicks are counted from the sign-in
    # form to the decision, on the shortest way there.
    admin_ctx = new_context()
    admin_ctx.add_init_script(CLICK_COUNTER)
    admin = admin_ctx.new_page()
    admin.goto("/login")
    admin.evaluate("sessionStorage.setItem('viva-clicks', '0')")
    admin.get_by_label("Email").fill(demo.admin_email)
    admin.get_by_label("Password", exact=True).fill(demo.admin_password)
    admin.get_by_role("button", name="Sign in").click()
    admin.get_by_role("link", name=TITLE).click()
    expect(admin.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    vera_row = admin.get_by_role("row").filter(has_text=VERA)
    expect(vera_row.locator("[data-stage]")).to_have_attribute("data-stage", "reviewed")
    admin.get_by_label(f"Select {VERA}").check()
    bar = admin.get_by_role("region", name="Bulk actions")
    expect(bar).to_contain_text("1 candidate selected")
    bar.get_by_role("button").first.click()  # advance (named as the organization names it)
    confirm = bar.get_by_role("group", name="Confirm: Advance 1 candidate")
    confirm.get_by_label("Reason").select_option("strong_overall")
    confirm.get_by_role("button", name="Yes, advance 1 candidate").click()
    expect(admin.get_by_text("Advance: done for 1 candidate.")).to_be_visible()
    expect(vera_row.locator("[data-stage]")).to_have_attribute("data-stage", "advanced")
    clicks = int(admin.evaluate("Number(sessionStorage.getItem('viva-clicks'))"))
    print(
        f"\nclicks from sign-in to a decision on a reviewed candidate: {clicks} clicks "
        "+ 1 choice in the reason drop-down (after typing email and password)"
    )
    assert clicks == 5, clicks  # Sign in, the assessment, select, Advance, Yes
    shot(admin, "hiring-08-advanced")

    walt_row = admin.get_by_role("row").filter(has_text=WALT)
    admin.get_by_label(f"Select {WALT}").check()
    expect(bar).to_contain_text("1 candidate selected")
    bar.locator("button.btn-danger").first.click()
    confirm = bar.get_by_role("group", name="Confirm: Reject 1 candidate")
    confirm.get_by_label("Reason").select_option("below_threshold")
    confirm.get_by_role("button", name="Yes, reject 1 candidate").click()
    expect(admin.get_by_text("Reject: done for 1 candidate.")).to_be_visible()
    expect(walt_row.locator("[data-stage]")).to_have_attribute("data-stage", "rejected")

    # 5. The funnel and the fairness report show the decisions.
    funnel = admin.locator("section.funnel")
    funnel.scroll_into_view_if_needed()
    expect(funnel.locator("[data-metric=decision-advanced]")).to_have_text("1")
    expect(funnel.locator("[data-metric=decision-rejected]")).to_have_text("1")
    expect(funnel.locator("[data-metric=funnel-decided]")).to_have_text("2")
    expect(funnel.locator("[data-metric=funnel-invited]")).to_have_text("2")
    shot(admin, "hiring-09-decided-and-funnel")
    admin.get_by_role("link", name="Fairness report").click()
    facts = admin.locator("dl.fairness-facts")
    expect(facts.locator("[data-fact=decided]")).to_have_text("2")
    expect(facts.locator("[data-fact=advanced]")).to_have_text("1")
    expect(facts.locator("[data-fact=undecided]")).to_have_text("0")
    shot(admin, "hiring-10-fairness-decisions")

    # 6. A share link with the answers' video, opened by a signed-out visitor: the video plays.
    admin.goto(f"/app/reports/{vera['invitation']}")
    expect(admin.get_by_role("heading", name=VERA, level=1)).to_be_visible()
    media = admin.get_by_label("Include the answers' video and transcript")
    expect(media).not_to_be_checked()  # off by default
    media.check()
    admin.get_by_role("button", name="Create share link").click()
    share_box = admin.get_by_role("textbox", name="Share link")
    expect(share_box).to_have_value(re.compile(r"/share/\S+$"))
    expect(admin.locator(".new-link")).to_contain_text("includes the answers' video and transcript")
    expect(admin.locator(".share-table")).to_contain_text("video and transcript")
    shot(admin, "hiring-11-share-with-video")
    share_url = share_box.input_value()

    visitor = new_context().new_page()
    visitor.goto(share_url)
    expect(visitor.get_by_role("heading", name=VERA, level=1)).to_be_visible()
    expect(visitor.get_by_text("vera@example.com")).to_have_count(0)
    expect(visitor.locator(".notes")).to_contain_text(REV_NAME)  # not "a former reviewer"
    expect(visitor.get_by_text("A former reviewer")).to_have_count(0)
    answers = visitor.get_by_role("region", name="Answers").or_(visitor.locator("section.shared-answers"))
    expect(answers.locator(".written-answer")).to_contain_text("churn model")
    expect(answers.locator(".transcript-text").first).not_to_be_empty()
    video = answers.locator("video.answer-video")
    expect(video).to_have_count(1)
    visitor.get_by_role("link", name="Watch the answer to Q1").click()  # the questions table links to it
    expect(video).to_be_in_viewport()
    visitor.evaluate(
        "() => { const v = document.querySelector('video.answer-video'); v.muted = true; return v.play(); }"
    )
    visitor.wait_for_function(
        "() => { const v = document.querySelector('video.answer-video'); "
        "return v.readyState >= 3 && v.currentTime > 1.5; }",
        timeout=20_000,
    )
    state = visitor.evaluate(
        "() => { const v = document.querySelector('video.answer-video'); "
        "return {t: v.currentTime, rs: v.readyState, w: v.videoWidth, err: v.error && v.error.code}; }"
    )
    assert state["w"] > 0 and state["err"] is None, state
    shot(visitor, "hiring-12-shared-video-playing")
    # a transcript segment seeks the video
    visitor.evaluate("document.querySelector('video.answer-video').pause()")
    seg = answers.locator("button.seg-link").last
    if seg.count():
        seg.click()
        visitor.wait_for_function("() => document.querySelector('video.answer-video').currentTime > 0")

    # the same report shared without media shows no video
    admin.get_by_label("Include the answers' video and transcript").uncheck()
    admin.get_by_role("button", name="Create share link").click()
    expect(admin.locator(".new-link")).to_contain_text("no video or transcript")
    plain = new_context().new_page()
    plain.goto(admin.get_by_role("textbox", name="Share link").input_value())
    expect(plain.get_by_role("heading", name=VERA, level=1)).to_be_visible()
    expect(plain.locator("video")).to_have_count(0)
    expect(plain.locator("section.shared-answers")).to_have_count(0)
    shot(plain, "hiring-13-shared-without-video")
