"""Combine signals into a CEFR band estimate with an interval.

Spoken answers use the learned model (``scoring.proficiency.model``): its
prediction of the experts' 0-10 total, mapped to the CEFR scale, is the score, and
its speaker-grouped cross-validated error is the interval's standard deviation
(halved onto the CEFR scale), so the interval is at least as wide as the error
measured on speakers the model never saw. Two unmeasured terms widen it further,
to be cautious: ``2 / sqrt(words)`` for thin evidence and ``2 * (0.7 - ASR
confidence)`` when recognition is doubtful. Fewer than :data:`MIN_RELIABLE_WORDS` words give the
verdict "not_enough_speech" with no threshold call.

Written answers keep the documented heuristic below (no scored writing is at hand
to learn from). The score is the weighted mean of the scored signals' positions on the 1..6
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

from scoring.proficiency.model import ProficiencyModel, cefr_from_expert, load_default_model
from scoring.proficiency.result import (
    LEVELS,
    CefrLevel,
    ProficiencyResult,
    Signal,
    Verdict,
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
        out.append(
            Signal(
                name=scale.name,
                value=values[scale.name],
                unit=scale.unit,
                typical_low=low,
                typical_high=high,
                description=scale.description,
            )
        )
    return tuple(out)


def estimate_band(
    values: Mapping[str, float | None],
    *,
    spoken: bool,
    threshold: str = "B2",
    interval_level: float = 0.8,
    model: ProficiencyModel | None = None,
) -> ProficiencyResult:
    """Turn raw signal values into a :class:`ProficiencyResult`.

    Args:
        values: Signal values by name, including ``words`` (and
            ``asr_confidence`` for speech).
        spoken: Whether the values come from speech (speech weights) or writing.
        threshold: The level to check, ``"B2"`` by default.
        interval_level: Coverage of the interval, between 0 and 1.
        model: Learned model for speech; default the shipped one.

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
    if spoken:
        return _learned(
            values, signals, words, threshold_level, interval_level, model or load_default_model()
        )
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
            band=None,
            band_low=None,
            band_high=None,
            score=None,
            score_low=None,
            score_high=None,
            threshold=threshold_level,
            meets_threshold=None,
            signals=signals,
            reliable=False,
            reason="No speech was recognised." if spoken else "No English words to assess.",
            verdict="not_enough_speech",
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
    meets = _meets(low, high, threshold_level)
    problems = []
    if words < MIN_RELIABLE_WORDS:
        problems.append(f"only {words} words (at least {MIN_RELIABLE_WORDS} needed)")
    if spoken and (confidence is None or confidence < MIN_ASR_CONFIDENCE):
        problems.append(
            f"speech recognition confidence {confidence or 0.0:.2f} is below "
            f"{MIN_ASR_CONFIDENCE}: the transcript may be wrong"
        )
    reason = (
        ("Unreliable: " + "; ".join(problems) + ".")
        if problems
        else (f"Based on {words} words and {len(scored)} signals.")
    )
    return ProficiencyResult(
        band=level_from_score(score),
        band_low=low,
        band_high=high,
        score=score,
        score_low=max(score - half, 0.5),
        score_high=min(score + half, 6.5),
        threshold=threshold_level,
        meets_threshold=meets,
        signals=signals,
        reliable=not problems,
        reason=reason,
        verdict="not_enough_speech" if words < MIN_RELIABLE_WORDS else _verdict(meets),
    )


def _meets(low: str, high: str, threshold: str) -> bool | None:
    target = level_index(threshold)
    if level_index(low) >= target:
        return True
    if level_index(high) < target:
        return False
    return None


def _verdict(meets: bool | None) -> Verdict:
    return "likely_meets" if meets is True else "likely_below" if meets is False else "uncertain"


def _learned(
    values: Mapping[str, float | None],
    signals: tuple[Signal, ...],
    words: int,
    threshold: CefrLevel,
    interval_level: float,
    model: ProficiencyModel,
) -> ProficiencyResult:
    """The spoken answer's result from the learned model."""
    if words == 0:
        return ProficiencyResult(
            band=None,
            band_low=None,
            band_high=None,
            score=None,
            score_low=None,
            score_high=None,
            threshold=threshold,
            meets_threshold=None,
            signals=signals,
            reliable=False,
            reason="No speech was recognised.",
            verdict="not_enough_speech",
            model_version=model.version,
        )
    score = cefr_from_expert(model.predict(values))
    confidence = values.get("asr_confidence")
    doubt = 2.0 * max(0.0, MIN_ASR_CONFIDENCE - (confidence if confidence is not None else 0.0))
    parts = (0.5 * model.residual_sd, 2.0 / math.sqrt(words), doubt)
    half = NormalDist().inv_cdf(0.5 + interval_level / 2.0) * math.sqrt(sum(p * p for p in parts))
    lo, hi = max(score - half, 0.5), min(score + half, 6.5)
    low, high = level_from_score(lo), level_from_score(hi)
    problems = []
    if words < MIN_RELIABLE_WORDS:
        problems.append(f"only {words} words (at least {MIN_RELIABLE_WORDS} needed)")
    if confidence is None or confidence < MIN_ASR_CONFIDENCE:
        problems.append(
            f"speech recognition confidence {confidence or 0.0:.2f} is below "
            f"{MIN_ASR_CONFIDENCE}: the transcript may be wrong"
        )
    meets = None if words < MIN_RELIABLE_WORDS else _meets(low, high, threshold)
    reason = (
        ("Unreliable: " + "; ".join(problems) + ".")
        if problems
        else (
            f"Based on {words} words; the interval is the model's error on speakers it was not "
            f"trained on (±{model.residual_sd:.1f} on the experts' 0-10 scale)."
        )
    )
    return ProficiencyResult(
        band=level_from_score(score),
        band_low=low,
        band_high=high,
        score=score,
        score_low=lo,
        score_high=hi,
        threshold=threshold,
        meets_threshold=meets,
        signals=signals,
        reliable=not problems,
        reason=reason,
        verdict="not_enough_speech" if words < MIN_RELIABLE_WORDS else _verdict(meets),
        model_version=model.version,
    )
