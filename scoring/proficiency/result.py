"""The values an English-proficiency estimate is reported as, and the CEFR scale."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal, get_args

__all__ = [
    "LEVELS",
    "PROFICIENCY_VERSION",
    "VERDICT_LABELS",
    "CefrLevel",
    "ProficiencyResult",
    "Signal",
    "Verdict",
    "level_from_score",
    "level_index",
]

PROFICIENCY_VERSION = "viva-proficiency/2"
Verdict = Literal["likely_meets", "uncertain", "likely_below", "not_enough_speech"]
VERDICT_LABELS: dict[str, str] = {
    "likely_meets": "likely meets {threshold}",
    "uncertain": "uncertain",
    "likely_below": "likely below {threshold}",
    "not_enough_speech": "not enough speech",
}
"""What a reviewer reads for each verdict (``{threshold}`` is the level)."""
CefrLevel = Literal["A1", "A2", "B1", "B2", "C1", "C2"]
LEVELS: tuple[CefrLevel, ...] = get_args(CefrLevel)


def level_index(level: str) -> int:
    """Position of a level on the continuous scale: A1 is 1 ... C2 is 6.

    Raises:
        ValueError: ``level`` is not a CEFR level.
    """
    try:
        return LEVELS.index(level.strip().upper()) + 1
    except ValueError:
        msg = f"Not a CEFR level: {level!r}; use one of {', '.join(LEVELS)}."
        raise ValueError(msg) from None


def level_from_score(score: float) -> CefrLevel:
    """The level whose unit interval holds ``score`` (A1 below 1.5, ..., C2 from 5.5)."""
    return LEVELS[min(max(round(score + 1e-9), 1), 6) - 1]


@dataclass(frozen=True, slots=True)
class Signal:
    """One measured signal, with the range the band mapping places at B2.

    Attributes:
        name: Stable identifier, e.g. ``"speech_rate"``.
        value: The measurement; None when the input does not allow it.
        unit: Unit of ``value``, e.g. ``"words/min"``.
        typical_low: Lower end of the B2 range (see ``scoring.proficiency.scales``);
            None for descriptive signals that are not scored.
        typical_high: Upper end of the B2 range, or None.
        description: What it measures, in a sentence a reviewer can read.
    """

    name: str
    value: float | None
    unit: str
    typical_low: float | None
    typical_high: float | None
    description: str


@dataclass(frozen=True, slots=True)
class ProficiencyResult:
    """A CEFR band estimate with its interval; a suggestion for a human reviewer.

    Attributes:
        band: Point estimate; None when there was nothing to assess.
        band_low: Lower end of the interval.
        band_high: Upper end of the interval.
        score: Continuous score on the 1 (A1) ... 6 (C2) scale.
        score_low: Lower end of the interval on the continuous scale.
        score_high: Upper end of the interval on the continuous scale.
        threshold: The level a candidate should reach, e.g. ``"B2"``.
        meets_threshold: True when the whole interval is at or above the
            threshold, False when it is wholly below, None when it straddles
            the threshold or there is no evidence: a person must decide.
        signals: Every signal, with its value and B2 range.
        reliable: Whether there was enough clear evidence to rely on the band.
        reason: Why the result is (un)reliable, for the reviewer.
        verdict: The threshold check in three ways from the interval ("likely_meets"
            when all of it is at or above the threshold, "likely_below" when all of it
            is below, "uncertain" otherwise), or "not_enough_speech" when the evidence
            is too thin to check at all. Never a bare yes/no.
        model_version: The learned model that produced ``score`` (None for the
            heuristic used on written answers).
        version: Version of the signal definitions and mapping.
    """

    band: CefrLevel | None
    band_low: CefrLevel | None
    band_high: CefrLevel | None
    score: float | None
    score_low: float | None
    score_high: float | None
    threshold: CefrLevel
    meets_threshold: bool | None
    signals: tuple[Signal, ...]
    reliable: bool
    reason: str
    verdict: Verdict = "uncertain"
    model_version: str | None = None
    version: str = PROFICIENCY_VERSION

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (signals as a list of dicts)."""
        return asdict(self)

    def signal(self, name: str) -> Signal:
        """The signal called ``name``.

        Raises:
            KeyError: No such signal.
        """
        for s in self.signals:
            if s.name == name:
                return s
        raise KeyError(name)
