"""The two questions asked before losing work on the catalog: removing a folder, and quitting during an index.

Non-blocking (`open()`, not `exec()`): the window keeps painting and its runs keep reporting while the
question waits, and nothing (a test's teardown, a second close) can be stuck in a nested loop. Each box
has an object name and buttons named for what they do, so a test answers it the way a person would: it
finds the box and clicks the button by its text.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def _ask(parent: QWidget, name: str, title: str, text: str, yes: str, no: str, on_yes: Callable[[], object]) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName(name)
    box.setTextFormat(Qt.TextFormat.PlainText)
    accept = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    keep = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.buttonClicked.connect(lambda button: on_yes() if button is accept else None)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def confirm_remove(parent: QWidget, folder: Path, photos: int, remove: Callable[[], object]) -> QMessageBox:
    text = QCoreApplication.translate(
        "CatalogQuestions", "Remove {folder} and its {count} photos from the catalog?\n"
        "Your photos on disk are not touched, and you can undo this.").format(folder=folder, count=QLocale().toString(photos))
    return _ask(parent, "removeFolderQuestion", QCoreApplication.translate("CatalogQuestions", "Remove folder"), text,
                QCoreApplication.translate("CatalogQuestions", "Remove"), QCoreApplication.translate("CatalogQuestions", "Cancel"),
                remove)


def confirm_quit(parent: QWidget, photos_left: int, quit_anyway: Callable[[], object]) -> QMessageBox:
    """Quitting keeps what is indexed and the next start offers the rest; asked, so an hour's run is not lost by a click."""
    text = (QCoreApplication.translate("CatalogQuestions", "Indexing is not finished: {count} photos left.").format(
                count=QLocale().toString(photos_left))
            if photos_left else QCoreApplication.translate("CatalogQuestions", "Indexing is not finished."))
    text += "\n" + QCoreApplication.translate("CatalogQuestions", "Quit anyway? It resumes next time.")
    return _ask(parent, "quitWhileIndexing", QCoreApplication.translate("CatalogQuestions", "Quit while indexing?"), text,
                QCoreApplication.translate("CatalogQuestions", "Quit"),
                QCoreApplication.translate("CatalogQuestions", "Keep indexing"), quit_anyway)
