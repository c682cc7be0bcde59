"""Fit the content model on human-confirmed answers (leave-one-out features).

Each confirmed answer is scored against its question's exemplars and the *other*
confirmed answers, so the model learns how similarity predicts a human score without
ever seeing the answer among its own neighbours. The features are computed by the caller
(``scoring.evaluation.runner`` per fold, leave-one-out); this fits the two weight vectors.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from scoring.content_model import ContentModel, fit_conditional_logit

__all__ = ["fit_arrays"]

FloatArray = npt.NDArray[np.float64]


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
