"""The standards the project states, run by the README's test command (so by ``.ci/run``).

ruff (lint and format), mypy strict on ``server/ media/ scoring/``, ``tsc`` on the frontend,
a fresh ``frontend/openapi.json``, and every setting declared once with the README's table
generated from the declarations. Each failure says the command that fixes or shows it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from server.cli import main
from server.settings import declared, markdown_table

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
FRONTEND = ROOT / "frontend"


def _run(cmd: list[str], cwd: Path = ROOT, timeout: float = 280) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)


def _tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed: pip install -e '.[test]' (it is a test dependency)")
    return str(path)


def test_ruff_lint_is_clean() -> None:
    done = _run([_tool("ruff"), "check", "--no-cache", "."])
    assert done.returncode == 0, f"ruff check . found problems:\n{done.stdout}{done.stderr}"


def test_python_is_formatted_by_ruff() -> None:
    done = _run([_tool("ruff"), "format", "--check", "--no-cache", "--output-format", "concise", "."])
    assert done.returncode == 0, f"run `ruff format .`; these files differ:\n{done.stdout}{done.stderr}"


def test_mypy_strict_is_clean() -> None:
    done = _run([_tool("mypy"), "server", "media", "scoring"])
    assert done.returncode == 0, f"mypy server media scoring (strict):\n{done.stdout}{done.stderr}"


def test_frontend_typechecks() -> None:
    npm = shutil.which("npm")
    if npm is None or not (FRONTEND / "node_modules").exists():
        pytest.fail("the frontend is not installed: cd frontend && npm ci (infra/dev/setup.sh does)")
    gen = _run([npm, "run", "--silent", "gen"], cwd=FRONTEND)  # the typed client from openapi.json
    assert gen.returncode == 0, gen.stdout + gen.stderr
    done = _run([npm, "run", "--silent", "typecheck"], cwd=FRONTEND)
    assert done.returncode == 0, f"tsc --noEmit in frontend/:\n{done.stdout}{done.stderr}"


def test_openapi_file_is_what_the_server_serves() -> None:
    result = CliRunner().invoke(main, ["openapi"])
    assert result.exit_code == 0, result.output
    assert result.output == (FRONTEND / "openapi.json").read_text(), (
        "frontend/openapi.json is stale: run `viva openapi -o frontend/openapi.json`"
    )


def test_every_setting_is_declared_once_and_the_readme_table_is_generated_from_them() -> None:
    names = [f.metadata["env"] for _, f in declared()]
    assert len(names) == len(set(names)), "a variable is declared twice"
    for _, f in declared():
        assert f.metadata["meaning"].strip(), f"{f.metadata['env']} says nothing about its meaning"
    readme = (ROOT / "README.md").read_text()
    m = re.search(r"<!-- settings table:[^\n]*-->\n(.*?)<!-- end of settings table -->", readme, re.S)
    assert m is not None, "README.md lost its settings table markers"
    assert m.group(1) == markdown_table(), (
        "README's settings table differs from server/settings.py; regenerate it with "
        "`python -c 'from server.settings import markdown_table; print(markdown_table())'`"
    )


def test_no_variable_is_read_that_is_not_declared() -> None:
    names = {f.metadata["env"] for _, f in declared()}
    used: dict[str, set[str]] = {}
    for package in ("server", "media", "scoring"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text()
            rel = str(path.relative_to(ROOT))
            for name in re.findall(r"\bVIVA_[A-Z0-9_]*[A-Z0-9]\b", text):
                used.setdefault(name, set()).add(rel)
            if rel != "server/settings.py":
                assert "os.environ" not in text and "getenv(" not in text, (
                    f"{rel} reads the environment; only server/settings.py may"
                )
    unknown = {n: sorted(p) for n, p in used.items() if n not in names}
    assert unknown == {}, f"variables named in the code but not declared in server/settings.py: {unknown}"
