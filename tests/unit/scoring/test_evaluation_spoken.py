"""Spoken mode of ``viva eval``: answers read by espeak-ng, transcribed by Whisper, scored."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from fixtures_content import SEMEVAL_DIR

from scoring.evaluation.report import format_report
from scoring.evaluation.runner import run_evaluation
from scoring.evaluation.spoken import sample_stratified, voice_for
from scoring.transcription import Transcriber


def test_sample_is_stratified_and_deterministic() -> None:
    labels = [1] * 60 + [2] * 30 + [3] * 10
    picked = sample_stratified(labels, 10, seed=3)
    assert picked == sample_stratified(labels, 10, seed=3)
    assert len(picked) == 10 and len(set(picked)) == 10
    assert sorted(labels[i] for i in picked) == [1] * 6 + [2] * 3 + [3]
    assert sample_stratified([1, 1, 2], 2) == [0, 2] or sample_stratified([1, 1, 2], 2) == [1, 2]
    assert sample_stratified(labels, 500) == list(range(100))


def test_voice_depends_on_the_answer_not_on_what_else_was_sampled() -> None:
    voices = {voice_for(f"answer {i}", seed=0) for i in range(40)}
    assert len({v.name for v in voices}) > 1 and len({v.speed for v in voices}) > 1
    assert voice_for("answer 1", seed=0) == voice_for("answer 1", seed=0)
    assert all(145 <= v.speed <= 175 for v in voices)


@pytest.mark.slow
def test_spoken_mode_reports_asr_cost_beside_text(tiny_transcriber: Transcriber, tmp_path: Path) -> None:
    report = run_evaluation(
        "semeval",
        SEMEVAL_DIR / "2way" / "sciEntsBank",
        folds=3,
        progress=False,
        spoken=True,
        spoken_limit=12,
        transcriber=tiny_transcriber,
        spoken_cache=tmp_path / "spoken",
    )
    s = report.spoken
    assert s is not None and s.n_answers == 12
    assert 0.0 <= s.wer <= 1.0 and s.n_reference_words > 12
    assert s.audio_s > 12  # every answer was really spoken
    for side in (s.text, s.spoken):
        assert side.scorer.n == 12 and side.baseline.n_scored > 0
        assert math.isfinite(side.scorer.accuracy) and math.isfinite(side.baseline.accuracy)
    assert s.n_paired >= 10
    assert math.isfinite(s.qwk_text) and math.isfinite(s.qwk_spoken)
    assert s.accuracy_drop == pytest.approx(s.accuracy_text - s.accuracy_spoken)
    assert s.qwk_drop == pytest.approx(s.qwk_text - s.qwk_spoken)
    # the text figures are the text mode's own predictions for those answers
    assert s.text.scorer.n_scored <= report.results[0].scorer.n_scored
    text = format_report(report)
    assert "[spoken: 12 answers" in text and "word error rate" in text and "drop caused by ASR" in text
    data = json.loads(json.dumps(report.to_dict()))
    assert data["spoken"]["wer"] == pytest.approx(s.wer)

    cached = sorted(p.name for p in (tmp_path / "spoken").iterdir())
    assert sum(n.endswith(".wav") for n in cached) == 12 and sum(n.endswith(".json") for n in cached) == 12
    again = run_evaluation(  # from the cache: same transcripts, same figures
        "semeval",
        SEMEVAL_DIR / "2way" / "sciEntsBank",
        folds=3,
        progress=False,
        spoken=True,
        spoken_limit=12,
        transcriber=tiny_transcriber,
        spoken_cache=tmp_path / "spoken",
    )
    assert again.spoken is not None and again.spoken.wer == s.wer
    assert again.spoken.asr_s < s.asr_s
