"""The plain baseline every evaluation reports beside the scorer: a k-nearest vote.

The k labelled texts (exemplars and scored examples) nearest by cosine vote for their
level, each vote weighted by its similarity.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from scoring.features import AnswerVectors, PreparedQuestion

__all__ = ["knn_baseline"]


def knn_baseline(
    pq: PreparedQuestion, answers: Sequence[AnswerVectors], *, k: int = 5
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Similarity-weighted mean level and winning level of the ``k`` nearest labelled texts.

    Returns:
        ``(scores, levels)`` on the rubric's scale; with no labelled text, the scale midpoint.
    """
    vectors = np.concatenate([pq.exemplar_vectors, pq.example_vectors])
    levels = np.concatenate([pq.exemplar_levels, pq.example_levels])
    n = len(answers)
    scores = np.full(n, float(pq.scale.mean()))
    winners = np.full(n, int(pq.scale[len(pq.scale) // 2]), dtype=np.int64)
    if not len(vectors) or not n:
        return scores, winners
    sims = np.stack([a.vector for a in answers]) @ vectors.T
    top = np.argsort(-sims, axis=1)[:, :k]
    for i in range(n):
        w = np.clip(sims[i, top[i]], 1e-6, None)
        votes = np.zeros(len(pq.scale))
        np.add.at(votes, levels[top[i]], w)
        scores[i] = float(votes @ pq.scale / votes.sum())
        winners[i] = int(pq.scale[int(np.argmax(votes))])
    return scores, winners
