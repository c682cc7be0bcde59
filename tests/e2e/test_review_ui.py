"""A reviewer works through real answers in Chromium: queue, video with transcript, confirm,
keyboard-only override, the candidate report, CSV download and a share link.

The answers are made the way the product makes them: a written answer through the candidate
API, and a video answer left in the recording spool exactly as a finished WebRTC take is
(response row ``uploading`` + spooled WebM). The running demo's spool uploader stores it and
its in-process pipeline transcribes (faster-whisper) and scores it. A row inserted as
``queued`` would only be picked up when the server restarts (``recover`` runs at start-up).
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from server.storage import video_key
from tests.e2e.conftest import Demo, sign_in
from tests.support.media_files import make_webm

pytestmark = pytest.mark.e2e

DATA = Path(__file__).resolve().parents[1] / "data"
ML_TITLE = "Machine Learning Engineer"
CANDIDATE = "Grace Hopper"
WRITTEN_TEXT = (
    "I owned our churn model end to end. I wrote down every failure of the feature pipeline for "
    "two weeks, fixed the three causes behind most of them, added alerts and a runbook, and "
    "trained the on-call rotation. Failures went from weekly to once a quarter, and I measured "
    "the impact on retention before I handed it over."
)


# -- data: a candidate with a written and a video answer, both processed by the demo ----------


async def _record_passthrough(source: Path, out: Path) -> float:
    """Record ``source`` as a candidate's take: an aiortc peer sends it, the server stores the
    VP8/Opus frames as received (the passthrough recorder); returns the take's duration."""
    from media.peer import SessionConfig, TakeSession
    from media.recording import RecordingMode
    from tests.support.webrtc_client import WebRTCClient

    client = WebRTCClient(source)
    sdp, sdp_type = await client.offer()
    session = await TakeSession.open(
        take_id="review-take", sdp=sdp, sdp_type=sdp_type, output=out, config=SessionConfig()
    )
    try:
        await client.accept(session.answer_sdp, session.answer_type)
        await client.wait_connected(20)
        await client.send(10.5, then_pause=True, timeout=60)  # the file lasts 11 s
        take = await session.stop()
    finally:
        await client.close()
    assert take.stats.mode is RecordingMode.PASSTHROUGH
    return take.duration


async def _spool_video_take(
    data_dir: Path, invitation_id: str, question_id: str, webm: Path, duration: float
) -> uuid.UUID:
    """What the recorder leaves once a take ends: an ``uploading`` response and a spooled file."""
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    from media.recording import RecordingMode
    from media.spool import Spool
    from server.db.engine import session_maker
    from server.db.models import Attempt, QuestionKind, Response, ResponseState

    engine = create_async_engine(f"sqlite+aiosqlite:///{data_dir}/viva.db", poolclass=NullPool)
    try:
        async with session_maker(engine)() as db:
            attempt = (
                await db.execute(select(Attempt).where(Attempt.invitation_id == uuid.UUID(invitation_id)))
            ).scalar_one()
            take = uuid.uuid4()
            response = Response(
                attempt_id=attempt.id,
                question_id=uuid.UUID(question_id),
                take_id=take,
                kind=QuestionKind.VIDEO,
                duration_s=duration,
                state=ResponseState.UPLOADING,
                submitted_at=datetime.now(UTC),
                is_current=True,
                recording_mode=RecordingMode.PASSTHROUGH,
            )
            db.add(response)
            await db.flush()
            key = video_key(response.id)
            response.media_key = key
            await db.commit()
            rid = response.id
    finally:
        await engine.dispose()
    Spool(data_dir / "spool").submit(
        str(take),
        webm,
        key=key,
        metadata={
            "response_id": str(rid),
            "duration": f"{duration:.3f}",
            "partial": "0",
            "reason": "stopped",
            "recording": "passthrough",
        },
    )
    return rid


def _wait_ready(api: Any, rid: str, timeout: float = 150) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = api.get(f"/api/responses/{rid}").json()
        if body.get("state") in ("ready", "failed"):
            assert body["state"] == "ready", f"processing failed: {body.get('state_reason')}"
            return body
        assert time.monotonic() < deadline, f"response {rid} stuck in {body.get('state')}"
        time.sleep(0.5)


@pytest.fixture(scope="module")
def answers(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    with demo.staff_api() as api:
        assessment = next(a for a in api.get("/api/assessments").json() if a["title"] == ML_TITLE)
        full = api.get(f"/api/assessments/{assessment['id']}").json()
        questions = sorted(full["questions"], key=lambda q: q["position"])
        # staff screens number the scored questions Q1..Qn (practice ones have no number)
        number = {q["id"]: n for n, q in enumerate((q for q in questions if not q["is_practice"]), 1)}
        written_q = next(q for q in questions if q["kind"] == "written" and not q["is_practice"])
        video_q = next(q for q in questions if q["kind"] == "video" and not q["is_practice"])

        inv = api.post(
            f"/api/assessments/{assessment['id']}/invitations",
            json={"candidate_name": CANDIDATE, "candidate_email": "grace@example.com"},
        )
        inv.raise_for_status()
        invitation = inv.json()
        token = invitation["link"].rsplit("/", 1)[1]
        api.post(f"/api/candidate/{token}/consent", json={"accept": True}).raise_for_status()
        written = api.put(
            f"/api/candidate/{token}/written/{written_q['id']}",
            json={"text": WRITTEN_TEXT, "submit": True, "take_id": str(uuid.uuid4())},
        )
        written.raise_for_status()

        webm = make_webm(tmp_path_factory.mktemp("review") / "jfk.webm", 11)
        spooled = webm.with_name("take.webm")
        # Its own thread: Playwright's sync API may already run an event loop in this one.
        with ThreadPoolExecutor(max_workers=1) as pool:
            # The take the reviewer watches was recorded as the server records candidates:
            # the browser's VP8/Opus frames stored as received (passthrough).
            duration = pool.submit(asyncio.run, _record_passthrough(webm, spooled)).result()
            video_id = pool.submit(
                asyncio.run,
                _spool_video_take(demo.server.data_dir, invitation["id"], video_q["id"], spooled, duration),
            ).result()
        _wait_ready(api, written.json()["id"])
        assert _wait_ready(api, str(video_id))["recording_mode"] == "passthrough"
        return {
            "assessment": assessment["id"],
            "invitation": invitation["id"],
            "written": written.json()["id"],
            "video": str(video_id),
            "written_q": str(number[written_q["id"]]),
            "video_q": str(number[video_q["id"]]),
        }


# -- browser helpers ------------------------------------------------------------------------
def review_item(demo: Demo, rid: str) -> dict[str, Any]:
    return demo.staff_get(f"/api/review/responses/{rid}")


def test_reviewer_decides_and_shares_the_report(
    page: Page,
    demo: Demo,
    answers: dict[str, str],
    new_context: Any,
    shot: Callable[[Page, str], None],
    page_errors: list[str],
) -> None:
    sign_in(page, demo)

    # The assessment links to its review queue; the queue shows both answers.
    page.get_by_role("link", name=ML_TITLE).click()
    page.get_by_role("link", name="Review answers").click()
    expect(page.get_by_role("heading", name="Review", level=1)).to_be_visible()
    rows = page.locator("table.queue-table tbody tr").filter(has_text=CANDIDATE)
    expect(rows).to_have_count(2)
    video_row = rows.filter(has_text=f"Q{answers['video_q']}")
    expect(video_row).to_contain_text("AI abstained")  # JFK's speech is off-topic for ML drift
    written_row = rows.filter(has_text=f"Q{answers['written_q']}")
    expect(written_row.locator("td").nth(3)).to_contain_text(re.compile(r"\d"))
    shot(page, "40-review-queue")

    # j/k move the active row; Enter opens it.
    all_rows = page.locator("table.queue-table tbody tr")
    hrefs = [all_rows.nth(i).locator("a").get_attribute("href") or "" for i in range(all_rows.count())]
    target = next(i for i, h in enumerate(hrefs) if f"/app/review/{answers['written']}" in h)
    page.locator("body").press("Escape")
    for _ in range(target + 1):
        page.keyboard.press("j")
    page.keyboard.press("k")
    if target + 1 == all_rows.count():  # j stops at the last row
        page.keyboard.press("j")
    expect(all_rows.nth(target)).to_have_class(re.compile("row-active"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/app/review/{answers['written']}"))

    # Written answer: the suggestion, its interval, evidence highlighted in the answer by span.
    item = review_item(demo, answers["written"])
    suggested = item["suggestion"]["rounded_level"]
    expect(page.get_by_role("heading", name=CANDIDATE, level=1)).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"^Suggested level"))).to_be_visible()
    expect(page.locator(".written-answer mark").first).to_be_visible()
    page.locator("button.sentence").first.click()
    expect(page.locator(".written-answer mark.focus")).to_have_count(1)
    expect(page.get_by_role("heading", name="English proficiency")).to_be_visible()
    shot(page, "41-review-written")

    # ? lists the shortcuts; C confirms the suggested level.
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    shot(page, "42-review-shortcuts")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    page.keyboard.press("c")
    expect(page.locator(".saved")).to_contain_text(f"confirmed {suggested}")
    after = review_item(demo, answers["written"])
    assert [(r["decision"], r["score"]) for r in after["reviews"]] == [("confirm", suggested)]
    shot(page, "43-review-confirmed")

    # N moves to the next answer (prefetched); open the video if the queue holds others first.
    page.keyboard.press("n")
    expect(page).not_to_have_url(re.compile(rf"/app/review/{answers['written']}"))
    if answers["video"] not in page.url:
        page.goto(f"/app/review/{answers['video']}?assessment={answers['assessment']}")
    expect(page.get_by_text("AI abstained.", exact=True)).to_be_visible()

    # The video plays with the transcript beside it; the spoken word is lit; a click seeks.
    video = page.locator("video.review-video")
    expect(video).to_be_visible()
    page.get_by_role("button", name="1.5\u00d7").click()  # the 1.5 times speed button
    expect(page.get_by_role("button", name="1.5\u00d7")).to_have_attribute("aria-pressed", "true")
    page.wait_for_function(
        "() => document.querySelector('video.review-video').playbackRate === 1.5", timeout=5000
    )
    page.evaluate(
        "() => { const v = document.querySelector('video.review-video'); v.muted = true; return v.play(); }"
    )
    page.wait_for_function("() => document.querySelector('video.review-video').currentTime > 2")
    expect(page.locator(".transcript .word.current")).to_have_count(1)
    shot(page, "44-review-video-playing")
    page.evaluate("document.querySelector('video.review-video').pause()")
    word = page.locator(".transcript .word", has_text=re.compile(r"^country")).last
    start = float(word.get_attribute("data-start") or "nan")
    word.click()
    now = page.evaluate("document.querySelector('video.review-video').currentTime")
    assert abs(now - start) < 0.3, f"clicked a word at {start}s, video is at {now}s"
    expect(word).to_have_class(re.compile(r"\bcurrent\b"))

    # The AI abstained here, so there is nothing to confirm: override, keyboard only.
    page.locator("h1").focus()
    page.keyboard.press("o")
    expect(page.get_by_role("radiogroup", name="Your score")).to_be_visible()
    page.keyboard.press("1")
    expect(page.get_by_role("radio", name="1")).to_have_attribute("aria-checked", "true")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Reason")).to_be_focused()
    for _ in range(6):
        page.keyboard.press("ArrowDown")  # the last reason: "other", which needs a comment
    expect(page.get_by_label("Reason")).to_have_value("other")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text("Add a comment for reason “other”.")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_label(re.compile(r"^Comment"))).to_be_focused()
    page.keyboard.type("Recites a political speech; nothing about diagnosing model drift.")
    shot(page, "45-review-override-form")
    page.keyboard.press("Control+Enter")
    expect(page.locator(".saved")).to_contain_text("overrode 1")
    video_after = review_item(demo, answers["video"])
    assert [(r["decision"], r["score"], r["reason_code"]) for r in video_after["reviews"]] == [
        ("override", 1, "other")
    ]
    shot(page, "46-review-overridden")

    # The candidate report shows what the API reports, decided by people.
    page.get_by_role("link", name="Candidate report").click()
    expect(page.get_by_role("heading", name=CANDIDATE, level=1)).to_be_visible()
    with demo.staff_api() as api:
        report = api.get(f"/api/reports/invitations/{answers['invitation']}").json()
    # Two of the assessment's questions answered: no dimension-weighted overall yet, and the
    # report says on how many answers it would stand.
    overall = report["overall"]
    assert overall["score"] is None and overall["partial"], overall
    assert re.fullmatch(r"partial: \d+ of \d+ answers", overall["note"]), overall
    expect(page.locator(".overall-num")).to_have_text(overall["note"])
    counts = page.locator("dl.counts")
    expect(counts.locator(".count-confirmed dd")).to_have_text(str(report["counts"]["confirmed"]))
    expect(counts.locator(".count-overridden dd")).to_have_text(str(report["counts"]["overridden"]))
    assert report["counts"]["confirmed"] == 1 and report["counts"]["overridden"] == 1
    q_rows = page.locator("table.report-q tbody tr")
    expect(q_rows.filter(has_text=f"Q{answers['written_q']}").locator(".human-score")).to_have_text(
        str(suggested)
    )
    expect(q_rows.filter(has_text=f"Q{answers['video_q']}").locator(".human-score")).to_have_text("1")
    expect(page.locator(".notes")).to_contain_text("Recites a political speech")
    for dim in report["dimensions"]:
        label = page.locator(".chart-svg .row-label", has_text=dim["name"])
        expect(label).to_have_count(1)
    shot(page, "47-report")

    # CSV download.
    with page.expect_download() as dl:
        page.get_by_role("link", name="Download CSV").click()
    rows_csv = list(csv.reader(io.StringIO(Path(dl.value.path()).read_text(encoding="utf-8-sig"))))
    assert any(CANDIDATE in cell for row in rows_csv for cell in row)

    # A share link opens in a fresh browser profile without signing in, then is revoked.
    page.get_by_label("Expires after (hours)").fill("24")
    page.get_by_role("button", name="Create share link").click()
    share_box = page.get_by_role("textbox", name="Share link")
    expect(share_box).to_have_value(re.compile(r"^http://127\.0\.0\.1:\d+/share/\S+$"))
    share_url = share_box.input_value()
    shot(page, "48-report-share")

    public = new_context().new_page()
    public.goto(share_url)
    expect(public.get_by_role("heading", name=CANDIDATE, level=1)).to_be_visible()
    expect(public.get_by_text("shared report (read-only)")).to_be_visible()
    expect(public.get_by_text("grace@example.com")).to_have_count(0)
    expect(public.get_by_role("link", name="Review")).to_have_count(0)
    shot(public, "49-shared-report")

    page.get_by_role("button", name=re.compile(r"^Revoke the link")).click()
    expect(page.locator(".share-table")).to_contain_text("revoked")
    public.reload()
    expect(public.get_by_role("alert")).to_contain_text("withdrawn")

    # Compare candidates of the assessment.
    page.goto(f"/app/assessments/{answers['assessment']}")
    page.get_by_role("link", name="Compare candidates").click()
    expect(page.get_by_role("heading", name="Compare candidates", level=1)).to_be_visible()
    expect(page.locator("table.compare-table")).to_contain_text(CANDIDATE)
    shot(page, "50-compare")


TAB_LABEL = (
    "() => { const a = document.activeElement; if (!a || a === document.body) return 'BODY';"
    " return a.tagName + ' ' + (a.getAttribute('aria-label') || a.textContent || '').trim().slice(0, 40); }"
)


def _tabs_to_video(page: Page, limit: int = 40) -> tuple[int, list[str]]:
    """Tab presses until the review video has focus, and what each press focused."""
    seen: list[str] = []
    for n in range(1, limit + 1):
        page.keyboard.press("Tab")
        seen.append(str(page.evaluate(TAB_LABEL)))
        if page.evaluate("() => document.activeElement?.classList.contains('review-video')"):
            return n, seen
    raise AssertionError(f"the video was not reached in {limit} Tab stops: {seen}")


def test_review_video_controls_are_a_few_tab_stops_away(
    page: Page, demo: Demo, answers: dict[str, str]
) -> None:
    sign_in(page, demo)
    page.goto(f"/app/review/{answers['video']}?assessment={answers['assessment']}")
    expect(page.locator("video.review-video")).to_be_visible()
    # From the top of the page (the skip link is its first Tab stop): Enter, then the page's controls.
    page.locator(".skip-link").focus()
    page.keyboard.press("Enter")
    stops, seen = _tabs_to_video(page)
    assert stops <= 5, f"{stops} Tab stops after 'Skip to content' before the video: {seen}"
    # Space plays and pauses the focused video (its native controls, not a page shortcut).
    page.evaluate("() => { document.querySelector('video.review-video').muted = true; }")
    page.keyboard.press("Space")
    page.wait_for_function("() => !document.querySelector('video.review-video').paused")
    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelector('video.review-video').paused")
