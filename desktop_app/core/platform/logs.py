"""Logging to a rotating file in the log folder, so a user can send us what went wrong."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from desktop_app.core.platform.i18n import _

_HANDLER_NAME = "fashion-assistant-file"


def configure_logging(log_file: Path, level: int = logging.INFO) -> bool:
    """Idempotent: calling it again (tests, a second window) replaces the file handler, never doubles it.

    Where the log file cannot be opened (a read-only data folder), warnings and errors go to stderr
    instead, so an unexpected error is never lost; returns whether the file is in use.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)
            handler.close()
    handler: logging.Handler
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        # backslashreplace: a file name that is not valid Unicode must not break the line that names it
        handler = logging.handlers.RotatingFileHandler(log_file, maxBytes=2_000_000, backupCount=3, encoding="utf-8",
                                                       errors="backslashreplace")
        in_file = True
    except OSError as exc:
        handler = logging.StreamHandler()
        handler.setLevel(logging.WARNING)
        in_file = False
        print(_("note: the log file {file} cannot be written ({reason}); errors go to this window's output instead.").format(
            file=log_file, reason=exc.strerror or exc), file=sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    return in_file


def current_log_file() -> str | None:
    """The log file in use, for messages that send the user to it; None when logging goes to stderr."""
    for handler in logging.getLogger().handlers:
        if handler.get_name() == _HANDLER_NAME and isinstance(handler, logging.FileHandler):
            return handler.baseFilename
    return None
