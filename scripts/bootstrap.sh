#!/usr/bin/env bash
# Set up (or reuse) .venv at the repository root, then run the app or the test suite.
#   bash scripts/bootstrap.sh app  [ARGS...]   start the window (ARGS go to fashion-assistant-gui)
#   bash scripts/bootstrap.sh test [ARGS...]   lint, check the import boundary, run pytest (ARGS go to pytest)
#   bash scripts/bootstrap.sh setup            only set up
# Idempotent: the install runs again only when pyproject.toml changed or .venv is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PYTHON:-python3}
TORCH_SPEC=${FA_TORCH_SPEC:-torch==2.13.0}   # pinned: a CPU build here; see README for other machines
VENV=$ROOT/.venv
STAMP=$VENV/.fashion-assistant-installed
want=$( (cat pyproject.toml; echo "$TORCH_SPEC") | sha256sum | cut -d' ' -f1)

if [ ! -x "$VENV/bin/python" ]; then
  echo "Creating $VENV ..."
  "$PY" -m venv "$VENV"
fi
if [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
  echo "Installing dependencies into .venv (first time: several minutes; llama-cpp-python compiles) ..."
  "$VENV/bin/python" -m pip install --quiet --upgrade pip setuptools wheel
  # torch first and pinned, so nothing later pulls a multi-GB CUDA build
  "$VENV/bin/python" -m pip install --quiet "$TORCH_SPEC"
  "$VENV/bin/python" -m pip install --quiet -e ".[test,fast]"
  echo "$want" > "$STAMP"
fi

cmd=${1:-app}
shift || true
case "$cmd" in
  setup) echo "Set up: $VENV" ;;
  app) exec "$VENV/bin/fashion-assistant-gui" "$@" ;;
  test)
    export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
    "$VENV/bin/ruff" check .
    "$VENV/bin/lint-imports" --no-cache
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  *) echo "usage: bash scripts/bootstrap.sh [app|test|setup] [ARGS...]" >&2; exit 2 ;;
esac
