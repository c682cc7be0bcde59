"""Aggregation: weights, renormalisation over what was scored, and interval propagation."""

from __future__ import annotations

import math

import pytest
from scipy.stats import norm

from scoring.aggregate import Competency, Dimension, ResponseScore, aggregate
from scoring.suggestion import AbstainReason, Suggestion

Z80 = float(norm.ppf(0.9))


def _suggested(score: float, low: float, high: float) -> Suggestion:
    return Suggestion(
        score=score,
        rounded_level=round(score),
        interval_low=low,
        interval_high=high,
        level=0.8,
        abstained=False,
    )


def _abstained() -> Suggestion:
    return Suggestion(
        score=None,
        rounded_level=None,
        interval_low=None,
        interval_high=None,
        level=0.8,
        abstained=True,
        abstain_reason=AbstainReason.TOO_SHORT,
    )


STRUCTURE = (
    Dimension(
        name="thinking",
        weight=60,
        competencies=(
            Competency(name="analysis", question_ids=("q1", "q2")),
            Competency(name="judgement", question_ids=("q3",), weight=3.0),
        ),
    ),
    Dimension(name="people", weight=40, competencies=(Competency(name="teamwork", question_ids=("q4",)),)),
)


def test_weights_and_human_scores_hand_checked() -> None:
    responses = {
        # scale 1..5 -> 0..100: 3 -> 50, 5 -> 100, 4 -> 75, 2 -> 25
        "q1": ResponseScore(question_id="q1", scale_low=1, scale_high=5, human_score=3),
        "q2": ResponseScore(question_id="q2", scale_low=1, scale_high=5, human_score=5),
        "q3": ResponseScore(question_id="q3", scale_low=1, scale_high=5, human_score=4),
        "q4": ResponseScore(question_id="q4", scale_low=1, scale_high=5, human_score=2),
    }
    result = aggregate(STRUCTURE, responses)
    analysis, judgement, _teamwork = result.competencies
    assert analysis.score == pytest.approx(75.0)
    assert judgement.score == pytest.approx(75.0)
    thinking = result.dimensions[0]
    assert thinking.score == pytest.approx((1 * 75 + 3 * 75) / 4)
    assert result.overall.score == pytest.approx(0.6 * 75 + 0.4 * 25)
    # human scores carry no model uncertainty
    assert result.overall.low == pytest.approx(result.overall.score)
    assert result.overall.high == pytest.approx(result.overall.score)
    assert result.overall.coverage == 1.0 and result.overall.n_human == 4


def test_interval_propagation_hand_checked() -> None:
    # q1: 3 ± 1 on 1..5 -> 50 ± 25 at 80%: sigma = 25 / z; q2: human 5 -> 100, sigma 0
    responses = {
        "q1": ResponseScore(
            question_id="q1", scale_low=1, scale_high=5, suggestion=_suggested(3.0, 2.0, 4.0)
        ),
        "q2": ResponseScore(question_id="q2", scale_low=1, scale_high=5, human_score=5),
    }
    structure = (
        Dimension(name="d", weight=100, competencies=(Competency(name="c", question_ids=("q1", "q2")),)),
    )
    overall = aggregate(structure, responses).overall
    var1 = (25 / Z80) ** 2
    floor = 25.0**2 / 12  # one level is 25 points; the human's variance is floored for weighting
    w1, w2 = 1 / var1, 1 / floor
    mean = (w1 * 50 + w2 * 100) / (w1 + w2)
    sigma = w1 / (w1 + w2) * math.sqrt(var1)  # the human's score has no model uncertainty
    assert overall.score == pytest.approx(mean)
    assert 90 < mean < 100  # the person's score outweighs a wide suggestion
    assert overall.low == pytest.approx(mean - Z80 * sigma)
    assert overall.high == pytest.approx(min(100.0, mean + Z80 * sigma))


def test_precision_weighting_within_a_competency() -> None:
    # same scale, same competency: a narrow suggestion (4 ± 0.25) and a wide one (2 ± 1.5)
    responses = {
        "q1": ResponseScore(
            question_id="q1", scale_low=1, scale_high=5, suggestion=_suggested(4.0, 3.75, 4.25)
        ),
        "q2": ResponseScore(
            question_id="q2", scale_low=1, scale_high=5, suggestion=_suggested(2.0, 0.5, 3.5)
        ),
    }
    structure = (
        Dimension(name="d", weight=100, competencies=(Competency(name="c", question_ids=("q1", "q2")),)),
    )
    (comp,) = aggregate(structure, responses).competencies
    v1 = (6.25 / Z80) ** 2  # 0.25 of a 4-wide scale = 6.25 points; above the floor 625/12
    v1 = max(v1, 625 / 12)
    v2 = (37.5 / Z80) ** 2
    expected = (75 / v1 + 25 / v2) / (1 / v1 + 1 / v2)
    assert comp.score == pytest.approx(expected)
    assert comp.score > 60  # not the plain mean 50: the precise answer dominates
    assert comp.n_scored == 2 and comp.n_responses == 2


def test_overall_is_partial_until_every_dimension_has_a_scored_answer() -> None:
    responses = {
        "q1": ResponseScore(question_id="q1", scale_low=1, scale_high=5, human_score=4),
        "q2": ResponseScore(
            question_id="q2", scale_low=1, scale_high=5, suggestion=_suggested(3.0, 2.5, 3.5)
        ),
        "q4": ResponseScore(question_id="q4", scale_low=1, scale_high=5, suggestion=_abstained()),
    }
    result = aggregate(STRUCTURE, responses)
    overall = result.overall
    assert overall.partial and overall.score is None and overall.low is None
    assert overall.note == "partial: 2 of 4 answers"
    assert overall.n_scored == 2 and overall.n_responses == 4
    # the dimension that has answers still shows its own score and count
    thinking, people = result.dimensions
    assert thinking.score is not None and thinking.n_scored == 2 and not thinking.partial
    assert people.score is None and people.abstained == ("q4",)
    done = aggregate(
        STRUCTURE,
        {**responses, "q4": ResponseScore(question_id="q4", scale_low=1, scale_high=5, human_score=2)},
    )
    assert not done.overall.partial and done.overall.score is not None and done.overall.note == ""


def test_abstained_and_missing_are_reported_not_imputed() -> None:
    responses = {
        "q1": ResponseScore(
            question_id="q1", scale_low=1, scale_high=5, suggestion=_suggested(5.0, 4.5, 5.0)
        ),
        "q2": ResponseScore(question_id="q2", scale_low=1, scale_high=5, suggestion=_abstained()),
        "q4": ResponseScore(question_id="q4", scale_low=1, scale_high=5, human_score=1),
    }
    result = aggregate(STRUCTURE, responses)
    analysis, judgement, _ = result.competencies
    assert analysis.score == pytest.approx(100.0) and analysis.coverage == 0.5
    assert analysis.abstained == ("q2",)
    assert judgement.score is None and judgement.missing == ("q3",)
    thinking = result.dimensions[0]
    assert thinking.score == pytest.approx(100.0)  # only analysis is scored
    assert thinking.coverage == pytest.approx((1 * 0.5 + 3 * 0.0) / 4)
    assert result.overall.coverage == pytest.approx(0.6 * 0.125 + 0.4 * 1.0)
    assert result.overall.score == pytest.approx(0.6 * 100 + 0.4 * 0)
    assert not math.isclose(result.overall.low or 0, result.overall.high or 0)


def test_dimension_weights_must_sum_to_100() -> None:
    bad = (Dimension(name="d", weight=90, competencies=()),)
    with pytest.raises(ValueError, match="sum to 100"):
        aggregate(bad, {})


def test_a_dimension_asked_no_question_does_not_hold_the_overall_back() -> None:
    """An assessment built from a template may keep a dimension it asks nothing of: that
    dimension can never be scored, so the overall rests on the asked dimensions alone."""
    structure = (
        STRUCTURE[0],
        Dimension(name="people", weight=40, competencies=(Competency(name="teamwork", question_ids=()),)),
    )
    responses = {
        "q1": ResponseScore(question_id="q1", scale_low=1, scale_high=5, human_score=5),
        "q3": ResponseScore(question_id="q3", scale_low=1, scale_high=5, human_score=5),
    }
    result = aggregate(structure, responses)
    assert not result.overall.partial and result.overall.score == pytest.approx(100.0)
    # an asked dimension without a scored answer still does
    partial = aggregate(STRUCTURE, responses)
    assert partial.overall.partial and partial.overall.score is None
