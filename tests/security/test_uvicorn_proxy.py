"""``viva serve`` believes forwarding headers only from VIVA_TRUSTED_PROXIES (issue 12, F6).

uvicorn's default trusts ``X-Forwarded-For/-Proto`` from 127.0.0.1 before the app sees the
request; with no proxy configured a local client could then pose as HTTPS (HSTS sent over plain
HTTP) or as any address (the per-address sign-in limit). The server is run as ``viva serve``
configures it, on a loopback port.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn

from server.cli import uvicorn_options
from server.settings import Settings
from tests.conftest import make_settings
from tests.support.live_server import free_port

pytestmark = pytest.mark.integration

FORWARDED = {"x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.9"}


@contextmanager
def serve(settings: Settings) -> Iterator[str]:
    from server.app import create_app

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            **uvicorn_options(settings),
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def test_no_trusted_proxy_means_forwarding_headers_are_ignored(tmp_path: Path, sqlite_url: str) -> None:
    assert uvicorn_options(make_settings(tmp_path, sqlite_url)) == {"proxy_headers": False}
    with serve(make_settings(tmp_path, sqlite_url)) as url:
        r = httpx.get(f"{url}/health", headers=FORWARDED)
    assert r.status_code == 200
    assert "strict-transport-security" not in r.headers  # plain HTTP stays plain HTTP


def test_a_configured_proxy_is_believed(tmp_path: Path, sqlite_url: str) -> None:
    settings = make_settings(tmp_path, sqlite_url, VIVA_TRUSTED_PROXIES="127.0.0.1,10.0.0.0/8")
    assert uvicorn_options(settings) == {"proxy_headers": True, "forwarded_allow_ips": "127.0.0.1,10.0.0.0/8"}
    with serve(settings) as url:
        r = httpx.get(f"{url}/health", headers=FORWARDED)
    assert r.status_code == 200 and "max-age=" in r.headers["strict-transport-security"]
