"""File ▸ Import products…: the shop's file previewed, its column mapping editable, then imported with a summary.

The dialog presents core operations and orchestrates nothing: `preview_file` reads the first rows and the
detected mapping, `import_products` checks and writes the whole file in one transaction (a check is the
same call as a dry run), both through `QueryOp` on the background lanes, the import on the "store" lane
that catalog writes share. A file with bad rows imports nothing unless the owner ticks "Skip bad rows";
its rows are listed here with their line numbers, as `products import` prints them. Counts are
written the user's way (`QLocale`); line numbers stay as the file's editor shows them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.products.fields import IGNORE
from desktop_app.core.products.importer import BadRowsError, FilePreview, ImportOptions, ImportReport, import_products, preview_file
from desktop_app.core.store.catalog import ThreadCatalogs
from desktop_app.ui.errors import error_text, show_error
from desktop_app.ui.operations import QueryOp
from desktop_app.ui.workers import BackgroundRunner, Worker

CURRENCIES = ("EUR", "USD", "GBP", "MXN", "ARS", "COP", "CLP")
PREVIEW_ROWS = 10


class ProductsDialog(QDialog):
    imported = Signal(object)  # the ImportReport of an import that wrote the catalog

    def __init__(self, runner: BackgroundRunner, catalogs: ThreadCatalogs, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("productsDialog")  # an error shown here offers no button that opens a second one (ui/errors.py)
        self.runner, self.catalogs, self.path = runner, catalogs, path
        self.preview: FilePreview | None = None
        self.report: ImportReport | None = None
        self.worker: Worker | None = None
        self.field_boxes: dict[str, QComboBox] = {}  # column -> its field, for a generic file
        self.setWindowTitle(self.tr("Import products"))
        self.resize(900, 640)

        self.about = QLabel(self.tr("Reading {name}…").format(name=path.name))
        self.about.setTextFormat(Qt.TextFormat.PlainText)
        self.about.setWordWrap(True)
        self.rows = QTableWidget()
        self.rows.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.mapping_box = QWidget()
        self.mapping = QFormLayout(self.mapping_box)
        self.mapping_note = QLabel("")
        self.mapping_note.setWordWrap(True)
        self.skip_bad_rows = QCheckBox(self.tr("Skip bad rows (import the others)"))
        self.currency = QComboBox()
        self.currency.setEditable(True)
        self.currency.addItems(CURRENCIES)
        self.currency.setToolTip(self.tr("The currency of the prices, where the file does not say (Shopify's export never does)"))
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.summary = QPlainTextEdit(readOnly=True)
        self.summary.setPlaceholderText(self.tr("Check the file to see what the import would do, or import it."))
        self.check_button = QPushButton(self.tr("Check"))
        self.check_button.setToolTip(self.tr("Read and check every row, and say what the import would do, without writing anything"))
        self.check_button.clicked.connect(lambda: self.run_import(dry_run=True))
        self.import_button = QPushButton(self.tr("Import"))
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(lambda: self.run_import(dry_run=False))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.check_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        for button in (self.check_button, self.import_button):
            button.setEnabled(False)

        options = QHBoxLayout()
        options.addWidget(self.skip_bad_rows)
        options.addStretch(1)
        options.addWidget(QLabel(self.tr("Currency")))
        options.addWidget(self.currency)
        layout = QVBoxLayout(self)
        layout.addWidget(self.about)
        layout.addWidget(QLabel(self.tr("First rows")))
        layout.addWidget(self.rows, 2)
        layout.addWidget(QLabel(self.tr("Columns")))
        layout.addWidget(self.mapping_note)
        layout.addWidget(self.mapping_box)
        layout.addLayout(options)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary, 1)
        layout.addWidget(buttons)
        self._read()

    # -- the preview ---------------------------------------------------------------------------------------
    def _read(self) -> None:
        QueryOp(parent=self, op=preview_file, args=(self.path,), success=self._show_preview, failure=self._unreadable,
                error_title=self.tr("Import products")).run_in_background(self.runner)

    def _unreadable(self, exc: BaseException) -> None:
        message, hint, _detail = error_text(exc)
        self.about.setText(f"{message} {hint}".strip())

    def _show_preview(self, preview: FilePreview) -> None:
        self.preview = preview
        kind = self.tr("Shopify product export") if preview.format == "shopify" else self.tr("Product list")
        separator = self.tr(", columns separated by “{delimiter}”").format(delimiter=preview.delimiter) if preview.delimiter else ""
        self.about.setText(self.tr("{name}: {kind} ({encoding}{separator}).").format(
            name=self.path.name, kind=kind, encoding=preview.encoding, separator=separator))
        self.rows.setColumnCount(len(preview.headers))
        self.rows.setHorizontalHeaderLabels(list(preview.headers))
        self.rows.setRowCount(min(len(preview.rows), PREVIEW_ROWS))
        self.rows.setVerticalHeaderLabels([str(line) for line, _cells in preview.rows[:PREVIEW_ROWS]])
        for r, (_line, cells) in enumerate(preview.rows[:PREVIEW_ROWS]):
            for c, cell in enumerate(cells[: len(preview.headers)]):
                self.rows.setItem(r, c, QTableWidgetItem(cell))
        self._show_mapping(preview)
        for button in (self.check_button, self.import_button):
            button.setEnabled(True)

    def _show_mapping(self, preview: FilePreview) -> None:
        if preview.format == "shopify":
            self.mapping_note.setText(self.tr("Shopify's columns are read as Shopify writes them: Handle, Title, Option values,"
                                              " Variant SKU, Price and Inventory, Image Src."))
            self.mapping_box.setVisible(False)
            return
        self.mapping_note.setText(self.tr("What each column holds, as recognised from its header; change any that is wrong."))
        for header in preview.headers:
            box = QComboBox()
            box.addItem(self.tr("(ignore)"), IGNORE)
            for name in preview.fields:
                box.addItem(name, name)
            box.setCurrentIndex(box.findData(preview.mapping.get(header, IGNORE)))
            self.mapping.addRow(header or self.tr("(no header)"), box)
            self.field_boxes[header] = box

    def overrides(self) -> dict[str, str]:
        """The columns whose field the owner changed from the detected one."""
        if self.preview is None or self.preview.format == "shopify":
            return {}
        detected = self.preview.mapping
        return {header: str(box.currentData()) for header, box in self.field_boxes.items()
                if box.currentData() != detected.get(header, IGNORE)}

    # -- the import ------------------------------------------------------------------------------------------
    def run_import(self, dry_run: bool) -> None:
        if self.worker is not None or self.preview is None:
            return
        options = ImportOptions(mapping=self.overrides(), dry_run=dry_run, skip_bad_rows=self.skip_bad_rows.isChecked(),
                                currency=self.currency.currentText().strip().upper() or "EUR")
        self._busy(True)
        self.summary.setPlainText(self.tr("Checking {name}…").format(name=self.path.name) if dry_run else
                                  self.tr("Importing {name}…").format(name=self.path.name))
        self.worker = QueryOp(parent=self, op=self.catalogs.bound(import_products), args=(self.path, options), lane="store",
                              success=self._done, failure=self._failed, progress=self._progress, finished=lambda: self._busy(False),
                              error_title=self.tr("Import products")).run_in_background(self.runner)

    def _progress(self, done: int, total: int | None, detail: str) -> None:
        self.progress.setRange(0, total or 0)
        self.progress.setValue(done)
        self.progress.setFormat(detail)

    def _busy(self, busy: bool) -> None:
        if not busy:
            self.worker = None
        self.progress.setVisible(busy)
        for button in (self.check_button, self.import_button):
            button.setEnabled(not busy)

    def _done(self, report: ImportReport) -> None:
        self.report = report
        self.summary.setPlainText(self.summary_text(report))
        if report.imported:
            self.imported.emit(report)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, BadRowsError):
            self.report = exc.report
            self.summary.setPlainText(self.bad_rows_text(exc.report))
            return
        self.summary.setPlainText(self.tr("Nothing was imported."))
        show_error(self, exc, self.tr("Import products"))

    def summary_text(self, report: ImportReport) -> str:
        n = QLocale().toString
        head = (self.tr("Imported {products} products with {variants} variants: {new} new, {updated} updated, {gone} discontinued.")
                if report.imported else
                self.tr("Checked: the import would bring {products} products with {variants} variants: {new} new, {updated} updated,"
                        " {gone} discontinued. Nothing was written."))
        lines = [head.format(products=n(report.products), variants=n(report.variants), new=n(report.new_products),
                             updated=n(report.updated_products), gone=n(report.discontinued)),
                 self.tr("Photos linked: {linked}. Products without a photo: {without}. Photos without a product: {unlinked}.").format(
                     linked=n(report.photos_linked), without=n(report.products_without_photo), unlinked=n(report.photos_without_product))]
        if report.missing_photos:
            lines.append(self.tr("Photos the file names that are not in the catalog: {count}.").format(count=n(report.missing_photos)))
        if report.new_categories:
            lines.append(self.tr("New categories: {names}.").format(names=", ".join(report.new_categories)))
        if report.skipped_bad_rows:
            lines.append(self.tr("Bad rows skipped: {count}.").format(count=n(report.skipped_bad_rows)))
            lines += self._bad_lines(report)
        for title, key in ((self.tr("Products without a photo, for example:"), "products_without_photo"),
                           (self.tr("Discontinued, for example:"), "discontinued")):
            examples = report.examples.get(key) or []
            if examples:
                lines += ["", title, *(f"  {example}" for example in examples)]
        return "\n".join(lines)

    def bad_rows_text(self, report: ImportReport) -> str:
        return "\n".join([
            self.tr("Nothing was imported: {count} bad row(s). Fix them in the file and import it again, or tick"
                    " “Skip bad rows” to import the others.").format(count=QLocale().toString(len(report.bad_rows))),
            *self._bad_lines(report),
        ])

    def _bad_lines(self, report: ImportReport) -> list[str]:
        return [self.tr("  line {line}: {reason}").format(line=row.line, reason=row.reason) for row in report.bad_rows]
