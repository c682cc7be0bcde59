"""One English level per candidate from the levels of their answers, with a three-way check.

Each answer's score has an interval whose width comes mostly from the model's error
on unseen speakers. That error is largely about the speaker, not the answer, so it
does not shrink with more answers from the same person: the candidate's interval is
the word-weighted mean of the answers' intervals around their word-weighted mean
score. The verdict follows from it as for one answer; "not_enough_speech" when all
answers together have fewer than :data:`~scoring.proficiency.band.MIN_RELIABLE_WORDS`
words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scoring.proficiency.band import MIN_RELIABLE_WORDS
from scoring.proficiency.result import CefrLevel, Verdict, level_from_score, level_index

__all__ = ["AnswerLevel", "CandidateLevel", "combine_answers"]


@dataclass(frozen=True, slots=True)
class AnswerLevel:
    """The parts of one answer's result the candidate's level is made from."""

    score: float
    score_low: float
    score_high: float
    words: int


@dataclass(frozen=True, slots=True)
class CandidateLevel:
    """The candidate's level: band, interval on the 1-6 scale, verdict and evidence size."""

    band: CefrLevel | None
    band_low: CefrLevel | None
    band_high: CefrLevel | None
    score: float | None
    score_low: float | None
    score_high: float | None
    verdict: Verdict
    words: int
    answers: int


def combine_answers(answers: Sequence[AnswerLevel], threshold: str) -> CandidateLevel:
    """Combine answers' levels (answers without words are ignored).

    Raises:
        ValueError: ``threshold`` is not a CEFR level.
    """
    target = level_index(threshold)
    used = [a for a in answers if a.words > 0]
    words = sum(a.words for a in used)
    if not used:
        return CandidateLevel(
            band=None,
            band_low=None,
            band_high=None,
            score=None,
            score_low=None,
            score_high=None,
            verdict="not_enough_speech",
            words=0,
            answers=0,
        )
    score = sum(a.score * a.words for a in used) / words
    below = sum((a.score - a.score_low) * a.words for a in used) / words
    above = sum((a.score_high - a.score) * a.words for a in used) / words
    low, high = max(score - below, 0.5), min(score + above, 6.5)
    verdict: Verdict
    if words < MIN_RELIABLE_WORDS:
        verdict = "not_enough_speech"
    elif level_index(level_from_score(low)) >= target:
        verdict = "likely_meets"
    elif level_index(level_from_score(high)) < target:
        verdict = "likely_below"
    else:
        verdict = "uncertain"
    return CandidateLevel(
        band=level_from_score(score),
        band_low=level_from_score(low),
        band_high=level_from_score(high),
        score=score,
        score_low=low,
        score_high=high,
        verdict=verdict,
        words=words,
        answers=len(used),
    )
