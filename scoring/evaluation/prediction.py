"""One scored answer of an evaluation: what the runner produces and the reports read."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Prediction"]


@dataclass(slots=True)
class Prediction:
    """One scored answer: the scorer's and the baseline's outputs and the human scores."""

    dataset: str
    question_id: str
    human: int
    human_2: int | None
    fold: int
    answer_index: int = -1
    regime: str = ""
    abstain_reason: str | None = None
    score: float = float("nan")
    level: int = 0
    spread: float = 0.0
    low: float = float("nan")
    high: float = float("nan")
    base_score: float = float("nan")
    base_level: int = 0
    base_low: float = float("nan")
    base_high: float = float("nan")
    band: str = ""  # the transcript's reliability band when the answer was spoken
