"""Conformal intervals: hand-checked quantiles, fallbacks, and coverage on real data."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fixtures_content import SEMEVAL_DIR

from scoring.calibration import CalibrationRecord, ConformalCalibrator, conformal_quantile
from scoring.evaluation.runner import run_evaluation


def test_quantile_is_the_finite_sample_corrected_order_statistic() -> None:
    # n = 9, level 0.8: ceil(10 * 0.8) = 8th smallest
    assert conformal_quantile([9, 1, 8, 2, 7, 3, 6, 4, 5], 0.8) == 8
    # n = 3, level 0.8: ceil(4 * 0.8) = 4 > 3, so no finite quantile
    assert math.isinf(conformal_quantile([1, 2, 3], 0.8))


def test_too_few_reviews_give_the_whole_scale() -> None:
    records = [CalibrationRecord(suggested=3.0, spread=0.5, human=3.0)] * 5
    iv = ConformalCalibrator.fit(records, level=0.8).interval(3.2, 0.5, low=1, high=5)
    assert (iv.low, iv.high, iv.calibrated, iv.method) == (1, 5, False, "full-scale")


def test_interval_is_scaled_by_spread_and_clipped() -> None:
    # residual / (spread + 0.05) = 1.0 for every record, so q = 1
    records = [CalibrationRecord(suggested=3.0, spread=0.45, human=3.5)] * 40
    cal = ConformalCalibrator.fit(records, level=0.8)
    iv = cal.interval(4.8, 0.45, low=1, high=5)
    assert iv.calibrated and iv.method == "split-conformal"
    assert iv.low == pytest.approx(4.3) and iv.high == 5.0


def test_mondrian_group_used_once_large_enough() -> None:
    wide = [CalibrationRecord(suggested=2.0, spread=0.0, human=4.0, groups=("q1",)) for _ in range(70)]
    narrow = [CalibrationRecord(suggested=2.0, spread=0.0, human=2.05, groups=("q2",)) for _ in range(10)]
    cal = ConformalCalibrator.fit(wide + narrow, level=0.8, min_group=60)
    assert cal.interval(3.0, 0.0, low=1, high=5, groups=("q1",)).method == "mondrian:q1"
    # q2 has too few records of its own: the pooled quantile (dominated by q1) applies
    assert cal.interval(3.0, 0.0, low=1, high=5, groups=("q2",)).method == "split-conformal"


def test_synthetic_exchangeable_coverage() -> None:
    rng = np.random.default_rng(7)

    def draw(n: int) -> list[CalibrationRecord]:
        spread = rng.uniform(0.1, 1.0, n)
        mu = rng.uniform(1, 5, n)
        return [
            CalibrationRecord(suggested=m, spread=s, human=m + rng.normal(0, s))
            for m, s in zip(mu, spread, strict=True)
        ]

    cal = ConformalCalibrator.fit(draw(3000), level=0.8)
    test = draw(3000)
    hits = [
        (iv := cal.interval(r.suggested, r.spread, low=-10, high=20)).low <= r.human <= iv.high for r in test
    ]
    assert abs(np.mean(hits) - 0.8) < 0.025


@pytest.mark.slow
@pytest.mark.parametrize("level", [0.8, 0.9])
def test_cross_validated_coverage_on_semeval_copy(level: float) -> None:
    report = run_evaluation("semeval", SEMEVAL_DIR / "3way", folds=5, level=level, progress=False)
    overall = report.results[-1]
    assert overall.dataset == "all" and overall.scorer.n_scored > 600
    assert abs(overall.scorer.coverage - level) <= 0.05
    assert overall.scorer.mean_width < 2.0  # narrower than the scale: the interval says something
