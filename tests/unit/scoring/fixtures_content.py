"""Shared test material for content scoring (imported explicitly; not a conftest)."""

from __future__ import annotations

from pathlib import Path

from scoring.rubric import Rubric, RubricLevel

__all__ = ["SEMEVAL_DIR", "interview_rubric"]

SEMEVAL_DIR = Path(__file__).resolve().parents[2] / "data" / "semeval"


def interview_rubric() -> Rubric:
    """A 1..5 behavioural interview question with one or two exemplars per level."""
    return Rubric(
        question_id="conflict",
        question="Tell us about a time you disagreed with a colleague about how to do a piece of work. "
        "What did you do?",
        levels=(
            RubricLevel(
                level=1,
                descriptor="Avoids or escalates the conflict; no ownership.",
                exemplars=(
                    "I just did it my way and ignored what my colleague said.",
                    "I complained to my manager and let them deal with it.",
                ),
            ),
            RubricLevel(
                level=2,
                descriptor="Gives in or insists without listening.",
                exemplars=("I gave up and did it their way to avoid an argument.",),
            ),
            RubricLevel(
                level=3,
                descriptor="Discusses the disagreement but with little structure.",
                exemplars=("We talked about it and eventually agreed on one of the approaches.",),
            ),
            RubricLevel(
                level=4,
                descriptor="Listens, compares options on evidence, agrees a way forward.",
                exemplars=(
                    "I asked my colleague to explain their reasoning, we compared both approaches against "
                    "the deadline and the risks, and agreed to go with theirs with one change I suggested.",
                ),
            ),
            RubricLevel(
                level=5,
                descriptor="As 4, plus tests the options, follows up and reflects on the relationship.",
                exemplars=(
                    "I set up a meeting to understand my colleague's reasoning, we listed the pros and cons "
                    "of both approaches, ran a small experiment to test them with real data, picked the one "
                    "that performed better, and afterwards we agreed how to handle disagreements earlier.",
                ),
            ),
        ),
    )
