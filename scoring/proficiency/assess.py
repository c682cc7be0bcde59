"""Entry points: assess a spoken answer (transcript) or a written answer (text)."""

from __future__ import annotations

from collections.abc import Sequence

from scoring.proficiency.band import estimate_band
from scoring.proficiency.fillers import TimedWord
from scoring.proficiency.result import ProficiencyResult
from scoring.proficiency.speech_signals import speech_signal_values
from scoring.proficiency.text_signals import text_signal_values

__all__ = ["assess_speech", "assess_text", "speech_values"]


def speech_values(words: Sequence[TimedWord], text: str) -> dict[str, float | None]:
    """Speech and text signal values of a spoken answer, keyed by signal name."""
    values = text_signal_values(text)
    values.update(speech_signal_values(words))
    return values


def assess_speech(
    words: Sequence[TimedWord],
    text: str,
    *,
    threshold: str = "B2",
    interval_level: float = 0.8,
) -> ProficiencyResult:
    """Estimate English proficiency from a spoken answer.

    Args:
        words: Timed words, e.g. ``Transcript.words``.
        text: The transcript text (for lexical and sentence signals), e.g.
            ``Transcript.text``.
        threshold: Level to check, ``"B2"`` by default.
        interval_level: Coverage of the band interval.

    An empty transcript (no speech) gives ``band=None`` and ``reliable=False``.
    """
    return estimate_band(
        speech_values(words, text), spoken=True, threshold=threshold, interval_level=interval_level
    )


def assess_text(text: str, *, threshold: str = "B2", interval_level: float = 0.8) -> ProficiencyResult:
    """Estimate English proficiency from a written answer (text signals only, wider interval)."""
    return estimate_band(
        text_signal_values(text), spoken=False, threshold=threshold, interval_level=interval_level
    )
