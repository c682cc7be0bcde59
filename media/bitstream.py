"""Just enough of the VP8 and Opus bitstreams to store received frames without decoding them.

A passthrough recording never runs a decoder, so what a decoder used to tell us (is
this a keyframe, how large is the picture, is the frame cut short, how long is this
audio packet) is read from the first bytes of each frame: the VP8 frame tag and
keyframe header (RFC 6386, section 9.1) and the Opus TOC byte (RFC 6716, section 3.1).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["OPUS_SILENCE_20MS", "Vp8Frame", "opus_packet_samples", "parse_vp8"]

OPUS_SILENCE_20MS = b"\xf8\xff\xfe"
"""A 20 ms CELT-only mono Opus packet that decodes to silence (used to fill lost audio)."""

_VP8_START_CODE = b"\x9d\x01\x2a"
_CELT_MS = (2.5, 5.0, 10.0, 20.0)
_SILK_MS = (10.0, 20.0, 40.0, 60.0)
_HYBRID_MS = (10.0, 20.0)


@dataclass(frozen=True, slots=True)
class Vp8Frame:
    """What the frame tag says about one VP8 frame."""

    keyframe: bool
    width: int | None
    """Picture width from a keyframe header; ``None`` for an interframe."""
    height: int | None
    complete: bool
    """Whether the frame holds at least its header and first partition (not cut short)."""


def parse_vp8(frame: bytes) -> Vp8Frame | None:
    """Read a VP8 frame's tag; ``None`` when the bytes cannot be a VP8 frame at all."""
    if len(frame) < 3:
        return None
    tag = frame[0] | (frame[1] << 8) | (frame[2] << 16)
    keyframe = not tag & 1
    first_partition = tag >> 5
    if not keyframe:
        return Vp8Frame(False, None, None, 3 + first_partition <= len(frame))
    if len(frame) < 10 or frame[3:6] != _VP8_START_CODE:
        return None
    width = int.from_bytes(frame[6:8], "little") & 0x3FFF
    height = int.from_bytes(frame[8:10], "little") & 0x3FFF
    if not width or not height:
        return None
    return Vp8Frame(True, width, height, 10 + first_partition <= len(frame))


def opus_packet_samples(packet: bytes, rate: int = 48_000) -> int:
    """Samples (at ``rate``) one Opus packet holds, from its TOC byte; 0 if it is malformed."""
    if not packet:
        return 0
    toc = packet[0]
    config = toc >> 3
    if config < 12:
        frame_ms = _SILK_MS[config % 4]
    elif config < 16:
        frame_ms = _HYBRID_MS[config % 2]
    else:
        frame_ms = _CELT_MS[config % 4]
    code = toc & 0x3
    if code == 0:
        frames = 1
    elif code in (1, 2):
        frames = 2
    elif len(packet) < 2:
        return 0
    else:
        frames = packet[1] & 0x3F
    total_ms = frame_ms * frames
    if total_ms > 120.0:  # RFC 6716: a packet never holds more than 120 ms
        return 0
    return round(total_ms * rate / 1000)
