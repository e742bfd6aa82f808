"""The built bundle passes packaging/smoke_test.sh (doctor, classify, index, searches, the window).

Building takes several minutes and 1.5 GB of disk, so this test does not build unless asked. What it
does is chosen by FA_PACKAGING_TEST:

- unset or `auto`: smoke-test dist/fashion-assistant when it exists; otherwise SKIP, with the reason
  and the command to build it (shown in pytest's -ra summary: never a silent pass);
- `build`: run packaging/build_linux.sh first, then the smoke test (what CI sets when it builds);
- `require`: FAIL when there is no bundle (for a job that built it in an earlier step);
- `off`: skip.

A bundle that exists is tested as it is, even if it is older than the source: its build time is
in the failure message, so a stale bundle is easy to tell from a broken one.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.packaging, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
BUNDLE = REPO / "dist" / "fashion-assistant"
MODE_ENV = "FA_PACKAGING_TEST"


def _mode() -> str:
    mode = os.environ.get(MODE_ENV, "auto").strip().lower() or "auto"
    if mode not in {"auto", "build", "require", "off"}:
        pytest.fail(f"{MODE_ENV}={mode!r}: use auto, build, require or off")
    return mode


def _bundle_exe() -> Path:
    return BUNDLE / ("fashion-assistant.exe" if sys.platform == "win32" else "fashion-assistant")


def test_built_bundle_passes_the_smoke_test(request: pytest.FixtureRequest) -> None:
    mode = _mode()
    if mode == "off":
        pytest.skip(f"{MODE_ENV}=off")
    if shutil.which("bash") is None:
        pytest.skip("the smoke test is a bash script and this machine has no bash")
    if mode == "build":
        if not sys.platform.startswith("linux"):
            pytest.skip("building here is Linux-only; other systems use packaging/windows or packaging/macos")
        build = subprocess.run(["bash", str(REPO / "packaging" / "build_linux.sh")], cwd=REPO, capture_output=True, text=True)
        assert build.returncode == 0, f"packaging/build_linux.sh failed:\n{build.stdout[-3000:]}\n{build.stderr[-3000:]}"
    if not _bundle_exe().exists():
        message = (f"no built bundle at {BUNDLE}: build it with `bash packaging/build_linux.sh`, "
                   f"or set {MODE_ENV}=build to build it here")
        if mode == "require":
            pytest.fail(message)
        pytest.skip(message)

    tiny_blip2 = request.getfixturevalue("tiny_blip2")  # built only when there is a bundle to test
    built = dt.datetime.fromtimestamp(_bundle_exe().stat().st_mtime).isoformat(timespec="seconds")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FASHION_ASSISTANT_", "HF_", "PYTHON"))}
    smoke = subprocess.run(
        ["bash", str(REPO / "packaging" / "smoke_test.sh"), str(BUNDLE), str(tiny_blip2)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=1800,
    )
    print(smoke.stdout)
    failed = [line for line in smoke.stdout.splitlines() if "FAIL at step" in line]
    assert smoke.returncode == 0, (
        f"{failed[0] if failed else 'smoke test failed'} (bundle built {built})\n{smoke.stdout[-4000:]}\n{smoke.stderr[-2000:]}"
    )
