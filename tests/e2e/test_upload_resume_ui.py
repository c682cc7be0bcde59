"""No candidate left behind by the network, not even by a reload: an answer recorded in the browser
(WebRTC blocked) is kept in IndexedDB; the page is reloaded while the upload's connection is cut,
the next load says which answer is still being sent, resumes from the server's offset once the
network is back, and the answer is stored once, complete, and the browser's copy is gone. A kept
answer whose upload the server ended meanwhile is removed and the candidate records it again."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from media.object_store import LocalObjectStore
from media.probe import probe_media
from tests.e2e.conftest import DESKTOP, Demo
from tests.e2e.conftest import _context as browser_context
from tests.e2e.test_candidate_journey import speech_wav  # noqa: F401  (the fixture)
from tests.e2e.test_upload_fallback_ui import _shot, fallback_invitation, no_udp, udp_blocked_browser  # noqa: F401

pytestmark = pytest.mark.e2e

TITLE = "Support engineer screen (resume)"

# What the page keeps in IndexedDB (the store savedUploads.ts creates), read from the page itself.
SAVED = """() => new Promise((resolve, reject) => {
  const req = indexedDB.open("viva-uploads");
  req.onerror = () => reject(req.error);
  req.onsuccess = () => {
    const db = req.result;
    const all = db.transaction("takes").objectStore("takes").getAll();
    all.onsuccess = () => {
      db.close();
      resolve(all.result.map((s) => ({ takeId: s.takeId, size: s.blob.size, durationS: s.durationS })));
    };
  };
})"""


def _context(browser: Browser, demo: Demo) -> BrowserContext:
    ctx = browser_context(browser, demo, DESKTOP)
    ctx.route(re.compile(r".*/api/candidate/[^/]+/(takes|device-check)$"), no_udp)
    return ctx


def _record_fallback_answer(page: Page, link: str) -> None:
    """From the link to a stopped answer recorded in the browser (about 8 s long)."""
    page.goto(link)
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    page.get_by_label(re.compile("I agree to be recorded")).check()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Live video cannot connect on this network")).to_be_visible(timeout=40_000)
    page.get_by_role("button", name="Continue").click(timeout=30_000)
    page.get_by_role("button", name=re.compile("^Start question")).click()
    page.get_by_role("button", name=re.compile("start recording$", re.I)).click()
    stop = page.get_by_role("button", name="Stop recording")
    expect(stop).to_be_visible(timeout=60_000)  # after WebRTC gave up (about 15 s)
    expect(page.get_by_text("recorded in this browser")).to_be_visible()
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^0:0[8-9] / 0:20$"), timeout=30_000)
    stop.click()


def _wait_until(page: Page, condition: Callable[[], bool], timeout_s: float = 30) -> None:
    """Poll a condition on this side (route counters, the page's IndexedDB) while the page runs."""
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        page.wait_for_timeout(250)  # lets Playwright deliver route events meanwhile


def _rows(demo: Demo, name: str) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(demo.server.data_dir / "viva.db")
    try:
        return db.execute(
            "SELECT r.take, r.is_current, r.media_key, r.duration_s, r.recording_mode, r.accepted_at, "
            "r.submitted_at FROM responses r JOIN attempts a ON a.id = r.attempt_id "
            "JOIN invitations i ON i.id = a.invitation_id WHERE i.candidate_name = ?",
            (name,),
        ).fetchall()
    finally:
        db.close()


def test_reload_while_the_upload_is_cut_resumes_the_kept_answer(
    demo: Demo,
    udp_blocked_browser: Browser,  # noqa: F811
) -> None:
    invitation = fallback_invitation(demo, TITLE, "Rae Reload", "rae@example.com")
    ctx = _context(udp_blocked_browser, demo)
    errors: list[str] = []
    ctx.on("weberror", lambda e: errors.append(str(e.error)))
    # The network is down for the upload's chunks until the test lets them through.
    patches = {"cut": True, "aborted": 0, "passed": 0}

    def cut(route: Route) -> None:
        if route.request.method == "PATCH" and patches["cut"]:
            patches["aborted"] += 1
            route.abort("connectionreset")
            return
        if route.request.method == "PATCH":
            patches["passed"] += 1
        route.continue_()

    ctx.route(re.compile(r".*/api/candidate/[^/]+/uploads.*"), cut)
    page = ctx.new_page()
    _record_fallback_answer(page, invitation["link"])

    expect(page.get_by_text(re.compile(r"^Uploading your answer"))).to_be_visible(timeout=30_000)
    _wait_until(page, lambda: patches["aborted"] >= 2 and bool(page.evaluate(SAVED)))
    saved = page.evaluate(SAVED)
    assert len(saved) == 1 and saved[0]["size"] > 100_000 and saved[0]["durationS"] >= 7.5, saved
    assert patches["aborted"] >= 2 and patches["passed"] == 0, patches
    _shot(page, "73-resume-upload-cut")

    # The candidate reloads (or the tab crashed, or the laptop slept): the answer is not lost.
    before = patches["aborted"]
    page.reload()
    expect(
        page.get_by_text(
            re.compile(r"Your recorded answer to question 1 \(\d+ seconds?\) is still being sent: \d+\s?%")
        )
    ).to_be_visible()
    expect(page.get_by_text("you do not need to record it again")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("start recording", re.I))).to_have_count(0)
    _wait_until(page, lambda: patches["aborted"] > before)
    assert patches["aborted"] > before, patches  # the reloaded page resumed the upload (still cut)
    _shot(page, "74-resume-after-reload")

    patches["cut"] = False  # the network is back
    expect(page.get_by_role("heading", name="Review your answer")).to_be_visible(timeout=120_000)
    assert patches["passed"] >= 1, patches
    # Played back from the kept copy, though the page was reloaded.
    expect(page.get_by_label("Play back your recording")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Take 1 of 1 · \d+ seconds? recorded"))).to_be_visible()
    assert page.evaluate(SAVED) == []  # the server has it: the browser's copy is gone
    _shot(page, "75-resume-review")
    page.get_by_role("button", name="Use this answer").click()
    expect(page.get_by_role("heading", name="You have answered every question")).to_be_visible(timeout=30_000)
    ctx.close()
    assert errors == []

    rows = _rows(demo, "Rae Reload")
    assert len(rows) == 1, rows  # stored once: no second take from the resumed upload
    take, current, key, duration, mode, accepted, submitted = rows[0]
    assert take == 1 and mode == "upload" and current and accepted and submitted and key
    assert abs(duration - saved[0]["durationS"]) < 1.0, (duration, saved)
    store = LocalObjectStore(root=demo.server.data_dir / "media")
    local = store.download(key, demo.server.data_dir / "resume-check.webm")
    probe = probe_media(local)
    assert probe.video is not None and probe.video.codec == "vp8"
    assert probe.audio is not None and probe.audio.codec == "opus"
    assert abs(probe.duration - duration) < 0.5


def test_a_kept_answer_the_server_no_longer_has_is_removed_and_recorded_again(
    demo: Demo,
    udp_blocked_browser: Browser,  # noqa: F811
) -> None:
    """The upload was created, then ended on the server (tus termination, as when another take
    replaced it) while its chunks could not get through: the next load finds the server has no
    such upload (HEAD 404), removes the browser's copy and asks the candidate to record again."""
    invitation = fallback_invitation(demo, TITLE, "Gus Gone", "gus@example.com")
    ctx = _context(udp_blocked_browser, demo)
    errors: list[str] = []
    ctx.on("weberror", lambda e: errors.append(str(e.error)))
    heads: list[int] = []
    aborted: list[str] = []
    network = {"cut": True}

    def cut(route: Route) -> None:
        """While cut, every chunk (PATCH) is lost on the way; creation (POST) and HEAD get through."""
        if route.request.method == "PATCH" and network["cut"]:
            aborted.append(route.request.url)
            route.abort("connectionreset")
            return
        if route.request.method == "HEAD":
            response = route.fetch()
            heads.append(response.status)
            route.fulfill(response=response)
            return
        route.continue_()

    ctx.route(re.compile(r".*/api/candidate/[^/]+/uploads.*"), cut)
    page = ctx.new_page()
    _record_fallback_answer(page, invitation["link"])
    expect(page.get_by_text(re.compile(r"^Uploading your answer"))).to_be_visible(timeout=30_000)
    _wait_until(page, lambda: bool(aborted) and bool(page.evaluate(SAVED)))
    saved = page.evaluate(SAVED)
    assert len(saved) == 1 and aborted, (saved, aborted)
    take_id = saved[0]["takeId"]
    assert len(_rows(demo, "Gus Gone")) == 1  # the server created the upload's take

    ended = httpx.delete(
        f"{demo.url}/api/candidate/{invitation['token']}/uploads/{take_id}",
        headers={"Tus-Resumable": "1.0.0"},
    )
    assert ended.status_code == 204, ended.text
    assert _rows(demo, "Gus Gone") == []

    page.reload()
    expect(page.get_by_text("can no longer be sent")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Please record your answer again")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("start recording$", re.I))).to_be_enabled()
    assert 404 in heads, heads  # the page asked the server, which no longer has it
    _wait_until(page, lambda: page.evaluate(SAVED) == [])
    assert page.evaluate(SAVED) == []  # the browser's copy is gone
    _shot(page, "76-resume-upload-gone")

    # The network is back and the candidate records the answer again: it is stored, once.
    network["cut"] = False
    page.get_by_role("button", name=re.compile("start recording$", re.I)).click()
    stop = page.get_by_role("button", name="Stop recording")
    expect(stop).to_be_visible(timeout=60_000)
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^0:0[3-9] / 0:20$"), timeout=30_000)
    stop.click()
    expect(page.get_by_role("heading", name="Review your answer")).to_be_visible(timeout=120_000)
    page.get_by_role("button", name="Use this answer").click()
    expect(page.get_by_role("heading", name="You have answered every question")).to_be_visible(timeout=30_000)
    ctx.close()
    assert errors == []
    rows = _rows(demo, "Gus Gone")
    assert len(rows) == 1, rows
    _take, current, key, _duration, mode, accepted, submitted = rows[0]
    assert mode == "upload" and current and accepted and submitted and key, rows
