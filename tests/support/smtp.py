"""A real SMTP server on loopback (aiosmtpd), recording every message it accepts."""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.live_server import free_port

__all__ = ["SmtpServer", "smtp_server"]


@dataclass
class SmtpServer:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    fail_next: int = 0  # answer this many messages with 451 (try again later)
    refused: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def env(self) -> dict[str, str]:
        """Settings that point Viva at this server (plain SMTP, no STARTTLS)."""
        return {
            "VIVA_SMTP_HOST": self.host,
            "VIVA_SMTP_PORT": str(self.port),
            "VIVA_SMTP_STARTTLS": "0",
            "VIVA_EMAIL_FROM": "Viva Test <viva@test.example>",
        }

    async def wait_for(self, count: int, timeout: float = 15.0) -> list[EmailMessage]:
        """The first ``count`` messages, once that many have arrived."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if len(self.messages) >= count:
                    return list(self.messages[:count])
            if time.monotonic() > deadline:
                raise TimeoutError(f"expected {count} email(s), got {len(self.messages)}")
            await asyncio.sleep(0.05)


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.server._lock:
            if self.server.fail_next > 0:
                self.server.fail_next -= 1
                self.server.refused += 1
                return "451 4.3.0 Try again later"
            self.server.messages.append(msg)  # type: ignore[arg-type]
            self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(host="127.0.0.1", port=free_port())
    controller = Controller(_Handler(server), hostname=server.host, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()
