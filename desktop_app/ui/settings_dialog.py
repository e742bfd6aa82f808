"""Settings: data folder, threads, precision, the model for each role, and the theme.

Edits a copy of the typed settings and hands it back only on OK, so Cancel leaves nothing half
applied. The data folder is the one setting that cannot live in the data folder, so the window
keeps it in QSettings and uses it at the next start.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from desktop_app.core.platform.settings import Settings

DATA_DIR_KEY = "data_dir"


def apply_theme(theme: str) -> None:
    """'system' follows the desktop's light or dark scheme; the others force one."""
    app = QApplication.instance()
    if app is None:
        return
    scheme = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(theme, Qt.ColorScheme.Unknown)
    app.styleHints().setColorScheme(scheme)


def remembered_data_dir() -> str | None:
    value = QSettings().value(DATA_DIR_KEY)
    return str(value) if value else None


def _path_row(edit: QLineEdit, pick, parent: QWidget) -> QWidget:
    row = QWidget(parent)
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    button = QPushButton("Choose…", row)
    button.clicked.connect(pick)
    layout.addWidget(button)
    return row


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self._original = settings
        self.data_dir = QLineEdit(str(data_dir))
        self.threads = QSpinBox(minimum=0, maximum=max(1, os.cpu_count() or 1), specialValueText="All cores")
        self.threads.setValue(settings.threads or 0)
        self.precision = QComboBox()
        self.precision.addItems(["auto", "fp32", "int8"])
        self.precision.setCurrentText(settings.precision)
        self.precision.setToolTip("auto uses int8 only after checking on your photos that it agrees with fp32")
        self.blip2 = QLineEdit(settings.blip2_model)
        self.classifier = QLineEdit(settings.classifier_gguf or "")
        self.classifier.setPlaceholderText("bundled Gemma 3 270M")
        self.stylist = QLineEdit(settings.stylist_gguf or "")
        self.stylist.setPlaceholderText("none: choose an instruction-tuned GGUF (Gemma 3 1B-it or 4B-it)")
        self.theme = QComboBox()
        self.theme.addItems(["system", "light", "dark"])
        self.theme.setCurrentText(settings.theme)

        form = QFormLayout(self)
        form.addRow("Data folder", _path_row(self.data_dir, self._pick_data_dir, self))
        note = QLabel("A new data folder is used from the next start; the current catalog stays where it is.")
        note.setWordWrap(True)
        form.addRow("", note)
        form.addRow("Threads", self.threads)
        form.addRow("Indexing precision", self.precision)
        form.addRow("Embedder (BLIP-2)", _path_row(self.blip2, lambda: self._pick_folder(self.blip2), self))
        form.addRow("Classifier GGUF", _path_row(self.classifier, lambda: self._pick_gguf(self.classifier), self))
        form.addRow("Stylist GGUF", _path_row(self.stylist, lambda: self._pick_gguf(self.stylist), self))
        form.addRow("Theme", self.theme)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _pick_data_dir(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Choose the data folder", self.data_dir.text())
        if chosen:
            self.data_dir.setText(chosen)

    def _pick_folder(self, edit: QLineEdit) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Choose a saved BLIP-2 folder")
        if chosen:
            edit.setText(chosen)

    def _pick_gguf(self, edit: QLineEdit) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Choose a GGUF model", "", "GGUF models (*.gguf)")
        if chosen:
            edit.setText(chosen)

    def result_settings(self) -> Settings:
        return Settings.model_validate(
            self._original.model_dump() | {
                "threads": self.threads.value() or None,
                "precision": self.precision.currentText(),
                "blip2_model": self.blip2.text().strip() or self._original.blip2_model,
                "classifier_gguf": self.classifier.text().strip() or None,
                "stylist_gguf": self.stylist.text().strip() or None,
                "theme": self.theme.currentText(),
            }
        )

    def chosen_data_dir(self) -> str:
        return self.data_dir.text().strip()
