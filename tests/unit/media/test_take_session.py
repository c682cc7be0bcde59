"""A real aiortc client records takes through TakeSession over loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from media.derive import extract_wav, make_poster
from media.peer import SessionConfig, StopReason, TakeState
from media.probe import validate_take_file
from media.recording import RecordingMode
from tests.support.webrtc_client import Connect

pytestmark = pytest.mark.integration


async def test_a_five_second_answer_is_recorded_as_playable_webm(
    connect_take: Connect, tmp_path: Path
) -> None:
    client, session = await connect_take()
    await client.send(5.0)
    level = session.audio_level()
    take = await session.stop()

    assert session.state is TakeState.STOPPED
    assert take.reason is StopReason.STOPPED and not take.partial
    assert take.stats.mode is RecordingMode.PASSTHROUGH  # the client's VP8/Opus, as sent
    assert level.arriving and level.dbfs > -60.0  # JFK is speaking, not silence
    probe = validate_take_file(take.path)
    assert probe.video is not None and probe.video.codec == "vp8"
    assert (probe.video.width, probe.video.height) == (320, 240)
    assert probe.audio is not None and probe.audio.codec == "opus"
    assert probe.duration == pytest.approx(5.0, abs=0.5)
    assert take.duration == pytest.approx(probe.duration, abs=0.1)

    wav = extract_wav(take.path, tmp_path / "answer.wav")
    assert (wav.sample_rate, wav.channels) == (16_000, 1)
    assert wav.duration == pytest.approx(probe.duration, abs=0.1)
    poster = make_poster(take.path, tmp_path / "poster.jpg")
    assert poster.path.stat().st_size > 1000 and (poster.width, poster.height) == (320, 240)


async def test_the_server_stops_recording_at_the_maximum_duration(
    connect_take: Connect,
) -> None:
    client, session = await connect_take(SessionConfig(max_duration_s=3.0))
    take = await session.wait_finished(timeout=15)  # the client never stops sending

    assert take.reason is StopReason.MAX_DURATION and not take.partial
    assert client.audio is not None and client.audio.seconds > 3.0
    probe = validate_take_file(take.path)
    assert probe.duration == pytest.approx(3.0, abs=0.5)


async def test_a_client_that_hangs_up_mid_answer_leaves_a_partial_playable_take(
    connect_take: Connect,
) -> None:
    client, session = await connect_take()
    await client.send(2.5)
    await client.close()  # tab closed: RTCP BYE + DTLS close, no "finish" from the app
    take = await session.wait_finished(timeout=10)

    assert take.partial and take.reason is StopReason.CONNECTION_LOST
    probe = validate_take_file(take.path)
    assert probe.duration == pytest.approx(2.5, abs=0.6)


async def test_a_client_that_goes_silent_is_finalized_after_the_media_timeout(
    connect_take: Connect,
) -> None:
    client, session = await connect_take(SessionConfig(media_timeout_s=1.5))
    await client.send(2.0)
    client.pause()  # frozen tab / dead network: connection up, no media
    take = await session.wait_finished(timeout=10)

    assert take.partial and take.reason is StopReason.MEDIA_TIMEOUT
    assert validate_take_file(take.path).duration == pytest.approx(2.0, abs=0.6)


async def test_an_audio_only_take_is_recorded_when_video_is_not_required(
    connect_take: Connect,
) -> None:
    from media.offer import OfferLimits

    config = SessionConfig(offer_limits=OfferLimits(require_video=False))
    client, session = await connect_take(config, video=False)
    await client.send(1.5)
    take = await session.stop()

    probe = validate_take_file(take.path, require_video=False)
    assert probe.video is None and probe.audio is not None
    assert probe.duration == pytest.approx(1.5, abs=0.5)


async def test_a_browser_that_sends_only_h264_is_recorded_on_the_decoded_path(
    connect_take: Connect,
) -> None:
    client, session = await connect_take(video_codec="H264")
    assert session.recording_mode is RecordingMode.DECODED
    await client.send(2.0)
    take = await session.stop()

    assert take.stats.mode is RecordingMode.DECODED
    probe = validate_take_file(take.path)  # the H.264 was decoded and stored as VP8
    assert probe.video is not None and probe.video.codec == "vp8"
    assert probe.duration == pytest.approx(2.0, abs=0.5)


async def test_the_decoded_path_can_be_chosen_for_every_take(connect_take: Connect) -> None:
    client, session = await connect_take(SessionConfig(recording=RecordingMode.DECODED))
    await client.send(1.5)
    take = await session.stop()

    assert session.recording_mode is RecordingMode.DECODED is take.stats.mode
    assert validate_take_file(take.path).duration == pytest.approx(1.5, abs=0.5)


async def test_every_ice_socket_of_a_take_gets_the_larger_receive_buffer(
    connect_take: Connect, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many takes on one loop overflow the kernel's default UDP buffer; each take asks for more,
    and a kernel that grants less is logged once so the operator can raise its limit."""
    import media.peer
    from media.peer import enlarge_receive_buffers

    def rmem_max() -> int:
        try:
            return int(Path("/proc/sys/net/core/rmem_max").read_text())
        except OSError:
            return 0

    _, session = await connect_take()
    ask = 1024 * 1024
    granted = enlarge_receive_buffers(session._pc, ask)
    assert granted, "the take has ICE sockets"
    # Linux doubles the request for its bookkeeping and caps it at net.core.rmem_max (x2).
    expected = 2 * min(ask, rmem_max()) if rmem_max() else None
    assert all(size >= 212_992 for size in granted)
    if expected is not None:
        assert all(size == expected for size in granted)

    monkeypatch.setattr(media.peer, "_small_buffer_logged", False)
    too_much = 4 * max(rmem_max(), ask)  # beyond net.core.rmem_max: the kernel caps it
    with caplog.at_level("WARNING", logger="media.peer"):
        enlarge_receive_buffers(session._pc, too_much)
        enlarge_receive_buffers(session._pc, too_much)
    warnings = [r for r in caplog.records if "net.core.rmem_max" in r.getMessage()]
    assert len(warnings) == 1  # once per process, not once per take
