"""Shared fixtures for scoring tests: test data paths and models loaded once per session."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import pytest

from scoring.transcription import Transcriber, Transcript

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The repository's test data folder (works in a fresh clone)."""
    return DATA_DIR


@pytest.fixture(scope="session")
def jfk_path() -> Path:
    """11 s of J.F. Kennedy, 1961 (public domain; file from faster-whisper, MIT)."""
    return DATA_DIR / "jfk.flac"


@pytest.fixture(scope="session")
def jfk_reference() -> str:
    """The reference transcript of ``jfk.flac``."""
    with (DATA_DIR / "transcripts.tsv").open(newline="", encoding="utf-8") as fh:
        rows = {r["file"]: r["transcript"] for r in csv.DictReader(fh, delimiter="\t")}
    return rows["jfk.flac"]


@pytest.fixture(scope="session")
def tiny_transcriber() -> Transcriber:
    """The default tiny.en model on CPU, loaded once for the whole session."""
    transcriber = Transcriber(model="tiny.en", device="cpu", cpu_threads=2)
    transcriber.load()
    return transcriber


@pytest.fixture(scope="session")
def jfk_transcript(tiny_transcriber: Transcriber, jfk_path: Path) -> Transcript:
    """``jfk.flac`` transcribed once by tiny.en."""
    return tiny_transcriber.transcribe(jfk_path)


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory, jfk_path: Path) -> Path:
    """Files made with sox and ffmpeg: quiet noise, and jfk re-encoded as WebM/Opus."""
    out = tmp_path_factory.mktemp("media")
    subprocess.run(
        [
            "sox",
            "-n",
            "-r",
            "16000",
            "-c",
            "1",
            str(out / "pink_noise.flac"),
            "synth",
            "6",
            "pinknoise",
            "vol",
            "0.03",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-loglevel",
            "error",
            "-i",
            str(jfk_path),
            "-c:a",
            "libopus",
            "-b:a",
            "32k",
            str(out / "jfk.webm"),
        ],
        check=True,
        capture_output=True,
    )
    (out / "not_audio.webm").write_bytes(b"this is not a media file\n" * 100)
    return out
