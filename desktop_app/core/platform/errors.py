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


def disk_full(folder: Path, what: str, needed_bytes: int | None = None) -> StorageError:
    """The one message for a full disk, wherever it happens: which folder, how much is free, and what to do."""
    try:
        free = shutil.disk_usage(folder if folder.exists() else folder.parent).free
        room = f" ({free / 1e6:,.0f} MB free"
        room += f", {needed_bytes / 1e6:,.0f} MB needed)" if needed_bytes else ")"
    except OSError:
        room = ""
    return StorageError(
        f"The disk holding {folder} is full{room}: {what} cannot be written there.",
        "Free some space on that disk (or choose another data folder in Settings) and try again; nothing already"
        " saved was lost.",
    )
