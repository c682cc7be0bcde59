"""Whisper hears the same answer whether a take was stored as received or re-encoded.

The same RTP packets (JFK's speech, encoded to Opus by aiortc's own encoder and
packetizer) reach two real aiortc receivers at once: one recorded by passthrough, one on
the decoded path (aiortc's decoder, then Viva's encoder). The WAV the pipeline extracts
from each (``media.derive.extract_wav``) must last as long (within 50 ms), and Whisper
(the pipeline's default model) must write the same words.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from media.derive import extract_wav
from media.passthrough import PassthroughRecorder
from media.probe import validate_take_file
from media.recording import RecordingMode, WebmRecorder
from scoring.transcription import Transcriber
from tests.support.rtp_replay import LoopbackTransport, OpusSender, make_receiver, start_receiver
from tests.support.webrtc_client import SPEECH

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _speech_48k() -> np.ndarray:
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(SPEECH), "-f", "s16le", "-ac", "1", "-ar", "48000", "-"],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, dtype=np.int16)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


async def test_passthrough_and_decoded_takes_give_whisper_the_same_audio(tmp_path: Path) -> None:
    now = [1000.0]
    passthrough = PassthroughRecorder(tmp_path / "pass.webm", clock=lambda: now[0])
    decoded = WebmRecorder(tmp_path / "decoded.webm")
    transport = LoopbackTransport()
    receivers = []
    for recorder in (passthrough, decoded):
        receiver, track = await make_receiver("audio", transport, 2222)
        recorder.add_track(track, receiver)
        receivers.append(receiver)
    await passthrough.start()
    await decoded.start()
    for receiver in receivers:
        await start_receiver(receiver, 2222)

    sent = 0
    for packet in OpusSender(2222, _speech_48k()).packets():
        for receiver in receivers:
            await receiver._handle_rtp_packet(packet, int(now[0] * 1000))
        sent += 1
        now[0] += 0.02
        await asyncio.sleep(0)  # the decoded path's track hands frames to its recorder
    takes = [await passthrough.stop(), await decoded.stop()]
    for receiver in receivers:
        await receiver.stop()

    assert [t.mode for t in takes] == [RecordingMode.PASSTHROUGH, RecordingMode.DECODED]
    wavs = []
    for take in takes:
        validate_take_file(take.path, require_video=False)
        wavs.append(extract_wav(take.path, take.path.with_suffix(".wav")))
    assert abs(wavs[0].duration - wavs[1].duration) <= 0.05, wavs
    assert wavs[0].duration == pytest.approx(sent * 0.02, abs=0.05)

    whisper = Transcriber(device="cpu", cpu_threads=2)
    heard = [whisper.transcribe(w.path).text for w in wavs]
    assert "country" in _words(heard[0])  # "ask not what your country can do for you"
    assert _words(heard[0]) == _words(heard[1]), heard
