"""Reliability-aware calibration: intervals widen when recognition is doubtful, coverage holds per band."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.calibration import CalibrationPrior, CalibrationRecord, ConformalCalibrator, nonconformity
from scoring.exemplar_scorer import calibration_groups, interval_for, reliability_group
from scoring.reliability import doubtful_words, reliability_band, transcript_band, words_per_second
from scoring.transcript import Segment, Transcript, Word

LEVEL = 0.8


def _stream(rng: np.random.Generator, n: int) -> list[tuple[CalibrationRecord, str]]:
    """Spoken answers whose score noise grows as the transcript's mean word probability falls."""
    out = []
    for _ in range(n):
        mwp = float(rng.uniform(0.5, 1.0))
        completeness = 1.0 if rng.random() > 0.1 else float(rng.uniform(0.9, 0.97))
        rate = float(rng.uniform(1.0, 5.0))
        band = reliability_band(mwp, completeness, rate)
        assert band is not None
        spread = float(rng.uniform(0.2, 0.8))
        noise = spread * (0.5 + 4.0 * (1.0 - mwp)) * (1.5 if completeness < 0.97 else 1.0)
        mu = float(rng.uniform(1, 5))
        rec = CalibrationRecord(
            suggested=mu,
            spread=spread,
            human=mu + float(rng.normal(0, noise)),
            groups=calibration_groups("q1", "examples", band),
        )
        out.append((rec, band))
    return out


def _coverage(
    cal: ConformalCalibrator, test: list[tuple[CalibrationRecord, str]], *, banded: bool
) -> dict[str, float]:
    hits: dict[str, list[bool]] = {}
    for rec, band in test:
        group = reliability_group("examples", band)
        groups = (group,) if banded and cal.knows(group) else calibration_groups("q1", "examples")
        iv = cal.interval(rec.suggested, rec.spread, low=-50, high=50, groups=groups)
        hits.setdefault(band, []).append(iv.low <= rec.human <= iv.high)
    return {b: float(np.mean(v)) for b, v in hits.items()}


def test_coverage_holds_in_every_reliability_band() -> None:
    rng = np.random.default_rng(20)
    cal = ConformalCalibrator.fit([r for r, _ in _stream(rng, 3000)], level=LEVEL)
    test = _stream(rng, 6000)
    banded = _coverage(cal, test, banded=True)
    assert set(banded) == {"high", "medium", "low"}
    for band, cov in banded.items():
        assert cov == pytest.approx(LEVEL, abs=0.05), band
    # the typed (pooled) calibration over-covers clear transcripts and under-covers doubtful ones
    pooled = _coverage(cal, test, banded=False)
    assert pooled["low"] < LEVEL - 0.05 and pooled["high"] > LEVEL + 0.05


def test_doubtful_transcripts_get_wider_intervals() -> None:
    rng = np.random.default_rng(21)
    cal = ConformalCalibrator.fit([r for r, _ in _stream(rng, 3000)], level=LEVEL)
    widths = {}
    for band in ("high", "medium", "low"):
        iv = cal.interval(3.0, 0.3, low=-50, high=50, groups=(reliability_group("examples", band),))
        assert iv.method == f"mondrian:regime:examples:reliability:{band}"
        widths[band] = iv.high - iv.low
    assert widths["high"] < widths["medium"] < widths["low"]


def test_interval_for_uses_the_band_then_falls_back_to_the_usual_groups() -> None:
    rng = np.random.default_rng(22)
    records = [r for r, b in _stream(rng, 400) if b == "low"]
    cal = ConformalCalibrator.fit(records, level=LEVEL)
    kwargs = {"score": 3.0, "spread": 0.4, "question_id": "q1", "regime": "examples", "kind": "", "low": 1.0}
    assert (
        interval_for(cal, **kwargs, high=5.0, band="low").method == "mondrian:regime:examples:reliability:low"
    )
    # no spoken reviews in the high band yet: the usual groups (the question has its own)
    assert interval_for(cal, **kwargs, high=5.0, band="high").method == "mondrian:question:q1:examples"
    assert interval_for(cal, **kwargs, high=5.0, band=None).method == "mondrian:question:q1:examples"


def test_a_prior_with_reliability_groups_widens_day_one_intervals() -> None:
    rng = np.random.default_rng(23)
    stream = _stream(rng, 3000)
    scores: dict[str, list[float]] = {}
    for rec, band in stream:
        s = float(nonconformity([rec.suggested], [rec.spread], [rec.human])[0])
        scores.setdefault("regime:exemplars:references", []).append(s)
        scores.setdefault(f"regime:exemplars:reliability:{band}", []).append(s)
    prior = CalibrationPrior.fit(scores, source="simulated")
    cal = ConformalCalibrator(level=LEVEL, prior=prior)
    kwargs = {"score": 5.0, "spread": 0.6, "question_id": "q", "regime": "exemplars", "kind": "references"}
    typed = interval_for(cal, **kwargs, low=0.0, high=10.0)
    low = interval_for(cal, **kwargs, low=0.0, high=10.0, band="low")
    assert typed.method == "prior:regime:exemplars:references"
    assert low.method == "prior:regime:exemplars:reliability:low"
    assert low.high - low.low >= typed.high - typed.low
    q_low = prior.quantile(reliability_group("exemplars", "low"), LEVEL)
    q_typed = prior.quantile(("regime", "exemplars", "references"), LEVEL)
    assert q_low is not None and q_typed is not None and q_low > 1.3 * q_typed


def test_bands_from_transcript_figures() -> None:
    assert reliability_band(None) is None  # written answers keep the typed calibration
    assert reliability_band(0.9, 1.0, 3.0) == "high"
    assert reliability_band(0.7, 1.0, 3.0) == "medium"
    assert reliability_band(0.6, 1.0, 3.0) == "low"
    assert reliability_band(0.9, 0.92, 3.0) == "medium"  # a part of the speech has no words
    assert reliability_band(0.9, 1.0, 7.0) == "medium"  # far faster than anyone speaks
    assert reliability_band(0.7, 0.92, 0.5) == "low"
    assert words_per_second(6, 2.0, 10.0) == 3.0 and words_per_second(6, None, 3.0) == 2.0
    assert words_per_second(0, 2.0, 3.0) is None


def test_doubtful_words_carry_their_times() -> None:
    words = (
        Word(start=0.0, end=0.4, word=" the", probability=0.95),
        Word(start=0.4, end=0.9, word=" zombie", probability=0.21),
        Word(start=0.9, end=1.3, word=" path", probability=0.48),
    )
    tr = Transcript(
        text="the zombie path",
        language="en",
        language_probability=1.0,
        duration=1.5,
        segments=(
            Segment(
                start=0.0, end=1.3, text="the zombie path", avg_logprob=-0.5, no_speech_prob=0.0, words=words
            ),
        ),
        no_speech=False,
        model_name="tiny.en",
        model_version="tiny.en@test",
        speech_seconds=1.3,
        completeness=1.0,
    )
    got = doubtful_words(tr.words)
    assert [(w.word, w.start, w.end) for w in got] == [("zombie", 0.4, 0.9), ("path", 0.9, 1.3)]
    assert got[0].probability == pytest.approx(0.21)
    assert transcript_band(tr) == "low"  # mean word probability 0.55
