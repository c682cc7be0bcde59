"""Cutting a peer's network: every UDP packet it sends or receives is dropped until restored.

The cut sits in the peer's own ICE sockets (aioice's datagram transports), so STUN consent
checks, DTLS and RTP/RTCP all stop, in both directions, as when a laptop's Wi-Fi drops.
The peer itself keeps running and keeps trying to send, as a browser does.
"""

from __future__ import annotations

from typing import Any

__all__ = ["NetworkCut"]


class NetworkCut:
    """Install on a connected ``RTCPeerConnection``; :meth:`cut` and :meth:`restore` it."""

    def __init__(self, pc: Any) -> None:
        self.is_cut = False
        self.dropped = 0
        connections = {id(c): c for c in (
            t.sender.transport.transport._connection for t in pc.getTransceivers()
            if t.sender.transport is not None)}
        protocols = [p for c in connections.values() for p in c._protocols]
        assert protocols, "the peer has no ICE sockets yet: install after connecting"
        for protocol in protocols:
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
