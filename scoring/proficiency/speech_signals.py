"""Speech fluency signals from word timestamps.

Definitions (times in seconds, ``n`` words, words with no letter or digit ignored):

- speaking time ``T``: from the first word's start to the last word's end.
  Silence before the first word (reading the question, thinking) is left out.
- pause: a gap of at least :data:`~scoring.proficiency.fillers.PAUSE_S`
  (0.25 s) between one word's end and the next word's start.
- speech rate: ``60 n / T`` words per minute, pauses included.
- articulation rate: ``60 n / (T - total pause time)``: speed while speaking.
- pause ratio: total pause time / ``T``; mean pause: mean pause length.
- mean length of run: ``n / (pauses + 1)``, words between pauses.
- filler rate: fillers per 100 words (see ``scoring.proficiency.fillers``).
- ASR confidence: mean word probability, a proxy for intelligibility.

Whisper's word timings come from cross-attention alignment and often stretch a
word over a following short pause, so pauses are undercounted and the
articulation rate is underestimated compared with acoustic measures such as
de Jong & Wempe's (2009) Praat script. The relative ordering of speakers is
what these signals are for.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from scoring.proficiency.fillers import PAUSE_S, TimedWord, count_fillers, normalise_word

__all__ = ["speech_signal_values", "spoken_words"]


def spoken_words(words: Sequence[TimedWord]) -> list[TimedWord]:
    """The words that contain a letter or digit, in time order."""
    return sorted((w for w in words if normalise_word(w.word)), key=lambda w: w.start)


def speech_signal_values(words: Sequence[TimedWord]) -> dict[str, float | None]:
    """Raw speech measurements keyed by signal name (None where not computable).

    Keys: ``words``, ``speaking_time``, ``speech_rate``, ``articulation_rate``,
    ``pause_count``, ``pauses_per_minute``, ``mean_pause``, ``pause_ratio``,
    ``mean_length_of_run``, ``filler_rate``, ``asr_confidence``.
    """
    spoken = spoken_words(words)
    n = len(spoken)
    values: dict[str, float | None] = dict.fromkeys(
        (
            "speaking_time",
            "speech_rate",
            "articulation_rate",
            "pause_count",
            "pauses_per_minute",
            "mean_pause",
            "pause_ratio",
            "mean_length_of_run",
            "filler_rate",
            "asr_confidence",
        )
    )
    values["words"] = float(n)
    if n == 0:
        return values
    values["asr_confidence"] = sum(w.probability for w in spoken) / n
    values["filler_rate"] = 100.0 * count_fillers(spoken) / n
    speaking = spoken[-1].end - spoken[0].start
    gaps = [b.start - a.end for a, b in itertools.pairwise(spoken)]
    pauses = [g for g in gaps if g >= PAUSE_S]
    values["pause_count"] = float(len(pauses))
    values["mean_length_of_run"] = n / (len(pauses) + 1)
    values["mean_pause"] = sum(pauses) / len(pauses) if pauses else None
    if speaking <= 0.0:
        return values
    phonation = speaking - sum(pauses)
    values["speaking_time"] = speaking
    values["speech_rate"] = 60.0 * n / speaking
    values["articulation_rate"] = 60.0 * n / phonation if phonation > 0.0 else None
    values["pauses_per_minute"] = 60.0 * len(pauses) / speaking
    values["pause_ratio"] = sum(pauses) / speaking
    return values
