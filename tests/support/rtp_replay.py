"""Real RTP for one aiortc receiver without a network: a VP8/Opus sender and a loopback transport.

The sender encodes a moving picture (and a tone) with aiortc's own encoders and
packetizer, so the packets are what an aiortc or browser peer puts on the wire;
the test decides which packets arrive, with which timestamps, and when. The
transport stands in for the DTLS transport under the receiver: it hands RTCP the
receiver sends (PLI keyframe requests) back to the sender, which answers with a
keyframe as a browser does.
"""

from __future__ import annotations

import fractions
from collections.abc import Iterator
from typing import Any

import numpy as np
from aiortc import RTCRtpReceiver
from aiortc.codecs.opus import OpusEncoder
from aiortc.codecs.vpx import Vp8Encoder
from aiortc.rtcrtpparameters import (
    RTCRtpCodecParameters,
    RTCRtpDecodingParameters,
    RTCRtpReceiveParameters,
)
from aiortc.rtcrtpreceiver import RemoteStreamTrack
from aiortc.rtp import RTCP_PSFB_PLI, RtcpPacket, RtcpPsfbPacket, RtpPacket
from av import AudioFrame, VideoFrame

__all__ = ["LoopbackTransport", "OpusSender", "Vp8Sender", "make_receiver"]

VP8_PT, OPUS_PT = 96, 111
VP8 = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90_000, payloadType=VP8_PT)
OPUS = RTCRtpCodecParameters(mimeType="audio/opus", clockRate=48_000, channels=2, payloadType=OPUS_PT)


class LoopbackTransport:
    """What an ``RTCRtpReceiver`` needs of its DTLS transport; collects the RTCP it sends."""

    state = "connected"
    _stats_id = "transport-test"

    def __init__(self) -> None:
        self.plis = 0
        self.senders: list[Vp8Sender] = []

    def _register_rtp_receiver(self, receiver: Any, parameters: Any) -> None:
        pass

    def _unregister_rtp_receiver(self, receiver: Any) -> None:
        pass

    def _get_stats(self) -> dict[str, Any]:
        return {}

    async def _send_rtp(self, data: bytes) -> None:
        for packet in RtcpPacket.parse(data):
            if isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_PLI:
                self.plis += 1
                for sender in self.senders:
                    sender.keyframe_requested = True


async def make_receiver(
    kind: str, transport: LoopbackTransport, ssrc: int
) -> tuple[RTCRtpReceiver, RemoteStreamTrack]:
    """A receiver and its track, as a peer connection builds them before media flows."""
    receiver = RTCRtpReceiver(kind, transport)  # type: ignore[arg-type]
    track = RemoteStreamTrack(kind=kind)
    receiver._track = track
    receiver._set_rtcp_ssrc(4242)
    return receiver, track


async def start_receiver(receiver: RTCRtpReceiver, ssrc: int) -> None:
    """Start receiving (the recorder must have tapped the receiver before this)."""
    codec = VP8 if receiver._track is not None and receiver._track.kind == "video" else OPUS
    await receiver.receive(
        RTCRtpReceiveParameters(
            codecs=[codec],
            encodings=[RTCRtpDecodingParameters(ssrc=ssrc, payloadType=VP8_PT if codec is VP8 else OPUS_PT)],
        )
    )


class Vp8Sender:
    """Encodes a moving test picture to VP8 and packetizes it, as aiortc's sender does."""

    def __init__(self, ssrc: int, *, width: int = 320, height: int = 240, fps: int = 30) -> None:
        self.ssrc = ssrc
        self.width, self.height, self.fps = width, height, fps
        self.encoder = Vp8Encoder()
        self.sequence = 1000
        self.index = 0
        self.timestamp_offset = 0
        self.keyframe_requested = False

    def picture(self) -> VideoFrame:
        y, x = np.mgrid[0 : self.height, 0 : self.width]
        image = np.stack(
            [(x + self.index * 4) % 256, (y + self.index * 2) % 256, (x + y) % 256], axis=-1
        ).astype(np.uint8)
        frame = VideoFrame.from_ndarray(image, format="rgb24")
        frame.pts, frame.time_base = self.index * 3000, fractions.Fraction(1, 90_000)
        return frame

    def frame(self) -> list[RtpPacket]:
        """The RTP packets of the next picture (a keyframe when one was requested)."""
        force, self.keyframe_requested = self.keyframe_requested, False
        payloads, timestamp = self.encoder.encode(self.picture(), force_keyframe=force)
        self.index += 1
        packets = []
        for i, payload in enumerate(payloads):
            packets.append(
                RtpPacket(
                    payload_type=VP8_PT,
                    marker=int(i == len(payloads) - 1),
                    sequence_number=self.sequence & 0xFFFF,
                    timestamp=(timestamp + self.timestamp_offset) & 0xFFFFFFFF,
                    ssrc=self.ssrc,
                    payload=payload,
                )
            )
            self.sequence += 1
        return packets


class OpusSender:
    """Encodes 20 ms Opus packets of ``speech`` (48 kHz mono int16), or of a 440 Hz tone."""

    def __init__(self, ssrc: int, speech: np.ndarray | None = None) -> None:
        self.ssrc = ssrc
        self.encoder = OpusEncoder()
        self.sequence = 5000
        self.index = 0
        self.speech = speech

    def packets(self) -> Iterator[RtpPacket]:
        while True:
            if self.speech is not None:
                chunk = self.speech[self.index * 960 : (self.index + 1) * 960]
                if len(chunk) < 960:
                    return
                samples = chunk.astype(np.int16).reshape(1, -1)
            else:
                t = (np.arange(960) + self.index * 960) / 48_000
                samples = (np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16).reshape(1, -1)
            frame = AudioFrame.from_ndarray(samples, format="s16", layout="mono")
            frame.sample_rate, frame.pts = 48_000, self.index * 960
            frame.time_base = fractions.Fraction(1, 48_000)
            self.index += 1
            payloads, timestamp = self.encoder.encode(frame)
            for payload in payloads:
                yield RtpPacket(
                    payload_type=OPUS_PT,
                    marker=0,
                    sequence_number=self.sequence & 0xFFFF,
                    timestamp=timestamp & 0xFFFFFFFF,
                    ssrc=self.ssrc,
                    payload=payload,
                )
                self.sequence += 1
