"""The first-run wizard: choose photo folders, get the models, start indexing, without reading a manual."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.models.locator import find_all
from desktop_app.ui.models_dialog import ModelsDialog
from desktop_app.ui.workers import BackgroundRunner


def _text(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class FoldersPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Your photos")
        self.setSubTitle("Choose the folders that hold your product photos. Sub-folders are included; "
                         "a folder named after a category (shoes, t-shirts, sweaters…) tags its photos.")
        self.folders = QListWidget()
        add = QPushButton("Add folder…")
        add.clicked.connect(self._add)
        layout = QVBoxLayout(self)
        layout.addWidget(self.folders)
        layout.addWidget(add, 0, Qt.AlignmentFlag.AlignLeft)

    def _add(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Choose a folder of product photos")
        if chosen:
            self.add_folder(Path(chosen))

    def add_folder(self, folder: Path) -> None:
        self.folders.addItem(str(folder))

    def chosen(self) -> list[Path]:
        return [Path(self.folders.item(i).text()) for i in range(self.folders.count())]


class ModelsPage(QWizardPage):
    def __init__(self, context: AppContext, runner: BackgroundRunner) -> None:
        super().__init__()
        self.context = context
        self.runner = runner
        self.setTitle("Models")
        self.setSubTitle("Everything runs on this computer. Each model is downloaded once, or imported from a folder you have.")
        self.status = _text("")
        manage = QPushButton("Download or import models…")
        manage.clicked.connect(self._manage)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        row = QHBoxLayout()
        row.addWidget(manage)
        row.addStretch(1)
        layout.addLayout(row)

    def initializePage(self) -> None:
        self._show_status()

    def _show_status(self) -> None:
        lines = []
        for model in find_all(self.context.settings, self.context.paths):
            mark = "ready" if model.found else "missing"
            lines.append(f"{model.role}: {model.name} ({mark})" + (f"\n    {model.hint}" if model.hint and not model.found else ""))
        self.status.setText("\n".join(lines))

    def _manage(self) -> None:
        dialog = ModelsDialog(self.context, self.runner, self)
        dialog.models_changed.connect(self._show_status)
        dialog.exec()
        self._show_status()


class FirstRunWizard(QWizard):
    def __init__(self, context: AppContext, runner: BackgroundRunner, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to Fashion Assistant")
        self.folders_page = FoldersPage()
        self.models_page = ModelsPage(context, runner)
        finish = QWizardPage()
        finish.setTitle("Ready")
        finish.setSubTitle("Press Finish to start indexing your folders. You can keep working while it runs, pause it, or cancel it.")
        for page in (self.folders_page, self.models_page, finish):
            self.addPage(page)

    def chosen_folders(self) -> list[Path]:
        return self.folders_page.chosen()
