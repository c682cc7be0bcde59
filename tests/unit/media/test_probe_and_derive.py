"""Probing real and fake media files, and making the poster and WAV derivatives."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import pytest

from media.derive import extract_wav, make_poster
from media.errors import DeriveFailed, ProbeFailed, UnsupportedMedia
from media.probe import probe_media, validate_take_file

DATA = Path(__file__).resolve().parents[2] / "data"


def test_a_webm_take_is_probed(source_media: Path) -> None:
    result = validate_take_file(source_media)

    assert result.format_name == "matroska,webm"
    assert result.duration == pytest.approx(10.0, abs=0.1)
    assert result.video is not None and (result.video.codec, result.video.width) == ("vp8", 320)
    assert result.audio is not None and (result.audio.codec, result.audio.sample_rate) == ("opus", 48_000)


def test_a_text_file_is_not_media(tmp_path: Path) -> None:
    fake = tmp_path / "answer.webm"
    fake.write_text("this is a cover letter, not a video\n" * 50)

    with pytest.raises(ProbeFailed, match=r"answer\.webm is not a readable audio or video file") as info:
        probe_media(fake)
    assert str(tmp_path) not in str(info.value)  # no server paths in user-facing messages


def test_a_truncated_file_is_not_media(source_media: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.webm"
    cut.write_bytes(source_media.read_bytes()[:200])

    with pytest.raises(ProbeFailed):
        probe_media(cut)


def test_a_missing_file_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(ProbeFailed, match="no such file"):
        probe_media(tmp_path / "gone.webm")


def test_audio_only_flac_is_media_but_not_a_take() -> None:
    result = probe_media(DATA / "jfk.flac")
    assert result.audio is not None and result.video is None

    with pytest.raises(UnsupportedMedia, match="must be WebM"):
        validate_take_file(DATA / "jfk.flac")


def test_a_webm_with_vorbis_audio_is_refused(tmp_path: Path) -> None:
    vorbis = tmp_path / "vorbis.webm"
    subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=160x120:rate=15",
            "-i",
            str(DATA / "jfk.flac"),
            "-t",
            "1",
            "-c:v",
            "libvpx",
            "-c:a",
            "libvorbis",
            str(vorbis),
        ],
        check=True,
    )

    with pytest.raises(UnsupportedMedia, match="vorbis audio; expected Opus"):
        validate_take_file(vorbis)


def test_poster_and_wav_are_made_from_a_take(source_media: Path, tmp_path: Path) -> None:
    poster = make_poster(source_media, tmp_path / "poster.jpg")
    wav = extract_wav(source_media, tmp_path / "answer.wav")

    assert poster.path.read_bytes()[:3] == b"\xff\xd8\xff"  # JPEG
    assert (poster.at_s, poster.width, poster.height) == (1.0, 320, 240)
    with wave.open(str(wav.path), "rb") as f:
        assert (f.getframerate(), f.getnchannels(), f.getsampwidth()) == (16_000, 1, 2)
        assert f.getnframes() / 16_000 == pytest.approx(10.0, abs=0.05)
    assert not list(tmp_path.glob(".*.part"))


def _silent_second_of_video(path: Path) -> None:
    """One second of VP8 test pattern with no audio track."""
    subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=160x120:rate=15",
            "-t",
            "1",
            "-c:v",
            "libvpx",
            str(path),
        ],
        check=True,
    )


def test_a_short_take_gets_its_poster_from_the_middle(tmp_path: Path) -> None:
    short = tmp_path / "short.webm"
    _silent_second_of_video(short)

    assert make_poster(short, tmp_path / "p.jpg").at_s == pytest.approx(0.5, abs=0.05)


def test_derivatives_of_missing_streams_fail_clearly(tmp_path: Path) -> None:
    with pytest.raises(DeriveFailed, match="has no video"):
        make_poster(DATA / "jfk.flac", tmp_path / "p.jpg")
    silent = tmp_path / "silent.webm"
    _silent_second_of_video(silent)
    with pytest.raises(DeriveFailed, match="audio for transcription"):
        extract_wav(silent, tmp_path / "a.wav")
    assert not (tmp_path / "a.wav").exists()
