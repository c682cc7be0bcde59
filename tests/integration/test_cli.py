"""The `viva` command as a newcomer runs it: a real process, a real port."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

VIVA = [sys.executable, "-m", "server.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.25)
    raise TimeoutError(url)


def _users_create(email: str, role: str, password: str, *, org_name: str | None = None) -> list[str]:
    """`viva users create` arguments for a user of the organization "acme"."""
    org = ["--org", "acme", *(["--org-name", org_name] if org_name else [])]
    return ["users", "create", "--email", email, "--role", role, *org, "--password", password]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIVA_")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def test_demo_serves_a_working_login_and_the_schema(tmp_path: Path) -> None:
    port = _free_port()
    log = open(tmp_path / "demo.log", "w+")  # noqa: SIM115
    proc = subprocess.Popen(
        [*VIVA, "demo", "--port", str(port), "--data-dir", str(tmp_path / "d")],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=_env(tmp_path),
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/health")
        log.seek(0)
        out = log.read()
        password = re.search(r"admin\s+: admin@demo\.viva\s+password: (\S+)", out)
        assert password, out
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with pytest.raises(urllib.error.HTTPError):
            opener.open(f"{base}/api/auth/me")  # sets the CSRF cookie, 401
        csrf = next(c.value for c in jar if c.name == "viva_csrf")
        req = urllib.request.Request(
            f"{base}/api/auth/login",
            method="POST",
            data=json.dumps({"email": "admin@demo.viva", "password": password.group(1)}).encode(),
            headers={"content-type": "application/json", "x-csrf-token": csrf},
        )
        with opener.open(req) as r:
            assert json.load(r)["organization_name"] == "Demo Company"
        with opener.open(f"{base}/api/assessments") as r:
            assessments = json.load(r)
        assert [a["title"] for a in assessments] == ["Machine Learning Engineer"]
        with urllib.request.urlopen(f"{base}/schema/openapi.json") as r:
            assert "/api/auth/login" in json.load(r)["paths"]
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
    assert (tmp_path / "d" / "viva.db").exists()


def test_db_upgrade_and_users_create(tmp_path: Path) -> None:
    env = _env(tmp_path)
    data = ["--data-dir", str(tmp_path / "d")]
    run = lambda *a: subprocess.run([*VIVA, *a], env=env, capture_output=True, text=True)  # noqa: E731
    assert run("db", "upgrade", *data).returncode == 0
    r = run(*_users_create("ops@acme.test", "admin", "a long password", org_name="Acme"), *data)
    assert r.returncode == 0 and "created admin ops@acme.test in acme" in r.stdout
    dup = run(*_users_create("ops@acme.test", "reviewer", "a long password"), *data)
    assert dup.returncode != 0 and "already exists" in dup.stderr
    short = run(*_users_create("x@acme.test", "reviewer", "short"), *data)
    assert short.returncode != 0 and "at least 12 characters" in short.stderr
    common = run(*_users_create("x@acme.test", "reviewer", "password1234"), *data)
    assert common.returncode != 0 and "common" in common.stderr


def test_users_deactivate_reset_password_and_unlock(tmp_path: Path) -> None:
    """Issue 12 F5/F4: the operator's account lifecycle, against a real app on the same data."""
    import asyncio

    from litestar.testing import AsyncTestClient

    from server.app import create_app
    from server.settings import Settings

    env = _env(tmp_path)
    data = ["--data-dir", str(tmp_path / "d")]
    run = lambda *a: subprocess.run([*VIVA, *a], env=env, capture_output=True, text=True)  # noqa: E731
    assert run("db", "upgrade", *data).returncode == 0
    assert (
        run(*_users_create("ops@acme.test", "admin", "a long password", org_name="Acme"), *data).returncode
        == 0
    )
    assert run(*_users_create("rev@acme.test", "reviewer", "a long password"), *data).returncode == 0
    last = run("users", "deactivate", "--email", "ops@acme.test", *data)
    assert last.returncode != 0 and "last admin" in last.stderr
    settings = Settings.from_env({"VIVA_SECRET_KEY": "cli-test-" + "x" * 40}, data_dir=tmp_path / "d")

    async def login(password: str) -> int:
        async with AsyncTestClient(app=create_app(settings)) as c:
            await c.get("/api/auth/me")
            r = await c.post(
                "/api/auth/login",
                json={"email": "rev@acme.test", "password": password},
                headers={"x-csrf-token": c.cookies.get("viva_csrf", "")},
            )
            return r.status_code

    assert asyncio.run(login("a long password")) == 200
    r = run("users", "deactivate", "--email", "rev@acme.test", *data)
    assert r.returncode == 0 and "deactivated rev@acme.test" in r.stdout, r.stderr
    assert asyncio.run(login("a long password")) == 401
    weak = run("users", "reset-password", "--email", "rev@acme.test", "--password", "qwerty123456", *data)
    assert weak.returncode != 0
    r = run(
        "users", "reset-password", "--email", "ops@acme.test", "--password", "another long passphrase", *data
    )
    assert r.returncode == 0 and "new password set" in r.stdout, r.stderr
    assert asyncio.run(login("another long passphrase")) == 401  # rev is still deactivated
    unknown = run("users", "deactivate", "--email", "nobody@acme.test", *data)
    assert unknown.returncode != 0 and "No account" in unknown.stderr
    r = run("users", "unlock", "--email", "ops@acme.test", *data)
    assert r.returncode == 0 and "unlocked ops@acme.test" in r.stdout
