"""The main window: menus, a central area the catalog, search and assistant views fill, a status bar."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QUrl, Slot
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QVBoxLayout, QWidget

from desktop_app import APP_DISPLAY_NAME, __version__
from desktop_app.core import doctor
from desktop_app.core.app_context import AppContext
from desktop_app.ui.workers import BackgroundRunner


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext, runner: BackgroundRunner) -> None:
        super().__init__()
        self.context = context
        self.runner = runner
        self.report: dict[str, Any] | None = None
        self.setWindowTitle(APP_DISPLAY_NAME)
        self.resize(1100, 720)
        self._build_menus()
        self._build_central()
        self.models_label = QLabel("Looking for models…")
        self.models_label.setTextFormat(self.models_label.textFormat().PlainText)
        self.statusBar().addPermanentWidget(self.models_label)
        self.statusBar().showMessage(f"Catalog: {context.paths.db_path}")
        self.refresh_model_status()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        open_data = QAction("Open &data folder", self)
        open_data.triggered.connect(lambda: self._open_folder(self.context.paths.data_dir))
        file_menu.addAction(open_data)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        models_menu = self.menuBar().addMenu("&Models")
        refresh = QAction("&Check models again", self)
        refresh.triggered.connect(self.refresh_model_status)
        models_menu.addAction(refresh)

        help_menu = self.menuBar().addMenu("&Help")
        logs = QAction("Open &log folder", self)
        logs.triggered.connect(lambda: self._open_folder(self.context.paths.log_dir))
        help_menu.addAction(logs)
        about = QAction("&About", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _build_central(self) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        self.welcome = QLabel(
            "Your catalog is empty.\nAdd a folder of product photos to start: nothing leaves this computer."
        )
        self.welcome.setTextFormat(self.welcome.textFormat().PlainText)
        self.welcome.setObjectName("welcome")
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.welcome.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.welcome.setFont(font)
        layout.addStretch(1)
        layout.addWidget(self.welcome)
        layout.addStretch(1)
        self.setCentralWidget(central)

    @Slot()
    def refresh_model_status(self) -> None:
        """doctor imports torch and opens SQLite, so it runs on the pool, never on the UI thread."""
        self.models_label.setText("Looking for models…")
        worker = self.runner.run(doctor.collect, self.context)
        worker.result.connect(self._show_report)
        worker.error.connect(lambda exc: self.models_label.setText(f"Could not check models: {exc}"))

    @Slot(object)
    def _show_report(self, report: dict[str, Any]) -> None:
        self.report = report
        self.models_label.setText(doctor.summarize_models(report))
        missing = [m for m in report["models"] if not m["found"] and m["hint"]]
        self.models_label.setToolTip("\n".join(f"{m['role']}: {m['hint']}" for m in missing) or "All models found.")

    def _open_folder(self, folder) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def _about(self) -> None:
        QMessageBox.about(
            self, f"About {APP_DISPLAY_NAME}",
            f"{APP_DISPLAY_NAME} {__version__}\nA private fashion assistant: BLIP-2 search and local Gemma advice.\n"
            "Nothing leaves this computer.",
        )
