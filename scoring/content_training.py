"""Fit the content model on human-confirmed answers (leave-one-out features).

Each confirmed answer is scored against its question's exemplars and the *other*
confirmed answers, so the model learns how similarity predicts a human score without
ever seeing the answer among its own neighbours.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from scoring.content_model import ContentModel, fit_conditional_logit
from scoring.embeddings import Encoder
from scoring.features import encode_answers, level_features, prepare_question
from scoring.rubric import Rubric, ScoredExample

__all__ = ["fit_arrays", "fit_content_model", "training_features"]

FloatArray = npt.NDArray[np.float64]


def training_features(
    encoder: Encoder, questions: Sequence[tuple[Rubric, Sequence[ScoredExample]]]
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.int64]]:
    """Exemplar-only features, leave-one-out example features, and level indices.

    All questions must share one scale length (one assessment uses one scale).
    """
    x_ex: list[FloatArray] = []
    x_se: list[FloatArray] = []
    ys: list[npt.NDArray[np.int64]] = []
    for rubric, examples in questions:
        kept = [e for e in examples if e.score in rubric.scale and e.text.strip()]
        if not kept:
            continue
        pq = prepare_question(encoder, rubric, kept)
        vectors = encode_answers(encoder, [e.text for e in kept])
        x_ex.append(level_features(pq, vectors, use_examples=False))
        x_se.append(level_features(pq, vectors, exclude=list(range(len(kept)))))
        ys.append(np.asarray([rubric.scale.index(e.score) for e in kept], dtype=np.int64))
    if not ys:
        raise ValueError("Fitting the content model needs at least one confirmed answer.")
    if len({x.shape[1] for x in x_ex}) > 1:
        raise ValueError("Fit one content model per scale length; these questions mix scales.")
    return np.concatenate(x_ex), np.concatenate(x_se), np.concatenate(ys)


def fit_content_model(
    encoder: Encoder,
    questions: Sequence[tuple[Rubric, Sequence[ScoredExample]]],
    *,
    l2: float = 1.0,
    full_at: int = 20,
    version: str = "content-clogit-fitted",
) -> ContentModel:
    """Fit exemplar-only and example-informed weights on confirmed answers."""
    x_ex, x_se, y = training_features(encoder, questions)
    return fit_arrays(x_ex, x_se, y, l2=l2, full_at=full_at, version=version)


def fit_arrays(
    x_ex: FloatArray,
    x_se: FloatArray,
    y: npt.NDArray[np.int64],
    *,
    l2: float = 1.0,
    full_at: int = 20,
    version: str = "content-clogit-fitted",
) -> ContentModel:
    """Fit both weight vectors from precomputed features."""
    return ContentModel(
        exemplar_weights=tuple(float(v) for v in fit_conditional_logit(x_ex, y, l2=l2)),
        example_weights=tuple(float(v) for v in fit_conditional_logit(x_se, y, l2=l2)),
        full_at=full_at,
        version=version,
    )
