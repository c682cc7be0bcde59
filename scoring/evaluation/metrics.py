"""Agreement metrics between suggested and human scores (plain numpy, hand-checkable)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "MetricSet",
    "accuracy",
    "f1_scores",
    "interval_coverage",
    "metric_set",
    "pearson",
    "quadratic_weighted_kappa",
    "rmse",
    "standardized_mean_difference",
]

ArrayLike = npt.ArrayLike


def _arr(x: ArrayLike) -> npt.NDArray[np.float64]:
    return np.asarray(x, dtype=np.float64)


def quadratic_weighted_kappa(human: ArrayLike, predicted: ArrayLike, labels: Sequence[int]) -> float:
    """Cohen's kappa with quadratic weights over the ordered ``labels``."""
    h, p = np.asarray(human), np.asarray(predicted)
    k = len(labels)
    index = {lv: i for i, lv in enumerate(labels)}
    observed = np.zeros((k, k))
    for a, b in zip(h, p, strict=True):
        observed[index[int(a)], index[int(b)]] += 1
    if observed.sum() == 0 or k < 2:
        return math.nan
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    i, j = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    weights = (i - j) ** 2 / (k - 1) ** 2
    denominator = float((weights * expected).sum())
    return 1.0 - float((weights * observed).sum()) / denominator if denominator else math.nan


def accuracy(human: ArrayLike, predicted: ArrayLike) -> float:
    """Share of exact agreement."""
    h, p = np.asarray(human), np.asarray(predicted)
    return float((h == p).mean()) if len(h) else math.nan


def f1_scores(human: ArrayLike, predicted: ArrayLike, labels: Sequence[int]) -> tuple[float, float]:
    """Macro and support-weighted F1 over ``labels`` (a label never seen nor predicted scores 0)."""
    h, p = np.asarray(human), np.asarray(predicted)
    f1s, support = [], []
    for lv in labels:
        tp = float(((h == lv) & (p == lv)).sum())
        denom = float((h == lv).sum() + (p == lv).sum())
        f1s.append(2 * tp / denom if denom else 0.0)
        support.append(float((h == lv).sum()))
    if not len(h):
        return math.nan, math.nan
    return float(np.mean(f1s)), float(np.dot(f1s, support) / sum(support))


def pearson(human: ArrayLike, predicted: ArrayLike) -> float:
    """Pearson correlation; NaN when either side is constant."""
    h, p = _arr(human), _arr(predicted)
    if len(h) < 2 or h.std() == 0 or p.std() == 0:
        return math.nan
    return float(np.corrcoef(h, p)[0, 1])


def rmse(human: ArrayLike, predicted: ArrayLike) -> float:
    """Root mean squared error."""
    h, p = _arr(human), _arr(predicted)
    return float(np.sqrt(np.mean((h - p) ** 2))) if len(h) else math.nan


def standardized_mean_difference(human: ArrayLike, predicted: ArrayLike) -> float:
    """(mean predicted - mean human) / pooled standard deviation (Williamson et al. 2012)."""
    h, p = _arr(human), _arr(predicted)
    pooled = math.sqrt((h.var(ddof=1) + p.var(ddof=1)) / 2) if len(h) > 1 else 0.0
    return float((p.mean() - h.mean()) / pooled) if pooled else math.nan


def interval_coverage(human: ArrayLike, low: ArrayLike, high: ArrayLike) -> tuple[float, float]:
    """Share of human scores inside ``[low, high]`` and the mean width."""
    h, lo, hi = _arr(human), _arr(low), _arr(high)
    if not len(h):
        return math.nan, math.nan
    return float(((h >= lo - 1e-9) & (h <= hi + 1e-9)).mean()), float((hi - lo).mean())


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricSet:
    """Agreement of one scorer with the human scores over the answers it scored."""

    n: int
    n_scored: int
    abstain_rate: float
    accuracy: float
    macro_f1: float
    weighted_f1: float
    qwk: float
    pearson: float
    rmse: float
    smd: float
    coverage: float
    mean_width: float
    abstain_reasons: dict[str, int]


def metric_set(
    *,
    human: ArrayLike,
    score: ArrayLike,
    level: ArrayLike,
    low: ArrayLike,
    high: ArrayLike,
    labels: Sequence[int],
    n_total: int,
    abstain_reasons: dict[str, int] | None = None,
) -> MetricSet:
    """All metrics for the scored answers (``score`` continuous, ``level`` on the scale)."""
    h = np.asarray(human)
    macro, weighted = f1_scores(h, level, labels)
    coverage, width = interval_coverage(h, low, high)
    return MetricSet(
        n=n_total,
        n_scored=len(h),
        abstain_rate=1.0 - len(h) / n_total if n_total else math.nan,
        accuracy=accuracy(h, level),
        macro_f1=macro,
        weighted_f1=weighted,
        qwk=quadratic_weighted_kappa(h, level, labels),
        pearson=pearson(h, score),
        rmse=rmse(h, score),
        smd=standardized_mean_difference(h, score),
        coverage=coverage,
        mean_width=width,
        abstain_reasons=dict(abstain_reasons or {}),
    )
