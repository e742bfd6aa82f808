"""The core and the CLI run where Qt is not installed; the window says how to install it.

PySide6 is the `gui` extra, so a headless install has none. Each check runs in a fresh interpreter
whose `sitecustomize` hides PySide6 and shiboken6 from every import finder: `import PySide6` fails,
and `importlib.util.find_spec` answers None, exactly as without the package. Each lookup of a hidden
name is written to a log, so a command that merely tries Qt (and would cope with its absence) is
caught too, and the log proves the hiding is in force.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HIDDEN = ("PySide6", "shiboken6")
SITECUSTOMIZE = f'''\
"""Hide {HIDDEN} as if not installed, logging each lookup (written by tests/test_headless.py)."""
import os
import sys

_HIDDEN = {set(HIDDEN)!r}
_LOG = os.environ["FA_HIDDEN_IMPORTS_LOG"]


class _Hiding:
    def __init__(self, finder):
        self._finder = finder

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in _HIDDEN:
            with open(_LOG, "a", encoding="utf-8") as log:
                log.write(name + "\\n")
            return None
        find_spec = getattr(self._finder, "find_spec", None)
        return None if find_spec is None else find_spec(name, path, target)

    def __getattr__(self, attribute):
        return getattr(self._finder, attribute)


sys.meta_path[:] = [_Hiding(finder) for finder in sys.meta_path]
'''


class Headless:
    """Runs Python in a fresh interpreter with Qt hidden, and reports the hidden names it looked up."""

    def __init__(self, folder: Path) -> None:
        self.site = folder / "site"
        self.site.mkdir(parents=True)
        (self.site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
        self.log = folder / "hidden-lookups.log"
        self.data_dir = folder / "data"

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        self.log.write_text("", encoding="utf-8")
        pythonpath = os.pathsep.join(filter(None, [str(self.site), os.environ.get("PYTHONPATH")]))
        env = {**os.environ, "PYTHONPATH": pythonpath, "FA_HIDDEN_IMPORTS_LOG": str(self.log)}
        return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, timeout=600)

    def cli(self, *argv: str) -> subprocess.CompletedProcess[str]:
        """`fashion-assistant ARGV` on this test's own data folder; must exit 0 without looking for Qt."""
        out = self.run("-m", "desktop_app.cli", "--data-dir", str(self.data_dir), *argv)
        assert out.returncode == 0, f"{argv}: exit {out.returncode}\n{out.stdout}\n{out.stderr}"
        self.assert_no_qt_lookup(argv)
        return out

    def lookups(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").split()

    def assert_no_qt_lookup(self, what: object) -> None:
        assert self.lookups() == [], f"{what} looked for Qt: {sorted(set(self.lookups()))}"


@pytest.fixture
def headless(tmp_path: Path) -> Headless:
    return Headless(tmp_path / "headless")


def test_qt_is_hidden_as_if_not_installed(headless: Headless) -> None:
    code = (
        "import importlib.util\n"
        "assert importlib.util.find_spec('PySide6') is None and importlib.util.find_spec('shiboken6') is None\n"
        "try:\n    import PySide6.QtCore\nexcept ModuleNotFoundError as error:\n    print(error.name)\n"
    )
    out = headless.run("-c", code)
    assert (out.returncode, out.stdout.strip()) == (0, "PySide6"), out.stderr
    assert set(headless.lookups()) == set(HIDDEN)


def test_every_core_and_cli_module_imports_without_qt(headless: Headless) -> None:
    code = (
        "import importlib, json, pkgutil, sys\n"
        "import desktop_app.commands, desktop_app.core\n"
        "names = ['desktop_app.cli'] + [m.name for package in (desktop_app.core, desktop_app.commands)\n"
        "    for m in pkgutil.walk_packages(package.__path__, package.__name__ + '.')]\n"
        "for name in names: importlib.import_module(name)\n"
        "print(json.dumps(names))\n"
    )
    out = headless.run("-c", code)
    assert out.returncode == 0, out.stderr
    names = json.loads(out.stdout)
    assert len(names) > 20 and "desktop_app.commands.search" in names
    headless.assert_no_qt_lookup("importing the core, the commands and the CLI")


def test_cli_commands_run_without_qt(headless: Headless) -> None:
    assert "usage: fashion-assistant" in headless.cli("--help").stdout
    assert json.loads(headless.cli("doctor", "--json").stdout)["sqlite"]["ok"] is True
    classified = json.loads(headless.cli("classify", "two red dresses", "--json").stdout)
    assert (classified["source"], classified["number_of_items"]) == ("keywords", 2)
    assert json.loads(headless.cli("items", "--json").stdout) == []
    assert json.loads(headless.cli("stats", "--json").stdout)["items"] == 0


@pytest.mark.slow
def test_index_and_search_without_qt(headless: Headless, tiny_blip2: Path, product_photos: Path, tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    for category in ("shoes", "pants"):
        (photos / category).mkdir(parents=True)
        for photo in sorted((product_photos / category).glob("*.jpg"))[:2]:
            shutil.copy2(photo, photos / category / photo.name)
    report = json.loads(headless.cli("index", str(photos), "--blip2", str(tiny_blip2), "--precision", "fp32", "--json").stdout)
    assert report["indexed"] == 4
    hits = json.loads(headless.cli("search", "red shoes", "-k", "3", "--json").stdout)["results"]
    assert len(hits) == 3


def test_window_without_qt_says_how_to_install_it(headless: Headless) -> None:
    """The installed `fashion-assistant-gui` entry point, as pip's launcher calls it."""
    code = (
        "import sys\n"
        "from importlib.metadata import entry_points\n"
        "(script,) = entry_points(group='gui_scripts', name='fashion-assistant-gui')\n"
        "sys.exit(script.load()())\n"
    )
    out = headless.run("-c", code)
    assert out.returncode != 0
    assert len(out.stderr.strip().splitlines()) == 1, f"not one line:\n{out.stderr}"
    assert "pip install 'fashion-assistant[gui]'" in out.stderr and "Traceback" not in out.stderr
