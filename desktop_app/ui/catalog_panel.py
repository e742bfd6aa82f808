"""The catalog side: folders, counts per category, indexing progress with pause and cancel, skipped files."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.catalog.indexer import IndexReport
from desktop_app.core.catalog.operations import catalog_stats, forget_folder, index_catalog
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.store.catalog import CatalogStats, ThreadCatalogs
from desktop_app.ui.errors import show_error
from desktop_app.ui.workers import BackgroundRunner, Worker


def _plain_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class CatalogPanel(QWidget):
    stats_changed = Signal(object)  # CatalogStats
    indexing_changed = Signal(bool)
    index_finished = Signal(object)  # IndexReport

    def __init__(self, context: AppContext, runner: BackgroundRunner, catalogs: ThreadCatalogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.catalogs = catalogs
        self.runner = runner
        self.stats: CatalogStats | None = None
        self.index_worker: Worker | None = None
        self._refresh_id = 0
        self.last_error: BaseException | None = None

        self.folders = QListWidget()
        self.folders.setToolTip("Folders of product photos; sub-folders are included")
        self.add_button = QPushButton("Add folder…")
        self.add_button.setToolTip("Add a folder and index it (Ctrl+O)")
        self.add_button.clicked.connect(self.pick_folder)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Forget the selected folder (your photos are not touched)")
        self.remove_button.clicked.connect(self.remove_selected)
        self.index_button = QPushButton("Re-scan")
        self.index_button.setToolTip("Look for new, changed and deleted photos in every folder")
        self.index_button.clicked.connect(lambda: self.start_index(None))

        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.progress_text = _plain_label()
        self.pause_button = QPushButton("Pause")
        self.pause_button.clicked.connect(self.toggle_pause)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_index)
        for button in (self.pause_button, self.cancel_button):
            button.setVisible(False)

        self.counts = _plain_label("No photos indexed yet.")
        self.skipped = QTreeWidget()
        self.skipped.setHeaderLabels(["Skipped file", "Why"])
        self.skipped.setRootIsDecorated(False)
        self.skipped_label = _plain_label("")

        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.index_button):
            buttons.addWidget(button)
        job = QHBoxLayout()
        job.addWidget(self.progress, 1)
        job.addWidget(self.pause_button)
        job.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(_plain_label("Folders"))
        layout.addWidget(self.folders, 1)
        layout.addLayout(buttons)
        layout.addLayout(job)
        layout.addWidget(self.progress_text)
        layout.addWidget(_plain_label("In the catalog"))
        layout.addWidget(self.counts)
        layout.addWidget(self.skipped_label)
        layout.addWidget(self.skipped, 1)
        self.refresh()

    # -- reading the catalog ----------------------------------------------------------------------
    def refresh(self) -> None:
        """Reads run on the pool, two at a time, so an older read can finish last: only the newest is shown."""
        self._refresh_id += 1
        refresh_id = self._refresh_id
        worker = self.runner.run(self.catalogs.bound(catalog_stats))
        worker.result.connect(lambda stats: self._show_stats(refresh_id, stats))
        worker.error.connect(self._failed)

    def _show_stats(self, refresh_id: int, stats: CatalogStats) -> None:
        if refresh_id != self._refresh_id:
            return
        self.stats = stats
        self.folders.clear()
        self.folders.addItems(stats.folders)
        counts = stats.categories
        self.counts.setText(
            f"{stats.items} photos: " + ", ".join(f"{name} {n}" for name, n in counts.items()) if counts else "No photos indexed yet."
        )
        self.skipped.clear()
        for entry in stats.skipped:
            item = QTreeWidgetItem([entry.path, entry.reason])
            item.setToolTip(0, entry.path)
            item.setToolTip(1, entry.reason)
            self.skipped.addTopLevelItem(item)
        self.skipped_label.setText(f"Skipped files: {len(stats.skipped)}" if stats.skipped else "No skipped files.")
        self.skipped.setVisible(bool(stats.skipped))
        self.stats_changed.emit(stats)

    # -- folders ------------------------------------------------------------------------------------
    def pick_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Choose a folder of product photos")
        if chosen:
            self.start_index([Path(chosen)])

    def remove_selected(self) -> None:
        item = self.folders.currentItem()
        if item is None or self.index_worker is not None:
            return
        worker = self.runner.run(self.catalogs.bound(forget_folder), Path(item.text()), lane="store")
        worker.result.connect(lambda _n: self.refresh())
        worker.error.connect(self._failed)

    # -- indexing -------------------------------------------------------------------------------------
    def start_index(self, roots: list[Path] | None) -> Worker | None:
        if self.index_worker is not None:
            return None
        started = time.monotonic()
        # backend "auto": the fast ONNX encoder when it is available and agrees with fp32. Its one-time
        # preparation runs in a child process, so neither its memory nor its GIL-holding export reach the window.
        worker = self.runner.run(self.catalogs.bound(index_catalog), self.context, roots, lane="store")
        worker.progress.connect(self._on_progress)
        worker.result.connect(lambda report: self._index_done(report, started))
        worker.error.connect(self._failed)
        worker.cancelled.connect(lambda: self.progress_text.setText("Indexing cancelled. What was indexed is kept."))
        worker.finished.connect(self._index_ended)
        self.index_worker = worker
        self.progress.setRange(0, 0)
        self.progress_text.setText("Starting… (the first index loads the BLIP-2 model)")
        self._set_busy(True)
        return worker

    def _on_progress(self, done: int, total: int | None, detail: str) -> None:
        if total and self.progress.maximum() == 0:  # the scan is over and the new folder is recorded: show it
            self.refresh()
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        else:
            self.progress.setRange(0, 0)
        self.progress_text.setText(detail)

    def toggle_pause(self) -> None:
        if self.index_worker is None:
            return
        token = self.index_worker.token
        if token.paused:
            token.resume()
            self.pause_button.setText("Pause")
        else:
            token.pause()
            self.pause_button.setText("Resume")
            self.progress_text.setText("Paused after the current batch.")

    def cancel_index(self) -> None:
        if self.index_worker is not None:
            self.index_worker.cancel()
            self.progress_text.setText("Stopping after the current batch…")

    def _index_done(self, report: IndexReport, started: float) -> None:
        text = (f"Done: {report.indexed} indexed, {report.unchanged} unchanged, {report.removed} removed,"
                f" {len(report.skipped)} skipped in {time.monotonic() - started:.0f} s.")
        if report.missing_folders:
            text += " Not reachable now: " + ", ".join(report.missing_folders)
        self.progress_text.setText(text)
        retry = [entry for entry in report.skipped if entry.get("retry")]
        if retry:
            self._warn_retry(retry)
        self.index_finished.emit(report)

    def _warn_retry(self, retry: list[dict[str, Any]]) -> None:
        """Files skipped for a cause outside them (an unplugged drive, permissions) are said plainly, not only listed."""
        first = retry[0]
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Some photos could not be read"),
                          self.tr("%n photo(s) could not be read for a reason outside the files, for example:\n%1: %2\n\n"
                                  "Reconnect the drive or fix the permissions, then choose File ▸ Re-scan folders: they will be"
                                  " tried again.", "", len(retry)).replace("%1", first["path"]).replace("%2", first["reason"]),
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("retryWarning")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not exec(): the window stays usable

    def _index_ended(self) -> None:
        self.index_worker = None
        self._set_busy(False)
        self.refresh()

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.pause_button.setVisible(busy)
        self.pause_button.setText("Pause")
        self.cancel_button.setVisible(busy)
        for button in (self.add_button, self.remove_button, self.index_button):
            button.setEnabled(not busy)
        self.indexing_changed.emit(busy)

    def _failed(self, exc: BaseException) -> None:
        self.last_error = exc
        self.progress_text.setText("Something went wrong; your catalog is unchanged up to the last saved batch.")
        show_error(self, exc, "Catalog")
