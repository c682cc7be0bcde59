"""Taking encoded frames from an aiortc receiver before its decoder, and asking for keyframes.

aiortc's ``RTCRtpReceiver`` reassembles RTP packets into encoded frames in its jitter
buffer and hands each one, with its codec, to a decoder thread through a queue. A
passthrough recording needs those frames, not the decoded pictures, so :func:`tap`
swaps two parts of one receiver (before it starts receiving):

- the jitter buffer, for one that also says which packets made each frame, so a frame
  that follows lost packets or lacks its first or last packet is known as such;
- the decoder queue, for one that hands each frame to the recorder and passes to the
  decoder only what still has to be decoded (audio, for the live level meter);
- and it notes when the first packet arrived, so each stream is placed by when it began
  and not by how long its jitter buffer held it (audio: 4 packets, video: one frame).

Both are aiortc internals (checked against aiortc 1.16): :func:`can_tap` says whether
this aiortc has them, and the take falls back to the decoded recording when it has not.
"""

from __future__ import annotations

import asyncio
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiortc import RTCRtpReceiver

__all__ = [
    "EncodedFrame",
    "ReceiverTap",
    "StreamStart",
    "can_tap",
    "decoder_idle",
    "drain_to_decoder",
    "held_frames",
    "tap",
]

_JITTER = "_RTCRtpReceiver__jitter_buffer"
_DECODER_QUEUE = "_RTCRtpReceiver__decoder_queue"
_STARTED = "_RTCRtpReceiver__started"
_CODECS = "_RTCRtpReceiver__codecs"
_MAPPER = "_RTCRtpReceiver__timestamp_mapper"


@dataclass(frozen=True, slots=True)
class EncodedFrame:
    """One frame as the receiver reassembled it."""

    kind: str
    """``audio`` or ``video``."""
    codec: str
    """Lower-case codec name (``vp8``, ``opus``...)."""
    data: bytes
    timestamp: int
    """RTP timestamp, unwrapped and counted from the stream's first frame."""
    clock_rate: int
    intact: bool
    """Video: every packet of the frame arrived (first packet starts it, last one ends it)."""
    after_loss: bool
    """Video: packets were lost (or skipped by the jitter buffer) just before this frame."""


class StreamStart:
    """When a receiver's first RTP packet arrived: its stream's start, before any buffering.

    Placing a track's first frame by this, not by when the frame left the jitter buffer
    (audio waits for 4 packets, video for the next frame) keeps audio and video in step.
    Works on any aiortc receiver (it wraps ``_handle_rtp_packet``, which the DTLS transport
    calls for every packet); install before the receiver starts.
    """

    def __init__(self, receiver: Any, clock: Callable[[], float] = time.monotonic) -> None:
        self.at: float | None = None
        handle = receiver._handle_rtp_packet

        async def handle_rtp_packet(packet: Any, arrival_time_ms: int) -> None:
            if self.at is None:
                self.at = clock()
            await handle(packet, arrival_time_ms)

        receiver._handle_rtp_packet = handle_rtp_packet

    def __call__(self) -> float | None:
        return self.at


def can_tap(receiver: Any) -> bool:
    """Whether ``receiver`` has the internals :func:`tap` replaces and has not started."""
    return (
        hasattr(receiver, _JITTER)
        and hasattr(receiver, "_send_rtcp_pli")
        and hasattr(receiver, "_handle_rtp_packet")
        and isinstance(getattr(receiver, _DECODER_QUEUE, None), queue.Queue)
        and getattr(receiver, _STARTED, True) is False
    )


def _starts_frame(packet: Any) -> bool:
    from aiortc.codecs.vpx import VpxPayloadDescriptor

    try:
        descriptor, _ = VpxPayloadDescriptor.parse(packet.payload)
    except ValueError:
        return False
    return bool(descriptor.partition_start) and descriptor.partition_id == 0


def _jitter_buffer_class() -> type:
    from aiortc.jitterbuffer import JitterBuffer
    from aiortc.utils import uint16_add

    class FrameJitterBuffer(JitterBuffer):
        """aiortc's video jitter buffer, noting which packets each frame came from.

        aiortc waits for a missing packet until 512 later ones are queued (seconds of
        video); this one gives up after ``give_up_s`` without a frame, when the packet
        is not coming back (retransmission failed), so the keyframe request goes out at once.
        """

        def __init__(self, give_up_s: float, clock: Callable[[], float]) -> None:
            super().__init__(capacity=512, is_video=True)
            self.removed: list[Any] = []
            self.next_seq: int | None = None
            self.ssrc: int | None = None
            self.give_up_s = give_up_s
            self.clock = clock
            self.gave_up = 0
            self._waiting_since: float | None = None

        def add(self, packet: Any) -> tuple[bool, Any]:
            self.removed = []
            self.ssrc = packet.ssrc
            pli, frame = super().add(packet)
            if frame is None:
                now = self.clock()
                if self._waiting_since is None:
                    self._waiting_since = now
                elif now - self._waiting_since > self.give_up_s and self._skip_hole():
                    self._waiting_since, self.removed = None, []
                    pli = True
                    frame = self._remove_frame(packet.sequence_number)
            if frame is not None:
                self._waiting_since = None
                packets = [p for p in self.removed if p is not None and p.timestamp == frame.timestamp]
                first, last = packets[0], packets[-1]
                starts = _starts_frame(first)
                after_loss = self.next_seq is not None and first.sequence_number != self.next_seq
                self.next_seq = uint16_add(last.sequence_number, 1)
                setattr(frame, "tap_info", (starts and bool(last.marker), after_loss))  # noqa: B010
            return pli, frame

        def remove(self, count: int) -> None:
            assert self._origin is not None
            for i in range(count):
                self.removed.append(self._packets[(self._origin + i) % self._capacity])
            super().remove(count)

        def _skip_hole(self) -> bool:
            """Drop the incomplete frame before a hole, the hole, and a frame cut by it."""
            assert self._origin is not None
            capacity, packets = self._capacity, self._packets
            count = 0
            while count < capacity and packets[(self._origin + count) % capacity] is not None:
                count += 1  # the incomplete frame waiting at the front
            while count < capacity and packets[(self._origin + count) % capacity] is None:
                count += 1  # the missing packets
            if count >= capacity:
                return False  # nothing after the hole yet
            after = packets[(self._origin + count) % capacity]
            assert after is not None
            if not _starts_frame(after):  # the rest of a frame whose start was lost
                while (
                    count < capacity
                    and (p := packets[(self._origin + count) % capacity]) is not None
                    and p.timestamp == after.timestamp
                ):
                    count += 1
            self.remove(count)
            self.gave_up += 1
            return True

    return FrameJitterBuffer


class ReceiverTap:
    """Delivers one receiver's encoded frames to ``on_frame`` in the event loop.

    Args:
        receiver: An aiortc receiver that has not started (see :func:`can_tap`).
        on_frame: Called with each reassembled frame, in the event loop.
        decode: Whether frames still go to aiortc's decoder too (audio: the level meter).
        give_up_s: Video: how long a missing packet is waited for (retransmission) before
            the frames behind it are let through and a keyframe is asked for.
        clock: Monotonic seconds.
    """

    def __init__(
        self,
        receiver: RTCRtpReceiver,
        on_frame: Callable[[EncodedFrame], None],
        *,
        decode: bool,
        give_up_s: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.receiver = receiver
        self.kind = receiver.track.kind if receiver.track is not None else "audio"
        self._on_frame = on_frame
        self._jitter: Any = None
        if self.kind == "video":
            self._jitter = _jitter_buffer_class()(give_up_s, clock)
            setattr(receiver, _JITTER, self._jitter)
        setattr(receiver, _DECODER_QUEUE, _TapQueue(self, decode=decode))
        self.began = StreamStart(receiver, clock)
        self.keyframe_requests = 0
        self._sending: set[asyncio.Future[None]] = set()

    def _frame(self, codec: Any, frame: Any) -> None:
        intact, after_loss = getattr(frame, "tap_info", (True, False))
        self._on_frame(
            EncodedFrame(
                kind=self.kind,
                codec=codec.name.lower(),
                data=frame.data,
                timestamp=frame.timestamp,
                clock_rate=codec.clockRate,
                intact=intact,
                after_loss=after_loss,
            )
        )

    def flush(self) -> int:
        """Hand over the frames still held in the jitter buffer (the take is ending).

        aiortc releases a frame only when later packets arrive (audio waits for 4, video for
        the next frame), so without this the last 80 ms of audio and the last picture of
        every take would be lost. Incomplete frames stay behind. Returns frames handed over.
        """
        held = held_frames(self.receiver)
        for codec, frame in held:
            self._frame(codec, frame)
        return len(held)

    def request_keyframe(self) -> bool:
        """Send an RTCP PLI for the video stream; ``False`` before any packet has arrived."""
        ssrc = self._jitter.ssrc if self._jitter is not None else None
        if ssrc is None:
            return False
        self.keyframe_requests += 1
        sending = asyncio.ensure_future(self.receiver._send_rtcp_pli(ssrc))
        self._sending.add(sending)
        sending.add_done_callback(self._sending.discard)
        return True


class _TapQueue(queue.Queue[Any]):
    """The receiver's decoder queue: frames go to the tap, and to the decoder if asked."""

    def __init__(self, tap: ReceiverTap, *, decode: bool) -> None:
        super().__init__()
        self._tap = tap
        self._decode = decode

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        if item is None:  # the receiver stops: let the decoder thread end the track
            super().put(item, block, timeout)
            return
        codec, frame = item
        self._tap._frame(codec, frame)
        if self._decode:
            super().put(item, block, timeout)


def held_frames(receiver: Any) -> list[tuple[Any, Any]]:
    """Take the complete frames a receiver's jitter buffer still holds, as ``(codec, frame)``.

    What the receiver would have handed to its decoder had more packets arrived; used when
    a take ends. Returns nothing if this aiortc keeps its buffer elsewhere.
    """
    from aiortc.jitterbuffer import JitterFrame

    buffer = getattr(receiver, _JITTER, None)
    codecs = getattr(receiver, _CODECS, None)
    mapper = getattr(receiver, _MAPPER, None)
    if buffer is None or codecs is None or mapper is None or buffer._origin is None:
        return []
    video = receiver.track is not None and receiver.track.kind == "video"
    groups: list[list[Any]] = []
    for i in range(buffer.capacity):
        packet = buffer._packets[(buffer._origin + i) % buffer.capacity]
        if packet is None:
            break
        if groups and groups[-1][0].timestamp == packet.timestamp:
            groups[-1].append(packet)
        else:
            groups.append([packet])
    held: list[tuple[Any, Any]] = []
    taken = 0
    for packets in groups:
        codec = codecs.get(packets[0].payload_type)
        if codec is None or (video and not (_starts_frame(packets[0]) and packets[-1].marker)):
            break  # the rest of the frame never arrived
        data = b"".join(p._data for p in packets)
        held.append((codec, JitterFrame(data=data, timestamp=mapper.map(packets[0].timestamp))))
        taken += len(packets)
    buffer.remove(taken)
    return held


def drain_to_decoder(receiver: Any) -> int:
    """Send the frames a receiver's jitter buffer still holds to its decoder (take ending)."""
    decoder_queue = getattr(receiver, _DECODER_QUEUE, None)
    if decoder_queue is None or not getattr(receiver, "_RTCRtpReceiver__decoder_thread", None):
        return 0
    held = held_frames(receiver)
    for item in held:
        decoder_queue.put(item)
    return len(held)


def decoder_idle(receiver: Any) -> bool:
    """Whether the receiver's decoder has nothing left to decode or hand to its track."""
    decoder_queue = getattr(receiver, _DECODER_QUEUE, None)
    track = receiver.track
    pending = getattr(track, "_queue", None)
    return (decoder_queue is None or decoder_queue.empty()) and (pending is None or pending.empty())


def tap(
    receiver: RTCRtpReceiver,
    on_frame: Callable[[EncodedFrame], None],
    *,
    decode: bool,
    give_up_s: float = 0.5,
    clock: Callable[[], float] = time.monotonic,
) -> ReceiverTap:
    """Install a :class:`ReceiverTap` on ``receiver``."""
    return ReceiverTap(receiver, on_frame, decode=decode, give_up_s=give_up_s, clock=clock)
