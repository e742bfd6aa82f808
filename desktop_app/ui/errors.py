"""How the window tells a person that something failed: the sentence and what to do, details behind a button.

Typed core errors carry their own sentence and hint; anything else is a bug, logged with its
traceback by the worker, and shown as a generic message. Cancelling never reaches here.

The core's hint is the CLI's sentence and may name a command; the window never does. An error whose
`fix` says where it is fixed shows the window's own sentence for that place and a button that opens
it: the button triggers the main window's menu action of that name (`FIX_ACTIONS`), found up the
parent chain, so this module needs no reference to the window and a dialog's error finds it too.
Without a fix, the sentences that name a command are left out, and if nothing is left a general one
points to Help.
"""

from __future__ import annotations

import re
import traceback

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app import APP_DISPLAY_NAME
from desktop_app.core.platform.errors import Fix, UserError

# The object names the main window gives its menu actions, and those of the dialogs they open: an error shown inside
# the very dialog that fixes it gets no button that would open a second one.
FIX_ACTIONS: dict[Fix, str] = {
    Fix.ADD_FOLDER: "action_add_folder",
    Fix.MODELS: "action_manage_models",
    Fix.SETTINGS: "action_settings",
    Fix.IMPORT_PRODUCTS: "action_import_products",
}
FIX_DIALOGS: dict[Fix, str] = {Fix.MODELS: "modelsDialog", Fix.SETTINGS: "settingsDialog", Fix.IMPORT_PRODUCTS: "productsDialog"}

_COMMAND = re.compile(r"fashion-assistant\s|(?<![\w-])--[a-z]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def names_a_command(text: str) -> bool:
    return bool(_COMMAND.search(text))


def without_commands(text: str) -> str:
    """The sentences of `text` that name no command: the CLI's hints are for a terminal, the window has menus."""
    return " ".join(s for s in _SENTENCE_END.split(text.strip()) if s and not names_a_command(s))


def fix_words(fix: Fix) -> tuple[str, str]:
    """(what to do, the button's text), in the window's words: one table, so a new Fix gets both or fails to look up."""
    return {
        Fix.ADD_FOLDER: (QCoreApplication.translate("errors", "Use File ▸ Add folder… to add your photos."),
                         QCoreApplication.translate("errors", "Add folder…")),
        Fix.MODELS: (QCoreApplication.translate("errors", "Open Models ▸ Manage models… to download or import it."),
                     QCoreApplication.translate("errors", "Open Models…")),
        Fix.SETTINGS: (QCoreApplication.translate("errors", "Open File ▸ Settings… to change it."),
                       QCoreApplication.translate("errors", "Open Settings…")),
        Fix.IMPORT_PRODUCTS: (QCoreApplication.translate("errors", "Use File ▸ Import products… to bring in the shop's product list."),
                              QCoreApplication.translate("errors", "Import products…")),
    }[fix]


def fix_action(widget: QWidget | None, fix: Fix) -> QAction | None:
    """The main window's enabled action for `fix`, looked up from `widget` towards the window; None where there is
    none (a widget outside the window, or an error shown in the dialog that the action would open again)."""
    name = FIX_ACTIONS[fix]
    while widget is not None:
        if widget.objectName() == FIX_DIALOGS.get(fix):
            return None
        action = widget.findChild(QAction, name)
        if action is not None:
            return action if action.isEnabled() else None
        widget = widget.parentWidget()
    return None


def open_fix(widget: QWidget | None, fix: Fix) -> bool:
    """Open the place that fixes it, once the caller's event (a click that closes a message box) is over."""
    action = fix_action(widget, fix)
    if action is not None:
        QTimer.singleShot(0, action.trigger)
    return action is not None


def error_text(exc: BaseException) -> tuple[str, str, str]:
    """(message, what to do, details) for any exception, as the window says them: never a command."""
    if not isinstance(exc, UserError):
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        return (QCoreApplication.translate("errors", "Something went wrong that the app did not expect."),
                QCoreApplication.translate("errors", "Try again; if it keeps happening, send us the log file (Help ▸ Open log folder)."),
                details)
    message, hint = without_commands(exc.message), without_commands(exc.hint)
    if exc.fix is not None:
        hint = fix_words(exc.fix)[0]
    elif not hint and (names_a_command(exc.hint) or names_a_command(exc.message)):
        hint = QCoreApplication.translate("errors", "See Help ▸ Open log folder for the details of what went wrong.")
    return message or QCoreApplication.translate("errors", "That could not be done."), hint, exc.detail


def show_error(parent: QWidget | None, exc: BaseException, title: str | None = None) -> QMessageBox:
    """Non-blocking (tests and long jobs never wait on a modal loop); returns the box for inspection. An error with a
    fix gets a button (object name "fixButton") that closes the box and opens the place that fixes it."""
    message, hint, details = error_text(exc)
    box = QMessageBox(QMessageBox.Icon.Warning, title or APP_DISPLAY_NAME, message, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setInformativeText(hint)
    if details:
        box.setDetailedText(details)
    fix = exc.fix if isinstance(exc, UserError) else None
    if fix is not None and fix_action(parent, fix) is not None:
        button = box.addButton(fix_words(fix)[1], QMessageBox.ButtonRole.ActionRole)
        button.setObjectName("fixButton")
        button.clicked.connect(lambda: open_fix(parent, fix))
    box.setObjectName("errorBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
