"""Time to score one answer (embedding + scoring) against the bare encoder on the same texts.

Run: ``HF_HUB_OFFLINE=1 .venv/bin/python bench/bench_scoring.py``. Each text is new to the
encoder's cache, so the scorer pays for its own embedding, as it does in production.
"""

from __future__ import annotations

import statistics
import time

from scoring.embeddings import default_encoder
from scoring.exemplar_scorer import ExemplarScorer
from scoring.rubric import Rubric, RubricLevel, ScoredExample

SHORT = "I asked my colleague why they preferred their approach and we agreed on a plan ({i})."
LONG = " ".join(
    [
        "I set up a meeting with my colleague to understand their reasoning before arguing my own case.",
        "We wrote down the advantages and drawbacks of both approaches, including the deadline and risks.",
        "Then we ran a small experiment on real data from the previous release to test both ideas.",
        "Their approach was faster but mine handled the edge cases, so we combined the two.",
        "Afterwards we agreed to raise disagreements earlier, in the planning meeting ({i}).",
    ]
    * 3
)
RUBRIC = Rubric(
    question_id="bench",
    question="Tell us about a time you disagreed with a colleague. What did you do?",
    levels=tuple(
        RubricLevel(level=lv, exemplars=(f"An example answer at level {lv} about a disagreement at work.",))
        for lv in range(1, 6)
    ),
)
EXAMPLES = [
    ScoredExample(text=f"Confirmed answer {i} about handling a disagreement.", score=1 + i % 5)
    for i in range(40)
]


def main(repeats: int = 20) -> None:
    """Print median milliseconds per answer and the scorer/encoder ratio."""
    scorer = ExemplarScorer()
    question = scorer.prepare(RUBRIC, EXAMPLES)
    model = default_encoder().raw_model()
    from scoring.text_units import split_sentences

    for name, template in (("short", SHORT), ("long", LONG)):
        texts = [template.format(i=f"{name} {i}") for i in range(repeats + 2)]
        scorer.suggest(question, texts[0])  # warm up
        model.encode([texts[1]], normalize_embeddings=True)
        bare, full = [], []
        for i, text in enumerate(texts[2:]):
            sentences = [s.text for s in split_sentences(text)]
            t0 = time.perf_counter()
            model.encode([text + f" bare{i}"], normalize_embeddings=True)  # same text length, cold cache
            t1 = time.perf_counter()
            scorer.suggest(question, text)
            t2 = time.perf_counter()
            bare.append(t1 - t0)
            full.append(t2 - t1)
        b, f = statistics.median(bare) * 1000, statistics.median(full) * 1000
        print(
            f"{name:5s} ({len(text.split())} words, {len(sentences)} sentences): "
            f"bare encode {b:7.1f} ms   score_one {f:7.1f} ms   ratio {f / b:5.2f}x"
        )


if __name__ == "__main__":
    main()
