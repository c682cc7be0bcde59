"""No recognised speech is lost without a visible gap; nothing is invented on silence, noise or music.

The long answers are made at test time (``tests/support/asr_corpus.py``): espeak-ng
voices and speeds with sox noise at several SNRs, and the speechocean762 clips in
``tests/data`` joined into a 45 s answer.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from scoring.completeness import find_gaps, merge_intervals
from scoring.transcript import Gap, Transcript
from scoring.transcription import DecodeCheck, Transcriber
from tests.support.asr_corpus import Answer, espeak_answers, speechocean_answers

SR = 16_000
_TOKEN = re.compile(r"[a-z0-9']+")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("-", " "))


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> list[Answer]:
    out = tmp_path_factory.mktemp("long_answers")
    return [*espeak_answers(out, count=4), *speechocean_answers(data_dir / "speechocean762", out)]


def unmarked_losses(answer: Answer, transcript: Transcript, *, longer_than: float = 2.0) -> list[str]:
    """Reference spans over ``longer_than`` s whose words are mostly missing and that no gap marks.

    Missing means deleted: fewer than half as many words recognised in the span as
    were said. Words recognised wrongly (substitutions in noise) are the word error
    rate's business (``bench/bench_asr_completeness.py``), not a loss.
    """
    found = []
    for span in answer.spans:
        if span.end - span.start <= longer_than:
            continue
        heard = [
            t
            for w in transcript.words
            if span.start - 0.5 <= w.start <= span.end + 0.5
            for t in _tokens(w.word)
        ]
        if len(heard) >= 0.5 * len(_tokens(span.text)):
            continue
        marked = sum(max(0.0, min(g.end, span.end) - max(g.start, span.start)) for g in transcript.gaps)
        if marked < 0.5 * (span.end - span.start):
            found.append(f"{answer.name} {span.start:.1f}-{span.end:.1f} s {span.text!r}")
    return found


def test_gaps_are_uncovered_speech_of_at_least_a_second() -> None:
    speech = [(0.0, 10.0), (12.0, 20.0)]
    words = [(0.2, 0.6), (0.7, 3.0), (6.0, 9.5), (12.1, 19.9)]
    coverage = find_gaps(speech, words, rejected=[(3.0, 6.0, "doubtful_decode")])
    assert coverage.gaps == (Gap(start=3.5, end=5.5, reason="doubtful_decode"),)
    assert coverage.speech_seconds == 18.0
    assert coverage.completeness == pytest.approx(1 - 2.0 / 18.0)
    assert find_gaps([], words).completeness is None
    none_heard = find_gaps(speech, [])
    assert none_heard.completeness == 0.0 and [g.reason for g in none_heard.gaps] == ["no_words"] * 2
    assert merge_intervals([(3, 4), (1, 2), (1.5, 3.5), (5, 5)]) == [(1, 4)]


def test_gaps_survive_a_json_round_trip() -> None:
    t = Transcript(
        text="a",
        language="en",
        language_probability=1.0,
        duration=9.0,
        segments=(),
        no_speech=False,
        model_name="m",
        model_version="v",
        gaps=(Gap(start=1.0, end=4.0, reason="no_words"),),
        speech_seconds=8.0,
        completeness=0.625,
    )
    assert Transcript.from_dict(t.to_dict()) == t
    legacy = {k: v for k, v in t.to_dict().items() if k not in ("gaps", "speech_seconds", "completeness")}
    assert Transcript.from_dict(legacy).gaps == () and Transcript.from_dict(legacy).completeness is None


@pytest.mark.slow
def test_long_answers_lose_no_speech_without_a_gap_mark(
    tiny_transcriber: Transcriber, answers: list[Answer]
) -> None:
    for answer in answers:
        transcript = tiny_transcriber.transcribe(answer.path)
        assert unmarked_losses(answer, transcript) == []
        assert transcript.completeness is not None and transcript.speech_seconds
        if "clean" in answer.name or "speechocean" in answer.name:
            assert transcript.completeness >= 0.9, (answer.name, transcript.gaps)


@pytest.mark.slow
def test_text_the_decoder_refuses_becomes_a_marked_gap_not_a_silent_loss(answers: list[Answer]) -> None:
    """A check that believes nothing stands in for a decoder that fails on a whole answer."""
    refuse_all = DecodeCheck(
        max_no_speech_prob=-1.0, min_avg_logprob_if_no_speech=1.0, min_word_probability=1.01
    )
    transcriber = Transcriber(device="cpu", cpu_threads=2, check=refuse_all)
    answer = answers[0]
    transcript = transcriber.transcribe(answer.path)
    assert transcript.text == "" and transcript.no_speech
    assert transcript.completeness is not None and transcript.completeness < 0.2
    assert {g.reason for g in transcript.gaps} == {"doubtful_decode"}
    assert sum(g.seconds for g in transcript.gaps) > 0.8 * (answer.spans[-1].end - answer.spans[0].start)
    assert unmarked_losses(answer, transcript) == []


@pytest.mark.slow
def test_a_window_whisper_doubts_is_redecoded_and_kept(answers: list[Answer]) -> None:
    """The old guard's rule, made to fire on every window: the words must survive re-decoding."""
    doubt_all = DecodeCheck(max_no_speech_prob=-1.0, min_avg_logprob_if_no_speech=1.0)
    transcript = Transcriber(device="cpu", cpu_threads=2, check=doubt_all).transcribe(answers[0].path)
    assert transcript.completeness == pytest.approx(1.0)
    assert len(_tokens(transcript.text)) >= 0.9 * len(_tokens(answers[0].reference))


@pytest.mark.slow
def test_silence_noise_and_music_give_no_text(tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    sounds = {
        "silence": np.zeros(8 * SR, dtype=np.float32),
        "white": (rng.standard_normal(8 * SR) * 0.05).astype(np.float32),
        "loud white": (rng.standard_normal(8 * SR) * 0.3).astype(np.float32),
    }
    for name, synth in (
        ("brown", ["synth", "8", "brownnoise", "vol", "0.3"]),
        ("chords", ["synth", "8", "pluck", "C4", "pluck", "E4", "pluck", "G4", "remix", "-"]),
        ("sweep", ["synth", "8", "sine", "220-880", "tremolo", "5", "60"]),
        ("organ", ["synth", "8", "square", "A3", "square", "C4", "remix", "-", "vol", "0.3"]),
    ):
        path = tmp_path / f"{name}.wav"
        subprocess.run(
            ["sox", "-R", "-n", "-r", str(SR), "-c", "1", "-b", "16", str(path), *synth],
            check=True,
            capture_output=True,
        )
        sounds[name] = path  # type: ignore[assignment]
    for vad in (True, False):
        transcriber = Transcriber(device="cpu", cpu_threads=2, vad_filter=vad)
        for name, audio in sounds.items():
            result = transcriber.transcribe(audio)
            assert result.text == "" and result.no_speech, (name, vad, result.text)
