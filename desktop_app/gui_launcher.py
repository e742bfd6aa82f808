"""`fashion-assistant-gui`: start the window, or say plainly why it cannot start, where a person will see it.

Two things stop the window before Qt can show anything itself:

- Qt is the `gui` extra, not a core dependency, so a headless install (the CLI, scripts, CI) has no
  PySide6; this says the one command that fixes it instead of a traceback from deep inside `ui/`.
- On Linux, Qt's X11 platform plugin links a dozen system libraries (libxcb-cursor, libxkbcommon-x11,
  ...) and without one of them Qt aborts with "Could not load the Qt platform plugin xcb", which
  names no package. The check loads the very plugin Qt will load, in this process, so it resolves
  libraries exactly as Qt will: the ones the bundle carries count, only a really missing one is
  reported. A window started from the desktop menu has no terminal, so the message also goes to a
  desktop notification or a small dialog from the system's own tools (Qt cannot draw one without
  the plugin), as well as to stderr.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from desktop_app import APP_DISPLAY_NAME

INSTALL_HINT = "fashion-assistant-gui: the window needs PySide6, which is not installed: pip install 'fashion-assistant[gui]'"

# The Debian/Ubuntu package of each library Qt's xcb plugin links that a desktop may lack.
DEBIAN_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0", "libxkbcommon.so.0": "libxkbcommon0",
    "libxcb-icccm.so.4": "libxcb-icccm4", "libxcb-keysyms.so.1": "libxcb-keysyms1", "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-image.so.0": "libxcb-image0", "libxcb-shape.so.0": "libxcb-shape0", "libxcb-util.so.1": "libxcb-util1",
    "libxcb-randr.so.0": "libxcb-randr0", "libxcb-shm.so.0": "libxcb-shm0", "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0", "libxcb-render.so.0": "libxcb-render0", "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb.so.1": "libxcb1", "libX11-xcb.so.1": "libx11-xcb1", "libX11.so.6": "libx11-6", "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1", "libfontconfig.so.1": "libfontconfig1", "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3", "libglib-2.0.so.0": "libglib2.0-0",
}
NOTIFY_TIMEOUT_S = 10


@dataclass(frozen=True)
class LibraryProblem:
    plugin: Path
    missing: list[str]  # library names that resolve nowhere; empty when the loader gave another reason
    reason: str  # the dynamic loader's own sentence

    def message(self) -> str:
        libraries = ", ".join(self.missing) if self.missing else self.reason
        lines = [f"{APP_DISPLAY_NAME} cannot open its window: Qt's X11 platform plugin needs libraries this system lacks: {libraries}."]
        packages = sorted({DEBIAN_PACKAGES[name] for name in self.missing if name in DEBIAN_PACKAGES})
        if packages:
            lines.append(f"On Debian or Ubuntu: sudo apt-get install {' '.join(packages)}")
        elif self.missing:
            lines.append("Install them with your system's package manager.")
        lines.append("The command line (fashion-assistant) works without them.")
        return "\n".join(lines)


def xcb_plugin() -> Path | None:
    """Qt's xcb platform plugin as this install ships it (PySide6's own, also inside the bundle); None without one."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    plugin = Path(next(iter(spec.submodule_search_locations))) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return plugin if plugin.is_file() else None


def uses_xcb(env: Mapping[str, str] = os.environ) -> bool:
    """Whether Qt will pick its X11 plugin: asked for, or an X display without Wayland (Qt's own order on Linux)."""
    if not sys.platform.startswith("linux"):
        return False
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(";")[0].startswith("xcb")
    return bool(env.get("DISPLAY")) and not env.get("WAYLAND_DISPLAY")


def plugin_problem(plugin: Path) -> LibraryProblem | None:
    """Load `plugin` as Qt would (every dependency and symbol bound now); None when it loads."""
    try:
        ctypes.CDLL(str(plugin))
    except OSError as exc:
        reason = str(exc)
        return LibraryProblem(plugin, _unresolved(plugin) or _named_in(reason), reason)
    return None


def _unresolved(plugin: Path) -> list[str]:
    """Every library of the plugin's tree that resolves nowhere, from the system's `ldd` (the loader lists them all)."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    try:
        listing = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({m.group(1) for m in re.finditer(r"^\s*(\S+) => not found", listing, re.MULTILINE)})


def _named_in(reason: str) -> list[str]:
    found = re.match(r"(\S+\.so[.\d]*): cannot open shared object file", reason)
    return [found.group(1)] if found else []


def report_startup_failure(message: str) -> None:
    """stderr, then the first of the desktop's own ways to show it that exists here."""
    print(message, file=sys.stderr, flush=True)
    title = f"{APP_DISPLAY_NAME} cannot start"
    for command in (
        ["notify-send", "--urgency=critical", f"--app-name={APP_DISPLAY_NAME}", title, message],
        ["zenity", "--error", f"--title={title}", "--no-markup", f"--text={message}"],
        ["kdialog", "--title", title, "--error", message],
        ["xmessage", "-center", f"{title}\n\n{message}"],
    ):
        tool = shutil.which(command[0])
        if tool is None:
            continue
        try:
            if subprocess.run([tool, *command[1:]], capture_output=True, timeout=NOTIFY_TIMEOUT_S).returncode == 0:
                return
        except (OSError, subprocess.SubprocessError):
            continue


def library_check() -> LibraryProblem | None:
    plugin = xcb_plugin() if uses_xcb() else None
    return plugin_problem(plugin) if plugin is not None else None


def main(argv: list[str] | None = None) -> int:
    """Start the window when PySide6 and, on X11, the libraries of its platform plugin are there; else say why, return 1."""
    if importlib.util.find_spec("PySide6") is None:
        print(INSTALL_HINT, file=sys.stderr)
        return 1
    from desktop_app.ui.app import build_parser
    from desktop_app.ui.app import main as window_main

    args = build_parser().parse_args(argv)
    problem = library_check()
    if args.check_libraries:
        plugin = xcb_plugin()
        if problem is None:
            print(f"libraries: ok ({plugin if plugin is not None and uses_xcb() else 'no X11 plugin needed here'})")
            return 0
        print(problem.message(), file=sys.stderr)
        return 1
    if problem is not None:
        report_startup_failure(problem.message())
        return 1
    return window_main(argv)
