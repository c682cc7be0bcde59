"""How well a question's exemplars separate its levels: leave-one-out with the real scorer.

Each exemplar is scored, as a candidate's answer would be, against the question's other
exemplars (and its level descriptors); nothing else is used, so this is the question's
day-one regime. The scores are compared pair by pair: a pair of exemplars at different
levels is *ordered* when the higher level gets the higher score. The admin's question form
shows the result as one sentence; the bank's own test holds every shipped question to it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from scoring.exemplar_scorer import ExemplarScorer
from scoring.rubric import Rubric, RubricLevel
from server.domain.curation.schemas import ExemplarCheckIn, ExemplarCheckOut, ExemplarLeftOut
from server.errors import InvalidInput
from server.jobs.context import JobContext

__all__ = ["FAIR_SHARE", "GOOD_SHARE", "LeftOut", "check_exemplars", "leave_one_out", "summarise"]

GOOD_SHARE = 0.9
"""Share of ordered pairs for "good": the bar the shipped bank meets for 90% of its questions."""
FAIR_SHARE = 0.7
SCALE = (1, 2, 3, 4, 5)
Verdict = Literal["good", "fair", "weak"]


@dataclass(frozen=True, slots=True)
class LeftOut:
    """One exemplar's score when the scorer saw only the other exemplars."""

    level: int
    score: float | None
    abstain_reason: str | None


def leave_one_out(
    scorer: ExemplarScorer,
    prompt: str,
    exemplars: Sequence[tuple[int, str]],
    descriptors: Mapping[int, str] | None = None,
    *,
    question_id: str = "",
) -> list[LeftOut]:
    """Score each ``(level, text)`` exemplar against the rest (blocking: call from a thread)."""
    descriptors = descriptors or {}
    out: list[LeftOut] = []
    for i, (level, text) in enumerate(exemplars):
        rest = [(lv, t) for j, (lv, t) in enumerate(exemplars) if j != i and t.strip() != text.strip()]
        rubric = Rubric(
            question=prompt,
            question_id=question_id,
            levels=tuple(
                RubricLevel(
                    level=lv,
                    descriptor=descriptors.get(lv, ""),
                    exemplars=tuple(t for el, t in rest if el == lv),
                )
                for lv in SCALE
            ),
        )
        s = scorer.suggest(rubric, text)
        out.append(
            LeftOut(
                level=level,
                score=s.score,
                abstain_reason=s.abstain_reason.value if s.abstain_reason is not None else None,
            )
        )
    return out


def summarise(results: Sequence[LeftOut]) -> tuple[Verdict, str, int, int, float | None]:
    """``(verdict, sentence, ordered_pairs, pairs, mean_error)`` for leave-one-out results."""
    scored = [r for r in results if r.score is not None]
    pairs = ordered = 0
    for a in scored:
        for b in scored:
            if a.level < b.level:
                pairs += 1
                ordered += int(a.score is not None and b.score is not None and a.score < b.score)
    errors = [abs(r.score - r.level) for r in scored if r.score is not None]
    mean_error = round(sum(errors) / len(errors), 2) if errors else None
    unscored = len(results) - len(scored)
    tail = (
        f" {unscored} exemplar{'s' if unscored != 1 else ''} could not be scored (too short or "
        "too far from the rest): make it a full answer to this question."
        if unscored
        else ""
    )
    if pairs == 0:
        return (
            "weak",
            "There is nothing to compare yet: write scored exemplars at two or more levels "
            "(for example 1, 3 and 5)." + tail,
            0,
            0,
            mean_error,
        )
    share = ordered / pairs
    lowest = min(scored, key=lambda r: r.level)
    highest = max(scored, key=lambda r: r.level)
    extremes_ok = lowest.score is not None and highest.score is not None and lowest.score < highest.score
    counted = f"{ordered} of {pairs} comparison{'s' if pairs != 1 else ''}"
    verdict: Verdict
    if share >= GOOD_SHARE and extremes_ok:
        verdict, meaning = "good", "the AI can tell strong answers from weak ones on this question."
    elif share >= FAIR_SHARE and extremes_ok:
        verdict, meaning = (
            "fair",
            (
                "the AI mostly tells the levels apart; the exemplars it placed "
                "out of order are marked, so sharpen what makes them differ."
            ),
        )
    else:
        verdict, meaning = (
            "weak",
            (
                "the AI cannot yet tell these levels apart: make the answers at "
                "each level differ in what they say, not only in length."
            ),
        )
    sentence = (
        f"Scored one at a time against the others, your exemplars came out in the right order "
        f"in {counted}: {meaning}{tail}"
    )
    return verdict, sentence, ordered, pairs, mean_error


async def check_exemplars(ctx: JobContext, data: ExemplarCheckIn) -> ExemplarCheckOut:
    """Leave-one-out on a draft rubric's exemplars with the organization-independent scorer."""
    exemplars = [(e.level, e.text.strip()) for e in data.exemplars if e.text.strip()]
    if len({lv for lv, _ in exemplars}) < 2:
        raise InvalidInput(
            "Write exemplars at two or more levels (for example 1, 3 and 5) to check "
            "how well they separate the levels.",
            field="exemplars",
        )
    descriptors: dict[int, str] = {}
    for key, text in data.levels.items():
        if key not in {str(lv) for lv in SCALE}:
            raise InvalidInput(f"Rubric level '{key}' is not one of 1-5.", field="levels")
        descriptors[int(key)] = text

    def run() -> tuple[list[LeftOut], dict[str, str]]:
        scorer = ctx.models.scorer()  # loads the encoder on first use: in this thread
        return leave_one_out(scorer, data.prompt, exemplars, descriptors), dict(scorer.model_versions)

    results, versions = await asyncio.to_thread(run)
    verdict, sentence, ordered, pairs, mean_error = summarise(results)
    return ExemplarCheckOut(
        verdict=verdict,
        sentence=sentence,
        ordered_pairs=ordered,
        pairs=pairs,
        mean_error=mean_error,
        exemplars=[
            ExemplarLeftOut(
                index=i,
                level=r.level,
                score=round(r.score, 3) if r.score is not None else None,
                abstain_reason=r.abstain_reason,
            )
            for i, r in enumerate(results)
        ],
        model_versions=versions,
    )
