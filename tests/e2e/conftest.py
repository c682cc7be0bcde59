"""Browser tests: the real product (``viva demo``) in a subprocess, driven by Chromium.

The tests build nothing: ``server/static/index.html`` must come from ``npm run build``
in ``frontend/`` (the setup script runs it).
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from tests.support.live_server import LiveServer, live_server

ROOT = Path(__file__).resolve().parents[2]
STATIC_INDEX = ROOT / "server" / "static" / "index.html"
SCREENSHOTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # A synthetic camera and microphone, allowed without a permission prompt.
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}

_CREDS = re.compile(r"admin\s*:\s*(\S+)\s+password:\s*(\S+)")


@dataclass(frozen=True)
class Demo:
    """The running demo: its URL, the admin's credentials, and the seeded assessment."""

    server: LiveServer
    admin_email: str
    admin_password: str

    @property
    def url(self) -> str:
        return self.server.url

    @contextmanager
    def staff_api(self) -> Iterator[httpx.Client]:
        """An httpx client signed in as the admin, sending the CSRF header."""
        with httpx.Client(base_url=self.url, timeout=30) as client:
            client.get("/api/auth/me")
            client.headers["x-csrf-token"] = client.cookies["viva_csrf"]
            client.post(
                "/api/auth/login", json={"email": self.admin_email, "password": self.admin_password}
            ).raise_for_status()
            yield client

    def new_assessment_link(self, assessment: dict[str, Any], candidate_name: str) -> str:
        """Create ``assessment`` (a `POST /api/assessments` body) and invite one candidate to it
        (email from the first name, @example.com); the invitation link."""
        with self.staff_api() as api:
            made = api.post("/api/assessments", json=assessment)
            made.raise_for_status()
            inv = api.post(
                f"/api/assessments/{made.json()['id']}/invitations",
                json={
                    "candidate_name": candidate_name,
                    "candidate_email": f"{candidate_name.split()[0].lower()}@example.com",
                },
            )
            inv.raise_for_status()
            return str(inv.json()["link"])

    def staff_get(self, path: str) -> dict[str, Any]:
        """What the admin reads at ``path`` (a JSON object)."""
        with self.staff_api() as api:
            return dict(api.get(path).json())

    def other_organization(self, slug: str, name: str) -> Demo:
        """A new organization called ``name`` with an admin of its own, made as an operator would
        (``viva users create`` on the demo's data directory); the demo as seen by that admin."""
        email = f"admin@{slug}.test"
        password = secrets.token_urlsafe(18)
        env = {k: v for k, v in os.environ.items() if not k.startswith("VIVA_")}
        cli = [sys.executable, "-m", "server.cli", "users", "create", "--role", "admin", "--email", email]
        cli += ["--org", slug, "--org-name", name, "--password", password]
        cli += ["--data-dir", str(self.server.data_dir)]
        made = subprocess.run(
            cli,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert made.returncode == 0, made.stdout + made.stderr
        return replace(self, admin_email=email, admin_password=password)


@pytest.fixture(scope="session")
def built_frontend() -> Path:
    if not STATIC_INDEX.exists():
        pytest.fail(
            f"{STATIC_INDEX.relative_to(ROOT)} is missing: build the frontend first with "
            "`cd frontend && npm install && npm run build`.",
            pytrace=False,
        )
    return STATIC_INDEX


@pytest.fixture(scope="session")
def demo(built_frontend: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    with live_server(tmp_path_factory.mktemp("e2e-demo"), {}, command="demo") as server:
        match = _CREDS.search(server.output())
        assert match, f"no admin credentials in the demo's output:\n{server.output()[-2000:]}"
        yield Demo(server=server, admin_email=match.group(1), admin_password=match.group(2))


_LOG_AT_START = pytest.StashKey[int]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Note where the demo's log stands when a test starts (see ``pytest_runtest_makereport``)."""
    demo = getattr(item, "funcargs", {}).get("demo")
    if isinstance(demo, Demo):
        item.stash[_LOG_AT_START] = demo.server.log.stat().st_size
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    """A failed browser test reports what the server logged while it ran (its requests, any
    error), so a failure in CI can be read without rerunning it."""
    report = yield
    demo = getattr(item, "funcargs", {}).get("demo")
    if call.when == "call" and report.failed and isinstance(demo, Demo) and _LOG_AT_START in item.stash:
        with open(demo.server.log, "rb") as log:
            log.seek(item.stash[_LOG_AT_START])
            lines = log.read().decode(errors="replace").splitlines()
        report.sections.append(("demo server log during the test (last 150 lines)", "\n".join(lines[-150:])))
    return report


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


# Module scope: Playwright's sync API runs an event loop in this thread while it is open,
# and asyncio tests in later modules must not find one running.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}", pytrace=False)
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _context(browser: Browser, demo: Demo, viewport: dict[str, int]) -> BrowserContext:
    ctx = browser.new_context(viewport=viewport, base_url=demo.url)  # type: ignore[arg-type]
    ctx.grant_permissions(["clipboard-read", "clipboard-write", "camera", "microphone"], origin=demo.url)
    ctx.set_default_timeout(15_000)
    return ctx


@pytest.fixture
def context(browser: Browser, demo: Demo) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies) at desktop size."""
    ctx = _context(browser, demo, DESKTOP)
    yield ctx
    ctx.close()


@pytest.fixture
def new_context(browser: Browser, demo: Demo) -> Iterator[Any]:
    """Open more fresh profiles (e.g. the candidate's, or a phone-sized one)."""
    opened: list[BrowserContext] = []

    def make(viewport: dict[str, int] = DESKTOP) -> BrowserContext:
        ctx = _context(browser, demo, viewport)
        opened.append(ctx)
        return ctx

    yield make
    for ctx in opened:
        ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def shot(screenshots: Path) -> Callable[[Page, str], None]:
    """Save a full-page screenshot as ``test-artifacts/e2e/<name>.png`` (look at it)."""

    def take(page: Page, name: str) -> None:
        page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def page_errors(context: BrowserContext) -> Iterator[list[str]]:
    """Uncaught script errors on any page of the test's context; the test fails on any."""
    errors: list[str] = []
    context.on("weberror", lambda e: errors.append(str(e.error)))
    yield errors
    assert errors == []


def sign_in_as(page: Page, email: str, password: str) -> None:
    """Sign in through the login form; returns on the assessments page."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Assessments", level=1)).to_be_visible()


def sign_in(page: Page, demo: Demo) -> None:
    """Sign in as the demo's admin through the login form; returns on the assessments page."""
    sign_in_as(page, demo.admin_email, demo.admin_password)
