"""The consent version names the clauses shown: English assessed, example answers."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from server.domain.candidate.consent import consent_terms, consent_version
from server.domain.candidate.schemas import CONSENT_VERSION, ConsentTerms


def _assessment(*, threshold: str | None, practice_only: bool = False) -> Any:
    questions = [SimpleNamespace(is_practice=True)] + (
        [] if practice_only else [SimpleNamespace(is_practice=False)]
    )
    return SimpleNamespace(settings=SimpleNamespace(english_threshold=threshold), questions=questions)


def test_clauses_follow_the_assessment() -> None:
    assert consent_terms(_assessment(threshold="B2")) == ConsentTerms(
        english_assessed=True, example_answers=True
    )
    assert consent_terms(_assessment(threshold=None)) == ConsentTerms(
        english_assessed=False, example_answers=True
    )
    # Practice answers are never scored, so none can become an example or have its English assessed.
    assert consent_terms(_assessment(threshold="B2", practice_only=True)) == ConsentTerms(
        english_assessed=False, example_answers=False
    )


def test_each_text_has_its_own_version_that_fits_the_column() -> None:
    versions = {
        consent_version(ConsentTerms(english_assessed=e, example_answers=x))
        for e in (True, False)
        for x in (True, False)
    }
    assert versions == {
        CONSENT_VERSION,
        f"{CONSENT_VERSION}+english",
        f"{CONSENT_VERSION}+examples",
        f"{CONSENT_VERSION}+english+examples",
    }
    assert all(len(v) <= 40 for v in versions)  # attempts.consent_version is String(40)
