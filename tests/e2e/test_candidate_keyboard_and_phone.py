"""The candidate's recording flow by keyboard (focus after start, stop and accept is the next
useful control, never the page body) and on a phone (390 x 844, touch, a mobile user agent):
landing, device check, a recorded video answer, a written answer, done; screenshots of each.
On the phone the organization has a long name and a wide logo: the brand bar still fits the
screen, the name is all there, and the language select shows its whole language name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DESKTOP, Demo
from tests.e2e.test_candidate_branding import _logo_file

pytestmark = pytest.mark.e2e

PHONE_390 = {"width": 390, "height": 844}
MOBILE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)
FOCUSED = (
    "() => { const a = document.activeElement;"
    " return a ? (a.getAttribute('aria-label') || a.textContent || a.tagName).trim() : ''; }"
)
LONG_ORG = "Fundação Internacional de Engenharia, Ciência e Tecnologia do Atlântico Sul e das Américas"
# The brand bar as laid out: how far it overflows, where its rightmost child ends, the language
# select's width against the width it needs for its widest language (a clone of it, not squeezed
# by the bar), and the organization's name as the DOM has it.
BRAND_BAR = """() => {
  const bar = document.querySelector('.brand-inner');
  const name = bar.querySelector('.brand-name');
  const select = bar.querySelector('select');
  const probe = select.cloneNode(true);
  probe.removeAttribute('id');
  probe.style.cssText = 'position: absolute; visibility: hidden; width: auto; min-width: 0; max-width: none';
  select.parentElement.appendChild(probe);
  const needs = probe.getBoundingClientRect().width;
  probe.remove();
  return {
    overflow: bar.scrollWidth - bar.clientWidth,
    right: Math.max(...[...bar.children].map((c) => c.getBoundingClientRect().right)),
    select: select.getBoundingClientRect().width,
    selectNeeds: needs,
    name: name.textContent,
    title: name.getAttribute('title'),
    nameOverflow: name.scrollWidth - name.clientWidth,
  };
}"""
PREVIEW_PLAYING = (
    "() => { const v = document.querySelector('video.preview');"
    " return !!v && v.readyState >= 2 && v.videoWidth > 0; }"
)


def _assessment(demo: Demo, title: str, who: str) -> str:
    """One video question (no think time, one take) and one written question; the invitation link."""
    return demo.new_assessment_link(
        {
            "title": title,
            "role": "Support engineer",
            "intro": "One short video question and one written question.",
            "dimensions": [
                {
                    "name": "Technical",
                    "weight": 100,
                    "competencies": [{"key": "debug", "name": "Debugging"}],
                }
            ],
            "questions": [
                {
                    "kind": "video",
                    "prompt": "How do you find the cause of a slow web page?",
                    "competency": "debug",
                    "think_time_s": 0,
                    "max_answer_s": 30,
                    "retakes_allowed": 0,
                },
                {
                    "kind": "written",
                    "prompt": "Describe a bug you fixed and how you knew it was fixed.",
                    "competency": "debug",
                    "max_chars": 800,
                    "think_time_s": 0,
                },
            ],
        },
        who,
    )


def _focused(page: Page) -> str:
    return str(page.evaluate(FOCUSED))


def _wait_focus(page: Page, name: str | re.Pattern[str]) -> None:
    """Keyboard focus lands on the control named ``name`` (and is not the page body)."""
    pattern = name if isinstance(name, re.Pattern) else re.compile(re.escape(name))
    try:
        _wait(page, pattern)
    except Exception as exc:
        raise AssertionError(f"focus is on {_focused(page)!r}, not {pattern.pattern!r}") from exc


def _wait(page: Page, pattern: re.Pattern[str]) -> None:
    page.wait_for_function(
        "(src) => { const a = document.activeElement; if (!a || a === document.body) return false;"
        " const t = (a.getAttribute('aria-label') || a.textContent || '').trim();"
        " return new RegExp(src).test(t); }",
        arg=pattern.pattern,
        timeout=60_000,
    )


def test_keyboard_focus_follows_start_stop_and_accept(demo: Demo, browser: Browser) -> None:
    link = _assessment(demo, "Keyboard interview", "Kai Keys")
    ctx = browser.new_context(viewport=DESKTOP, base_url=demo.url)  # type: ignore[arg-type]
    ctx.grant_permissions(["camera", "microphone"], origin=demo.url)
    ctx.set_default_timeout(15_000)
    page = ctx.new_page()
    page.goto(link)
    expect(page.get_by_role("heading", name="Keyboard interview")).to_be_visible()
    page.get_by_label(re.compile("I agree to be recorded")).focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Start
    expect(page.get_by_role("heading", name="Check your camera and microphone")).to_be_visible()
    expect(page.get_by_role("button", name="Continue")).to_be_enabled()
    page.get_by_role("button", name="Continue").focus()
    page.keyboard.press("Enter")
    _wait_focus(page, re.compile(r"^Start question 1$"))
    page.keyboard.press("Enter")
    # no think time: the first control is the button that starts recording
    _wait_focus(page, re.compile(r"Start recording$"))
    page.keyboard.press("Enter")
    _wait_focus(page, "Stop recording")  # after start
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^0:0[2-9] / 0:30$"), timeout=30_000)
    page.keyboard.press("Enter")
    _wait_focus(page, "Use this answer")  # after stop
    # The playback is one Tab stop back from the default action: its controls are near.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.activeElement.tagName") == "VIDEO", _focused(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    _wait_focus(page, re.compile(r"^Start question 2$"))  # after accept
    page.keyboard.press("Enter")
    expect(page.get_by_label("Your answer")).to_be_focused()  # the written question begins
    page.keyboard.type("I bisected the release, wrote a failing test, and watched it pass after the fix.")
    page.get_by_role("button", name=re.compile("^Submit")).first.focus()
    page.keyboard.press("Enter")
    _wait_focus(page, "Submit my interview")
    page.keyboard.press("Enter")
    skip = page.get_by_role("button", name="Skip")  # the voluntary demographic questions
    skip.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Thank you, Kai Keys"))).to_be_visible()
    ctx.close()


def _long_named_organization(demo: Demo) -> Demo:
    """An organization called ``LONG_ORG`` with a wide logo (the branding test's), as its admin."""
    org = demo.other_organization("fundacao-atlantico", LONG_ORG)
    with org.staff_api() as api:
        api.put(
            "/api/organization/branding/logo",
            content=_logo_file().read_bytes(),
            headers={"content-type": "image/svg+xml"},
        ).raise_for_status()
    return org


def _brand_bar_fits(page: Page, screen: str) -> None:
    """The brand bar fits a 390px screen, names the whole organization and shows the whole
    language name in its select."""
    bar = page.evaluate(BRAND_BAR)
    assert bar["overflow"] <= 0 and bar["right"] <= PHONE_390["width"], f"{screen}: {bar}"
    assert bar["select"] >= bar["selectNeeds"] - 0.5, f"{screen}: the language select is cut: {bar}"
    assert bar["name"] == LONG_ORG and bar["title"] == LONG_ORG, f"{screen}: {bar}"
    assert bar["nameOverflow"] <= 0, f"{screen}: the name runs out of its box: {bar}"


def test_phone_sized_interview_end_to_end(demo: Demo, browser: Browser, screenshots: Path) -> None:
    link = _assessment(_long_named_organization(demo), "Phone interview", "Pia Phone")
    ctx = browser.new_context(
        viewport=PHONE_390,  # type: ignore[arg-type]
        base_url=demo.url,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        user_agent=MOBILE_UA,
    )
    ctx.grant_permissions(["camera", "microphone"], origin=demo.url)
    ctx.set_default_timeout(15_000)
    errors: list[str] = []
    ctx.on("weberror", lambda e: errors.append(str(e.error)))
    page = ctx.new_page()

    def shot(name: str) -> None:
        page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)
        # nothing wider than the phone: no sideways scrolling
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE_390["width"], f"{name}: the page is {width}px wide on a 390px screen"
        _brand_bar_fits(page, name)

    page.goto(link)
    expect(page.get_by_role("heading", name="Phone interview")).to_be_visible()
    shot("50-phone-landing")
    page.get_by_label(re.compile("I agree to be recorded")).tap()
    page.get_by_role("button", name="Start").tap()
    expect(page.get_by_role("heading", name="Check your camera and microphone")).to_be_visible()
    page.wait_for_function(PREVIEW_PLAYING)
    shot("51-phone-device-check")
    page.get_by_role("button", name="Continue").tap()
    page.get_by_role("button", name="Start question 1").tap()
    expect(page.get_by_role("heading", name=re.compile("slow web page"))).to_be_visible()
    page.get_by_role("button", name=re.compile("start recording$", re.I)).tap()
    stop = page.get_by_role("button", name="Stop recording")
    expect(stop).to_be_visible(timeout=30_000)
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^0:0[3-9] / 0:30$"), timeout=30_000)
    shot("52-phone-recording")
    stop.tap()
    expect(page.get_by_role("heading", name="Review your answer")).to_be_visible(timeout=90_000)
    expect(page.locator(".playback-length")).to_have_text(re.compile(r"^Length 0:0[2-9]$"), timeout=30_000)
    shot("53-phone-review")
    page.get_by_role("button", name="Use this answer").tap()
    page.get_by_role("button", name="Start question 2").tap()
    page.get_by_label("Your answer").tap()
    page.get_by_label("Your answer").fill(
        "I bisected the release, wrote a failing test, and saw it pass after the fix."
    )
    shot("54-phone-written")
    page.get_by_role("button", name=re.compile("^Submit")).first.tap()
    page.get_by_role("button", name="Submit my interview").tap()
    expect(page.get_by_role("button", name="Skip")).to_be_visible()
    shot("55a-phone-demographics")
    page.get_by_role("button", name="Skip").tap()  # the voluntary demographic questions
    expect(page.get_by_role("heading", name=re.compile("Thank you, Pia Phone"))).to_be_visible()
    shot("55-phone-done")
    assert not errors, errors
    ctx.close()
