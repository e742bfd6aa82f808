"""Errors a user can meet, each carrying a sentence for people and a detail for developers.

The UI and the CLI show `message` (what happened) and `hint` (what to do); `detail` goes to the log
and behind a "details" button. Typed errors mean nobody classifies failures by matching strings.
"""

from __future__ import annotations

import shutil
from pathlib import Path


class UserError(Exception):
    """A failure the user can understand and act on."""

    def __init__(self, message: str, hint: str = "", detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.detail = detail

    def user_text(self) -> str:
        return f"{self.message} {self.hint}".strip()


class ModelMissingError(UserError):
    """A model the operation needs is not on this machine."""


class CatalogError(UserError):
    """The catalog file cannot be opened, is corrupt, or belongs to another model."""


class StorageError(UserError):
    """The disk is full or not writable."""


def disk_full(folder: Path, what: str, needed_bytes: int | None = None, detail: str = "") -> StorageError:
    """The one message for a full disk, wherever it happens (catalog, thumbnails, prepared models): which folder,
    how much is free there, how much to free, and that nothing saved was lost."""
    from desktop_app.core.platform.units import format_size

    try:
        room = f" ({format_size(shutil.disk_usage(folder if folder.exists() else folder.parent).free)} free)"
    except OSError:
        room = ""
    need = f"at least {format_size(needed_bytes)}" if needed_bytes else "some space"
    return StorageError(
        f"The disk holding {folder} is full{room}: {what}.",
        f"Free {need} on that disk (or choose another data folder in Settings) and try again; nothing already saved was lost.",
        detail,
    )
