"""No candidate left behind by the network: Chromium with UDP for WebRTC blocked (and no TURN)
records a whole answer in the browser and uploads it with tus; the upload's connection is cut
(PATCH requests aborted) and comes back, and the answer is complete and stored once."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Playwright, Route, expect

from media.object_store import LocalObjectStore
from media.probe import probe_media
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, SCREENSHOTS, Demo
from tests.e2e.test_candidate_journey import speech_wav  # noqa: F401  (the fixture)

pytestmark = pytest.mark.e2e

TITLE = "Support engineer screen (fallback)"


@pytest.fixture(scope="module")
def udp_blocked_browser(playwright: Playwright, speech_wav: Path) -> Iterator[Browser]:  # noqa: F811
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_ARGS,
            f"--use-file-for-fake-audio-capture={speech_wav}",
            "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
        ],
    )
    yield browser
    browser.close()


def fallback_invitation(demo: Demo, title: str, name: str, email: str) -> dict[str, Any]:
    """An invitation to a one-video-question assessment titled ``title`` (the resume test's too)."""
    with demo.staff_api() as api:
        made = api.post(
            "/api/assessments",
            json={
                "title": title,
                "role": "Support Engineer",
                "intro": "One short video question.",
                "dimensions": [
                    {"name": "Behavioral", "weight": 100, "competencies": [{"key": "care", "name": "Care"}]}
                ],
                "questions": [
                    {
                        "kind": "video",
                        "prompt": "Tell us about a customer you helped.",
                        "competency": "care",
                        "think_time_s": 5,
                        "max_answer_s": 20,
                        "retakes_allowed": 0,
                    }
                ],
            },
        )
        made.raise_for_status()
        inv = api.post(
            f"/api/assessments/{made.json()['id']}/invitations",
            json={"candidate_name": name, "candidate_email": email},
        )
        inv.raise_for_status()
        return dict(inv.json())


@pytest.fixture(scope="module")
def invitation(demo: Demo) -> dict[str, Any]:
    return fallback_invitation(demo, TITLE, "Fay Fallback", "fay@example.com")


def _strip_candidates(sdp: str) -> str:
    return "".join(line for line in sdp.splitlines(keepends=True) if not line.startswith("a=candidate"))


def no_udp(route: Route) -> None:
    """UDP blocked: the ICE candidates of both sides are dropped from the offer and the answer
    (the Chromium flag alone still lets loopback through), so WebRTC can never connect."""
    if route.request.method != "POST":
        route.continue_()
        return
    offer = json.loads(route.request.post_data or "{}")
    offer["sdp"] = _strip_candidates(offer.get("sdp", ""))
    response = route.fetch(post_data=json.dumps(offer))
    body = response.json()
    if "sdp" in body:
        body["sdp"] = _strip_candidates(body["sdp"])
    route.fulfill(response=response, json=body)


def _shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_udp_blocked_candidate_answers_through_the_resumable_upload(
    demo: Demo, udp_blocked_browser: Browser, invitation: dict[str, Any]
) -> None:
    ctx = udp_blocked_browser.new_context(viewport=DESKTOP, base_url=demo.url)  # type: ignore[arg-type]
    ctx.grant_permissions(["camera", "microphone"], origin=demo.url)
    ctx.set_default_timeout(15_000)
    errors: list[str] = []
    ctx.on("weberror", lambda e: errors.append(str(e.error)))
    page = ctx.new_page()

    # The network "drops" during the upload: the first PATCH requests are aborted.
    patches = {"aborted": 0, "passed": 0}

    def cut(route: Route) -> None:
        if route.request.method == "PATCH" and patches["aborted"] < 3:
            patches["aborted"] += 1
            route.abort("connectionreset")
            return
        if route.request.method == "PATCH":
            patches["passed"] += 1
        route.continue_()

    page.route(re.compile(r".*/api/candidate/[^/]+/uploads/.*"), cut)

    page.route(re.compile(r".*/api/candidate/[^/]+/(takes|device-check)$"), no_udp)

    page.goto(invitation["link"])
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    page.get_by_label(re.compile("I agree to be recorded")).check()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", name="Check your camera and microphone")).to_be_visible()
    # The device step says plainly that live video cannot connect and what happens instead.
    expect(page.get_by_text("Live video cannot connect on this network")).to_be_visible(timeout=40_000)
    _shot(page, "69-fallback-device-check")
    page.get_by_role("button", name="Continue").click(timeout=30_000)
    page.get_by_role("button", name=re.compile("^Start question")).click()

    page.get_by_role("button", name=re.compile("start recording$", re.I)).click()
    stop = page.get_by_role("button", name="Stop recording")
    expect(stop).to_be_visible(timeout=60_000)  # after WebRTC gave up (about 15 s)
    expect(page.get_by_text("recorded in this browser")).to_be_visible()
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^0:0[8-9] / 0:20$"), timeout=30_000)
    _shot(page, "70-fallback-recording")
    stop.click()
    expect(page.get_by_role("heading", name="Review your answer")).to_be_visible(timeout=120_000)
    _shot(page, "71-fallback-review")
    assert patches["aborted"] == 3 and patches["passed"] >= 1, patches
    page.get_by_role("button", name="Use this answer").click()
    # The button goes the moment it is pressed; the answer is stored when the next screen shows
    # (closing the browser earlier would cut the accept request in flight).
    expect(page.get_by_role("heading", name="You have answered every question")).to_be_visible(timeout=30_000)
    _shot(page, "72-fallback-answered")
    ctx.close()
    assert errors == []

    db = sqlite3.connect(demo.server.data_dir / "viva.db")
    rows = db.execute(
        "SELECT r.take, r.is_current, r.media_key, r.duration_s, r.recording_mode, r.accepted_at "
        "FROM responses r JOIN attempts a ON a.id = r.attempt_id "
        "JOIN invitations i ON i.id = a.invitation_id WHERE i.candidate_name = 'Fay Fallback'"
    ).fetchall()
    db.close()
    assert len(rows) == 1, rows  # stored once (the WebRTC attempt left no take behind)
    take, current, key, duration, mode, accepted = rows[0]
    assert take == 1
    assert mode == "upload" and current and accepted and key and duration >= 7.5
    store = LocalObjectStore(root=demo.server.data_dir / "media")
    local = store.download(key, demo.server.data_dir / "fallback-check.webm")
    probe = probe_media(local)
    assert probe.video is not None and probe.video.codec == "vp8"
    assert probe.audio is not None and probe.audio.codec == "opus"
    assert abs(probe.duration - duration) < 0.5
