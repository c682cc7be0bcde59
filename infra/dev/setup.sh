#!/usr/bin/env bash
# Install everything Viva needs on a fresh Debian 12 machine with Python 3.11, idempotently:
# system packages (ffmpeg, PostgreSQL server, Chromium, espeak-ng), a virtual environment
# with the Python packages (torch 2.13.0 CPU first, so nothing pulls a CUDA build), and the
# built frontend. Safe to run again; it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# --- system packages -------------------------------------------------------------------
missing=()
command -v ffmpeg >/dev/null || missing+=(ffmpeg)
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
command -v sox >/dev/null || missing+=(sox)
[ -x /usr/bin/chromium ] || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
command -v node >/dev/null || missing+=(nodejs npm)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)  # text in SVG logos
[ -x /usr/sbin/nginx ] || missing+=(nginx)  # the reverse proxy of the scale-out test (infra/nginx)
[ -x /usr/bin/turnserver ] || missing+=(coturn)  # the TURN-only media test (infra/coturn)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Python ------------------------------------------------------------------------------
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1
if ! .venv/bin/python -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '2.13.0')" 2>/dev/null; then
  say "installing torch 2.13.0 (CPU)"
  .venv/bin/pip install -q torch==2.13.0
fi
stamp=.venv/.viva-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  say "installing Viva and its Python dependencies"
  .venv/bin/pip install -q -e ".[test]"
  touch "$stamp"
fi

# --- frontend ----------------------------------------------------------------------------
if [ -f frontend/package.json ]; then
  if [ ! -d frontend/node_modules ] || [ frontend/package-lock.json -nt frontend/node_modules ]; then
    say "installing frontend packages"
    (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
  fi
  if [ ! -f server/static/index.html ] || [ -n "$(find frontend/src frontend/index.html frontend/openapi.json -newer server/static/index.html 2>/dev/null | head -1)" ]; then
    say "building the frontend"
    (cd frontend && npm run build --silent)
  fi
fi
say "ready"
