"""The catalog side: folders, counts per category, indexing progress with pause and cancel, skipped files, and the
shop's products with their variants and the photos no product claims, once the shop has imported its file."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLocale, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStyle,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.catalog.indexer import IndexReport
from desktop_app.core.catalog.operations import catalog_stats, forget_folder, photos_left_to_index, restore_folder
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.platform.errors import Fix, ModelMissingError
from desktop_app.core.products.photos import index_shop
from desktop_app.core.store.catalog import Catalog, CatalogStats, ThreadCatalogs
from desktop_app.core.store.product_store import Product, ProductCounts, Variant
from desktop_app.ui.catalog_questions import confirm_remove
from desktop_app.ui.errors import open_fix, show_error
from desktop_app.ui.operations import QueryOp
from desktop_app.ui.tag_names import tag_name
from desktop_app.ui.workers import BackgroundRunner, Worker

PRODUCTS_SHOWN = 2000  # rows of the product list; the rest are a search away
UNLINKED_SHOWN = 500
UNDO_SHOWN_MS = 15_000  # how long "Undo remove" stays offered; the core keeps the vectors longer (re-adding is instant)
COUNTS_EVERY_S = 2.0  # the sidebar's counts follow an indexing run this often


@dataclass(frozen=True)
class ShopView:
    counts: ProductCounts
    products: list[Product]  # the first PRODUCTS_SHOWN, by handle
    unlinked: list[str]  # the first UNLINKED_SHOWN photos without a product, by path


def shop_view(catalog: Catalog) -> ShopView | None:
    """What the panel shows of the shop, read on the pool; None before the shop imported its products."""
    products = catalog.products
    if products.last_import() is None:
        return None
    return ShopView(products.counts(), products.products()[:PRODUCTS_SHOWN], products.paths_without_product(UNLINKED_SHOWN))


def product_variants(catalog: Catalog, product_id: int) -> list[Variant]:
    return catalog.products.variants([product_id], include_discontinued=True).get(product_id, [])


def keep_folders(catalog: Catalog, folders: list[Path]) -> None:
    """Record folders without indexing them (no image model yet): they show in the sidebar and are indexed later."""
    with catalog.transaction():
        for folder in folders:
            catalog.store.add_folder(folder.expanduser().resolve())


def folder_photo_count(catalog: Catalog, folder: Path) -> int:
    """How many of the catalog's items lie in `folder`: the number the removal question names."""
    ids = [folder_id for folder_id, path in catalog.store.folders() if path == folder]
    return len(catalog.store.filtered_item_ids(folder_ids=ids)) if ids else 0


def _number(n: int) -> str:
    return QLocale().toString(n)


def _price(value: float) -> str:
    return QLocale().toString(value, "f", 2)


def _plain_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class CatalogPanel(QWidget):
    stats_changed = Signal(object)  # CatalogStats
    indexing_changed = Signal(bool)
    index_finished = Signal(object)  # IndexReport
    folder_activated = Signal(object)  # Path: a folder clicked in the list, to show its items

    def __init__(self, context: AppContext, runner: BackgroundRunner, catalogs: ThreadCatalogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.catalogs = catalogs
        self.runner = runner
        self.stats: CatalogStats | None = None
        self.index_worker: Worker | None = None
        self._refresh_id = 0
        self.last_error: BaseException | None = None
        self.embedder_ready: bool | None = None  # from the main window's model check; None until it is known
        self.photos_left: int = 0
        self._counts_read_at = 0.0
        self._removed: Path | None = None

        self.folders = QListWidget()
        self.folders.setToolTip(self.tr("Folders of product photos; sub-folders are included. Click one to see its items."))
        # A click shows the folder's items; so do Enter and, where the style activates on a double click, that too.
        self.folders.itemClicked.connect(lambda item: self.folder_activated.emit(Path(item.text())))
        self.folders.itemActivated.connect(self._folder_activated)
        self.add_button = QPushButton(self.tr("Add folder…"))
        self.add_button.setToolTip(self.tr("Add a folder and index it (Ctrl+O)"))
        self.add_button.clicked.connect(self.pick_folder)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setToolTip(self.tr("Remove the selected folder from the catalog (your photos are not touched; you can undo it)"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.index_button = QPushButton(self.tr("Re-scan"))
        self.index_button.setToolTip(self.tr("Look for new, changed and deleted photos in every folder"))
        self.index_button.clicked.connect(lambda: self.start_index(None))

        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.progress_text = _plain_label()
        self.pause_button = QPushButton(self.tr("Pause"))
        self.pause_button.clicked.connect(self.toggle_pause)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel_index)
        for button in (self.pause_button, self.cancel_button):
            button.setVisible(False)
        self.resume_button = QPushButton()
        self.resume_button.setObjectName("resumeIndexing")
        self.resume_button.clicked.connect(lambda: self.start_index(None))
        self.undo_button = QPushButton(self.tr("Undo remove"))
        self.undo_button.setObjectName("undoRemove")
        self.undo_button.clicked.connect(self.undo_remove)
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.timeout.connect(lambda: self.undo_button.setVisible(False))
        for button in (self.resume_button, self.undo_button):
            button.setVisible(False)

        self.counts = _plain_label(self.tr("No photos indexed yet."))
        self.skipped = QTreeWidget()
        self.skipped.setHeaderLabels([self.tr("Skipped file"), self.tr("Why")])
        self.skipped.setRootIsDecorated(False)
        self.skipped.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a path's file name stays readable; the tooltip has it whole
        self.skipped_label = _plain_label("")
        self._build_shop()

        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.index_button):
            buttons.addWidget(button)
        job = QHBoxLayout()
        job.addWidget(self.progress, 1)
        job.addWidget(self.pause_button)
        job.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(_plain_label(self.tr("Folders")))
        layout.addWidget(self.folders, 1)
        layout.addLayout(buttons)
        layout.addLayout(job)
        layout.addWidget(self.resume_button)
        layout.addWidget(self.undo_button)
        layout.addWidget(self.progress_text)
        layout.addWidget(_plain_label(self.tr("In the catalog")))
        layout.addWidget(self.counts)
        layout.addWidget(self.skipped_label)
        layout.addWidget(self.skipped, 1)
        layout.addWidget(self.shop_label)
        layout.addWidget(self.shop, 2)
        self.refresh()

    def _build_shop(self) -> None:
        self.shop_label = _plain_label("")
        self.products = QTreeWidget()
        self.products.setHeaderLabels([self.tr("Product"), self.tr("SKU"), self.tr("Price"), self.tr("Stock")])
        self.products.itemExpanded.connect(self._load_variants)
        self.unlinked = QListWidget()
        self.unlinked.setToolTip(self.tr("Indexed photos that no product of the shop's file names"))
        self.shop = QTabWidget()
        self.shop.addTab(self.products, self.tr("Products"))
        self.shop.addTab(self.unlinked, self.tr("Photos without a product"))
        for widget in (self.shop_label, self.shop):
            widget.setVisible(False)

    # -- reading the catalog ----------------------------------------------------------------------
    def refresh(self) -> None:
        """Reads run on the pool, two at a time, so an older read can finish last: only the newest is shown."""
        self._refresh_id += 1
        refresh_id = self._refresh_id
        worker = self.runner.run(self.catalogs.bound(catalog_stats))
        worker.result.connect(lambda stats: self._show_stats(refresh_id, stats))
        worker.error.connect(self._failed)
        shop = self.runner.run(self.catalogs.bound(shop_view))
        shop.result.connect(lambda view: self._show_shop(refresh_id, view))
        shop.error.connect(self._failed)

    def _show_shop(self, refresh_id: int, view: ShopView | None) -> None:
        if refresh_id != self._refresh_id:
            return
        for widget in (self.shop_label, self.shop):
            widget.setVisible(view is not None)
        self.products.clear()
        self.unlinked.clear()
        if view is None:
            return
        counts = view.counts
        self.shop_label.setText(self.tr(
            "Shop: {products} products ({discontinued} discontinued), {variants} variants; {linked} photos linked,"
            " {without_photo} products without a photo, {unlinked} photos without a product").format(
            products=_number(counts.products), discontinued=_number(counts.discontinued), variants=_number(counts.variants),
            linked=_number(counts.photos_linked), without_photo=_number(counts.products_without_photo),
            unlinked=_number(counts.photos_without_product)))
        items = []
        for product in view.products:
            item = QTreeWidgetItem([product.name, product.sku, self._price_range(product), self._availability(product)])
            item.setData(0, Qt.ItemDataRole.UserRole, product.id)
            item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
            items.append(item)
        self.products.addTopLevelItems(items)
        total = counts.products + counts.discontinued
        self.shop.setTabText(0, self.tr("Products ({shown} of {total})").format(shown=_number(len(items)), total=_number(total))
                             if total > len(items) else self.tr("Products"))
        self.unlinked.addItems(view.unlinked)
        self.shop.setTabText(1, self.tr("Photos without a product ({count})").format(count=_number(counts.photos_without_product)))

    def _price_range(self, product: Product) -> str:
        if product.min_price is None:
            return ""
        if product.max_price is None or product.max_price == product.min_price:
            return f"{_price(product.min_price)} {product.currency}"
        return f"{_price(product.min_price)}–{_price(product.max_price)} {product.currency}"

    def _availability(self, product: Product) -> str:
        if product.discontinued:
            return self.tr("discontinued")
        if not product.in_stock:
            return self.tr("sold out")
        return self.tr("in stock") if product.stock is None else self.tr("{count} in stock").format(count=_number(product.stock))

    def _load_variants(self, item: QTreeWidgetItem) -> None:
        """A product's variants are read when it is opened, so a list of thousands costs one row each."""
        if item.childCount() or item.parent() is not None:
            return
        product_id = int(item.data(0, Qt.ItemDataRole.UserRole))
        worker = self.runner.run(self.catalogs.bound(product_variants), product_id)
        worker.result.connect(lambda variants: self._show_variants(product_id, variants))

    def _show_variants(self, product_id: int, variants: list[Variant]) -> None:
        for i in range(self.products.topLevelItemCount()):
            item = self.products.topLevelItem(i)
            if item.data(0, Qt.ItemDataRole.UserRole) == product_id and not item.childCount():
                for variant in variants:
                    label = " / ".join(variant.options.values()) or self.tr("(one variant)")
                    stock = (self.tr("discontinued") if variant.availability == 0 else self.tr("sold out") if not variant.in_stock
                             else self.tr("in stock") if variant.stock is None
                             else self.tr("{count} in stock").format(count=_number(variant.stock)))
                    price = "" if variant.price is None else _price(variant.price)
                    item.addChild(QTreeWidgetItem([label, variant.sku or "", price, stock]))
                item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.DontShowIndicatorWhenChildless)
                return

    def _show_stats(self, refresh_id: int, stats: CatalogStats) -> None:
        if refresh_id != self._refresh_id:
            return
        self.stats = stats
        selected = self.folders.currentItem().text() if self.folders.currentItem() else None
        self.folders.clear()
        self.folders.addItems(stats.folders)
        if selected in stats.folders:  # the counts refresh during a run: the chosen folder stays chosen
            self.folders.setCurrentRow(stats.folders.index(selected))
        counts = stats.categories
        by_category = ", ".join(f"{tag_name(name)} {_number(n)}" for name, n in counts.items())
        self.counts.setText(self.tr("{count} photos: ").format(count=_number(stats.items)) + by_category if counts
                            else self.tr("No photos indexed yet."))
        self.skipped.clear()
        for entry in stats.skipped:
            item = QTreeWidgetItem([entry.path, entry.reason])
            item.setToolTip(0, entry.path)
            item.setToolTip(1, entry.reason)
            self.skipped.addTopLevelItem(item)
        self.skipped_label.setText(self.tr("Skipped files: {count}").format(count=_number(len(stats.skipped))) if stats.skipped
                                   else self.tr("No skipped files."))
        self.skipped.setVisible(bool(stats.skipped))
        self.stats_changed.emit(stats)
        if stats.folders and self.index_worker is None:
            self.check_photos_left()

    def _folder_activated(self, item: QListWidgetItem) -> None:
        if not self.style().styleHint(QStyle.StyleHint.SH_ItemView_ActivateItemOnSingleClick, None, self.folders):
            self.folder_activated.emit(Path(item.text()))  # else the click that activated it has already shown it

    def check_photos_left(self) -> None:
        """A run stopped by quitting (or cancelled) leaves photos to do: the panel offers to resume, with how many."""
        QueryOp(parent=self, op=self.catalogs.bound(photos_left_to_index), success=self._show_photos_left,
                failure=lambda exc: None, busy_cursor=False).run_in_background(self.runner)

    def _show_photos_left(self, left: int) -> None:
        self.photos_left = left
        self.resume_button.setText(self.tr("Resume indexing ({count} left)").format(count=_number(left)))
        self.resume_button.setVisible(left > 0 and self.index_worker is None)

    def photos_left_now(self) -> int:
        """What an indexing run in progress still has to do, as its last progress report said."""
        if self.index_worker is None or self.progress.maximum() == 0:
            return self.photos_left
        return max(0, self.progress.maximum() - self.progress.value())

    def set_embedder_ready(self, ready: bool) -> None:
        became_ready = ready and self.embedder_ready is False
        self.embedder_ready = ready
        if became_ready and self.stats is not None and self.stats.folders:
            self.check_photos_left()

    # -- folders ------------------------------------------------------------------------------------
    def pick_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder of product photos"))
        if chosen:
            self.start_index([Path(chosen)])

    def remove_selected(self) -> None:
        """Asked first, with the number of photos it takes out of the catalog (counted on the pool)."""
        item = self.folders.currentItem()
        if item is None or self.index_worker is not None:
            return
        folder = Path(item.text())
        QueryOp(parent=self, op=self.catalogs.bound(folder_photo_count), args=(folder,),
                success=lambda count: self._ask_to_remove(folder, count),
                error_title=self.tr("Catalog")).run_in_background(self.runner)

    def _ask_to_remove(self, folder: Path, count: int) -> None:
        if self.index_worker is None:
            confirm_remove(self, folder, count, lambda: self._remove(folder))

    def _remove(self, folder: Path) -> None:
        if self.index_worker is not None:  # a run started while the question was open: its folders stay
            return
        QueryOp(parent=self, op=self.catalogs.bound(forget_folder), args=(folder,), lane="store",
                success=lambda removed: self._removed_folder(folder, removed),
                error_title=self.tr("Catalog")).run_in_background(self.runner)

    def _removed_folder(self, folder: Path, count: int) -> None:
        self._removed = folder
        self.progress_text.setText(self.tr("{folder} removed ({count} photos). Adding it again is instant.").format(
            folder=folder, count=_number(count)))
        self.undo_button.setVisible(True)
        self._undo_timer.start(UNDO_SHOWN_MS)
        self.refresh()

    def undo_remove(self) -> None:
        folder, self._removed = self._removed, None
        self.undo_button.setVisible(False)
        if folder is None:
            return
        QueryOp(parent=self, op=self.catalogs.bound(restore_folder), args=(folder,), lane="store",
                success=lambda count: (self.progress_text.setText(self.tr("{folder} is back ({count} photos).").format(
                    folder=folder, count=_number(count))), self.refresh()),
                error_title=self.tr("Catalog")).run_in_background(self.runner)

    def _keep_for_later(self, roots: list[Path]) -> None:
        """No image model: new folders are recorded (not lost to a failing run) and the person is led to Models."""
        if roots:
            QueryOp(parent=self, op=self.catalogs.bound(keep_folders), args=(list(roots),), lane="store",
                    success=lambda _none: self.refresh(), error_title=self.tr("Catalog")).run_in_background(self.runner)
        text = (self.tr("Your folder is kept. Its photos will be indexed once the image model (BLIP-2) is installed.") if roots
                else self.tr("Your photos will be indexed once the image model (BLIP-2) is installed."))
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("No image model yet"), text, QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("noEmbedder")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText(self.tr("Open Models ▸ Manage models… to download or import it; the window then offers to index."))
        models = box.addButton(self.tr("Open Models…"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.buttonClicked.connect(lambda button: open_fix(self, Fix.MODELS) if button is models else None)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- indexing -------------------------------------------------------------------------------------
    def start_index(self, roots: list[Path] | None) -> Worker | None:
        if self.index_worker is not None:
            return None
        if self.embedder_ready is False:
            self._keep_for_later(roots or [])
            return None
        self.resume_button.setVisible(False)
        started = time.monotonic()
        # backend "auto": the fast ONNX encoder when it is available and agrees with fp32. Its one-time
        # preparation runs in a child process, so neither its memory nor its GIL-holding export reach the window.
        worker = self.runner.run(self.catalogs.bound(index_shop), self.context, roots, lane="store")
        worker.progress.connect(self._on_progress)
        worker.result.connect(lambda report: self._index_done(report, started))
        worker.error.connect(lambda exc: self._index_failed(exc, roots))
        worker.cancelled.connect(lambda: self.progress_text.setText(self.tr("Indexing cancelled. What was indexed is kept.")))
        worker.finished.connect(self._index_ended)
        self.index_worker = worker
        self.progress.setRange(0, 0)
        self.progress_text.setText(self.tr("Starting… (the first index loads the BLIP-2 model)"))
        self._set_busy(True)
        return worker

    def _on_progress(self, done: int, total: int | None, detail: str) -> None:
        if (total and self.progress.maximum() == 0) or time.monotonic() - self._counts_read_at > COUNTS_EVERY_S:
            # the scan is over and the new folder is recorded: show it; later, the counts follow the run
            self._counts_read_at = time.monotonic()
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
            self.pause_button.setText(self.tr("Pause"))
        else:
            token.pause()
            self.pause_button.setText(self.tr("Resume"))
            self.progress_text.setText(self.tr("Paused after the current batch."))

    def cancel_index(self) -> None:
        if self.index_worker is not None:
            self.index_worker.cancel()
            self.progress_text.setText(self.tr("Stopping after the current batch…"))

    def _index_done(self, report: IndexReport, started: float) -> None:
        text = self.tr("Done: {indexed} indexed, {unchanged} unchanged, {removed} removed, {skipped} skipped in {seconds} s.").format(
            indexed=_number(report.indexed), unchanged=_number(report.unchanged), removed=_number(report.removed),
            skipped=_number(len(report.skipped)), seconds=_number(round(time.monotonic() - started)))
        if report.missing_folders:
            text += " " + self.tr("Not reachable now: {folders}").format(folders=", ".join(report.missing_folders))
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
        self.pause_button.setText(self.tr("Pause"))
        self.cancel_button.setVisible(busy)
        for button in (self.add_button, self.remove_button, self.index_button):
            button.setEnabled(not busy)
        self.indexing_changed.emit(busy)

    def _index_failed(self, exc: BaseException, roots: list[Path] | None) -> None:
        """A model that went missing since the last check still loses no folder: it is kept for the next run."""
        if isinstance(exc, ModelMissingError):
            self.embedder_ready = False  # until the next model check finds one: later folders are kept without a failing run
        if roots and isinstance(exc, ModelMissingError):
            QueryOp(parent=self, op=self.catalogs.bound(keep_folders), args=(list(roots),), lane="store",
                    success=lambda _none: self.refresh(), error_title=self.tr("Catalog")).run_in_background(self.runner)
        self._failed(exc)

    def _failed(self, exc: BaseException) -> None:
        self.last_error = exc
        self.progress_text.setText(self.tr("Something went wrong; your catalog is unchanged up to the last saved batch."))
        show_error(self, exc, self.tr("Catalog"))
