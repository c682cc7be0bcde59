"""What the candidate agrees to, and the version that names that exact text.

The consent text has clauses that apply only to some assessments: that the candidate's English
is assessed (the assessment sets an English level), and that an answer may become an example
answer used to score other candidates (any scored question can be promoted by curation). The
version recorded with the attempt names the clauses that were shown, so the stored version
always says what the candidate read; the language it was shown in is stored beside it.
"""

from __future__ import annotations

from server.db.models import Assessment
from server.domain.candidate.schemas import CONSENT_VERSION, ConsentTerms

__all__ = ["consent_terms", "consent_version"]


def consent_terms(assessment: Assessment) -> ConsentTerms:
    """The optional clauses that apply to this assessment."""
    scored = any(not q.is_practice for q in assessment.questions)
    return ConsentTerms(
        english_assessed=scored and assessment.settings.english_threshold is not None,
        example_answers=scored,
    )


def consent_version(terms: ConsentTerms) -> str:
    """``2026-12-v2``, ``2026-12-v2+english+examples``...: the base text plus its clauses."""
    clauses = [
        name for name, on in (("english", terms.english_assessed), ("examples", terms.example_answers)) if on
    ]
    return "+".join([CONSENT_VERSION, *clauses])
