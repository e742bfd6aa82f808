"""The main window: the catalog on the side, search and the assistant in tabs, models in the status bar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, QUrl, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QLabel, QMainWindow, QMessageBox, QTabWidget

from desktop_app import APP_DISPLAY_NAME, __version__
from desktop_app.core import doctor
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.store.catalog import CatalogStats, ThreadCatalogs
from desktop_app.ui.assistant_panel import AssistantPanel
from desktop_app.ui.catalog_panel import CatalogPanel
from desktop_app.ui.first_run import FirstRunWizard
from desktop_app.ui.licences_dialog import LicencesDialog
from desktop_app.ui.models_dialog import ModelsDialog
from desktop_app.ui.products_dialog import ProductsDialog
from desktop_app.ui.search_panel import SearchPanel
from desktop_app.ui.settings_dialog import DATA_DIR_KEY, SettingsDialog, apply_theme
from desktop_app.ui.workers import BackgroundRunner


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext, runner: BackgroundRunner) -> None:
        super().__init__()
        self.context = context
        self.runner = runner
        self.report: dict[str, Any] | None = None
        self.setWindowTitle(APP_DISPLAY_NAME)
        self.resize(1280, 800)

        # One catalog handle per worker thread; closed when the app quits, after the workers stopped.
        self.catalogs = ThreadCatalogs(context.paths.db_path)
        self.catalog = CatalogPanel(context, runner, self.catalogs, self)
        dock = QDockWidget("Catalog", self)
        dock.setObjectName("catalogDock")
        dock.setWidget(self.catalog)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self.search = SearchPanel(context, runner, self.catalogs, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.search, "Search")
        self.assistant = AssistantPanel(context, runner, self.search, self, catalogs=self.catalogs)
        self.tabs.addTab(self.assistant, "Assistant")
        self.setCentralWidget(self.tabs)

        self.catalog.stats_changed.connect(self._catalog_stats)
        self.catalog.indexing_changed.connect(lambda busy: self.statusBar().showMessage("Indexing…" if busy else "Ready", 0))
        self.search.searched.connect(lambda n: self.statusBar().showMessage(f"{n} results", 5000))
        self.search.catalog_changed.connect(self.catalog.refresh)

        self.models_label = QLabel("Looking for models…")
        self.models_label.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(self.models_label)
        self.statusBar().showMessage(f"Catalog: {context.paths.db_path}")
        self._build_menus()
        self._restore_geometry()
        self.refresh_model_status()

    # -- menus and shortcuts ---------------------------------------------------------------------------
    def _action(self, menu, text: str, slot, shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "&Add folder…", self.catalog.pick_folder, QKeySequence.StandardKey.Open)
        self._action(file_menu, "&Re-scan folders", lambda: self.catalog.start_index(None), "F5")
        self._action(file_menu, self.tr("&Import products…"), self.pick_products_file)
        self._action(file_menu, "&Find", self.focus_search, QKeySequence.StandardKey.Find)
        file_menu.addSeparator()
        self._action(file_menu, "&Settings…", self.open_settings, QKeySequence.StandardKey.Preferences)
        self._action(file_menu, "Open &data folder", lambda: self._open_folder(self.context.paths.data_dir))
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        self.models_menu = self.menuBar().addMenu("&Models")
        self._action(self.models_menu, "&Manage models…", self.open_models)
        self._action(self.models_menu, "&Check models again", self.refresh_model_status)
        self._action(self.models_menu, "&First-run wizard…", self.open_first_run)

        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "Open &log folder", lambda: self._open_folder(self.context.paths.log_dir))
        self._action(help_menu, "&Licences…", self.open_licences)
        self._action(help_menu, "&About", self._about)

    @Slot()
    def focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.search)
        self.search.query.setFocus()
        self.search.query.selectAll()

    # -- state -------------------------------------------------------------------------------------------
    def _catalog_stats(self, stats: CatalogStats) -> None:
        present = [name for name in stats.categories if name != "untagged"]
        if present:
            self.search.set_categories(sorted(set(present)))

    @Slot()
    def refresh_model_status(self) -> None:
        """doctor reads the model files, the CPU and SQLite, so it runs on the pool, never on the UI thread."""
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

    def pick_products_file(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(self, self.tr("Choose the shop's product file"), "",
                                                      self.tr("Product lists (*.csv *.txt *.xlsx);;All files (*)"))
        if chosen:
            self.import_products(Path(chosen))

    def import_products(self, path: Path) -> ProductsDialog:
        """The shop's file previewed, then imported; the catalog panel and the search filters show the products after."""
        dialog = ProductsDialog(self.runner, self.catalogs, path, self)
        dialog.imported.connect(lambda _report: (self.catalog.refresh(), self.search.refresh_shop()))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_models(self) -> ModelsDialog:
        dialog = ModelsDialog(self.context, self.runner, self)
        dialog.models_changed.connect(self.refresh_model_status)
        dialog.models_changed.connect(self.assistant.llm.reset_models)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def maybe_first_run(self) -> None:
        """The wizard greets a new user once: no folders yet and never finished or skipped."""
        if not self.context.settings.first_run_done and self.catalog.stats is not None and not self.catalog.stats.folders:
            self.open_first_run()

    def open_first_run(self) -> FirstRunWizard:
        wizard = FirstRunWizard(self.context, self.runner, self)
        wizard.finished.connect(lambda result: self._first_run_done(wizard, result))
        wizard.open()
        return wizard

    def _first_run_done(self, wizard: FirstRunWizard, result: int) -> None:
        self.context.settings.first_run_done = True
        self.context.save_settings()
        self.refresh_model_status()
        folders = wizard.chosen_folders()
        if result == FirstRunWizard.DialogCode.Accepted and folders:
            self.catalog.start_index(folders)

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.context.settings, self.context.paths.data_dir, self)
        if dialog.exec() != SettingsDialog.DialogCode.Accepted:
            return
        self.context.settings = dialog.result_settings()
        self.context.save_settings()
        chosen = dialog.chosen_data_dir()
        if chosen and Path(chosen) != self.context.paths.data_dir:
            QSettings().setValue(DATA_DIR_KEY, chosen)
            self.statusBar().showMessage("The new data folder is used from the next start.", 8000)
        apply_theme(self.context.settings.theme)
        self.assistant.llm.reset_models()
        self.refresh_model_status()

    def _open_folder(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def open_licences(self) -> LicencesDialog:
        dialog = LicencesDialog(self.runner, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _about(self) -> None:
        QMessageBox.about(
            self, f"About {APP_DISPLAY_NAME}",
            f"{APP_DISPLAY_NAME} {__version__}\nA private fashion assistant: BLIP-2 search and local Gemma advice.\n"
            "Nothing leaves this computer.\n\n"
            + self.tr("Free software under the Apache License 2.0. It carries Qt and PySide6 (LGPL 3), PyTorch, ONNX Runtime,"
                      " llama.cpp, transformers, SQLite with sqlite-vec and Python, each under its own licence, and Google's"
                      " Gemma 3 270M model under the Gemma Terms of Use: Help ▸ Licences shows every text."),
        )

    def _restore_geometry(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = settings.value("window/state")
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        if self.catalog.index_worker is not None:
            self.catalog.cancel_index()
        self.assistant.shutdown()
        self.search.shutdown()
        super().closeEvent(event)
