"""How far a transcript can be trusted: a reliability band, and the words a reviewer should hear.

A content score is read off the transcript's words, so when recognition is doubtful the
score is too. Three figures the transcriber gives say so:

* the mean word probability (Whisper's own confidence in the words it wrote);
* completeness (``scoring.completeness``: the share of the detected speech the words cover);
* words per second of speech: far outside ordinary speaking rates (about 1.5-4.5 words/s),
  words were dropped or invented.

They are folded into a band, ``high``, ``medium`` or ``low``, which calibration uses as a
Mondrian group (``scoring.exemplar_scorer.calibration_groups``): an interval is calibrated
on suggestions whose transcripts were as doubtful, so it widens when recognition is
doubtful and keeps its coverage in every band. Written answers have no band (``None``) and
keep the typed calibration.

The mean-word-probability cuts (0.80 and 0.65) are the quartiles of espeak-ng answers
(SemEval-2013 training texts) transcribed by tiny.en: a quarter of spoken answers fall in
each outer band. Conformal coverage in each band does not depend on where the cuts are,
only the widths do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from scoring.transcript import Transcript, Word

__all__ = [
    "DOUBTFUL_WORD_PROBABILITY",
    "HIGH_MEAN_PROBABILITY",
    "LOW_MEAN_PROBABILITY",
    "Band",
    "DoubtfulWord",
    "confident_text",
    "doubtful_words",
    "reliability_band",
    "transcript_band",
    "words_per_second",
]

Band = Literal["high", "medium", "low"]

HIGH_MEAN_PROBABILITY = 0.80
LOW_MEAN_PROBABILITY = 0.65
DOUBTFUL_WORD_PROBABILITY = 0.5
"""A word Whisper gives less than even odds is one a reviewer should listen to."""
_FULL_COMPLETENESS = 0.97
_RATE_RANGE = (1.5, 4.5)
_BANDS: tuple[Band, ...] = ("high", "medium", "low")


@dataclass(frozen=True, slots=True, kw_only=True)
class DoubtfulWord:
    """A word of the transcript Whisper was unsure of, with where it is in the recording."""

    word: str
    probability: float
    start: float
    end: float


def words_per_second(n_words: int, speech_seconds: float | None, duration: float) -> float | None:
    """Speaking rate over detected speech (the whole recording when VAD found none)."""
    seconds = speech_seconds if speech_seconds else duration
    return n_words / seconds if seconds > 0 and n_words else None


def reliability_band(
    mean_word_probability: float | None,
    completeness: float | None = None,
    rate: float | None = None,
) -> Band | None:
    """The band of a transcript from its three figures; None for a written answer.

    The mean word probability sets the band; an incomplete transcript or a speaking rate
    outside ordinary speech moves it one band down.
    """
    if mean_word_probability is None:
        return None
    if mean_word_probability >= HIGH_MEAN_PROBABILITY:
        step = 0
    elif mean_word_probability >= LOW_MEAN_PROBABILITY:
        step = 1
    else:
        step = 2
    if completeness is not None and completeness < _FULL_COMPLETENESS:
        step += 1
    if rate is not None and not _RATE_RANGE[0] <= rate <= _RATE_RANGE[1]:
        step += 1
    return _BANDS[min(step, 2)]


def transcript_band(transcript: Transcript) -> Band | None:
    """:func:`reliability_band` of a transcript (None when it has no words)."""
    words = transcript.words
    if not words:
        return None
    return reliability_band(
        transcript.mean_word_probability,
        transcript.completeness,
        words_per_second(len(words), transcript.speech_seconds, transcript.duration),
    )


def doubtful_words(words: Sequence[Word], threshold: float = DOUBTFUL_WORD_PROBABILITY) -> list[DoubtfulWord]:
    """The words below ``threshold`` probability, in order, with their times."""
    return [
        DoubtfulWord(word=w.word.strip(), probability=w.probability, start=w.start, end=w.end)
        for w in words
        if w.probability < threshold and w.word.strip()
    ]


def confident_text(words: Sequence[Word], text: str, threshold: float) -> str:
    """The transcript without the words below ``threshold`` probability (``text`` if none left)."""
    kept = [w.word.strip() for w in words if w.probability >= threshold and w.word.strip()]
    return " ".join(kept) if kept else text
