"""What the scorer returns: a suggested score, its interval, and the evidence behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "AbstainReason",
    "Evidence",
    "ExemplarMatch",
    "LevelEvidence",
    "SentenceMatch",
    "Suggestion",
]


class AbstainReason(StrEnum):
    """Why the scorer hands an answer to a human without a score."""

    NO_SPEECH = "no_speech"
    INCOMPLETE_TRANSCRIPT = "incomplete_transcript"
    TOO_SHORT = "too_short"
    LOW_ASR_CONFIDENCE = "low_asr_confidence"
    OFF_TOPIC = "off_topic"
    NO_EXEMPLARS = "no_exemplars"

    @property
    def message(self) -> str:
        """What a reviewer reads."""
        return _MESSAGES[self]


_MESSAGES = {
    AbstainReason.NO_SPEECH: (
        "No speech was detected in the recording; please watch it and score it yourself."
    ),
    AbstainReason.INCOMPLETE_TRANSCRIPT: (
        "Part of the speech could not be transcribed (see the marked gaps); "
        "please listen to the answer and score it yourself."
    ),
    AbstainReason.TOO_SHORT: "The answer is too short to compare with the rubric; please score it yourself.",
    AbstainReason.LOW_ASR_CONFIDENCE: (
        "The transcript is unreliable (low speech-recognition confidence); please listen to the answer."
    ),
    AbstainReason.OFF_TOPIC: (
        "The answer does not resemble any exemplar or the question; it may be off-topic, so please check it."
    ),
    AbstainReason.NO_EXEMPLARS: (
        "This question has no exemplar answers or confirmed scores yet; please add exemplars to the rubric."
    ),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ExemplarMatch:
    """An exemplar or confirmed answer close to the scored answer."""

    text: str
    similarity: float
    source: str  # "exemplar" or "scored_example"


@dataclass(frozen=True, slots=True, kw_only=True)
class SentenceMatch:
    """A sentence of the answer, where it is, and what it matched best at a level."""

    text: str
    start: int
    end: int
    similarity: float
    matched: str


@dataclass(frozen=True, slots=True, kw_only=True)
class LevelEvidence:
    """Why a level is (un)likely: its nearest texts and the answer sentences that matched."""

    level: int
    label: str
    descriptor: str
    probability: float
    nearest: tuple[ExemplarMatch, ...]
    sentences: tuple[SentenceMatch, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """Everything needed to explain a suggestion to a reviewer."""

    levels: tuple[LevelEvidence, ...] = ()
    reference_similarity: float | None = None
    reference_coverage: float | None = None
    max_similarity: float | None = None
    n_exemplars: int = 0
    n_scored_examples: int = 0
    example_share: float = 0.0
    interval_method: str = ""
    n_calibration: int = 0
    exemplar_kind: str = ""  # "graded" or "references": picks the prior calibration's group
    reliability_band: str = ""  # the transcript's band (scoring.reliability); "" when written


@dataclass(frozen=True, slots=True, kw_only=True)
class Suggestion:
    """A suggested score for one answer; abstentions carry no score.

    ``score`` is the expected level under the model's probabilities; ``rounded_level``
    the most probable level; ``[interval_low, interval_high]`` a conformal interval at
    coverage ``level``; ``spread`` the model's standard deviation (kept for calibration).
    """

    score: float | None
    rounded_level: int | None
    interval_low: float | None
    interval_high: float | None
    level: float
    abstained: bool
    abstain_reason: AbstainReason | None = None
    abstain_message: str | None = None
    spread: float | None = None
    regime: str = ""
    evidence: Evidence = field(default_factory=Evidence)
    model_versions: dict[str, str] = field(default_factory=dict)
