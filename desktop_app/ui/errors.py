"""How the window tells a person that something failed: the sentence and what to do, details behind a button.

Typed core errors carry their own sentence and hint; anything else is a bug, logged with its
traceback by the worker, and shown as a generic message. Cancelling never reaches here.
"""

from __future__ import annotations

import traceback

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app import APP_DISPLAY_NAME
from desktop_app.core.platform.errors import UserError


def error_text(exc: BaseException) -> tuple[str, str, str]:
    """(message, what to do, details) for any exception."""
    if isinstance(exc, UserError):
        return exc.message, exc.hint, exc.detail
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return (QCoreApplication.translate("errors", "Something went wrong that the app did not expect."),
            QCoreApplication.translate("errors", "Try again; if it keeps happening, send us the log file (Help ▸ Open log folder)."),
            details)


def show_error(parent: QWidget | None, exc: BaseException, title: str | None = None) -> QMessageBox:
    """Non-blocking (tests and long jobs never wait on a modal loop); returns the box for inspection."""
    message, hint, details = error_text(exc)
    box = QMessageBox(QMessageBox.Icon.Warning, title or APP_DISPLAY_NAME, message, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setInformativeText(hint)
    if details:
        box.setDetailedText(details)
    box.setObjectName("errorBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
