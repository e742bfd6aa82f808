"""The catalog side: folders, counts per category, indexing progress with pause and cancel, skipped files, and the
shop's products with their variants and the photos no product claims, once the shop has imported its file."""

from __future__ import annotations

import time
from dataclasses import dataclass
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
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.catalog.indexer import IndexReport
from desktop_app.core.catalog.operations import catalog_stats, forget_folder
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.products.photos import index_shop
from desktop_app.core.store.catalog import Catalog, CatalogStats, ThreadCatalogs
from desktop_app.core.store.product_store import Product, ProductCounts, Variant
from desktop_app.ui.errors import show_error
from desktop_app.ui.workers import BackgroundRunner, Worker

PRODUCTS_SHOWN = 2000  # rows of the product list; the rest are a search away
UNLINKED_SHOWN = 500


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
        self.folders.setToolTip(self.tr("Folders of product photos; sub-folders are included"))
        self.add_button = QPushButton(self.tr("Add folder…"))
        self.add_button.setToolTip(self.tr("Add a folder and index it (Ctrl+O)"))
        self.add_button.clicked.connect(self.pick_folder)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setToolTip(self.tr("Forget the selected folder (your photos are not touched)"))
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

        self.counts = _plain_label(self.tr("No photos indexed yet."))
        self.skipped = QTreeWidget()
        self.skipped.setHeaderLabels([self.tr("Skipped file"), self.tr("Why")])
        self.skipped.setRootIsDecorated(False)
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
            products=counts.products, discontinued=counts.discontinued, variants=counts.variants, linked=counts.photos_linked,
            without_photo=counts.products_without_photo, unlinked=counts.photos_without_product))
        items = []
        for product in view.products:
            item = QTreeWidgetItem([product.name, product.sku, self._price_range(product), self._availability(product)])
            item.setData(0, Qt.ItemDataRole.UserRole, product.id)
            item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
            items.append(item)
        self.products.addTopLevelItems(items)
        total = counts.products + counts.discontinued
        self.shop.setTabText(0, self.tr("Products ({shown} of {total})").format(shown=len(items), total=total)
                             if total > len(items) else self.tr("Products"))
        self.unlinked.addItems(view.unlinked)
        self.shop.setTabText(1, self.tr("Photos without a product ({count})").format(count=counts.photos_without_product))

    def _price_range(self, product: Product) -> str:
        if product.min_price is None:
            return ""
        if product.max_price is None or product.max_price == product.min_price:
            return f"{product.min_price:.2f} {product.currency}"
        return f"{product.min_price:.2f}–{product.max_price:.2f} {product.currency}"

    def _availability(self, product: Product) -> str:
        if product.discontinued:
            return self.tr("discontinued")
        if not product.in_stock:
            return self.tr("sold out")
        return self.tr("in stock") if product.stock is None else self.tr("{count} in stock").format(count=product.stock)

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
                             else self.tr("in stock") if variant.stock is None else self.tr("{count} in stock").format(count=variant.stock))
                    price = "" if variant.price is None else f"{variant.price:.2f}"
                    item.addChild(QTreeWidgetItem([label, variant.sku or "", price, stock]))
                item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.DontShowIndicatorWhenChildless)
                return

    def _show_stats(self, refresh_id: int, stats: CatalogStats) -> None:
        if refresh_id != self._refresh_id:
            return
        self.stats = stats
        self.folders.clear()
        self.folders.addItems(stats.folders)
        counts = stats.categories
        self.counts.setText(
            self.tr("{count} photos: ").format(count=stats.items) + ", ".join(f"{name} {n}" for name, n in counts.items()) if counts
            else self.tr("No photos indexed yet.")
        )
        self.skipped.clear()
        for entry in stats.skipped:
            item = QTreeWidgetItem([entry.path, entry.reason])
            item.setToolTip(0, entry.path)
            item.setToolTip(1, entry.reason)
            self.skipped.addTopLevelItem(item)
        self.skipped_label.setText(self.tr("Skipped files: {count}").format(count=len(stats.skipped)) if stats.skipped
                                   else self.tr("No skipped files."))
        self.skipped.setVisible(bool(stats.skipped))
        self.stats_changed.emit(stats)

    # -- folders ------------------------------------------------------------------------------------
    def pick_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder of product photos"))
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
        worker = self.runner.run(self.catalogs.bound(index_shop), self.context, roots, lane="store")
        worker.progress.connect(self._on_progress)
        worker.result.connect(lambda report: self._index_done(report, started))
        worker.error.connect(self._failed)
        worker.cancelled.connect(lambda: self.progress_text.setText(self.tr("Indexing cancelled. What was indexed is kept.")))
        worker.finished.connect(self._index_ended)
        self.index_worker = worker
        self.progress.setRange(0, 0)
        self.progress_text.setText(self.tr("Starting… (the first index loads the BLIP-2 model)"))
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
            indexed=report.indexed, unchanged=report.unchanged, removed=report.removed, skipped=len(report.skipped),
            seconds=f"{time.monotonic() - started:.0f}")
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

    def _failed(self, exc: BaseException) -> None:
        self.last_error = exc
        self.progress_text.setText(self.tr("Something went wrong; your catalog is unchanged up to the last saved batch."))
        show_error(self, exc, self.tr("Catalog"))
