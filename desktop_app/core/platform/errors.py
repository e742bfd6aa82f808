"""Errors a user can meet, each carrying a sentence for people and a detail for developers.

The UI and the CLI show `message` (what happened) and `hint` (what to do); `detail` goes to the log
and behind a "details" button. Typed errors mean nobody classifies failures by matching strings.
"""

from __future__ import annotations

import shutil
from enum import Enum
from pathlib import Path

from desktop_app.core.platform.i18n import _


class Fix(str, Enum):
    """Where in the window a person fixes an error. `hint` is the CLI's sentence (it may name a command); the window
    shows its own sentence for the fix, and a button that opens that place, so it never talks terminal."""

    ADD_FOLDER = "add_folder"
    MODELS = "models"
    SETTINGS = "settings"
    IMPORT_PRODUCTS = "import_products"


class UserError(Exception):
    """A failure the user can understand and act on."""

    def __init__(self, message: str, hint: str = "", detail: str = "", *, fix: Fix | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.detail = detail
        self.fix = fix

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
        room = _(" ({free} free)").format(free=format_size(shutil.disk_usage(folder if folder.exists() else folder.parent).free))
    except OSError:
        room = ""
    need = _("at least {size}").format(size=format_size(needed_bytes)) if needed_bytes else _("some space")
    return StorageError(
        _("The disk holding {folder} is full{room}: {what}.").format(folder=folder, room=room, what=what),
        _("Free {need} on that disk (or choose another data folder in Settings) and try again; nothing already saved was lost.")
        .format(need=need),
        detail,
        fix=Fix.SETTINGS,
    )
