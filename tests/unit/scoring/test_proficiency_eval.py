"""eval-proficiency on five real speechocean762 clips with expert scores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scoring.proficiency_eval import evaluate_proficiency, normalise_for_wer, word_error_rate
from scoring.transcription import Transcriber


def test_word_error_rate_ignores_case_and_punctuation() -> None:
    text = "Ask not, what YOUR country\u2019s..."
    assert normalise_for_wer(text) == "ask not what your country's"
    assert word_error_rate(["ask not what"], ["Ask, not what!"]) == 0.0
    # one substitution and one deletion over 4 reference words
    assert word_error_rate(["a b c d"], ["a x c"]) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="reference"):
        word_error_rate([""], ["anything"])


@pytest.mark.slow
def test_eval_reports_wer_and_correlations_on_real_clips(
    tiny_transcriber: Transcriber, data_dir: Path
) -> None:
    report = evaluate_proficiency(
        data_dir / "speechocean762" / "scores.csv",
        audio_column="wav",
        transcriber=tiny_transcriber,
        progress=False,
        include_clips=True,
    )
    json.dumps(report)
    assert report["clips"] == 5 and report["no_speech"] == 0
    assert report["text_column"] == "text_final"
    assert 0.0 < report["wer"] < 0.6
    assert {"fluency_mean", "total_mean"} <= set(report["score_columns"])
    assert not {"utt", "speaker", "wav"} & set(report["score_columns"])
    band = report["correlations"]["band_score"]["total_mean"]
    assert band["n"] == 5 and band["pearson"] > 0.5
    by_audio = {c["audio"]: c for c in report["clips_detail"]}
    weak = [by_audio["WAVE/SPEAKER9647/096470004.WAV"], by_audio["WAVE/SPEAKER9601/096010004.WAV"]]
    strong = [c for c in report["clips_detail"] if c not in weak]
    assert max(c["signals"]["band_score"] for c in weak) < min(c["signals"]["band_score"] for c in strong)


@pytest.mark.slow
def test_eval_limit_and_missing_column(tiny_transcriber: Transcriber, data_dir: Path) -> None:
    csv_path = data_dir / "speechocean762" / "scores.csv"
    report = evaluate_proficiency(
        csv_path, audio_column="wav", transcriber=tiny_transcriber, progress=False, limit=2, text_column=None
    )
    assert report["clips"] == 2 and report["wer"] is None
    with pytest.raises(ValueError, match="audio"):
        evaluate_proficiency(csv_path, transcriber=tiny_transcriber, progress=False)
