"""Combine signals into a CEFR band estimate with an interval.

The score is the weighted mean of the scored signals' positions on the 1..6
scale (``scoring.proficiency.scales``). Its uncertainty, as a standard
deviation on that scale, adds in quadrature:

- a floor of 0.35 for the mapping itself (it is not calibrated to CEFR labels);
- how much the signals disagree: the standard error of their weighted mean
  (weighted SD times ``sqrt(sum w^2) / sum w``, Kish's effective sample size);
  it treats the signals as independent, which they are not, so it is a lower
  bound that the floor above partly makes up for;
- thin evidence: ``4 / sqrt(words)`` (0.4 at 100 words, 1.0 at 16);
- doubtful recognition, for speech: ``2 * (1 - ASR confidence)``;
- for text only: 0.5, since writing shows nothing of speaking and may be edited.

The interval is the score plus or minus ``z * sd`` (kept within 0.5..6.5), ``z`` the normal
quantile for the interval level (0.8 by default), each end turned into a band.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from statistics import NormalDist

from scoring.proficiency.result import (
    LEVELS,
    ProficiencyResult,
    Signal,
    level_from_score,
    level_index,
)
from scoring.proficiency.scales import SCALES

__all__ = ["MIN_ASR_CONFIDENCE", "MIN_RELIABLE_WORDS", "estimate_band"]

MIN_RELIABLE_WORDS = 50
MIN_ASR_CONFIDENCE = 0.7
_FLOOR_SD = 0.35
_TEXT_ONLY_SD = 0.5


def _signals(values: Mapping[str, float | None]) -> tuple[Signal, ...]:
    out = []
    for scale in SCALES:
        if scale.name not in values:
            continue
        low, high = scale.b2_range()
        out.append(Signal(name=scale.name, value=values[scale.name], unit=scale.unit,
                          typical_low=low, typical_high=high, description=scale.description))
    return tuple(out)


def estimate_band(
    values: Mapping[str, float | None],
    *,
    spoken: bool,
    threshold: str = "B2",
    interval_level: float = 0.8,
) -> ProficiencyResult:
    """Turn raw signal values into a :class:`ProficiencyResult`.

    Args:
        values: Signal values by name, including ``words`` (and
            ``asr_confidence`` for speech).
        spoken: Whether the values come from speech (speech weights) or writing.
        threshold: The level to check, ``"B2"`` by default.
        interval_level: Coverage of the interval, between 0 and 1.

    Raises:
        ValueError: ``threshold`` is not a CEFR level or ``interval_level`` is
            not strictly between 0 and 1.
    """
    threshold_level = LEVELS[level_index(threshold) - 1]
    if not 0.0 < interval_level < 1.0:
        msg = f"interval_level must be between 0 and 1, got {interval_level}"
        raise ValueError(msg)
    signals = _signals(values)
    words = int(values.get("words") or 0)
    scored: list[tuple[float, float]] = []
    for scale in SCALES:
        weight = scale.speech_weight if spoken else scale.text_weight
        value = values.get(scale.name)
        if weight <= 0.0 or value is None or words < scale.min_words:
            continue
        sub = scale.sub_score(value)
        if sub is not None:
            scored.append((sub, weight))
    if not scored:
        return ProficiencyResult(
            band=None, band_low=None, band_high=None, score=None, score_low=None, score_high=None,
            threshold=threshold_level,
            meets_threshold=None, signals=signals, reliable=False,
            reason="No speech was recognised." if spoken else "No English words to assess.",
        )
    total = sum(w for _, w in scored)
    score = sum(s * w for s, w in scored) / total
    spread = math.sqrt(sum(w * (s - score) ** 2 for s, w in scored) / total)
    spread *= math.sqrt(sum(w * w for _, w in scored)) / total  # Kish: SD -> standard error
    confidence = values.get("asr_confidence")
    parts = [_FLOOR_SD, spread, 4.0 / math.sqrt(max(words, 1))]
    if spoken:
        parts.append(2.0 * (1.0 - (confidence if confidence is not None else 0.0)))
    else:
        parts.append(_TEXT_ONLY_SD)
    half = NormalDist().inv_cdf(0.5 + interval_level / 2.0) * math.sqrt(sum(p * p for p in parts))
    low, high = level_from_score(score - half), level_from_score(score + half)
    target = level_index(threshold_level)
    meets: bool | None = None
    if level_index(low) >= target:
        meets = True
    elif level_index(high) < target:
        meets = False
    problems = []
    if words < MIN_RELIABLE_WORDS:
        problems.append(f"only {words} words (at least {MIN_RELIABLE_WORDS} needed)")
    if spoken and (confidence is None or confidence < MIN_ASR_CONFIDENCE):
        problems.append(f"speech recognition confidence {confidence or 0.0:.2f} is below "
                        f"{MIN_ASR_CONFIDENCE}: the transcript may be wrong")
    reason = ("Unreliable: " + "; ".join(problems) + ".") if problems else (
        f"Based on {words} words and {len(scored)} signals.")
    return ProficiencyResult(
        band=level_from_score(score), band_low=low, band_high=high, score=score,
        score_low=max(score - half, 0.5), score_high=min(score + half, 6.5),
        threshold=threshold_level, meets_threshold=meets, signals=signals,
        reliable=not problems, reason=reason,
    )

