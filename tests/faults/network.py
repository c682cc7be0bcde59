"""Cutting a peer's network: every UDP packet it sends or receives is dropped until restored.

The cut sits in the peer's own ICE sockets (aioice's datagram transports), so STUN consent
checks, DTLS and RTP/RTCP all stop, in both directions, as when a laptop's Wi-Fi drops.
The peer itself keeps running and keeps trying to send, as a browser does.
"""

from __future__ import annotations

from typing import Any

__all__ = ["NetworkCut", "PacketLoss"]


def _ice_protocols(pc: Any) -> list[Any]:
    """The ICE sockets' datagram protocols of a connected ``RTCPeerConnection`` (aioice internals)."""
    connections = {
        id(c): c
        for c in (
            t.sender.transport.transport._connection
            for t in pc.getTransceivers()
            if t.sender.transport is not None
        )
    }
    protocols = [p for c in connections.values() for p in c._protocols]
    assert protocols, "the peer has no ICE sockets yet: install after connecting"
    return protocols


class NetworkCut:
    """Install on a connected ``RTCPeerConnection``; :meth:`cut` and :meth:`restore` it."""

    def __init__(self, pc: Any) -> None:
        self.is_cut = False
        self.dropped = 0
        for protocol in _ice_protocols(pc):
            self._wrap(protocol)

    def _wrap(self, protocol: Any) -> None:
        transport = protocol.transport
        send, receive = transport.sendto, protocol.datagram_received

        def sendto(data: bytes, addr: Any = None) -> None:
            if self.is_cut:
                self.dropped += 1
                return
            send(data, addr)

        def datagram_received(data: bytes, addr: Any) -> None:
            if self.is_cut:
                self.dropped += 1
                return
            receive(data, addr)

        transport.sendto = sendto
        protocol.datagram_received = datagram_received

    def cut(self) -> None:
        self.is_cut = True

    def restore(self) -> None:
        self.is_cut = False


class PacketLoss:
    """Drops a share of the media (SRTP/SRTCP) a connected peer sends, at random.

    STUN and DTLS pass (RFC 7983 demultiplexing by first byte), so the connection stays up
    and only media is lost, as on a congested uplink. ``seed`` makes the pattern repeatable.
    """

    def __init__(self, pc: Any, rate: float, seed: int = 19) -> None:
        import random

        self.rate = rate
        self.sent = 0
        self.dropped = 0
        self._random = random.Random(seed)
        for protocol in _ice_protocols(pc):
            self._wrap(protocol)

    def _wrap(self, protocol: Any) -> None:
        transport = protocol.transport
        send = transport.sendto

        def sendto(data: bytes, addr: Any = None) -> None:
            if data and 128 <= data[0] <= 191:  # RTP or RTCP
                self.sent += 1
                if self._random.random() < self.rate:
                    self.dropped += 1
                    return
            send(data, addr)

        transport.sendto = sendto
