"""Whisper hears the same answer whether the take was stored as received or re-encoded.

One source (JFK's speech with a moving picture) is played by two real aiortc clients at
once; one take is recorded by passthrough, the other on the decoded path. The WAV the
pipeline extracts from each (``media.derive.extract_wav``) must last as long (within
50 ms) and Whisper (the pipeline's default model) must write the same words.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from media.derive import extract_wav
from media.peer import RecordedTake, SessionConfig, TakeSession
from media.probe import validate_take_file
from media.recording import RecordingMode
from scoring.transcription import Transcriber
from tests.support.webrtc_client import WebRTCClient, make_test_media

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SECONDS = 10.0


async def _take(media: Path, out: Path, mode: RecordingMode) -> RecordedTake:
    client = WebRTCClient(media)
    sdp, sdp_type = await client.offer()
    session = await TakeSession.open(take_id=mode.value, sdp=sdp, sdp_type=sdp_type, output=out,
                                     config=SessionConfig(recording=mode))
    try:
        await client.accept(session.answer_sdp, session.answer_type)
        await client.wait_connected(20)
        await client.send(SECONDS, then_pause=True, timeout=SECONDS + 30)
        take = await session.stop()
    finally:
        await client.close()
    assert take.stats.mode is mode
    return take


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


async def test_passthrough_and_decoded_takes_give_whisper_the_same_audio(tmp_path: Path) -> None:
    media = make_test_media(tmp_path / "jfk.webm", seconds=SECONDS + 2)
    passed, decoded = await asyncio.gather(
        _take(media, tmp_path / "pass.webm", RecordingMode.PASSTHROUGH),
        _take(media, tmp_path / "decoded.webm", RecordingMode.DECODED))
    for take in (passed, decoded):
        validate_take_file(take.path)

    wav_pass = extract_wav(passed.path, tmp_path / "pass.wav")
    wav_decoded = extract_wav(decoded.path, tmp_path / "decoded.wav")
    assert abs(wav_pass.duration - wav_decoded.duration) <= 0.05, (wav_pass, wav_decoded)
    assert wav_pass.duration == pytest.approx(SECONDS, abs=0.3)

    whisper = Transcriber(device="cpu", cpu_threads=2)
    heard_pass = await asyncio.to_thread(whisper.transcribe, wav_pass.path)
    heard_decoded = await asyncio.to_thread(whisper.transcribe, wav_decoded.path)
    assert "country" in _words(heard_pass.text)  # "ask not what your country can do..."
    assert _words(heard_pass.text) == _words(heard_decoded.text), (heard_pass.text,
                                                                   heard_decoded.text)
