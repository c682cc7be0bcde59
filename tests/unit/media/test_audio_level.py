"""The audio level the device check reports, measured on real decoded audio."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from media.audio_level import SILENCE_DBFS, AudioLevelMeter

DATA = Path(__file__).resolve().parents[2] / "data"


def _frame(samples: np.ndarray) -> av.AudioFrame:
    frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1).astype(np.int16), format="s16", layout="mono")
    frame.sample_rate = 48_000
    return frame


def test_a_sine_at_half_scale_reads_about_minus_nine_dbfs() -> None:
    meter = AudioLevelMeter()
    t = np.arange(960 * 20) / 48_000
    sine = 0.5 * 32767 * np.sin(2 * np.pi * 440 * t)
    for chunk in np.split(sine, 20):
        meter.feed(_frame(chunk))

    level = meter.level()
    assert level.dbfs == pytest.approx(20 * np.log10(0.5 / np.sqrt(2)), abs=0.2)
    assert level.peak_dbfs == pytest.approx(20 * np.log10(0.5), abs=0.2)
    assert level.arriving and level.frames_seen == 20


def test_silence_and_no_audio_read_as_silence() -> None:
    meter = AudioLevelMeter()
    assert meter.level().dbfs == SILENCE_DBFS and not meter.level().arriving
    meter.feed(_frame(np.zeros(960)))
    assert meter.level().dbfs == SILENCE_DBFS and meter.level().arriving


def test_speech_is_louder_than_the_silence_after_it() -> None:
    meter = AudioLevelMeter(window_s=0.3)
    levels = []
    with av.open(str(DATA / "jfk.flac")) as container:
        for frame in container.decode(audio=0):
            meter.feed(frame)
            levels.append(meter.level().dbfs)
    meter.feed(_frame(np.zeros(48_000)))  # one second of silence pushes the speech out

    assert max(levels) > -30.0
    assert meter.level().dbfs == SILENCE_DBFS
