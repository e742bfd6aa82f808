"""The command line's one progress display, for every long command (index, downloads, verify, prepare)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from desktop_app.core.platform.jobs import Progress

_BAR = 28


def progress_printer(stream: TextIO | None = None) -> Progress:
    """On a terminal one line, redrawn at most 10 times a second, with a bar when the total is known; elsewhere
    (a log, a pipe) a plain line a second, so logs stay readable. The final state is always shown."""
    out = stream or sys.stderr
    tty = out.isatty()
    last = [0.0]

    def show(done: int, total: int | None, detail: str) -> None:
        now = time.monotonic()
        finished = total is not None and done >= total
        if not finished and now - last[0] < (0.1 if tty else 1.0):
            return
        last[0] = now
        if total and tty:
            filled = int(_BAR * done / total)
            line = f"[{'#' * filled}{'.' * (_BAR - filled)}] {done}/{total} {detail}"
        else:
            line = f"{100 * done / total:5.1f}% {detail}" if total else detail
        if tty:
            out.write("\r\x1b[2K" + line[:160] + ("\n" if finished else ""))
        else:
            out.write(line + "\n")
        out.flush()

    return show
