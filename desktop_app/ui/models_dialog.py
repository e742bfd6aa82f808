"""The model manager: what is known, what is installed and verified, and which model each role uses.

Download, import, verify, use and remove, each on a worker with progress and cancel. Downloading
is the one moment the app may use the network: the guard is lifted for that job only and put back
when it ends, however it ends.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.platform import offline
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.models.downloads import download_and_adopt
from desktop_app.core.platform.jobs import CancelToken, Progress
from desktop_app.core.models.registry import (
    ROLES,
    InstalledModel,
    LicenceNotAcceptedError,
    Manifest,
    Registry,
    accept_licence,
    import_model,
    load_manifest,
    remove_model,
    roles_using,
    use_model,
    verify_installed,
)
from desktop_app.ui.errors import show_error
from desktop_app.ui.workers import BackgroundRunner, Worker


def download_online(context: AppContext, manifest: Manifest, name: str, progress: Progress, cancel: CancelToken) -> InstalledModel:
    """The only network use in the window: allowed for this download, refused again afterwards."""
    offline.allow_network()
    try:
        return download_and_adopt(context, manifest, name, progress=progress, cancel=cancel)[0]
    finally:
        offline.enforce_offline()


def _size(n: int | None) -> str:
    if not n:
        return "-"
    return f"{n / 1e9:.1f} GB" if n >= 1e9 else f"{n / 1e6:.0f} MB"


def model_rows(context: AppContext, manifest: Manifest) -> list[dict[str, Any]]:
    """One row per known or installed model, for the table (built on a worker: it reads files)."""
    installed = Registry(context.paths).all()
    rows: list[dict[str, Any]] = []
    for entry in manifest.models:
        model = installed.get(entry.name)
        rows.append({
            "name": entry.name, "title": entry.title, "roles": list(entry.roles), "pick_when": entry.pick_when,
            "installed": model is not None,
            "size": model.size_bytes if model else entry.size_bytes,
            "verified": bool(model and model.verified),
            "used_for": roles_using(model, context.settings) if model else [],
            "source": entry.source,
        })
    known = {entry.name for entry in manifest.models}
    for name, model in installed.items():
        if name not in known:
            rows.append({
                "name": name, "title": f"{name} (imported)", "roles": list(model.roles), "pick_when": model.describe_origin(),
                "installed": True, "size": model.size_bytes, "verified": model.verified,
                "used_for": roles_using(model, context.settings), "source": model.origin,
            })
    return rows


class ModelsDialog(QDialog):
    models_changed = Signal()

    def __init__(self, context: AppContext, runner: BackgroundRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Models")
        self.resize(900, 420)
        self.context = context
        self.runner = runner
        self.manifest = load_manifest()
        self.job: Worker | None = None
        self.rows: list[dict[str, Any]] = []
        self.last_error: BaseException | None = None

        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Model", "Roles", "Size", "Installed", "Used for"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.about = QLabel("")
        self.about.setTextFormat(Qt.TextFormat.PlainText)
        self.about.setWordWrap(True)

        self.download_button = QPushButton("Download")
        self.download_button.clicked.connect(self.download_selected)
        self.verify_button = QPushButton("Verify")
        self.verify_button.clicked.connect(self.verify_selected)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        self.role = QComboBox()
        self.role.addItems(list(ROLES))
        self.use_button = QPushButton("Use for")
        self.use_button.clicked.connect(self.use_selected)
        self.import_button = QPushButton("Import file or folder…")
        self.import_button.clicked.connect(self.import_dialog)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.progress_text = QLabel("")
        self.progress_text.setTextFormat(Qt.TextFormat.PlainText)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(lambda: self.job.cancel() if self.job else None)

        actions = QHBoxLayout()
        for widget in (self.download_button, self.verify_button, self.remove_button, self.use_button, self.role, self.import_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        job = QHBoxLayout()
        job.addWidget(self.progress, 1)
        job.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.about)
        layout.addLayout(actions)
        layout.addLayout(job)
        layout.addWidget(self.progress_text)
        self.refresh()

    def refresh(self) -> None:
        worker = self.runner.run(model_rows, self.context, self.manifest)
        worker.result.connect(self._show_rows)
        worker.error.connect(self._failed)

    def _show_rows(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            state = ("verified" if row["verified"] else "not verified") if row["installed"] else "not installed"
            cells = [row["title"], ", ".join(row["roles"]), _size(row["size"]), state, ", ".join(row["used_for"]) or "-"]
            for column, text in enumerate(cells):
                self.table.setItem(i, column, QTableWidgetItem(text))
        self._selection_changed()

    def selected(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.rows[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        row = self.selected()
        busy = self.job is not None
        self.about.setText(row["pick_when"] if row else "Select a model to see when to pick it.")
        self.download_button.setEnabled(bool(row) and not busy and not row["installed"] and row["source"] == "hub")
        for button in (self.verify_button, self.use_button):
            button.setEnabled(bool(row) and not busy and row["installed"])
        self.remove_button.setEnabled(bool(row) and not busy and row["installed"] and row["source"] != "bundled")
        self.import_button.setEnabled(not busy)
        if row:
            self.role.setCurrentText(row["roles"][-1])

    # -- jobs ---------------------------------------------------------------------------------------------
    def _start(self, fn, *args, done_text: str) -> Worker:
        worker = self.runner.run(fn, *args)
        worker.progress.connect(self._on_progress)
        worker.result.connect(lambda _r: self.progress_text.setText(done_text))
        worker.error.connect(self._failed)
        worker.cancelled.connect(lambda: self.progress_text.setText("Stopped. A download resumes where it stopped next time."))
        worker.finished.connect(self._job_ended)
        self.job = worker
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.cancel_button.setVisible(True)
        self._selection_changed()
        return worker

    def _on_progress(self, done: int, total: int | None, detail: str) -> None:
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * done / total))
        self.progress_text.setText(detail)

    def _job_ended(self) -> None:
        self.job = None
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self.refresh()
        self.models_changed.emit()

    def _failed(self, exc: BaseException) -> None:
        self.last_error = exc
        if isinstance(exc, LicenceNotAcceptedError):
            self._ask_licence(exc)
            return
        self.progress_text.setText("Failed: " + getattr(exc, "message", str(exc)))
        show_error(self, exc, "Models")

    def _ask_licence(self, exc: LicenceNotAcceptedError) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, exc.licence.name,
                          f"{exc.licence.summary}\n\nFull terms: {exc.licence.url}\n\nDo you accept these terms?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setObjectName("licenceBox")
        if box.exec() == QMessageBox.StandardButton.Yes:
            accept_licence(exc.licence_id, self.context.settings)
            self.context.save_settings()
            self.download_selected()
        else:
            self.progress_text.setText("Not downloaded: the licence was not accepted.")

    def download_selected(self) -> None:
        row = self.selected()
        if row and self.job is None:
            self._start(download_online, self.context, self.manifest, row["name"], done_text=f"{row['title']} downloaded and verified.")

    def verify_selected(self) -> None:
        row = self.selected()
        if row and self.job is None:
            registry = Registry(self.context.paths)
            model = registry.get(row["name"])
            worker = self._start(verify_installed, model, registry, done_text="")
            worker.result.connect(lambda problems: self.progress_text.setText(
                "Verified: every checksum matches." if not problems else "Damaged: " + "; ".join(problems)))

    def use_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        model = Registry(self.context.paths).get(row["name"])
        try:
            use_model(model, self.role.currentText(), self.context.settings, self.manifest)  # type: ignore[arg-type]
        except Exception as exc:
            self._failed(exc)
            return
        self.context.save_settings()
        self.progress_text.setText(f"{row['title']} is now the {self.role.currentText()}.")
        self.refresh()
        self.models_changed.emit()

    def remove_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        registry = Registry(self.context.paths)
        try:
            remove_model(registry.get(row["name"]), registry, self.context.settings)
        except Exception as exc:
            self._failed(exc)
            return
        self.context.save_settings()
        self.refresh()
        self.models_changed.emit()

    def import_dialog(self) -> None:
        role = self.role.currentText()
        if role == "embedder":
            chosen = QFileDialog.getExistingDirectory(self, "Choose a saved BLIP-2 folder")
        else:
            chosen, _ = QFileDialog.getOpenFileName(self, "Choose a GGUF model", "", "GGUF models (*.gguf)")
        if chosen:
            self.import_path(Path(chosen), role)

    def import_path(self, path: Path, role: str) -> Worker | None:
        if self.job is not None:
            return None
        registry = Registry(self.context.paths)
        worker = self._start(import_model, path, role, registry, self.manifest, done_text=f"Imported {path.name}.")
        worker.result.connect(lambda model: self._imported(model, role))
        return worker

    def _imported(self, model: InstalledModel, role: str) -> None:
        use_model(model, role, self.context.settings, self.manifest)  # type: ignore[arg-type]
        self.context.save_settings()
        self.progress_text.setText(f"Imported {model.name}; it is now the {role}.")
