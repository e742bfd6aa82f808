"""The model manager: what is known, what is installed and verified, and which model each role uses.

Every action is a `QueryOp`: the table, download, import, verify, use, remove and measure read and write
files on a worker, and the window changes only when the outcome is back on the UI thread. An action
that changes the settings gets a copy of them, which it saves; the window adopts the copy once the
action succeeded, so no worker changes what the window (or the status bar's check) is reading.
Downloading is the one moment the window uses the network: the download's own thread holds the
permission (`downloads.download_session`), and the rest of the app stays offline while it runs.
Measuring runs the labelled requests on every installed GGUF, each in a child process
(core/agents/measure.py); the table then shows each model's result and the window says which model
it recommends for each role.

The table agrees with the status bar: the bundled 270M shows as installed (it ships with the app), and
a BLIP-2 folder or a GGUF file the settings name without the registry knowing it (the status bar counts
it) has its own row, in use, with its size read from the files. Sizes, shares, times and dates are
written the user's way (`QLocale`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale, Qt, Signal
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

from desktop_app.core.agents.measure import MeasureReport, Recommendation, measure_models
from desktop_app.core.models.downloads import download_and_adopt
from desktop_app.core.models.inventory import Measurement, ModelRow, import_and_use, model_rows, remove_named, use_named
from desktop_app.core.models.locator import find_all
from desktop_app.core.models.registry import (
    ROLES,
    InstalledModel,
    LicenceNotAcceptedError,
    Registry,
    Role,
    accept_licence,
    installed_or_explain,
    load_manifest,
    verify_installed,
)
from desktop_app.core.models.terms import GEMMA_LICENCE, require_terms_to_measure
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.platform.jobs import CancelToken, Progress
from desktop_app.core.platform.paths import AppPaths
from desktop_app.ui.errors import show_error
from desktop_app.ui.operations import QueryOp
from desktop_app.ui.workers import BackgroundRunner, Worker

T = TypeVar("T")
IN_SETTINGS = "settings"  # the source of a row for a model the settings name and the registry does not know


def size_text(n: int | None) -> str:
    """Decimal units, as `format_size` counts them for the CLI, in the user's number format."""
    if n is None:
        return QCoreApplication.translate("ModelsDialog", "unknown")
    return QLocale().formattedDataSize(n, 1, QLocale.DataSizeFormat.DataSizeSIFormat)


def model_table(context: AppContext) -> list[ModelRow]:
    """The manifest's and the registry's models, then those the settings use in place (runs on a worker)."""
    rows = model_rows(context)
    shown = {row.location for row in rows if row.location}
    return rows + [
        ModelRow(name=status.location, title=Path(status.name).name, roles=(cast(Role, status.role),),
                 format="blip2" if status.role == "embedder" else "gguf", source=IN_SETTINGS, installed=True, available=True,
                 origin=status.origin, location=status.location, size_bytes=status.size_bytes, verified=False,
                 used_for=(cast(Role, status.role),), listing=None)
        for status in find_all(context.settings, context.paths)
        if status.found and status.model is None and status.location and status.location not in shown
    ]


def _download(context: AppContext, name: str, progress: Progress, cancel: CancelToken) -> InstalledModel:
    """The settings are saved first, so a licence accepted in the window is kept even when the download fails."""
    context.save_settings()
    return download_and_adopt(context, load_manifest(), name, progress=progress, cancel=cancel)[0]


def _measure(context: AppContext, progress: Progress, cancel: CancelToken) -> MeasureReport:
    """The bundled model is measured too, once its terms are accepted (the settings, saved first, keep that answer)."""
    require_terms_to_measure(context.settings, ())
    context.save_settings()
    return measure_models(context, progress=progress, cancel=cancel)


def _verify(paths: AppPaths, name: str, progress: Progress, cancel: CancelToken) -> list[str]:
    """Re-hash one model (the bundled one is assembled first); the problems found, empty when it is intact."""
    registry = Registry(paths)
    return verify_installed(installed_or_explain(name, registry, load_manifest()), registry, progress, cancel)


class ModelsDialog(QDialog):
    models_changed = Signal()

    def __init__(self, context: AppContext, runner: BackgroundRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelsDialog")  # an error shown here offers no button that opens a second one (ui/errors.py)
        self.setWindowTitle(self.tr("Models"))
        self.resize(900, 420)
        self.context = context
        self.runner = runner
        self.job: Worker | None = None
        self.job_cancellable = False
        self.retry: Callable[[], object] = self.refresh  # the action that started the job, for after a licence is accepted
        self.rows: list[ModelRow] = []
        self.last_error: BaseException | None = None
        self.role_names: dict[Role, str] = {
            "embedder": self.tr("embedder"), "classifier": self.tr("classifier"), "stylist": self.tr("stylist"),
        }
        self._build_table()
        self._build_buttons()
        self._build_layout()
        self.refresh()

    def _build_table(self) -> None:
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([self.tr("Model"), self.tr("Roles"), self.tr("Size"), self.tr("Installed"),
                                              self.tr("Used for"), self.tr("Measured here")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.about = QLabel("")
        self.about.setTextFormat(Qt.TextFormat.PlainText)
        self.about.setWordWrap(True)

    def _build_buttons(self) -> None:
        self.download_button = QPushButton(self.tr("Download"))
        self.download_button.clicked.connect(self.download_selected)
        self.verify_button = QPushButton(self.tr("Verify"))
        self.verify_button.clicked.connect(self.verify_selected)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.role = QComboBox()
        for role in ROLES:
            self.role.addItem(self.role_names[role], role)
        self.use_button = QPushButton(self.tr("Use for"))
        self.use_button.clicked.connect(self.use_selected)
        self.import_button = QPushButton(self.tr("Import file or folder…"))
        self.import_button.clicked.connect(self.import_dialog)
        self.measure_button = QPushButton(self.tr("Measure"))
        self.measure_button.setToolTip(self.tr("Run the labelled requests on every installed language model on this computer"
                                               " and recommend the smallest that does the job"))
        self.measure_button.clicked.connect(self.measure_all)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.progress_text = QLabel("")
        self.progress_text.setTextFormat(Qt.TextFormat.PlainText)
        self.progress_text.setWordWrap(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(lambda: self.job.cancel() if self.job else None)

    def _build_layout(self) -> None:
        actions = QHBoxLayout()
        for widget in (self.download_button, self.verify_button, self.remove_button, self.use_button, self.role, self.import_button,
                       self.measure_button):
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

    # -- the table ----------------------------------------------------------------------------------------
    def refresh(self) -> None:
        QueryOp(parent=self, op=model_table, args=(self._draft(),), success=self._show_rows,
                failure=self._failed).run_in_background(self.runner)

    def _show_rows(self, rows: list[ModelRow]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            cells = [self._title_text(row), self._roles_text(row.roles), size_text(row.size_bytes), self._state_text(row),
                     self._roles_text(row.used_for) or "-", self._measured_text(row.measured)]
            for column, text in enumerate(cells):
                self.table.setItem(i, column, QTableWidgetItem(text))
            if row.measured is not None:
                self.table.item(i, 5).setToolTip(self._measured_detail(row.measured))
        self._update_actions()

    def _title_text(self, row: ModelRow) -> str:
        if row.source == IN_SETTINGS:
            return self.tr("{name} (chosen in Settings)").format(name=row.title)
        if row.listing is None:
            return self.tr("{name} (imported {format})").format(name=row.name, format=row.format)
        return row.title

    def _measured_text(self, result: Measurement | None) -> str:
        if result is None:
            return "-"
        locale = QLocale()
        return self.tr("{accuracy} exact, {p50} s, {rate} tokens/s, {memory}").format(
            accuracy=_percent(result.accuracy), p50=locale.toString(result.p50_s, "f", 2),
            rate=locale.toString(result.tokens_per_s, "f", 0), memory=size_text(result.peak_rss_bytes))

    def _measured_detail(self, result: Measurement) -> str:
        locale = QLocale()
        when = QDateTime.fromString(result.measured_at, Qt.DateFormat.ISODate)
        return self.tr("{exact} of {requests} labelled requests exactly right; a request takes {p50} s (p50), {p95} s"
                       " (p95); loading takes {load} s; peak memory {memory}; measured {when}").format(
            exact=locale.toString(result.exact), requests=locale.toString(result.requests), p50=locale.toString(result.p50_s, "f", 2),
            p95=locale.toString(result.p95_s, "f", 2), load=locale.toString(result.load_s, "f", 1),
            memory=size_text(result.peak_rss_bytes),
            when=locale.toString(when.toLocalTime(), QLocale.FormatType.ShortFormat) if when.isValid() else result.measured_at)

    def _roles_text(self, roles: tuple[Role, ...]) -> str:
        return ", ".join(self.role_names[role] for role in roles)

    def _state_text(self, row: ModelRow) -> str:
        if row.source == "bundled" and row.available:
            return self.tr("installed (bundled), verified") if row.verified else self.tr("installed (bundled)")
        if row.source == IN_SETTINGS:
            return self.tr("in use")
        if row.installed:
            return self.tr("verified") if row.verified else self.tr("not verified")
        return self.tr("not installed")

    def selected(self) -> ModelRow | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.rows[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        row = self.selected()
        if row is not None:
            self.role.setCurrentIndex(self.role.findData(row.roles[-1]))
        self._update_actions()

    def _update_actions(self) -> None:
        """What the selected row and a running job allow; the role the user picked is left alone."""
        row = self.selected()
        idle = self.job is None
        if row is None:
            self.about.setText(self.tr("Select a model to see when to pick it."))
        elif row.source == IN_SETTINGS:
            self.about.setText(self.tr("Used where it is, as chosen in Settings: {location}. Import it here to have its files"
                                       " checked.").format(location=row.location))
        else:
            self.about.setText(row.listing.pick_when if row.listing is not None else row.origin or "")
        managed = row is not None and row.source != IN_SETTINGS  # the registry's and the manifest's models
        self.download_button.setEnabled(idle and row is not None and not row.available and row.source == "hub")
        for button in (self.verify_button, self.use_button):
            button.setEnabled(idle and managed and row is not None and row.available)
        self.remove_button.setEnabled(idle and managed and row is not None and row.installed and row.source != "bundled")
        self.import_button.setEnabled(idle)
        self.measure_button.setEnabled(idle)

    # -- jobs ---------------------------------------------------------------------------------------------
    def _draft(self) -> AppContext:
        """The context with a copy of the settings, for an op to read or change on its worker."""
        return AppContext(self.context.paths, self.context.settings.model_copy(deep=True))

    def _start(self, op: Callable[..., T], args: tuple[Any, ...], success: Callable[[T], object], *,
               cancellable: bool = False, stopped: str | None = None) -> Worker:
        """One job at a time; a cancellable one shows its progress bar and Cancel, a quick one only a late busy cursor."""
        stopped_text = stopped or self.tr("Stopped. A download resumes where it stopped next time.")
        self.job = QueryOp(parent=self, op=op, args=args, success=success, failure=self._failed, progress=self._on_progress,
                           cancelled=lambda: self.progress_text.setText(stopped_text), finished=self._job_ended,
                           busy_cursor=not cancellable).run_in_background(self.runner)
        self.job_cancellable = cancellable
        self.progress.setRange(0, 0)
        self.progress.setVisible(cancellable)
        self.cancel_button.setVisible(cancellable)
        self._update_actions()
        return self.job

    def _adopt(self, draft: AppContext, done_text: str) -> None:
        """The op saved the draft's settings; from now on they are the window's."""
        self.context.settings = draft.settings
        self.progress_text.setText(done_text)

    def _on_progress(self, done: int, total: int | None, detail: str) -> None:
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * done / total))
        self.progress_text.setText(detail)

    def _job_ended(self) -> None:
        self.job = None
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self._update_actions()
        self.refresh()
        self.models_changed.emit()

    def done(self, result: int) -> None:
        """Closing the window stops a download, verify or import (a download resumes next time): once the window is
        gone nobody adopts the settings they save. Use and remove take milliseconds; they finish on disk."""
        if self.job is not None and self.job_cancellable:
            self.job.cancel()
        super().done(result)

    def _failed(self, exc: BaseException) -> None:
        self.last_error = exc
        if isinstance(exc, LicenceNotAcceptedError):
            self._ask_licence(exc)
            return
        self.progress_text.setText(self.tr("Failed: {reason}").format(reason=getattr(exc, "message", str(exc))))
        show_error(self, exc, self.tr("Models"))

    def _ask_licence(self, exc: LicenceNotAcceptedError) -> None:
        question = self.tr("{summary}\n\nFull terms: {url}\n\nDo you accept these terms?").format(
            summary=exc.licence.summary, url=exc.licence.url)
        if exc.licence_id == GEMMA_LICENCE:
            question += "\n\n" + self.tr("The full text of the terms and of the Prohibited Use Policy is in Help ▸ Licences.")
        box = QMessageBox(QMessageBox.Icon.Question, exc.licence.name, question,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setObjectName("licenceBox")
        if box.exec() == QMessageBox.StandardButton.Yes:
            accept_licence(exc.licence_id, self.context.settings)  # saved by the action it starts again
            self.retry()
        else:
            self.progress_text.setText(self.tr("Not done: the licence was not accepted."))

    # -- actions ------------------------------------------------------------------------------------------
    def download_selected(self) -> None:
        row = self.selected()
        if row is None or self.job is not None:
            return
        self.retry = self.download_selected
        draft = self._draft()
        done = self.tr("{title} downloaded and verified.").format(title=row.title)
        self._start(_download, (draft, row.name), lambda _model: self._adopt(draft, done), cancellable=True)

    def verify_selected(self) -> None:
        row = self.selected()
        if row is not None and self.job is None:
            self._start(_verify, (self.context.paths, row.name), self._verified, cancellable=True)

    def _verified(self, problems: list[str]) -> None:
        if problems:
            self.progress_text.setText(self.tr("Damaged: {problems}").format(problems="; ".join(problems)))
        else:
            self.progress_text.setText(self.tr("Verified: every checksum matches."))

    def use_selected(self) -> None:
        row = self.selected()
        if row is None or self.job is not None:
            return
        role: Role = self.role.currentData()
        draft = self._draft()
        done = self.tr("{title} is now the {role}.").format(title=row.title, role=self.role_names[role])
        self._start(use_named, (draft, row.name, role), lambda _model: self._adopt(draft, done))

    def remove_selected(self) -> None:
        row = self.selected()
        if row is None or self.job is not None:
            return
        draft = self._draft()
        done = self.tr("Removed {title}.").format(title=row.title)
        self._start(remove_named, (draft, row.name), lambda _removed: self._adopt(draft, done))

    def import_dialog(self) -> None:
        role: Role = self.role.currentData()
        if role == "embedder":
            chosen = QFileDialog.getExistingDirectory(self, self.tr("Choose a saved BLIP-2 folder"))
        else:
            chosen, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a GGUF model"), "", self.tr("GGUF models (*.gguf)"))
        if chosen:
            self.import_path(Path(chosen), role)

    def import_path(self, path: Path, role: Role) -> Worker | None:
        if self.job is not None:
            return None
        draft = self._draft()
        return self._start(import_and_use, (draft, path, role), lambda model: self._imported(draft, model, role), cancellable=True)

    def _imported(self, draft: AppContext, model: InstalledModel, role: Role) -> None:
        self._adopt(draft, self.tr("Imported {name}; it is now the {role}.").format(name=model.name, role=self.role_names[role]))

    def measure_all(self) -> Worker | None:
        if self.job is not None:
            return None
        self.retry = self.measure_all
        return self._start(_measure, (self._draft(),), self._measured, cancellable=True,
                           stopped=self.tr("Stopped measuring; the models measured before are kept."))

    def _measured(self, report: MeasureReport) -> None:
        """The table shows each model's figures once it refreshes; this says what they mean for each role."""
        done = self.tr("Measured on {requests} labelled requests.").format(requests=QLocale().toString(report.requests))
        self.progress_text.setText(" ".join([done, *(self._recommendation_text(r, report.bar) for r in report.recommendations)]))

    def _recommendation_text(self, recommendation: Recommendation, bar: float) -> str:
        share = _percent(bar)
        if recommendation.role == "classifier":
            if recommendation.model is not None:
                return self.tr("Classifier: {model}, the smallest model that gets {share} of them exactly right.").format(
                    model=recommendation.model, share=share)
            return self.tr("Classifier: no model gets {share} of them exactly right; the keyword reader still understands most"
                           " requests, and a larger model (Gemma 3 1B or 4B instruction-tuned) may pass.").format(share=share)
        if recommendation.model is not None:
            return self.tr("Stylist: {model}, the smallest instruction-tuned model that passes.").format(model=recommendation.model)
        if recommendation.candidates:
            return self.tr("Stylist: no instruction-tuned model measured passes; a larger one (Gemma 3 4B instruction-tuned) may.")
        return self.tr("Stylist: advice needs an instruction-tuned model (Gemma 3 1B or 4B instruction-tuned); download one and"
                       " measure again.")


def _percent(share: float) -> str:
    return QCoreApplication.translate("ModelsDialog", "{percent}%").format(percent=QLocale().toString(round(100 * share)))
