"""Lexical diversity (MTLD) and vocabulary sophistication of English text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from cefrpy import CEFRAnalyzer
from wordfreq import zipf_frequency

__all__ = [
    "MTLD_THRESHOLD",
    "RARE_ZIPF",
    "VocabularyProfile",
    "mtld",
    "tokenize_words",
    "vocabulary_profile",
]

MTLD_THRESHOLD = 0.72
RARE_ZIPF = 4.0
_WORD = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*")


def tokenize_words(text: str) -> list[str]:
    """Lower-cased alphabetic word tokens; contractions stay whole, numbers are dropped."""
    return [m.group(0).lower().replace("\u2019", "'") for m in _WORD.finditer(text)]


def _mtld_pass(tokens: Sequence[str], threshold: float) -> float:
    """Factor count of one MTLD pass, the final partial factor included."""
    factors = 0.0
    types: set[str] = set()
    count = 0
    ttr = 1.0
    for token in tokens:
        count += 1
        types.add(token)
        ttr = len(types) / count
        if ttr <= threshold:
            factors += 1.0
            types.clear()
            count = 0
            ttr = 1.0
    if count:
        factors += (1.0 - ttr) / (1.0 - threshold)
    return factors


def mtld(tokens: Sequence[str], threshold: float = MTLD_THRESHOLD) -> float | None:
    """Measure of Textual Lexical Diversity (McCarthy & Jarvis 2010, Behavior Research Methods 42).

    The mean length of sequential word strings that keep a type-token ratio above
    ``threshold``: each pass counts a factor each time the running TTR falls to
    the threshold, then adds the final partial factor as
    ``(1 - TTR) / (1 - threshold)``; MTLD is the token count divided by the
    factors, averaged over a forward and a backward pass. Stable from about
    100 tokens; shorter texts are noisy.

    Returns:
        MTLD, or None when a pass has no factor at all (every token distinct or
        no tokens), where the measure is undefined.
    """
    if not tokens:
        return None
    forward = _mtld_pass(tokens, threshold)
    backward = _mtld_pass(list(reversed(tokens)), threshold)
    if forward <= 0.0 or backward <= 0.0:
        return None
    return (len(tokens) / forward + len(tokens) / backward) / 2.0


@cache
def _cefr() -> CEFRAnalyzer:
    return CEFRAnalyzer()


@dataclass(frozen=True, slots=True)
class VocabularyProfile:
    """How common and how advanced the words of a text are.

    Attributes:
        tokens: Word tokens considered.
        rare_share: Share of tokens with a known frequency below Zipf :data:`RARE_ZIPF`
            (fewer than 10 per million words in ``wordfreq``'s English data).
        unknown_share: Share of tokens ``wordfreq`` does not know (misspellings,
            names, recognition errors).
        mean_zipf: Mean Zipf frequency of known tokens.
        cefr_shares: Share of each CEFR level A1..C2 among tokens ``cefrpy`` knows.
        mean_cefr_level: Mean ``cefrpy`` word level (1 = A1 ... 6 = C2).
        cefr_coverage: Share of tokens ``cefrpy`` knows.
    """

    tokens: int
    rare_share: float | None
    unknown_share: float | None
    mean_zipf: float | None
    cefr_shares: tuple[float, ...] | None
    mean_cefr_level: float | None
    cefr_coverage: float | None


def vocabulary_profile(tokens: Sequence[str]) -> VocabularyProfile:
    """Vocabulary sophistication from ``wordfreq`` Zipf frequencies and ``cefrpy`` levels."""
    if not tokens:
        return VocabularyProfile(0, None, None, None, None, None, None)
    zipfs = [zipf_frequency(t, "en") for t in tokens]
    known = [z for z in zipfs if z > 0.0]
    levels: list[float] = []
    for t in tokens:
        level = _cefr().get_average_word_level_float(t)
        if level is not None:
            levels.append(float(level))
    shares = None
    if levels:
        shares = tuple(sum(1 for v in levels if round(v) == k) / len(levels) for k in range(1, 7))
    return VocabularyProfile(
        tokens=len(tokens),
        rare_share=sum(1 for z in known if z < RARE_ZIPF) / len(known) if known else None,
        unknown_share=1.0 - len(known) / len(tokens),
        mean_zipf=sum(known) / len(known) if known else None,
        cefr_shares=shares,
        mean_cefr_level=sum(levels) / len(levels) if levels else None,
        cefr_coverage=len(levels) / len(tokens),
    )
