"""The candidate flow in Spanish (the organization's default language) and Portuguese (the
candidate's own choice, remembered by the browser), with screenshots and axe-core on each page.

The demo server is shared: the organization's language is put back to English afterwards, and the
assessment is this test's own (one written question, so the flow reaches the end quickly).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DESKTOP, PHONE, Demo
from tests.e2e.test_accessibility import _violations

pytestmark = pytest.mark.e2e

PROMPT = "Describe a data pipeline you would monitor, and what you would alert on."
ANSWER = "I would alert on freshness, row counts and schema changes, with one owner per alert."


def _open(browser: Browser, demo: Demo, viewport: dict[str, int]) -> Page:
    """A fresh profile; CSP bypassed only so that axe-core can be injected."""
    ctx = browser.new_context(viewport=viewport, base_url=demo.url, bypass_csp=True)  # type: ignore[arg-type]
    ctx.grant_permissions(["camera", "microphone"], origin=demo.url)
    ctx.set_default_timeout(15_000)
    return ctx.new_page()


def _invite(demo: Demo, name: str) -> str:
    return demo.new_assessment_link(
        {
            "title": f"Data engineer screen ({name})",
            "role": "Data engineer",
            "dimensions": [
                {"name": "Skill", "weight": 100, "competencies": [{"key": "ops", "name": "Operations"}]}
            ],
            "questions": [
                {
                    "kind": "written",
                    "prompt": PROMPT,
                    "competency": "ops",
                    "think_time_s": 30,
                    "max_answer_s": 300,
                }
            ],
        },
        name,
    )


@pytest.fixture
def organization_language(demo: Demo) -> Iterator[Callable[[str], None]]:
    """Set the organization's default language (the whole branding is sent back as it was)."""
    with demo.staff_api() as api:
        before = api.get("/api/organization/branding").json()

    def put(code: str) -> None:
        with demo.staff_api() as api:
            body = {k: before[k] for k in ("accent_color", "welcome_text", "contact_email", "privacy_url")}
            api.put("/api/organization/branding", json=body | {"default_language": code}).raise_for_status()

    yield put
    put(before.get("default_language", "en"))


def _axe(page: Page, where: str, problems: dict[str, Any]) -> None:
    page.wait_for_load_state("networkidle")
    found = _violations(page)
    if found:
        problems[where] = found


def _fits(page: Page) -> None:
    """No text pushes the page wider than the screen (long translations wrap)."""
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def _stored_consent(demo: Demo, name: str) -> tuple[str, str]:
    db = sqlite3.connect(demo.server.data_dir / "viva.db")
    try:
        row = db.execute(
            "SELECT a.consent_version, a.consent_language FROM attempts a "
            "JOIN invitations i ON i.id = a.invitation_id WHERE i.candidate_name = ?",
            (name,),
        ).fetchone()
    finally:
        db.close()
    return row[0], row[1]


# What each language's screens say (from its catalog, frontend/src/i18n/locales).
TEXT = {
    "es": {
        "hello": "Hola, {name}",
        "english": "También se evalúa su inglés",
        "examples": "respuesta de ejemplo",
        "agree": "Acepto que se me grabe",
        "start": "Empezar",
        "ready": "Empiece cuando quiera",
        "in_english": "Responda en inglés",
        "begin": "Empezar la pregunta 1",
        "time_left": "Tiempo restante",
        "your_answer": "Su respuesta",
        "saved": "Guardado",
        "submit": "Enviar la respuesta",
        "all_answered": "Ha respondido a todas las preguntas",
        "finish": "Enviar mi entrevista",
        "demographics": "Dos preguntas opcionales sobre usted",
        "prefer_not": "Prefiero no decirlo",
        "skip": "Omitir",
        "thanks": "Gracias, {name}",
        "minutes": re.compile(r"Unos \d+ minutos"),
    },
    "pt": {
        "hello": "Olá, {name}",
        "english": "Seu inglês também é avaliado",
        "examples": "resposta de exemplo",
        "agree": "Concordo em ser gravado",
        "start": "Começar",
        "ready": "Comece quando quiser",
        "in_english": "Responda em inglês",
        "begin": "Começar a pergunta 1",
        "time_left": "Tempo restante",
        "your_answer": "Sua resposta",
        "saved": "Salvo",
        "submit": "Enviar resposta",
        "all_answered": "Você respondeu a todas as perguntas",
        "finish": "Enviar minha entrevista",
        "demographics": "Duas perguntas opcionais sobre você",
        "prefer_not": "Prefiro não dizer",
        "skip": "Pular",
        "thanks": "Obrigado, {name}",
        "minutes": re.compile(r"Cerca de \d+ minutos"),
    },
}


def _walk(
    page: Page, lang: str, name: str, prefix: str, shot: Callable[[Page, str], None], problems: dict[str, Any]
) -> None:
    """Landing and consent -> the pause before the question -> the question -> done, in `lang`."""
    s = TEXT[lang]
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.get_by_text(s["hello"].format(name=name))).to_be_visible()
    expect(page.get_by_text(s["minutes"])).to_be_visible()
    expect(page.get_by_text(s["english"])).to_be_visible()
    expect(page.get_by_text(s["examples"]).first).to_be_visible()
    expect(page.get_by_text(s["in_english"]).first).to_be_visible()
    _fits(page)
    shot(page, f"{prefix}-landing-consent")
    _axe(page, f"{lang}: landing and consent", problems)

    page.get_by_label(re.compile(s["agree"])).check()
    page.get_by_role("button", name=s["start"], exact=True).click()
    expect(page.get_by_role("heading", name=s["ready"])).to_be_visible()
    expect(page.get_by_text(s["in_english"]).first).to_be_visible()
    _fits(page)
    shot(page, f"{prefix}-before-question")
    _axe(page, f"{lang}: before the question", problems)

    page.get_by_role("button", name=s["begin"]).click()
    expect(page.get_by_role("heading", name=PROMPT)).to_be_visible()
    expect(page.get_by_text(s["time_left"])).to_be_visible()
    page.get_by_label(s["your_answer"]).fill(ANSWER)
    expect(page.get_by_role("status").filter(has_text=s["saved"])).to_be_visible(timeout=15_000)
    _fits(page)
    shot(page, f"{prefix}-question")
    _axe(page, f"{lang}: a question", problems)

    page.get_by_role("button", name=s["submit"]).click()
    expect(page.get_by_role("heading", name=s["all_answered"])).to_be_visible(timeout=30_000)
    page.get_by_role("button", name=s["finish"]).click()
    # The voluntary questions come first, in the same language; skipping them stores nothing.
    expect(page.get_by_role("heading", name=s["demographics"])).to_be_visible(timeout=30_000)
    expect(page.get_by_label(s["prefer_not"]).first).to_be_checked()
    _fits(page)
    shot(page, f"{prefix}-voluntary-questions")
    _axe(page, f"{lang}: voluntary questions", problems)
    page.get_by_role("button", name=s["skip"], exact=True).click()
    expect(page.get_by_role("heading", name=s["thanks"].format(name=name))).to_be_visible()
    _fits(page)
    shot(page, f"{prefix}-done")
    _axe(page, f"{lang}: done", problems)


def test_spanish_from_the_organization_and_portuguese_chosen_by_the_candidate(
    demo: Demo,
    browser: Browser,
    shot: Callable[[Page, str], None],
    organization_language: Callable[[str], None],
) -> None:
    problems: dict[str, Any] = {}

    # Spanish: the organization's default language; the candidate chooses nothing.
    organization_language("es")
    link = _invite(demo, "Elena Ruiz")
    page = _open(browser, demo, DESKTOP)
    page.goto(link)
    expect(page.get_by_label("Idioma")).to_have_value("es")
    _walk(page, "es", "Elena Ruiz", "70-es", shot, problems)
    version, language = _stored_consent(demo, "Elena Ruiz")
    assert version.endswith("+english+examples") and language == "es"

    # Portuguese: the organization is back on English; the candidate switches on a phone, and
    # the choice outlives a reload.
    organization_language("en")
    link = _invite(demo, "João Silva")
    page = _open(browser, demo, PHONE)
    page.goto(link)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_text("Hello João Silva")).to_be_visible()
    page.get_by_label("Language").select_option("pt")
    expect(page.get_by_text("Olá, João Silva")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Idioma")).to_have_value("pt")
    _walk(page, "pt", "João Silva", "71-pt-phone", shot, problems)
    assert _stored_consent(demo, "João Silva")[1] == "pt"

    assert not problems, f"serious or critical axe violations: {problems}"
