"""Spoken mode of ``viva eval``: answers read by espeak-ng, transcribed by Whisper, scored."""

from __future__ import annotations

import json
import math
import wave
from pathlib import Path

import numpy as np
import pytest
from fixtures_content import SEMEVAL_DIR

from scoring.evaluation.report import format_report
from scoring.evaluation.runner import run_evaluation
from scoring.evaluation.spoken import Speaker, sample_answers, snr_for, voice_for
from scoring.transcription import Transcriber


def test_sample_is_deterministic_and_a_larger_one_contains_a_smaller_one() -> None:
    texts = [f"answer number {i}" for i in range(100)]
    picked = sample_answers(texts, 10, seed=3)
    assert picked == sample_answers(texts, 10, seed=3)
    assert len(picked) == 10 and len(set(picked)) == 10
    assert set(picked) <= set(sample_answers(texts, 40, seed=3))  # the cache of 10 serves 40
    assert set(picked) != set(sample_answers(texts, 10, seed=4))
    assert sample_answers(texts, 500) == list(range(100))


def test_voices_speeds_and_noise_are_drawn_from_the_given_choices() -> None:
    voices = {voice_for(f"answer {i}", 0, ["en-gb", "en-us+f2"], [120, 200]) for i in range(40)}
    assert {v.name for v in voices} == {"en-gb", "en-us+f2"} and {v.speed for v in voices} == {120, 200}
    snrs = {snr_for(f"answer {i}", 0, [None, 10.0, 0.0]) for i in range(60)}
    assert snrs == {None, 10.0, 0.0}
    assert snr_for("answer 1", 0, []) is None


def test_audio_is_cached_by_text_voice_speed_and_noise(tmp_path: Path) -> None:
    transcriber = Transcriber(device="cpu")  # not loaded: only synthesis runs here
    first = Speaker(transcriber=transcriber, cache_dir=tmp_path, snrs=[5.0], speeds=[160])
    noisy = first.synthesize("the bulb is in a closed path with the battery")
    assert first.n_synthesized == 2  # the clean reading, then the noise mixed in
    again = Speaker(transcriber=transcriber, cache_dir=tmp_path, snrs=[5.0], speeds=[160])
    assert again.synthesize("the bulb is in a closed path with the battery") == noisy
    assert again.n_synthesized == 0
    clean = Speaker(transcriber=transcriber, cache_dir=tmp_path, speeds=[160])
    assert clean.synthesize("the bulb is in a closed path with the battery") != noisy
    assert clean.n_synthesized == 0  # the clean reading was cached on the way to the noisy one
    faster = Speaker(transcriber=transcriber, cache_dir=tmp_path, speeds=[220])
    assert faster.synthesize("the bulb is in a closed path with the battery") != clean.audio_path(
        "the bulb is in a closed path with the battery"
    )
    assert faster.n_synthesized == 1
    with wave.open(str(noisy)) as w:  # 16 kHz mono, as the product's transcriber reads
        assert w.getframerate() == 16000 and w.getnchannels() == 1 and w.getnframes() > 16000


def test_the_noise_is_at_the_stated_signal_to_noise_ratio(tmp_path: Path) -> None:
    text = "a battery and a bulb in one closed path"
    sp = Speaker(transcriber=Transcriber(device="cpu"), cache_dir=tmp_path, snrs=[10.0])
    noisy = _samples(sp.synthesize(text))
    clean = _samples(Speaker(transcriber=sp.transcriber, cache_dir=tmp_path).synthesize(text))
    noise = noisy - clean
    snr = 20 * np.log10(np.sqrt(np.mean(clean**2)) / np.sqrt(np.mean(noise**2)))
    assert snr == pytest.approx(10.0, abs=0.5)


def _samples(path: Path) -> np.ndarray:
    with wave.open(str(path)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float64)


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
    # one reading and one transcript per distinct text (a repeated answer is spoken once)
    assert 1 <= s.n_synthesized == s.n_transcribed <= 12
    assert sum(n.endswith(".wav") for n in cached) == s.n_synthesized
    assert sum(n.endswith(".json") for n in cached) == s.n_transcribed
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
    assert again.spoken.n_synthesized == 0 and again.spoken.n_transcribed == 0  # no synthesis, no ASR
