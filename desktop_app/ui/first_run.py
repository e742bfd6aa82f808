"""The first-run wizard: choose photo folders, get the models, start indexing, without reading a manual.

Looking for the models reads the registry, the folders and the hub cache, so it runs as a `QueryOp`
and the page shows what was found when the answer is back.
"""

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

from desktop_app.core.doctor import role_name
from desktop_app.core.models.locator import ModelStatus, find_all
from desktop_app.core.platform.app_context import AppContext
from desktop_app.ui.models_dialog import ModelsDialog
from desktop_app.ui.operations import QueryOp
from desktop_app.ui.workers import BackgroundRunner


def _text(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class FoldersPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Your photos"))
        self.setSubTitle(self.tr("Choose the folders that hold your product photos. Sub-folders are included; "
                                 "a folder named after a category (shoes, t-shirts, sweaters…) tags its photos."))
        self.folders = QListWidget()
        add = QPushButton(self.tr("Add folder…"))
        add.clicked.connect(self._add)
        layout = QVBoxLayout(self)
        layout.addWidget(self.folders)
        layout.addWidget(add, 0, Qt.AlignmentFlag.AlignLeft)

    def _add(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder of product photos"))
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
        self.setTitle(self.tr("Models"))
        self.setSubTitle(self.tr("Everything runs on this computer. Each model is downloaded once, or imported from a folder you have."))
        self.status = _text("")
        manage = QPushButton(self.tr("Download or import models…"))
        manage.clicked.connect(self._manage)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        row = QHBoxLayout()
        row.addWidget(manage)
        row.addStretch(1)
        layout.addLayout(row)

    def initializePage(self) -> None:
        self.look_for_models()

    def look_for_models(self) -> None:
        self.status.setText(self.tr("Looking for models…"))
        QueryOp(parent=self, op=find_all, args=(self.context.settings.model_copy(deep=True), self.context.paths),
                success=self._show_status).run_in_background(self.runner)

    def _show_status(self, found: list[ModelStatus]) -> None:
        lines = []
        for model in found:
            mark = self.tr("ready") if model.found else self.tr("missing")
            lines.append(self.tr("{role}: {name} ({mark})").format(role=role_name(model.role), name=model.name, mark=mark))
        if any(not model.found for model in found):
            # The models' own hints are the CLI's (they name commands); here the button below does it.
            lines.append(self.tr("Press “Download or import models…” to get what is missing."))
        self.status.setText("\n".join(lines))

    def _manage(self) -> None:
        dialog = ModelsDialog(self.context, self.runner, self)
        dialog.models_changed.connect(self.look_for_models)
        dialog.exec()
        self.look_for_models()


class FirstRunWizard(QWizard):
    def __init__(self, context: AppContext, runner: BackgroundRunner, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Welcome to Fashion Assistant"))
        self.folders_page = FoldersPage()
        self.models_page = ModelsPage(context, runner)
        finish = QWizardPage()
        finish.setTitle(self.tr("Ready"))
        finish.setSubTitle(self.tr("Press Finish to start indexing your folders. "
                                   "You can keep working while it runs, pause it, or cancel it."))
        for page in (self.folders_page, self.models_page, finish):
            self.addPage(page)

    def chosen_folders(self) -> list[Path]:
        return self.folders_page.chosen()
