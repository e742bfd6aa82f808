"""Settings: data folder, threads, precision, the model for each role, the theme and the language.

Edits a copy of the typed settings and hands it back only on OK, so Cancel leaves nothing half
applied. The data folder is the one setting that cannot live in the data folder, so the window
keeps it in QSettings and uses it at the next start.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QColor, QPalette
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
    """'system' follows the desktop's light or dark scheme; the others force one.

    The colour-scheme hint alone changes nothing where the platform theme ignores it (X11 without a desktop
    portal: the saved dark theme did not apply there), so a forced scheme also gets Fusion and its palette.
    """
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    scheme = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(theme, Qt.ColorScheme.Unknown)
    app.styleHints().setColorScheme(scheme)
    if theme == "system":
        app.setPalette(QPalette())
        return
    app.setStyle("Fusion")
    app.setPalette(_dark_palette() if theme == "dark" else app.style().standardPalette())


def _dark_palette() -> QPalette:
    palette = QPalette()
    role = QPalette.ColorRole
    for which, colour in ((role.Window, "#2b2b2b"), (role.WindowText, "#e6e6e6"), (role.Base, "#1f1f1f"),
                          (role.AlternateBase, "#2f2f2f"), (role.ToolTipBase, "#3a3a3a"), (role.ToolTipText, "#e6e6e6"),
                          (role.Text, "#e6e6e6"), (role.Button, "#353535"), (role.ButtonText, "#e6e6e6"),
                          (role.BrightText, "#ff6b6b"), (role.Link, "#6cb4ff"), (role.Highlight, "#3d7bd9"),
                          (role.HighlightedText, "#ffffff"), (role.PlaceholderText, "#9a9a9a")):
        palette.setColor(which, QColor(colour))
    for which in (role.Text, role.ButtonText, role.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, which, QColor("#7a7a7a"))
    return palette


def remembered_data_dir() -> str | None:
    value = QSettings().value(DATA_DIR_KEY)
    return str(value) if value else None


def _path_row(edit: QLineEdit, pick, parent: QWidget) -> QWidget:
    row = QWidget(parent)
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    button = QPushButton(QCoreApplication.translate("SettingsDialog", "Choose…"), row)
    button.clicked.connect(pick)
    layout.addWidget(button)
    return row


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Settings"))
        self._original = settings
        self.data_dir = QLineEdit(str(data_dir))
        self.threads = QSpinBox(minimum=0, maximum=max(1, os.cpu_count() or 1), specialValueText=self.tr("All cores"))
        self.threads.setValue(settings.threads or 0)
        self.precision = QComboBox()
        self.precision.addItems(["auto", "fp32", "int8"])
        self.precision.setCurrentText(settings.precision)
        self.precision.setToolTip(self.tr("auto uses int8 only after checking on your photos that it agrees with fp32"))
        self.blip2 = QLineEdit(settings.blip2_model)
        self.classifier = QLineEdit(settings.classifier_gguf or "")
        self.classifier.setPlaceholderText(self.tr("bundled Gemma 3 270M"))
        self.stylist = QLineEdit(settings.stylist_gguf or "")
        self.stylist.setPlaceholderText(self.tr("none: choose an instruction-tuned GGUF (Gemma 3 1B-it or 4B-it)"))
        self.shop_name = QLineEdit(settings.shop_name)
        self.shop_name.setMaxLength(120)
        self.shop_name.setPlaceholderText(self.tr("printed on the looks you hand a customer"))
        self.theme = QComboBox()
        for value, label in (("system", self.tr("Like the system")), ("light", self.tr("Light")), ("dark", self.tr("Dark"))):
            self.theme.addItem(label, value)
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings.theme)))
        self.language = QComboBox()
        # Each language is named in itself, so a person who cannot read the current one still finds theirs.
        for value, label in (("system", self.tr("Like the system")), ("en", "English"), ("es", "Español")):
            self.language.addItem(label, value)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))

        form = QFormLayout(self)
        form.addRow(self.tr("Data folder"), _path_row(self.data_dir, self._pick_data_dir, self))
        note = QLabel(self.tr("A new data folder is used from the next start; the current catalog stays where it is."))
        note.setWordWrap(True)
        form.addRow("", note)
        form.addRow(self.tr("Threads"), self.threads)
        form.addRow(self.tr("Indexing precision"), self.precision)
        form.addRow(self.tr("Embedder (BLIP-2)"), _path_row(self.blip2, lambda: self._pick_folder(self.blip2), self))
        form.addRow(self.tr("Classifier GGUF"), _path_row(self.classifier, lambda: self._pick_gguf(self.classifier), self))
        form.addRow(self.tr("Stylist GGUF"), _path_row(self.stylist, lambda: self._pick_gguf(self.stylist), self))
        form.addRow(self.tr("Shop name"), self.shop_name)
        form.addRow(self.tr("Theme"), self.theme)
        form.addRow(self.tr("Language"), self.language)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _pick_data_dir(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Choose the data folder"), self.data_dir.text())
        if chosen:
            self.data_dir.setText(chosen)

    def _pick_folder(self, edit: QLineEdit) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Choose a saved BLIP-2 folder"))
        if chosen:
            edit.setText(chosen)

    def _pick_gguf(self, edit: QLineEdit) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a GGUF model"), "", self.tr("GGUF models (*.gguf)"))
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
                "shop_name": self.shop_name.text().strip(),
                "theme": self.theme.currentData(),
                "language": self.language.currentData(),
            }
        )

    def language_changed(self) -> bool:
        return self.language.currentData() != self._original.language

    def chosen_data_dir(self) -> str:
        return self.data_dir.text().strip()
