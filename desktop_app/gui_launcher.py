"""`fashion-assistant-gui`: start the window, or say in one line how to install it.

Qt is the `gui` extra, not a core dependency, so a headless install (the CLI, scripts, CI) has no
PySide6. Started there, the window would fail with a traceback from deep inside `desktop_app.ui`;
this checks first and tells the user the one command that fixes it.
"""

from __future__ import annotations

import importlib.util
import sys

INSTALL_HINT = "fashion-assistant-gui: the window needs PySide6, which is not installed: pip install 'fashion-assistant[gui]'"


def main(argv: list[str] | None = None) -> int:
    """Start the window when PySide6 can be imported; otherwise print the install hint and return 1."""
    if importlib.util.find_spec("PySide6") is None:
        print(INSTALL_HINT, file=sys.stderr)
        return 1
    from desktop_app.ui.app import main as window_main

    return window_main(argv)

