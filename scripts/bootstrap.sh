#!/usr/bin/env bash
# Set up (or reuse) .venv at the repository root, then run the app or the test suite.
#   bash scripts/bootstrap.sh app  [ARGS...]   start the window (ARGS go to fashion-assistant-gui)
#   bash scripts/bootstrap.sh test [ARGS...]   lint, check the import boundary, run pytest (ARGS go to pytest)
#   bash scripts/bootstrap.sh setup            only set up
#   bash scripts/bootstrap.sh lock             re-resolve pyproject.toml's ranges in a throwaway venv and
#                                              rewrite constraints.txt from it (.venv is left alone)
# The install takes its versions from constraints.txt, the ones the test suite passed with, so every
# checkout gets the same set. Idempotent: it runs again only when pyproject.toml, constraints.txt or
# the torch pin changed, or .venv is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PYTHON:-python3}
CONSTRAINTS=$ROOT/constraints.txt
# torch is pinned in constraints.txt (a CPU build here; see README for other machines); FA_TORCH_SPEC
# installs another build or version instead, so the other pins are then applied without torch's.
TORCH_SPEC=${FA_TORCH_SPEC:-$(grep -m1 -o '^torch==[^ ;]*' "$CONSTRAINTS" || true)}
[ -n "$TORCH_SPEC" ] || { echo "constraints.txt has no torch== pin: restore it from git, or set FA_TORCH_SPEC" >&2; exit 1; }
EXTRAS=gui,test,fast
VENV=$ROOT/.venv
STAMP=$VENV/.fashion-assistant-installed

# Writes constraints.txt from the venv whose python runs it: each installed distribution but the
# project and pip's own tools, local version labels dropped (torch 2.13.0+cpu is torch==2.13.0 on every
# system). A pin whose release needs a newer Python than the project's oldest gets a python_version
# marker, so an older interpreter resolves that package freely instead of failing.
write_constraints() {
  "$1" - "$CONSTRAINTS" <<'PY'
import sys
from importlib.metadata import distributions, metadata

from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

project = "fashion-assistant"
pythons = [f"3.{minor}" for minor in range(sys.version_info.minor + 1)]
supported = [v for v in pythons if v in SpecifierSet(metadata(project).get("Requires-Python", ""))]
pins: dict[str, str] = {}
for dist in distributions():
    name = canonicalize_name(dist.metadata["Name"])
    if name in {project, "pip", "setuptools", "wheel"}:
        continue
    if name.startswith(("nvidia-", "cuda-")) or name == "triton":
        sys.exit(f"{name} is installed: a CUDA build of torch got in, and its Linux-only packages must not be pinned")
    pin = f"{name}=={Version(dist.version).public}"
    needs = SpecifierSet(dist.metadata.get("Requires-Python", ""))
    oldest = next(v for v in supported if v in needs)
    pins[name] = pin if oldest == supported[0] else f'{pin} ; python_version >= "{oldest}"'
header = f"""\
# The versions the test suite passed with, for every install of the app: scripts/bootstrap.sh, CI and
# the installer builds all run `pip install -c constraints.txt`. Written by `bash scripts/bootstrap.sh
# lock` on Python {sys.version_info.major}.{sys.version_info.minor} ({sys.platform}): refresh it that way, never by hand, and run the test
# suite before committing the result. torch==X also matches the CPU build X+cpu. A pin marked
# python_version >= "3.N" is a release that needs that Python: an older one resolves it freely.
# Packages that only another system pulls in (colorama on Windows, PyInstaller's helpers on Windows
# and macOS) are not listed and resolve freely there.
"""
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.write(header + "".join(pins[name] + "\n" for name in sorted(pins)))
print(f"Wrote {len(pins)} pins to {sys.argv[1]}")
PY
}

cmd=${1:-app}
shift || true
if [ "$cmd" = lock ]; then
  LOCK=$(mktemp -d)
  trap 'rm -rf "$LOCK"' EXIT
  echo "Resolving pyproject.toml's ranges afresh in $LOCK (a minute with a cached llama-cpp-python wheel; .venv is not touched) ..."
  "$PY" -m venv "$LOCK/venv"
  "$LOCK/venv/bin/python" -m pip install --quiet --upgrade pip setuptools wheel
  "$LOCK/venv/bin/python" -m pip install --quiet "$TORCH_SPEC"
  "$LOCK/venv/bin/python" -m pip install --quiet -e ".[$EXTRAS,packaging]"
  write_constraints "$LOCK/venv/bin/python"
  exit 0
fi

want=$( (cat pyproject.toml "$CONSTRAINTS"; echo "$TORCH_SPEC") | sha256sum | cut -d' ' -f1)
if [ ! -x "$VENV/bin/python" ]; then
  echo "Creating $VENV ..."
  "$PY" -m venv "$VENV"
fi
if [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
  echo "Installing dependencies into .venv (first time: several minutes; llama-cpp-python compiles) ..."
  PINS=$VENV/.constraints-but-torch.txt
  grep -v '^torch==' "$CONSTRAINTS" > "$PINS"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip setuptools wheel
  # torch first and pinned, so nothing later pulls a multi-GB CUDA build
  "$VENV/bin/python" -m pip install --quiet -c "$PINS" "$TORCH_SPEC"
  "$VENV/bin/python" -m pip install --quiet -c "$PINS" -e ".[$EXTRAS]"
  echo "$want" > "$STAMP"
fi

case "$cmd" in
  setup) echo "Set up: $VENV" ;;
  app) exec "$VENV/bin/fashion-assistant-gui" "$@" ;;
  test)
    export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
    # The offline test watches every system call (native threads included) with strace.
    if ! command -v strace >/dev/null; then
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get install -y -q strace >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q strace >/dev/null 2>&1; } || true
      fi
      command -v strace >/dev/null || echo "note: install strace (e.g. sudo apt-get install strace): tests/test_offline_native.py needs it" >&2
    fi
    "$VENV/bin/ruff" check .
    "$VENV/bin/lint-imports" --no-cache
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  *) echo "usage: bash scripts/bootstrap.sh [app|test|setup|lock] [ARGS...]" >&2; exit 2 ;;
esac
