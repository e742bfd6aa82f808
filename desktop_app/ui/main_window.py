"""The main window: the catalog on the side, search and the assistant in tabs, models in the status bar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QLocale, QSettings, Qt, QUrl, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QLabel, QMainWindow, QMessageBox, QTabWidget

from desktop_app import APP_DISPLAY_NAME, __version__
from desktop_app.core import doctor
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.platform.errors import Fix
from desktop_app.core.store.catalog import CatalogStats, ThreadCatalogs
from desktop_app.ui.assistant_panel import AssistantPanel
from desktop_app.ui.catalog_panel import CatalogPanel
from desktop_app.ui.catalog_questions import confirm_quit
from desktop_app.ui.errors import FIX_ACTIONS
from desktop_app.ui.first_run import FirstRunWizard
from desktop_app.ui.licences_dialog import LicencesDialog
from desktop_app.ui.looks_panel import LooksPanel
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
        self.restart_requested = False
        self._quit_while_indexing = False
        self.setWindowTitle(APP_DISPLAY_NAME)
        self.resize(1280, 800)

        # One catalog handle per worker thread; closed when the app quits, after the workers stopped.
        self.catalogs = ThreadCatalogs(context.paths.db_path)
        self.catalog = CatalogPanel(context, runner, self.catalogs, self)
        dock = QDockWidget(self.tr("Catalog"), self)
        dock.setObjectName("catalogDock")
        dock.setWidget(self.catalog)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self.search = SearchPanel(context, runner, self.catalogs, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.search, self.tr("Search"))
        self.assistant = AssistantPanel(context, runner, self.search, self, catalogs=self.catalogs)
        self.tabs.addTab(self.assistant, self.tr("Assistant"))
        self.looks = LooksPanel(context, runner, self.catalogs, self.search.warm, self)
        self.tabs.addTab(self.looks, self.tr("Looks"))
        self.search.complete_look.connect(self.complete_look)
        self.setCentralWidget(self.tabs)

        self.catalog.stats_changed.connect(self._catalog_stats)
        self.catalog.indexing_changed.connect(
            lambda busy: self.statusBar().showMessage(self.tr("Indexing…") if busy else self.tr("Ready"), 0))
        self.search.searched.connect(
            lambda n: self.statusBar().showMessage(self.tr("{count} results").format(count=QLocale().toString(n)), 5000))
        self.search.catalog_changed.connect(self.catalog.refresh)
        self.catalog.folder_activated.connect(self.show_folder)

        self.models_label = QLabel(self.tr("Looking for models…"))
        self.models_label.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(self.models_label)
        self.statusBar().showMessage(self.tr("Catalog: {path}").format(path=context.paths.db_path))
        self._build_menus()
        self._restore_geometry()
        self.refresh_model_status()

    # -- menus and shortcuts ---------------------------------------------------------------------------
    def _action(self, menu, text: str, slot, shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                fix: Fix | None = None) -> QAction:
        """`fix`: the action is the one an error box's button triggers for that fix (ui/errors.py finds it by name)."""
        action = QAction(text, self)
        if fix is not None:
            action.setObjectName(FIX_ACTIONS[fix])
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self._action(file_menu, self.tr("&Add folder…"), self.catalog.pick_folder, QKeySequence.StandardKey.Open, Fix.ADD_FOLDER)
        self._action(file_menu, self.tr("&Re-scan folders"), lambda: self.catalog.start_index(None), "F5")
        self._action(file_menu, self.tr("&Import products…"), self.pick_products_file, fix=Fix.IMPORT_PRODUCTS)
        self._action(file_menu, self.tr("&Find"), self.focus_search, QKeySequence.StandardKey.Find)
        file_menu.addSeparator()
        self._action(file_menu, self.tr("&Settings…"), self.open_settings, QKeySequence.StandardKey.Preferences, Fix.SETTINGS)
        self._action(file_menu, self.tr("Open &data folder"), lambda: self._open_folder(self.context.paths.data_dir))
        file_menu.addSeparator()
        self._action(file_menu, self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)

        self.models_menu = self.menuBar().addMenu(self.tr("&Models"))
        self._action(self.models_menu, self.tr("&Manage models…"), self.open_models, fix=Fix.MODELS)
        self._action(self.models_menu, self.tr("&Check models again"), self.refresh_model_status)
        self._action(self.models_menu, self.tr("&First-run wizard…"), self.open_first_run)

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self._action(help_menu, self.tr("Open &log folder"), lambda: self._open_folder(self.context.paths.log_dir))
        self._action(help_menu, self.tr("&Licences…"), self.open_licences)
        self._action(help_menu, self.tr("&About"), self._about)

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
        self.models_label.setText(self.tr("Looking for models…"))
        worker = self.runner.run(doctor.collect, self.context)
        worker.result.connect(self._show_report)
        worker.error.connect(lambda exc: self.models_label.setText(self.tr("Could not check models: {reason}").format(reason=exc)))

    @Slot(object)
    def _show_report(self, report: dict[str, Any]) -> None:
        self.report = report
        self.models_label.setText(doctor.summarize_models(report))
        missing = [doctor.role_name(m["role"]) for m in report["models"] if not m["found"]]
        # The doctor's hints are the CLI's (they name commands): the window points to its own menu instead.
        self.models_label.setToolTip(
            self.tr("Missing: {roles}. Open Models ▸ Manage models… to download or import them.").format(roles=", ".join(missing))
            if missing else self.tr("All models found."))
        self.catalog.set_embedder_ready(any(m["role"] == "embedder" and m["found"] for m in report["models"]))

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
        dialog.models_changed.connect(self.looks.reset_models)
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
            self.statusBar().showMessage(self.tr("The new data folder is used from the next start."), 8000)
        apply_theme(self.context.settings.theme)
        if dialog.language_changed():
            self._offer_restart()
        self.assistant.llm.reset_models()
        self.looks.reset_models()
        self.refresh_model_status()

    def _open_folder(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            self.statusBar().showMessage(
                self.tr("No file manager here could open {folder}; open it yourself from that path.").format(folder=folder), 15000)

    def open_licences(self) -> LicencesDialog:
        dialog = LicencesDialog(self.runner, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _about(self) -> None:
        QMessageBox.about(
            self, self.tr("About {app}").format(app=APP_DISPLAY_NAME),
            f"{APP_DISPLAY_NAME} {__version__}\n"
            + self.tr("A private fashion assistant: BLIP-2 search and local Gemma advice.\nNothing leaves this computer.")
            + "\n\n"
            + self.tr("Free software under the Apache License 2.0. It carries Qt and PySide6 (LGPL 3), PyTorch, ONNX Runtime,"
                      " llama.cpp, transformers, SQLite with sqlite-vec and Python, each under its own licence, and Google's"
                      " Gemma 3 270M model under the Gemma Terms of Use: Help ▸ Licences shows every text."),
        )

    def _offer_restart(self) -> None:
        """The translators are installed before the first widget, so a new language needs a new start."""
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Language"),
                          self.tr("The new language applies when the app starts again."), QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("restartQuestion")
        restart = box.addButton(self.tr("Restart now"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Later"), QMessageBox.ButtonRole.RejectRole)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: self.restart() if button is restart else None)
        box.open()

    def restart(self) -> None:
        """Close; `ui/app.py` starts the same command again once this window has let go of its catalog."""
        self.restart_requested = True
        self.close()  # during a run, only once the person answers "Quit" (else it stays set and is harmless: no quit, no restart)

    @Slot(object)
    def complete_look(self, path: str) -> None:
        self.tabs.setCurrentWidget(self.looks)
        self.looks.complete_around(path)

    def show_folder(self, folder: Path) -> None:
        self.tabs.setCurrentWidget(self.search)
        self.search.show_folder(folder)

    def _restore_geometry(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = settings.value("window/state")
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.catalog.index_worker is not None and not self._quit_while_indexing:
            event.ignore()  # asked first; "Quit" closes again from the box
            if self.findChild(QMessageBox, "quitWhileIndexing") is None:
                confirm_quit(self, self.catalog.photos_left_now(), self._quit_anyway)
            return
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        if self.catalog.index_worker is not None:
            self.catalog.cancel_index()  # stops after the current batch: what is indexed is kept, the rest is offered next start
        self.assistant.shutdown()
        self.search.shutdown()
        super().closeEvent(event)

    def _quit_anyway(self) -> None:
        self._quit_while_indexing = True
        self.close()
