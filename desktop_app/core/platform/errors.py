"""Errors a user can meet, each carrying a sentence for people and a detail for developers.

The UI and the CLI show `message` (what happened) and `hint` (what to do); `detail` goes to the log
and behind a "details" button. Typed errors mean nobody classifies failures by matching strings.
"""

from __future__ import annotations


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
