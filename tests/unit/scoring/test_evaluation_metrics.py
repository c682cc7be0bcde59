"""Agreement metrics on hand-checked numbers."""

from __future__ import annotations

import pytest

from scoring.evaluation.metrics import (
    accuracy,
    f1_scores,
    interval_coverage,
    pearson,
    quadratic_weighted_kappa,
    rmse,
    standardized_mean_difference,
)

HUMAN = [1, 1, 1, 2]
PRED = [1, 1, 2, 2]


def test_qwk_hand_checked() -> None:
    # observed [[2,1],[0,1]], expected outer([3,1],[2,2])/4 = [[1.5,1.5],[.5,.5]]
    # kappa = 1 - (1) / (1.5 + 0.5) = 0.5
    assert quadratic_weighted_kappa(HUMAN, PRED, [1, 2]) == pytest.approx(0.5)
    assert quadratic_weighted_kappa([1, 2, 3], [1, 2, 3], [1, 2, 3]) == pytest.approx(1.0)
    # a distance-2 miss costs 4x a distance-1 miss on a 3-point scale
    assert quadratic_weighted_kappa([1, 3], [3, 1], [1, 2, 3]) == pytest.approx(-1.0)


def test_f1_hand_checked() -> None:
    macro, weighted = f1_scores(HUMAN, PRED, [1, 2])
    # label 1: 2*2/(3+2) = 0.8; label 2: 2*1/(1+2) = 2/3
    assert macro == pytest.approx((0.8 + 2 / 3) / 2)
    assert weighted == pytest.approx((0.8 * 3 + 2 / 3 * 1) / 4)
    assert accuracy(HUMAN, PRED) == 0.75


def test_continuous_metrics_hand_checked() -> None:
    assert rmse([1, 2, 3], [1, 2, 5]) == pytest.approx((4 / 3) ** 0.5)
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    # means 2 and 3; sample variances 1 and 1 -> pooled sd 1 -> SMD +1
    assert standardized_mean_difference([1, 2, 3], [2, 3, 4]) == pytest.approx(1.0)
    coverage, width = interval_coverage([1, 2, 3], [0.5, 2.5, 2.0], [1.5, 3.0, 3.0])
    assert coverage == pytest.approx(2 / 3) and width == pytest.approx((1 + 0.5 + 1) / 3)
