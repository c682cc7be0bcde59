"""5 % of a candidate's media packets are lost on the way: the passthrough take stays whole.

A real aiortc client plays real speech and video to a TakeSession recording by passthrough;
one packet in twenty it sends (RTP and RTCP, never ICE or DTLS) is dropped at its socket.
Lost video is retransmitted (NACK) or replaced by a keyframe the recorder asks for (PLI);
lost audio becomes silence, so the file keeps its length.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from media.peer import SessionConfig, TakeSession
from media.probe import validate_take_file
from media.recording import RecordingMode
from tests.faults.network import PacketLoss
from tests.support.webrtc_client import WebRTCClient, make_test_media

pytestmark = pytest.mark.integration

SECONDS = 8.0


async def test_five_percent_packet_loss_still_gives_a_playable_take_of_the_right_length(
    tmp_path: Path,
) -> None:
    media = make_test_media(tmp_path / "talk.webm", seconds=SECONDS + 4)
    client = WebRTCClient(media)
    sdp, sdp_type = await client.offer()
    session = await TakeSession.open(
        take_id="lossy", sdp=sdp, sdp_type=sdp_type, output=tmp_path / "lossy.webm", config=SessionConfig()
    )
    try:
        await client.accept(session.answer_sdp, session.answer_type)
        await client.wait_connected(20)
        loss = PacketLoss(client.pc, rate=0.05)
        await client.send(SECONDS, then_pause=True, timeout=SECONDS + 30)
        take = await session.stop()
    finally:
        await client.close()

    assert session.recording_mode is RecordingMode.PASSTHROUGH
    assert loss.dropped >= 0.03 * loss.sent, (loss.dropped, loss.sent)
    probe = validate_take_file(take.path)
    assert probe.video is not None and (probe.video.width, probe.video.height) == (320, 240)
    assert probe.duration == pytest.approx(SECONDS, abs=0.5)
    assert take.stats.silence_inserted_s > 0  # lost audio was filled, not squeezed out
    decoded = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(take.path), "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert decoded.returncode == 0 and not decoded.stderr.strip(), decoded.stderr
    sent = client.video.frames if client.video else 0
    assert take.stats.video_frames >= 0.8 * sent, (take.stats, sent)
