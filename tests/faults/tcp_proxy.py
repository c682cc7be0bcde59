"""A TCP proxy process to put in front of a real service, so a test can take it away.

``python -m tests.faults.tcp_proxy LISTEN_PORT TARGET_HOST TARGET_PORT`` forwards every
connection on 127.0.0.1:LISTEN_PORT to the target and prints ``ready`` once listening.
Killing the process drops every connection at once and refuses new ones (the service is
gone); starting it again on the same port brings the service back with its data intact.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress

__all__ = ["TcpProxy", "tcp_proxy"]


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with suppress(Exception):
            writer.close()


async def _serve(listen_port: int, host: str, port: int) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(host, port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    server = await asyncio.start_server(handle, "127.0.0.1", listen_port, reuse_address=True)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


class TcpProxy:
    """The proxy as a child process that can be killed and started again on its port."""

    def __init__(self, listen_port: int, target_host: str, target_port: int) -> None:
        self.port = listen_port
        self._target = (target_host, target_port)
        self._proc: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start forwarding (returns once the port accepts connections)."""
        assert self._proc is None or self._proc.poll() is not None, "already running"
        self._proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.faults.tcp_proxy",
                str(self.port),
                self._target[0],
                str(self._target[1]),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()  # blocks until "ready" or the process dies
        if line.strip() != "ready":
            self._proc.wait(timeout=10)
            error = self._proc.stderr.read() if self._proc.stderr else ""
            self.kill()
            raise RuntimeError(f"proxy did not start: {error}")

    def kill(self) -> None:
        """SIGKILL: open connections are reset, new ones refused."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait(timeout=10)
        for stream in (self._proc.stdout, self._proc.stderr):
            if stream is not None:
                stream.close()


@contextmanager
def tcp_proxy(listen_port: int, target_host: str, target_port: int) -> Iterator[TcpProxy]:
    proxy = TcpProxy(listen_port, target_host, target_port)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.kill()


if __name__ == "__main__":
    asyncio.run(_serve(int(sys.argv[1]), sys.argv[2], int(sys.argv[3])))
