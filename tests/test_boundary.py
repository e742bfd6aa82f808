"""The core stays headless: importing every core module in a fresh interpreter loads no Qt."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import desktop_app.core


def test_no_core_module_loads_qt() -> None:
    modules = [m.name for m in pkgutil.walk_packages(desktop_app.core.__path__, "desktop_app.core.")]
    assert len(modules) >= 5
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')"
        " or m.startswith(('desktop_app.ui', 'desktop_app.cli', 'desktop_app.commands')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"core pulled in: {out.stdout.strip()}"


def test_import_linter_contracts_hold() -> None:
    import shutil

    lint = shutil.which("lint-imports") or str(__import__("pathlib").Path(sys.executable).with_name("lint-imports"))
    out = subprocess.run([lint, "--no-cache"], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
