"""Help ▸ Licences, and the one question the bundled model's terms need before its first use.

A built bundle carries `licenses/` (written by packaging/bundle_licences.py from the metadata of the
packages it holds): `index.json` lists each component with its licence and the files of its texts.
A development install has no such folder; it shows the app's own licence and the Gemma terms, and
says where the rest is. The texts are read on a worker (`QueryOp`), never on the UI thread; the
words of the list are translated there too (`QCoreApplication.translate` is safe on any thread).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_DISPLAY_NAME
from desktop_app.core.models.registry import accept_licence
from desktop_app.core.models.terms import GEMMA_LICENCE, bundled_terms_pending, terms_documents
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.platform.resources import app_root
from desktop_app.ui.operations import QueryOp
from desktop_app.ui.workers import BackgroundRunner

LICENCES_FOLDER = "licenses"


@dataclass(frozen=True)
class LicenceEntry:
    name: str
    version: str
    licence: str
    text: str


def load_licences() -> list[LicenceEntry]:
    """The bundle's list of components and their texts, or what a development install has (runs on a worker)."""
    folder = app_root() / LICENCES_FOLDER
    index = folder / "index.json"
    if index.is_file():
        components = json.loads(index.read_text(encoding="utf-8"))["components"]
        return [LicenceEntry(c["name"], c.get("version", ""), c.get("licence", ""),
                             _joined([(name, (folder / name).read_text(encoding="utf-8", errors="replace")) for name in c["files"]]))
                for c in components]
    entries = []
    own = app_root() / "LICENSE"
    if own.is_file():
        entries.append(LicenceEntry(APP_DISPLAY_NAME, "", "Apache-2.0", own.read_text(encoding="utf-8")))
    entries.append(LicenceEntry(QCoreApplication.translate("LicencesDialog", "Gemma 3 270M (the bundled classifier model)"), "",
                                QCoreApplication.translate("LicencesDialog", "Gemma Terms of Use"), gemma_terms_text()))
    entries.append(LicenceEntry(
        QCoreApplication.translate("LicencesDialog", "Other components"), "", "",
        QCoreApplication.translate("LicencesDialog", "This is a development install: each Python package it uses keeps its licence"
                                   " in its own metadata. A built bundle lists every component it carries here, with its licence"
                                   " text, in the folder licenses/.") + "\n"))
    return entries


def gemma_terms_text() -> str:
    return _joined([(doc.title, doc.text()) for doc in terms_documents()])


def _joined(parts: list[tuple[str, str]]) -> str:
    return "\n\n".join(f"==== {title} ====\n\n{text.strip()}\n" for title, text in parts)


class LicencesDialog(QDialog):
    def __init__(self, runner: BackgroundRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("licencesDialog")
        self.setWindowTitle(self.tr("Licences"))
        self.resize(900, 600)
        self.entries: list[LicenceEntry] = []
        intro = QLabel(self.tr("{app} is free software under the Apache License 2.0. It carries the components below, each"
                               " under its own licence; the texts are also in the folder licenses/ of the installed app.")
                       .format(app=APP_DISPLAY_NAME))
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.components = QListWidget()
        self.components.currentRowChanged.connect(self._show)
        self.text = QPlainTextEdit(readOnly=True)
        self.text.setPlainText(self.tr("Reading the licences…"))
        splitter = QSplitter(self)
        splitter.addWidget(self.components)
        splitter.addWidget(self.text)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([280, 620])
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(splitter, 1)
        layout.addWidget(close)
        QueryOp(parent=self, op=load_licences, success=self._loaded, failure=self._failed).run_in_background(runner)

    def _loaded(self, entries: list[LicenceEntry]) -> None:
        self.entries = entries
        for entry in entries:
            version = f" {entry.version}" if entry.version else ""
            licence = f" ({entry.licence})" if entry.licence else ""
            self.components.addItem(f"{entry.name}{version}{licence}")
        if entries:
            self.components.setCurrentRow(0)

    def _failed(self, exc: BaseException) -> None:
        self.text.setPlainText(self.tr("The licences could not be read: {reason}").format(reason=getattr(exc, "message", str(exc))))

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.entries):
            self.text.setPlainText(self.entries[row].text)


class TermsDialog(QDialog):
    """The Gemma Terms of Use and the Prohibited Use Policy in full, with Accept and Decline."""

    def __init__(self, runner: BackgroundRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelTermsDialog")
        self.setWindowTitle(self.tr("Gemma Terms of Use"))
        self.resize(760, 620)
        intro = QLabel(self.tr("The assistant understands requests with Google's Gemma 3 270M model, which comes with the app."
                               " Google's terms for it apply: please read them, and accept them to use the model. You are"
                               " asked once; Help ▸ Licences shows them again."))
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.text = QPlainTextEdit(readOnly=True)
        self.text.setPlainText(self.tr("Reading the terms…"))
        buttons = QDialogButtonBox()
        self.accept_button = QPushButton(self.tr("Accept"))
        self.accept_button.setEnabled(False)  # not before the terms are there to read
        buttons.addButton(self.accept_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QPushButton(self.tr("Decline")), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        QueryOp(parent=self, op=gemma_terms_text, success=self._loaded, failure=self._failed).run_in_background(runner)

    def _loaded(self, text: str) -> None:
        self.text.setPlainText(text)
        self.accept_button.setEnabled(True)

    def _failed(self, exc: BaseException) -> None:
        self.text.setPlainText(getattr(exc, "message", str(exc)))
        self.accept_button.setEnabled(True)  # the terms' addresses are in the message; accepting stays possible


def ensure_bundled_terms(parent: QWidget, context: AppContext, runner: BackgroundRunner, then: Callable[[], object],
                         declined: Callable[[], object]) -> bool:
    """True when nothing needs asking; else shows the terms and returns False, calling `then` once they are accepted
    (saved in the settings, as the models manager saves an accepted licence) or `declined` when they are not."""
    if not bundled_terms_pending(context.settings):
        return True
    dialog = TermsDialog(runner, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def accepted() -> None:
        accept_licence(GEMMA_LICENCE, context.settings)
        context.save_settings()
        then()

    dialog.accepted.connect(accepted)
    dialog.rejected.connect(declined)
    dialog.open()
    return False
