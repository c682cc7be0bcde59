"""The candidate pages' message catalogs (frontend/src/i18n/locales): complete, and really translated.

Every catalog has exactly the English keys, the same placeholders and markup, and no value left in
English (a copied value means an untranslated string on a candidate's screen). A value may equal the
English one only when it is listed in SAME_AS_ENGLISH (proper nouns, short codes). Every key the
frontend asks for exists.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

FRONTEND = Path(__file__).resolve().parents[3] / "frontend"
LOCALES = FRONTEND / "src" / "i18n" / "locales"
LANGUAGES = ("es", "pt")
# (language, key) pairs that may read as in English: none today.
SAME_AS_ENGLISH: frozenset[tuple[str, str]] = frozenset()
PLURAL = re.compile(r"_(zero|one|two|few|many|other)$")


def _flat(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            out |= _flat(value, f"{prefix}{key}.")
        else:
            assert isinstance(value, str), f"{prefix}{key} is not text"
            out[f"{prefix}{key}"] = value
    return out


def _catalog(code: str) -> dict[str, str]:
    return _flat(json.loads((LOCALES / f"{code}.json").read_text(encoding="utf-8")))


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{\{\s*(\w+)\s*\}\}", text))


def _tags(text: str) -> list[str]:
    return sorted(re.findall(r"</?\w+>", text))


def test_the_server_offers_the_languages_there_are_catalogs_for() -> None:
    from server.domain.branding.schemas import CANDIDATE_LANGUAGES

    assert sorted(p.stem for p in LOCALES.glob("*.json")) == sorted(CANDIDATE_LANGUAGES)


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_catalog_has_every_key_and_no_other(code: str) -> None:
    english, other = _catalog("en"), _catalog(code)
    assert sorted(set(english) - set(other)) == [], f"missing in {code}.json"
    assert sorted(set(other) - set(english)) == [], f"not in en.json (stale?) in {code}.json"


@pytest.mark.parametrize("code", LANGUAGES)
def test_translations_keep_placeholders_and_markup(code: str) -> None:
    english, other = _catalog("en"), _catalog(code)
    for key, text in english.items():
        assert _placeholders(other[key]) == _placeholders(text), f"{code}: {key} placeholders"
        assert _tags(other[key]) == _tags(text), f"{code}: {key} markup"


@pytest.mark.parametrize("code", LANGUAGES)
def test_no_value_is_left_in_english(code: str) -> None:
    english, other = _catalog("en"), _catalog(code)
    same = sorted(
        k for k, v in other.items() if v.strip() == english[k].strip() and (code, k) not in SAME_AS_ENGLISH
    )
    assert same == [], f"{code}.json values still in English: {same}"
    # Nor whole English sentences inside a translation (a half-translated value).
    words = re.compile(r"\b(the|your|you|please|answer|question|recording|with|and)\b", re.IGNORECASE)
    leftovers = sorted(k for k, v in other.items() if len(words.findall(re.sub(r"\{\{\w+\}\}", "", v))) >= 2)
    assert leftovers == [], f"{code}.json values with English words: {leftovers}"


def test_every_key_the_frontend_uses_exists() -> None:
    english = _catalog("en")
    bases = {PLURAL.sub("", k) for k in english} | set(english)
    used: set[str] = set()
    for source in (FRONTEND / "src").rglob("*.ts*"):
        text = source.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt\(\s*["`]([a-zA-Z_.]+)["`]""", text))
    assert used, "no t(...) calls found"
    assert sorted(used - bases) == []
    # Keys built from a code at run time: every code has its message.
    for kind in ("denied", "missing", "busy", "insecure", "other"):
        assert f"device.errors.{kind}" in english


def test_every_problem_code_the_page_translates_has_a_message() -> None:
    english = _catalog("en")
    source = (FRONTEND / "src" / "i18n" / "problems.ts").read_text(encoding="utf-8")
    codes = set(re.findall(r'case "(\w+)":', source))
    assert {"invitation_expired", "written_time_up", "link_invalid"} <= codes
    assert sorted(c for c in codes if not any(k.startswith(f"problems.{c}") for k in english)) == []
    # And each is a code the server really sends.
    server = "\n".join(p.read_text(encoding="utf-8") for p in (FRONTEND.parent / "server").rglob("*.py"))
    assert sorted(c for c in codes if f'code="{c}"' not in server) == []
