"""Prior calibration: intervals from the first answer, replaced by an organization's reviews."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.calibration import (
    CalibrationPrior,
    CalibrationRecord,
    ConformalCalibrator,
    default_prior,
    nonconformity,
)
from scoring.exemplar_scorer import calibration_groups, prior_groups

# The scorer's error grows as it knows less about a question: per regime, the human score
# is the suggestion plus noise proportional to the model's spread, times a regime factor.
REGIMES = {"exemplars": 1.6, "few_examples": 1.2, "examples": 0.8}


def _draw(rng: np.random.Generator, regime: str, n: int, factor: float = 1.0) -> list[CalibrationRecord]:
    spread = rng.uniform(0.2, 0.9, n)
    mu = rng.uniform(1.5, 4.5, n)
    human = mu + rng.normal(0.0, 1.0, n) * spread * REGIMES[regime] * factor
    return [
        CalibrationRecord(suggested=m, spread=s, human=h, groups=calibration_groups(f"q{i % 7}", regime))
        for i, (m, s, h) in enumerate(zip(mu, spread, human, strict=True))
    ]


def _prior(rng: np.random.Generator) -> CalibrationPrior:
    scores = {}
    for regime in REGIMES:
        recs = _draw(rng, regime, 3000)
        scores[f"regime:{regime}"] = nonconformity(
            [r.suggested for r in recs], [r.spread for r in recs], [r.human for r in recs]
        ).tolist()
    return CalibrationPrior.fit(scores, source="simulation")


def _stream_coverage(
    rng: np.random.Generator, prior: CalibrationPrior, regime: str, n: int, factor: float = 1.0
) -> tuple[list[bool], list[float], list[str]]:
    """Answers arrive one by one; each gets the interval of the reviews confirmed before it."""
    stream = _draw(rng, regime, n, factor)
    hits, widths, methods = [], [], []
    for t, rec in enumerate(stream):
        cal = ConformalCalibrator.fit(stream[:t], level=0.8, prior=prior)
        iv = cal.interval(rec.suggested, rec.spread, low=-20, high=20, groups=rec.groups)
        hits.append(iv.low <= rec.human <= iv.high)
        widths.append(iv.high - iv.low)
        methods.append(iv.method)
    return hits, widths, methods


@pytest.mark.parametrize("regime", sorted(REGIMES))
def test_stream_coverage_honest_in_every_regime_from_the_first_answer(regime: str) -> None:
    rng = np.random.default_rng(11)
    prior = _prior(rng)
    hits, widths, methods = _stream_coverage(rng, prior, regime, 400)
    assert abs(np.mean(hits) - 0.8) <= 0.05
    assert abs(np.mean(hits[:20]) - 0.8) <= 0.25  # the prior alone, before any review
    assert methods[0] == f"prior:regime:{regime}"
    assert methods[-1].startswith("mondrian:")  # the organization's own reviews took over
    # narrower than the scale from the first answer: a realistic 1-5 scale is 4 wide
    assert widths[0] < 4.0


def test_reviews_replace_a_prior_that_does_not_fit_the_organization() -> None:
    rng = np.random.default_rng(5)
    prior = _prior(rng)
    # this organization's answers are twice as noisy as the public data
    hits, _, methods = _stream_coverage(rng, prior, "examples", 600, factor=2.0)
    assert np.mean(hits[:20]) < 0.7  # the prior was too optimistic here...
    assert abs(np.mean(hits[100:]) - 0.8) <= 0.05  # ...and the organization's reviews fixed it
    assert "mondrian:regime:examples" in methods


def test_question_group_takes_over_from_the_regime() -> None:
    rng = np.random.default_rng(3)
    prior = _prior(rng)
    recs = [
        CalibrationRecord(suggested=3.0, spread=0.5, human=3.1, groups=calibration_groups("q1", "examples"))
        for _ in range(70)
    ]
    cal = ConformalCalibrator.fit(recs, level=0.8, prior=prior)
    iv = cal.interval(3.0, 0.5, low=1, high=5, groups=calibration_groups("q1", "examples"))
    assert iv.method == "mondrian:question:q1:examples" and iv.n_calibration == 70
    other = cal.interval(3.0, 0.5, low=1, high=5, groups=calibration_groups("q2", "exemplars"))
    assert other.method == "prior:regime:exemplars"


def test_most_specific_prior_group_wins_and_json_round_trips() -> None:
    prior = CalibrationPrior.fit(
        {"regime:exemplars": [1.0] * 50, "regime:exemplars:graded": [0.5] * 50}, source="t"
    )
    again = CalibrationPrior.from_json(prior.to_json())
    assert again.quantile(("regime", "exemplars"), 0.8) == pytest.approx(1.0)
    cal = ConformalCalibrator(level=0.8, prior=again)
    iv = cal.interval(
        3.0,
        0.45,
        low=1,
        high=5,
        groups=calibration_groups("q", "exemplars"),
        prior_groups=prior_groups("exemplars", "graded"),
    )
    assert iv.method == "prior:regime:exemplars:graded"
    assert (iv.low, iv.high) == pytest.approx((2.75, 3.25))
    # an unknown regime and no reviews: still the whole scale
    none = cal.interval(3.0, 0.45, low=1, high=5, groups=calibration_groups("q", "other"))
    assert none.method == "full-scale" and not none.calibrated


def test_shipped_prior_covers_every_regime_and_narrows_the_scale() -> None:
    prior = default_prior()
    assert prior is not None, "scoring/calibration_prior.json must ship with the scorer"
    for key in ("regime:exemplars", "regime:exemplars:references", "regime:few_examples", "regime:examples"):
        assert prior.n[key] >= 100, key
        q = prior.quantile(key, 0.8)
        assert q is not None and q > 0
    assert "CC BY-SA 3.0" in prior.source
    # a typical suggestion's 80% interval from the prior alone is narrower than a 1-5 scale
    cal = ConformalCalibrator(level=0.8, prior=prior)
    iv = cal.interval(3.0, 0.6, low=1, high=5, groups=calibration_groups("new", "exemplars"))
    assert iv.calibrated and iv.high - iv.low < 4.0
