"""The window's library check: Qt's X11 plugin loaded as Qt would load it, an honest verdict, and a real failure shown
where a person started from the desktop menu sees it (a notification), not only on stderr.

Each probe runs in a fresh interpreter: a process that already loaded Qt (pytest-qt's) would resolve the plugin's
libraries from what it has loaded, not as a starting window does.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app import gui_launcher

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt's xcb plugin is Linux's")

REPO = Path(__file__).resolve().parents[2]
_PROBE = """
import json, sys
from pathlib import Path
from desktop_app.gui_launcher import plugin_problem
problem = plugin_problem(Path(sys.argv[1]))
print(json.dumps(None if problem is None else {"missing": problem.missing, "message": problem.message()}))
"""


def _probe(plugin: Path) -> dict | None:
    import json

    out = subprocess.run([sys.executable, "-c", _PROBE, str(plugin)], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def _system_has(library: str) -> bool:
    listing = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True).stdout
    return any(line.split() and line.split()[0] == library for line in listing.splitlines())


def _needed(plugin: Path) -> list[str]:
    dynamic = subprocess.run(["readelf", "-d", str(plugin)], capture_output=True, text=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic)


@pytest.fixture(scope="module")
def plugin() -> Path:
    found = gui_launcher.xcb_plugin()
    if found is None:
        pytest.fail("PySide6 has no xcb platform plugin here")
    return found


@pytest.mark.skipif(shutil.which("readelf") is None, reason="needs readelf to list the plugin's libraries")
def test_the_verdict_names_exactly_the_libraries_that_resolve_nowhere(plugin: Path) -> None:
    """No false alarm: a library that PySide6 carries or the system has is never reported; one that is missing is."""
    problem = _probe(plugin)
    own = {p.name for p in (plugin.parents[2] / "lib").iterdir()}
    really_missing = sorted(lib for lib in _needed(plugin) if lib not in own and not _system_has(lib))
    if problem is None:
        assert really_missing == []
    else:
        assert set(really_missing) <= set(problem["missing"])
        assert not [lib for lib in problem["missing"] if lib in own or _system_has(lib)], problem


def test_a_plugin_whose_qt_libraries_are_gone_is_reported_by_name(plugin: Path, tmp_path: Path) -> None:
    """A copy of the plugin away from its Qt folder cannot find libQt6XcbQpa: that is what the message says."""
    copy = tmp_path / "Qt" / "plugins" / "platforms" / plugin.name
    copy.parent.mkdir(parents=True)
    shutil.copyfile(plugin, copy)
    problem = _probe(copy)
    assert problem is not None and "libQt6XcbQpa.so.6" in problem["missing"]
    assert problem["message"].startswith("Fashion Assistant cannot open its window") and "command line" in problem["message"]


def test_only_an_x11_session_needs_the_check() -> None:
    assert gui_launcher.uses_xcb({"QT_QPA_PLATFORM": "xcb"})
    assert not gui_launcher.uses_xcb({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"})
    assert gui_launcher.uses_xcb({"DISPLAY": ":0"})
    assert not gui_launcher.uses_xcb({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"})
    assert not gui_launcher.uses_xcb({})


def test_the_debian_packages_are_named_for_known_libraries() -> None:
    problem = gui_launcher.LibraryProblem(Path("libqxcb.so"), ["libxcb-cursor.so.0", "libfoo.so.1"], "")
    assert "sudo apt-get install libxcb-cursor0" in problem.message() and "libfoo.so.1" in problem.message()


@pytest.fixture
def notifier(tmp_path: Path) -> Path:
    """A notify-send first on PATH that records what it was asked to show."""
    log = tmp_path / "notifications.log"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    tool = bin_dir / "notify-send"
    tool.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\n', encoding="utf-8")
    tool.chmod(0o755)
    return log


def test_a_window_that_cannot_start_says_so_in_a_notification_too(plugin: Path, tmp_path: Path, notifier: Path) -> None:
    """The launcher as the menu starts it: the X11 platform, a plugin that cannot load. Exit 1, stderr and a notification,
    and Qt is never started (its abort would only say "Could not load the Qt platform plugin")."""
    copy = tmp_path / "Qt" / "plugins" / "platforms" / plugin.name
    copy.parent.mkdir(parents=True)
    shutil.copyfile(plugin, copy)
    code = ("import sys; from pathlib import Path; from desktop_app import gui_launcher\n"
            f"gui_launcher.xcb_plugin = lambda: Path({str(copy)!r})\n"
            "code = gui_launcher.main([])\n"
            "assert 'PySide6.QtWidgets' not in sys.modules, 'Qt was started'\n"
            "sys.exit(code)")
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "DISPLAY": ":0", "PATH": f"{notifier.parent / 'bin'}:{os.environ['PATH']}"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    assert out.returncode == 1, out.stderr[-2000:]
    assert "libQt6XcbQpa.so.6" in out.stderr and "cannot open its window" in out.stderr
    assert "libQt6XcbQpa.so.6" in notifier.read_text(encoding="utf-8")


def test_check_libraries_reports_without_opening_a_window(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-m", "desktop_app", "--check-libraries"], capture_output=True, text=True, cwd=REPO,
                         env=env, timeout=120)
    assert (out.returncode, out.stdout.strip()) == (0, "libraries: ok (no X11 plugin needed here)"), out.stderr
