"""What a question is scored against: its rubric, exemplars and human-confirmed examples."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Answer", "Rubric", "RubricLevel", "ScoredExample"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RubricLevel:
    """One level of a rubric: what it means and example answers written for it.

    Args:
        level: The integer score on the rubric's scale.
        descriptor: What an answer at this level does, in words for reviewers.
        exemplars: Example answers at this level (reference answers belong to the top level).
        label: A short name (e.g. ``"correct"``), optional.
    """

    level: int
    descriptor: str = ""
    exemplars: tuple[str, ...] = ()
    label: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Rubric:
    """A question's ordered integer scale with per-level descriptors and exemplars.

    Args:
        question: The question text.
        levels: One entry per scale point, in any order; levels missing from ``scale``
            are rejected.
        scale: The ordered integer levels, lowest first (1..5 by default).
        question_id: The product's id for the question.
    """

    question: str
    levels: tuple[RubricLevel, ...] = ()
    scale: tuple[int, ...] = (1, 2, 3, 4, 5)
    question_id: str = ""

    def __post_init__(self) -> None:
        if len(self.scale) < 2 or list(self.scale) != sorted(set(self.scale)):
            raise ValueError(f"A rubric scale needs two or more increasing levels, got {self.scale}.")
        unknown = [lv.level for lv in self.levels if lv.level not in self.scale]
        if unknown:
            raise ValueError(f"Rubric levels {unknown} are not on the scale {self.scale}.")

    @property
    def low(self) -> int:
        """The lowest level of the scale."""
        return self.scale[0]

    @property
    def high(self) -> int:
        """The highest level of the scale."""
        return self.scale[-1]

    def level(self, level: int) -> RubricLevel:
        """The rubric entry for a level (an empty one if the rubric does not describe it)."""
        for entry in self.levels:
            if entry.level == level:
                return entry
        return RubricLevel(level=level)

    def exemplar_pairs(self) -> list[tuple[str, int]]:
        """Every exemplar text with its level, deduplicated, in rubric order."""
        seen: dict[str, int] = {}
        for entry in self.levels:
            for text in entry.exemplars:
                if text.strip() and text not in seen:
                    seen[text] = entry.level
        return list(seen.items())

    @classmethod
    def from_references(
        cls,
        question: str,
        references: Sequence[str],
        *,
        scale: tuple[int, ...] = (1, 2, 3, 4, 5),
        question_id: str = "",
        labels: Sequence[str] = (),
    ) -> Rubric:
        """Build a rubric whose only exemplars are reference answers at the top level."""
        names = list(labels) + [""] * (len(scale) - len(labels))
        levels = tuple(
            RubricLevel(
                level=lv,
                exemplars=tuple(references) if lv == scale[-1] else (),
                label=names[i],
            )
            for i, lv in enumerate(scale)
        )
        return cls(question=question, levels=levels, scale=scale, question_id=question_id)


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoredExample:
    """A real answer to the question with a score a human reviewer confirmed."""

    text: str
    score: int
    example_id: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer:
    """The answer to score: a transcript or written text, with the transcriber's flags.

    Args:
        text: Transcript or written answer.
        asr_confidence: Mean word probability from the transcriber (``None`` when written).
        no_speech: The transcriber found no speech.
        transcript_completeness: Share of the detected speech the transcript's words
            cover (``Transcript.completeness``); None when written or not measured.
        words_per_second: Speaking rate over the detected speech; None when written.
        answer_id: The product's id for the answer.
    """

    text: str
    asr_confidence: float | None = None
    no_speech: bool = False
    transcript_completeness: float | None = None
    words_per_second: float | None = None
    answer_id: str = field(default="")
