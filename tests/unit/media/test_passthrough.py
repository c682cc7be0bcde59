"""The passthrough recorder on real RTP: aiortc's receiver, our tap, the WebM it writes.

Packets come from aiortc's own VP8/Opus encoders and packetizers (tests/support/rtp_replay);
each test decides which packets arrive and when (a fake clock: one video frame every
1/30 s), and the sender answers keyframe requests (RTCP PLI) as a browser does.
"""

from __future__ import annotations

import asyncio
import itertools
import subprocess
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import av
import pytest
from aiortc import RTCRtpReceiver
from aiortc.rtcrtpreceiver import RemoteStreamTrack
from aiortc.rtp import RtpPacket

from media.bitstream import opus_packet_samples, parse_vp8
from media.passthrough import KeyframeGate, PassthroughRecorder
from media.probe import probe_media, validate_take_file
from media.recording import RecordingMode, RecordingStats
from media.rtp_tap import EncodedFrame
from tests.support.rtp_replay import (
    LoopbackTransport,
    OpusSender,
    Vp8Sender,
    make_receiver,
    start_receiver,
)

VIDEO_SSRC, AUDIO_SSRC = 1111, 2222


@dataclass
class Rig:
    """One recorder fed by a VP8 sender (and optionally Opus) through real aiortc receivers."""

    path: Path
    transport: LoopbackTransport = field(default_factory=LoopbackTransport)
    now: float = 1000.0
    video: Vp8Sender = field(default_factory=lambda: Vp8Sender(VIDEO_SSRC))
    audio: OpusSender | None = None
    receivers: list[RTCRtpReceiver] = field(default_factory=list)
    recorder: PassthroughRecorder | None = None
    sent_frames: int = 0

    async def start(self, *, with_audio: bool = False) -> None:
        self.transport.senders.append(self.video)
        self.recorder = PassthroughRecorder(self.path, clock=lambda: self.now)
        kinds = [("video", VIDEO_SSRC)] + ([("audio", AUDIO_SSRC)] if with_audio else [])
        pairs: list[tuple[RTCRtpReceiver, RemoteStreamTrack]] = []
        for kind, ssrc in kinds:
            receiver, track = await make_receiver(kind, self.transport, ssrc)
            self.recorder.add_track(track, receiver)
            pairs.append((receiver, track))
        if with_audio:
            self.audio = OpusSender(AUDIO_SSRC)
            self._audio_packets = self.audio.packets()
        await self.recorder.start()
        for (receiver, _), (_, ssrc) in zip(pairs, kinds, strict=True):
            await start_receiver(receiver, ssrc)
            self.receivers.append(receiver)

    async def deliver(self, packets: Iterable[RtpPacket], receiver: int = 0) -> None:
        for packet in packets:
            await self.receivers[receiver]._handle_rtp_packet(packet, int(self.now * 1000))
        await asyncio.sleep(0)  # let the keyframe request (a task) reach the sender

    async def frames(self, count: int, *, drop: set[int] = frozenset()) -> None:  # type: ignore[assignment]
        """Send ``count`` pictures 1/30 s apart (and 20 ms audio packets); ``drop`` by index."""
        for i in range(count):
            packets = self.video.frame()
            if i not in drop:
                await self.deliver(packets)
            if self.audio is not None:
                target = self.video.index / 30
                while self.audio.index * 0.02 < target:
                    await self.deliver([next(self._audio_packets)], receiver=1)
            self.sent_frames += 1
            self.now += 1 / 30

    async def stop(self) -> RecordingStats:
        assert self.recorder is not None
        await self.deliver(self.video.frame())  # a frame is handed over when the next begins
        for receiver in self.receivers:
            await receiver.stop()
        return await self.recorder.stop()


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    r = Rig(tmp_path / "take.webm")
    yield r
    for receiver in r.receivers:
        await receiver.stop()


def _video_packets(path: Path) -> list[tuple[float, bool, bytes]]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return [
            (float((p.pts or 0) * p.time_base), p.is_keyframe, bytes(p))
            for p in container.demux(stream)
            if p.size
        ]


def _decodes_cleanly(path: Path) -> list[tuple[int, int]]:
    """Sizes of every decoded picture; fails on any decoder error."""
    result = subprocess.run(
        ["ffmpeg", "-v", "error", "-xerror", "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
    with av.open(str(path)) as container:
        return [(f.width, f.height) for f in container.decode(video=0)]


async def test_the_file_starts_at_a_keyframe_asked_for_when_the_first_one_was_lost(rig: Rig) -> None:
    await rig.start(with_audio=True)
    await rig.frames(45, drop=set(range(5)))  # the keyframe and 4 frames after it never arrive
    stats = await rig.stop()

    assert stats.mode is RecordingMode.PASSTHROUGH
    assert rig.transport.plis >= 1 and stats.keyframe_requests >= 1
    packets = _video_packets(rig.path)
    assert packets[0][1], "the first video frame in the file is not a keyframe"
    assert stats.video_frames_dropped >= 1  # the interframe that came before the keyframe
    assert len(packets) == stats.video_frames >= 45 - 5 - 4
    assert _decodes_cleanly(rig.path)
    probe = validate_take_file(rig.path)
    assert probe.audio is not None and probe.audio.codec == "opus"
    assert probe.video is not None and (probe.video.width, probe.video.height) == (320, 240)
    assert probe.duration == pytest.approx(1.5, abs=0.15)


async def test_lost_packets_stop_the_video_until_the_keyframe_it_asks_for(rig: Rig) -> None:
    await rig.start()
    await rig.frames(30)
    lost_frame = rig.video.index
    before = rig.transport.plis
    # One frame is lost for good (no retransmission): the receiver gives up on it after
    # 0.5 s (aiortc alone: once 512 packets wait behind it), and the frames after it
    # reference a missing picture, so none is written before the keyframe it asks for.
    await rig.frames(60, drop={0})
    stats = await rig.stop()

    assert rig.transport.plis > before and stats.keyframe_requests >= 1
    packets = _video_packets(rig.path)
    keyframes = [t for t, key, _ in packets if key]
    assert len(keyframes) >= 2, "no keyframe after the loss"
    after_loss = [(t, key) for t, key, _ in packets if t >= lost_frame / 30]
    assert after_loss[0][1], "an interframe that depends on the lost frame was written"
    assert after_loss[0][0] - lost_frame / 30 < 0.8, "the video stalled long after the loss"
    assert stats.video_frames_dropped > 0
    assert _decodes_cleanly(rig.path)
    times = [t for t, _, _ in packets]
    assert times == sorted(times) and len(set(times)) == len(times)


async def test_a_rotated_camera_continues_in_the_same_file_at_its_new_size(rig: Rig) -> None:
    await rig.start()
    await rig.frames(20)
    rig.video.width, rig.video.height = 240, 320  # portrait: the encoder restarts at a keyframe
    await rig.frames(20)
    stats = await rig.stop()

    assert stats.video_sizes == ((320, 240), (240, 320))
    sizes = _decodes_cleanly(rig.path)
    assert sizes[0] == (320, 240) and sizes[-1] == (240, 320)
    assert sizes.count((240, 320)) >= 18
    assert probe_media(rig.path).duration == pytest.approx(40 / 30, abs=0.1)


async def test_timestamps_that_jump_are_re_anchored_to_the_arrival_time(rig: Rig) -> None:
    await rig.start()
    await rig.frames(20)
    rig.video.timestamp_offset += 90_000 * 3600  # an hour ahead, in 1/30 s of real time
    await rig.frames(20)
    rig.video.timestamp_offset -= 90_000 * 7200  # and back behind where it started
    await rig.frames(20)
    stats = await rig.stop()

    assert stats.timestamp_jumps == 2
    packets = _video_packets(rig.path)
    times = [t for t, _, _ in packets]
    assert times == sorted(times) and len(set(times)) == len(times)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert max(gaps) < 0.1, "the jump left a hole in the video"
    assert stats.duration == pytest.approx(60 / 30, abs=0.1)
    assert _decodes_cleanly(rig.path)


async def test_lost_audio_is_filled_with_silence_so_audio_keeps_time_with_video(rig: Rig) -> None:
    await rig.start(with_audio=True)
    await rig.frames(15)
    assert rig.audio is not None
    for _ in range(10):  # 200 ms of audio packets lost for good
        next(rig._audio_packets)
    await rig.frames(45)
    stats = await rig.stop()

    assert 0.2 <= stats.silence_inserted_s <= 0.3  # the gap, and the audio's later start
    with av.open(str(rig.path)) as container:
        audio = [p for p in container.demux(audio=0) if p.size]
        end = float((audio[-1].pts or 0) * audio[-1].time_base) + 0.02
    assert end == pytest.approx(60 / 30, abs=0.1)


def _frame(data: bytes, *, intact: bool = True, after_loss: bool = False) -> EncodedFrame:
    return EncodedFrame(
        kind="video",
        codec="vp8",
        data=data,
        timestamp=0,
        clock_rate=90_000,
        intact=intact,
        after_loss=after_loss,
    )


def test_a_frame_that_cannot_be_reassembled_is_skipped_and_a_keyframe_asked_for() -> None:
    sender = Vp8Sender(1)
    key = b"".join(p.payload[4:] for p in sender.frame())  # 4-byte descriptor (picture id)
    inter = b"".join(p.payload[4:] for p in sender.frame())
    assert parse_vp8(key) is not None and parse_vp8(key).keyframe  # type: ignore[union-attr]
    asked: list[int] = []

    def ask() -> bool:
        asked.append(1)
        return True

    gate = KeyframeGate(ask, retry_s=0.5)

    assert gate.admit(_frame(key), 0.0) == (True, (320, 240))
    assert gate.admit(_frame(inter), 0.03) == (True, None)
    assert gate.admit(_frame(inter[: len(inter) // 4]), 0.06) == (False, None)  # cut short
    assert asked and gate.waiting
    assert gate.admit(_frame(inter), 0.1) == (False, None)  # depends on what was lost
    assert gate.admit(_frame(inter, intact=False), 0.2) == (False, None)  # missing packets
    assert gate.admit(_frame(key), 0.3) == (True, (320, 240))
    assert gate.skipped == 3


def test_opus_packet_lengths_come_from_the_toc_byte() -> None:
    assert opus_packet_samples(b"\xf8\xff\xfe") == 960  # CELT 20 ms
    assert opus_packet_samples(bytes([(1 << 3) | 0])) == 960  # SILK 20 ms
    assert opus_packet_samples(bytes([(3 << 3) | 1])) == 2 * 2880  # two 60 ms frames
    assert opus_packet_samples(bytes([(18 << 3) | 3, 3])) == 3 * 480  # three CELT 10 ms
    assert opus_packet_samples(b"") == 0
