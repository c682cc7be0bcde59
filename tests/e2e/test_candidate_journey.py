"""A candidate's whole interview in a real Chromium, with real speech fed to its microphone.

Chromium's fake capture devices play a test pattern as the camera and a WAV file of
J.F. Kennedy's speech as the microphone, so real audio travels over a real WebRTC call.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from media.object_store import LocalObjectStore
from media.probe import probe_media
from tests.conftest import DATA
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, SCREENSHOTS, Demo

pytestmark = pytest.mark.e2e

TITLE = "Data Engineer video screen"
PREVIEW_PLAYING = (
    "() => { const v = document.querySelector('video.preview');"
    " return !!v && v.readyState >= 2 && v.videoWidth > 0 && !v.paused; }"
)


@pytest.fixture(scope="module")
def speech_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("speech") / "jfk.wav"
    subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-i",
            str(DATA / "jfk.flac"),
            "-ac",
            "1",
            "-ar",
            "48000",
            "-sample_fmt",
            "s16",
            str(out),
        ],
        check=True,
    )
    return out


@pytest.fixture(scope="module")
def speaking_browser(playwright: Playwright, speech_wav: Path) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, f"--use-file-for-fake-audio-capture={speech_wav}"]
    )
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def journey(demo: Demo) -> dict[str, Any]:
    """Two short video questions (one retake each) and a written one, then an invitation."""
    with demo.staff_api() as api:
        made = api.post(
            "/api/assessments",
            json={
                "title": TITLE,
                "role": "Data Engineer",
                "intro": "Two short video questions and one written question.",
                "dimensions": [
                    {
                        "name": "Technical",
                        "weight": 70,
                        "competencies": [{"key": "pipelines", "name": "Data pipelines"}],
                    },
                    {
                        "name": "Behavioral",
                        "weight": 30,
                        "competencies": [{"key": "teamwork", "name": "Teamwork"}],
                    },
                ],
                "questions": [
                    {
                        "kind": "video",
                        "prompt": "How do you make a nightly batch job idempotent?",
                        "competency": "pipelines",
                        "think_time_s": 5,
                        "max_answer_s": 20,
                        "retakes_allowed": 1,
                    },
                    {
                        "kind": "video",
                        "prompt": "Tell us about a time you helped a teammate.",
                        "competency": "teamwork",
                        "think_time_s": 30,
                        "max_answer_s": 20,
                        "retakes_allowed": 1,
                    },
                    {
                        "kind": "written",
                        "prompt": "How would you backfill a year of data safely?",
                        "competency": "pipelines",
                        "max_chars": 800,
                        "think_time_s": 0,
                    },
                ],
            },
        )
        made.raise_for_status()
        inv = api.post(
            f"/api/assessments/{made.json()['id']}/invitations",
            json={"candidate_name": "Jo Journey", "candidate_email": "jo@example.com"},
        )
        inv.raise_for_status()
        return {"assessment": made.json(), "invitation": inv.json()}


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _record(page: Page, seconds: int, first: bool) -> None:
    """Start (skipping think time on the first take), record ``seconds``, stop."""
    start = re.compile("start recording$", re.I) if first else re.compile("^Start recording$")
    page.get_by_role("button", name=start).click()
    stop = page.get_by_role("button", name="Stop recording")
    expect(stop).to_be_visible(timeout=30_000)
    expect(page.get_by_role("timer")).to_have_text(re.compile(rf"^0:0[{seconds}-9] / 0:20$"), timeout=30_000)
    stop.click()
    # Saving waits for the server to finish the take (slow on a loaded machine).
    expect(page.get_by_role("heading", name="Review your answer")).to_be_visible(timeout=90_000)


def test_candidate_records_retakes_writes_resumes_and_finishes(
    demo: Demo, speaking_browser: Browser, journey: dict[str, Any]
) -> None:
    link = journey["invitation"]["link"]
    ctx = speaking_browser.new_context(viewport=DESKTOP, base_url=demo.url)  # type: ignore[arg-type]
    ctx.grant_permissions(["camera", "microphone"], origin=demo.url)
    ctx.set_default_timeout(15_000)
    errors: list[str] = []
    ctx.on("weberror", lambda e: errors.append(str(e.error)))
    page = ctx.new_page()
    page.goto(link)
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    _shot(page, "30-journey-intro")
    page.get_by_label(re.compile("I agree to be recorded")).check()
    page.get_by_role("button", name="Start").click()

    # The device check hears JFK through the server, not only in the page.
    expect(page.get_by_role("heading", name="Check your camera and microphone")).to_be_visible()
    page.wait_for_function(PREVIEW_PLAYING)
    expect(page.get_by_text("Your sound reaches our recording server")).to_be_visible(timeout=30_000)
    _shot(page, "31-journey-device-check")
    page.get_by_role("button", name="Continue").click()

    # A pause before each question: its prompt and clock wait for the candidate.
    expect(page.get_by_role("heading", name="Ready when you are")).to_be_visible()
    expect(page.get_by_label("Progress")).to_contain_text("Question 1 of 3")
    expect(page.get_by_text("idempotent")).to_have_count(0)
    page.get_by_role("button", name="Start question 1").click()

    # Question 1: a take, then a retake, and keep the retake.
    expect(page.get_by_role("heading", name=re.compile("idempotent"))).to_be_visible()
    _record(page, 3, first=True)
    expect(page.get_by_role("button", name="Use this answer")).to_be_focused()
    # The playback knows its length (a recorder's WebM has none in its header) and can be scrubbed.
    expect(page.locator(".playback-length")).to_have_text(re.compile(r"^Length 0:0[2-9]$"), timeout=30_000)
    page.eval_on_selector("video.playback", "v => { v.currentTime = v.duration / 2; }")
    page.wait_for_function("() => document.querySelector('video.playback').currentTime > 0.5")
    _shot(page, "32-journey-first-take")
    page.get_by_role("button", name=re.compile("^Record again")).click()
    _record(page, 4, first=False)
    expect(page.get_by_text("Take 2 of 2")).to_be_visible()
    page.get_by_role("button", name="Use this answer").click()

    # Question 2 waits behind "Next question"; its think time survives a reload.
    expect(page.get_by_role("heading", name="Answer saved")).to_be_visible(timeout=30_000)
    expect(page.get_by_label("Progress")).to_contain_text("Question 2 of 3")
    expect(page.get_by_text("helped a teammate")).to_have_count(0)
    _shot(page, "32b-journey-next-question")
    page.get_by_role("button", name="Start question 2").click()
    timer = page.get_by_role("timer")
    expect(timer).to_have_text(re.compile(r"^0:2[0-7]$"), timeout=15_000)
    page.reload()
    expect(page.get_by_text("Welcome back. You are on question 2 of 3")).to_be_visible()
    expect(page.get_by_role("heading", name="Check your camera and microphone")).to_have_count(0)
    left = int(page.get_by_role("timer").inner_text().split(":")[1])
    assert left <= 27, f"the reload restarted think time ({left} s left of 30)"
    _shot(page, "32c-journey-resumed-think-time")
    page.wait_for_function(PREVIEW_PLAYING)
    _record(page, 3, first=True)
    page.get_by_role("button", name="Use this answer").click()

    # Reopening the link between questions: "Welcome back", then the written question.
    expect(page.get_by_role("heading", name="Answer saved")).to_be_visible(timeout=30_000)
    page.reload()
    expect(page.get_by_role("heading", name="Welcome back, Jo Journey")).to_be_visible()
    expect(page.get_by_text("You are on question 3 of 3.")).to_be_visible()
    _shot(page, "32d-journey-welcome-back")
    page.get_by_role("button", name="Start question 3").click()
    expect(page.get_by_label("Progress")).to_contain_text("Question 3 of 3", timeout=30_000)
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^[23]:\d\d$"))  # 3 min limit
    page.get_by_label("Your answer").fill(
        "I would backfill day by day into a staging table, "
        "check row counts against the source, then swap "
        "partitions so readers never see half a day."
    )
    expect(page.get_by_role("status")).to_contain_text("Saved", timeout=15_000)

    # Close the tab; reopening the link resumes at the written question with its draft.
    page.close()
    page = ctx.new_page()
    page.goto(link)
    expect(page.get_by_label("Progress")).to_contain_text("Question 3 of 3", timeout=30_000)
    expect(page.get_by_label("Your answer")).to_have_value(re.compile("^I would backfill"))
    _shot(page, "33-journey-resumed")
    page.get_by_role("button", name="Submit answer").click()
    page.get_by_role("button", name="Submit my interview").click()
    page.get_by_role("button", name="Skip").click()  # the voluntary demographic questions
    expect(page.get_by_role("heading", name=re.compile("Thank you, Jo Journey"))).to_be_visible()
    _shot(page, "34-journey-finished")
    ctx.close()
    assert errors == []

    # What was stored: two current video takes (the first question's is take 2), playable,
    # each with real sound; one written answer; the invitation is completed.
    db = sqlite3.connect(demo.server.data_dir / "viva.db")
    rows = db.execute(
        "SELECT q.position, r.kind, r.take, r.is_current, r.media_key, r.text, r.duration_s, "
        "r.recording_mode "
        "FROM responses r JOIN questions q ON q.id = r.question_id "
        "JOIN attempts a ON a.id = r.attempt_id JOIN invitations i ON i.id = a.invitation_id "
        "WHERE i.candidate_name = 'Jo Journey' ORDER BY q.position, r.take"
    ).fetchall()
    status = db.execute("SELECT status FROM invitations WHERE candidate_name = 'Jo Journey'").fetchone()[0]
    db.close()
    assert status == "completed"
    # Chromium offers VP8: its frames were stored as they came, not decoded and encoded again.
    assert [r[7] for r in rows] == ["passthrough"] * 3 + [None]
    assert [(p, k, t, bool(c)) for p, k, t, c, *_ in rows] == [
        (0, "video", 1, False),
        (0, "video", 2, True),
        (1, "video", 1, True),
        (2, "written", 1, True),
    ]
    assert rows[3][5].startswith("I would backfill")
    store = LocalObjectStore(root=demo.server.data_dir / "media")
    for position, _, take, _, key, _, duration, _ in rows[:3]:
        assert key, f"question {position} take {take} has no stored video"
        local = store.download(key, demo.server.data_dir / f"check-{position}-{take}.webm")
        probe = probe_media(local)
        assert probe.video is not None and probe.video.codec == "vp8"
        assert probe.audio is not None and probe.audio.codec == "opus"
        assert abs(probe.duration - duration) < 0.5 and duration >= 2.5
        loud = subprocess.run(
            ["ffmpeg", "-hide_banner", "-i", str(local), "-af", "volumedetect", "-f", "null", "-"],
            capture_output=True,
            text=True,
        ).stderr
        mean_db = float(re.search(r"mean_volume: (-?[\d.]+) dB", loud).group(1))  # type: ignore[union-attr]
        assert mean_db > -50, f"take {position}/{take} is silent ({mean_db} dB)"


def test_written_answer_is_submitted_when_its_time_is_up(demo: Demo, speaking_browser: Browser) -> None:
    with demo.staff_api() as api:
        made = api.post(
            "/api/assessments",
            json={
                "title": "Timed writing",
                "role": "Analyst",
                "dimensions": [
                    {"name": "Skill", "weight": 100, "competencies": [{"key": "sql", "name": "SQL"}]}
                ],
                "questions": [
                    {
                        "kind": "written",
                        "prompt": "Name one SQL join.",
                        "competency": "sql",
                        "think_time_s": 0,
                        "max_answer_s": 10,
                    }
                ],
            },
        )
        made.raise_for_status()
        inv = api.post(
            f"/api/assessments/{made.json()['id']}/invitations",
            json={"candidate_name": "Tim Timed", "candidate_email": "tim@example.com"},
        )
        inv.raise_for_status()
    ctx = speaking_browser.new_context(viewport=DESKTOP, base_url=demo.url)  # type: ignore[arg-type]
    page = ctx.new_page()
    page.goto(inv.json()["link"])
    page.get_by_label(re.compile("I agree to be recorded")).check()
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Start question 1").click()  # no device check: no video
    page.get_by_label("Your answer").fill("LEFT JOIN")
    expect(page.get_by_role("status")).to_contain_text("Saved", timeout=15_000)
    _shot(page, "35-written-time-left")
    expect(page.get_by_role("heading", name="You have answered every question")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Time was up: your answer was submitted as it stood.")).to_be_visible()
    _shot(page, "36-written-time-up")
    page.get_by_role("button", name="Submit my interview").click()
    page.get_by_role("button", name="Skip").click()  # the voluntary demographic questions
    expect(page.get_by_role("heading", name=re.compile("Thank you, Tim Timed"))).to_be_visible()
    ctx.close()
    db = sqlite3.connect(demo.server.data_dir / "viva.db")
    texts = db.execute(
        "SELECT r.text, r.submitted_at IS NOT NULL FROM responses r JOIN attempts a "
        "ON a.id = r.attempt_id JOIN invitations i ON i.id = a.invitation_id "
        "WHERE i.candidate_name = 'Tim Timed'"
    ).fetchall()
    db.close()
    assert texts == [("LEFT JOIN", 1)]
