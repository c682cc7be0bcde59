"""The real product as a separate process on a loopback port (``viva serve``)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LiveServer", "free_port", "live_server"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class LiveServer:
    url: str
    data_dir: Path
    log: Path
    process: subprocess.Popen[bytes]

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def _wait_listening(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(f"{url}/health", timeout=5)
            return
        except urllib.error.HTTPError:  # 503 while a dependency is down still means "up"
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise TimeoutError(f"server at {url} did not start:\n{log.read_text()[-3000:]}")


@contextmanager
def live_server(
    data_dir: Path,
    env: dict[str, str],
    *,
    command: str = "serve",
    timeout: float = 90,
    port: int | None = None,
) -> Iterator[LiveServer]:
    """Start ``viva <command>`` and stop it with SIGTERM (a graceful shutdown) afterwards.

    ``port`` fixes the port (an instance restarted behind a proxy comes back where it was)."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("VIVA_")}
    full_env.update({"PYTHONUNBUFFERED": "1", "HF_HUB_OFFLINE": "1", "VIVA_PUBLIC_URL": url, **env})
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir / f"server-{port}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "server.cli", command, "--port", str(port), "--data-dir", str(data_dir)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=full_env,
        )
    try:
        _wait_listening(url, proc, log, timeout)
        yield LiveServer(url=url, data_dir=data_dir, log=log, process=proc)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
