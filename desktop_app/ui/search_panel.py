"""Search: words, an example photo, or both, with filters; results as a grid with item actions.

Once the shop has imported its products, the results are products (their best photo, name, price and
a sold-out badge; the other photos one click away) and the shop's filters appear: in stock, a price
range and a size, all run in SQL by the searcher.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QMargins, QPoint, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.catalog.operations import correct_tags
from desktop_app.core.catalog.vocabulary import CATEGORIES, COLORS
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.platform.jobs import CancelToken
from desktop_app.core.search.searcher import Searcher, SearchHit, SearchQuery
from desktop_app.core.store.catalog import Catalog, ThreadCatalogs
from desktop_app.ui.errors import show_error
from desktop_app.ui.photo_input import PhotoInput
from desktop_app.ui.results_model import THUMB_SIZE, ResultRow, ResultsModel
from desktop_app.ui.workers import BackgroundRunner

ANY = "Any"  # the combo boxes' "no filter" entry, kept as data while its text is translated
MAX_PRICE = 1_000_000


def rows_from_hits(hits: list[SearchHit], numbered: bool = False) -> list[ResultRow]:
    rows = []
    for i, hit in enumerate(hits):
        row = ResultRow(hit.path, hit.category, hit.color, hit.score, hit.thumbnail, number=i + 1 if numbered else None)
        product = hit.product
        if product is not None:
            row = replace(row, sku=product.sku, name=product.name, price=product.price, currency=product.currency,
                          sizes=product.sizes, in_stock=product.in_stock, photos=product.photos)
        rows.append(row)
    return rows


def shop_sizes(catalog: Catalog) -> list[str] | None:
    """The sizes on sale for the size filter; None when the shop has imported no products (no shop filters then)."""
    if catalog.products.last_import() is None:
        return None
    return catalog.products.sizes()


def results_view(model: ResultsModel, parent: QWidget | None = None) -> QListView:
    """A grid that asks only for visible cells: fast with 100,000 results."""
    view = QListView(parent)
    view.setViewMode(QListView.ViewMode.IconMode)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setMovement(QListView.Movement.Static)
    view.setUniformItemSizes(True)
    view.setLayoutMode(QListView.LayoutMode.Batched)
    view.setIconSize(THUMB_SIZE)
    view.setGridSize(THUMB_SIZE.grownBy(QMargins(12, 8, 12, 36)))
    view.setWordWrap(True)
    view.setSpacing(6)
    view.setModel(model)
    return view


def open_file(path: str) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def show_in_folder(path: str) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).parent)))


class WarmSearcher:
    """The window's one Searcher, made on first use on the search lane (with that thread's catalog handle) and
    kept, so its BLIP-2 towers stay warm between queries. Plain Python: the lane's worker touches no widget."""

    def __init__(self, context: AppContext, catalogs: ThreadCatalogs) -> None:
        self._context, self._catalogs = context, catalogs
        self._lock = threading.Lock()
        self._searcher: Searcher | None = None

    def get(self) -> Searcher:
        with self._lock:
            if self._searcher is None:
                self._searcher = Searcher(self._context, self._catalogs.get())
            return self._searcher

    def search(self, query: SearchQuery, cancel: CancelToken | None = None) -> list[SearchHit]:
        return self.get().search(query, cancel=cancel)

    def close(self) -> None:
        with self._lock:
            searcher, self._searcher = self._searcher, None
        if searcher is not None:
            searcher.close()


class SearchPanel(QWidget):
    searched = Signal(int)  # number of results, for the status bar
    catalog_changed = Signal()  # a correction was saved

    def __init__(self, context: AppContext, runner: BackgroundRunner, catalogs: ThreadCatalogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.catalogs = catalogs
        self.runner = runner
        self.warm = WarmSearcher(context, catalogs)
        self._request = 0
        self._shop_request = 0
        self._results: list[ResultRow] = []  # the last search's, while a product's photos are shown instead
        self.last_error: BaseException | None = None

        self.query = QLineEdit(placeholderText=self.tr("Describe what you are looking for, e.g. red summer dress -floral"))
        self.query.setClearButtonEnabled(True)
        self.query.returnPressed.connect(self.run_search)
        self.photo = PhotoInput(context.paths.cache_dir / "pasted", self)
        self.category = QComboBox()
        self.color = QComboBox()
        _fill(self.color, self.tr("Any"), COLORS)
        self.count = QSpinBox(minimum=1, maximum=500, value=24, prefix=self.tr("Show "))
        self.search_button = QPushButton(self.tr("Search"))
        self.search_button.clicked.connect(self.run_search)
        self._build_shop_filters()
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.model = ResultsModel(runner, self)
        self.view = results_view(self.model, self)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        self.view.doubleClicked.connect(lambda index: open_file(self.model.row_at(index).path))
        self.set_categories(list(CATEGORIES))

        top = QHBoxLayout()
        top.addWidget(self.query, 1)
        top.addWidget(self.search_button)
        filters = QHBoxLayout()
        filters.addWidget(self.photo, 1)
        filters.addWidget(QLabel(self.tr("Category")))
        filters.addWidget(self.category)
        filters.addWidget(QLabel(self.tr("Colour")))
        filters.addWidget(self.color)
        filters.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.shop_filters)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        QShortcut(QKeySequence.StandardKey.Paste, self, activated=self._paste)
        self.refresh_shop()

    def _build_shop_filters(self) -> None:
        """In stock, a price range and a size: shown once the shop has imported its products."""
        self.in_stock = QCheckBox(self.tr("In stock only"))
        self.min_price, self.max_price = (self._price_box(self.tr("from any price")), self._price_box(self.tr("to any price")))
        self.size = QComboBox()
        _fill(self.size, self.tr("Any size"), [])
        self.shop_filters = QWidget(self)
        row = QHBoxLayout(self.shop_filters)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.in_stock)
        row.addWidget(QLabel(self.tr("Price")))
        row.addWidget(self.min_price)
        row.addWidget(QLabel("–"))
        row.addWidget(self.max_price)
        row.addWidget(QLabel(self.tr("Size")))
        row.addWidget(self.size)
        row.addStretch(1)
        self.shop_filters.setVisible(False)

    def _price_box(self, any_text: str) -> QDoubleSpinBox:
        box = QDoubleSpinBox(minimum=0.0, maximum=MAX_PRICE, decimals=2, singleStep=5.0)
        box.setSpecialValueText(any_text)  # shown at 0: no bound
        return box

    def set_categories(self, categories: list[str]) -> None:
        current = self.category.currentData()
        _fill(self.category, self.tr("Any"), categories)
        if current in categories:
            self.category.setCurrentIndex(self.category.findData(current))

    def refresh_shop(self) -> None:
        """Reads the sizes on sale (a pool read): after startup and after an import."""
        self._shop_request += 1
        request = self._shop_request
        worker = self.runner.run(self.catalogs.bound(shop_sizes))
        worker.result.connect(lambda sizes: self._show_shop(request, sizes))

    def _show_shop(self, request: int, sizes: list[str] | None) -> None:
        if request != self._shop_request:
            return
        self.shop_filters.setVisible(sizes is not None)
        current = self.size.currentData()
        _fill(self.size, self.tr("Any size"), sizes or [])
        if current in (sizes or []):
            self.size.setCurrentIndex(self.size.findData(current))

    def current_query(self) -> SearchQuery:
        text = self.query.text().strip() or None
        category, color, size = self.category.currentData(), self.color.currentData(), self.size.currentData()
        shop = self.shop_filters.isVisibleTo(self)
        low, high = self.min_price.value(), self.max_price.value()
        return SearchQuery(
            text=text,
            image=self.photo.path,
            categories=[] if category == ANY else [category],
            colors=[] if color == ANY else [color],
            k=self.count.value(),
            in_stock=shop and self.in_stock.isChecked(),
            min_price=low if shop and low > 0 else None,
            max_price=high if shop and high > 0 else None,
            sizes=[size] if shop and size != ANY else [],
        )

    def run_search(self) -> None:
        query = self.current_query()
        if query.text is None and query.image is None:
            self.status.setText(self.tr("Type a few words or add an example photo."))
            return
        self._request += 1
        request = self._request
        self.status.setText(self.tr("Searching… (the first search loads the BLIP-2 model)"))
        worker = self.runner.run(functools.partial(self.warm.search, query), lane="search")
        worker.result.connect(lambda hits: self._show(request, hits))
        worker.error.connect(lambda exc: self._failed(request, exc))

    def _show(self, request: int, hits: list[SearchHit]) -> None:
        if request != self._request:
            return
        self._results = rows_from_hits(hits)
        self.model.set_rows(self._results)
        self.status.setText(self.tr("{count} found.").format(count=len(hits)) if hits else
                            self.tr("Nothing found: try other words or fewer filters."))
        self.searched.emit(len(hits))

    def _failed(self, request: int, exc: BaseException) -> None:
        if request != self._request:
            return
        self.last_error = exc
        self.status.setText(self.tr("The search failed."))
        show_error(self, exc, self.tr("Search"))

    def find_similar(self, path: str) -> None:
        self.query.clear()
        self.photo.set_path(Path(path))
        self.run_search()

    def show_product_photos(self, row: ResultRow) -> None:
        """The product's photos in the grid, the one that matched first; `show_results` goes back."""
        photos = [replace(row, path=path, thumbnail=None, score=None, photos=()) for path in (row.path, *row.photos)]
        self.model.set_rows(photos)
        self.status.setText(self.tr("{count} photos of {name}. Right-click ▸ Back to the results.").format(
            count=len(photos), name=row.name or Path(row.path).name))

    def show_results(self) -> None:
        self.model.set_rows(self._results)
        self.status.setText(self.tr("{count} found.").format(count=len(self._results)))

    def _paste(self) -> None:
        clipboard = QGuiApplication.clipboard()
        mime = clipboard.mimeData()
        if mime.hasImage():
            self.photo.paste_image(clipboard.image())
        elif mime.hasUrls() and mime.urls()[0].isLocalFile():
            self.photo.set_path(Path(mime.urls()[0].toLocalFile()))
        elif self.query.hasFocus():
            self.query.paste()

    def _menu(self, point: QPoint) -> None:
        index = self.view.indexAt(point)
        if not index.isValid():
            return
        self.context_menu(self.model.row_at(index)).popup(self.view.viewport().mapToGlobal(point))

    def context_menu(self, row: ResultRow) -> QMenu:
        menu = QMenu(self)
        menu.addAction(self.tr("Open"), lambda: open_file(row.path))
        menu.addAction(self.tr("Show in folder"), lambda: show_in_folder(row.path))
        menu.addAction(self.tr("Find similar"), lambda: self.find_similar(row.path))
        if row.photos:
            menu.addAction(self.tr("All photos of this product (%n more)", "", len(row.photos)), lambda: self.show_product_photos(row))
        if self.model.rows() != self._results:
            menu.addAction(self.tr("Back to the results"), self.show_results)
        correct = menu.addMenu(self.tr("Correct category"))
        shown = [self.category.itemData(i) for i in range(1, self.category.count())]  # the catalog's, the shop's own too
        for category in dict.fromkeys([*CATEGORIES, *shown]):
            action = QAction(category, correct, checkable=True, checked=category == row.category)
            action.triggered.connect(lambda _=False, c=category: self.correct(row.path, c))
            correct.addAction(action)
        return menu

    def correct(self, path: str, category: str) -> None:
        worker = self.runner.run(self.catalogs.bound(correct_tags), path, {"category": category}, lane="store")
        worker.result.connect(lambda _: self._corrected(path, category))
        worker.error.connect(self._correct_failed)

    def _correct_failed(self, exc: BaseException) -> None:
        self.last_error = exc
        show_error(self, exc, self.tr("Correct category"))

    def _corrected(self, path: str, category: str) -> None:
        self._results = [replace(r, category=category) if r.path == path else r for r in self._results]
        self.model.set_rows([replace(r, category=category) if r.path == path else r for r in self.model.rows()])
        self.status.setText(self.tr("Saved: {name} is now {category}. Re-indexing keeps your correction.").format(
            name=Path(path).name, category=category))
        self.catalog_changed.emit()

    def shutdown(self) -> None:
        self.runner.run(self.warm.close, lane="search")


def _fill(box: QComboBox, any_text: str, values: list[str]) -> None:
    """The entries with their values as data, "no filter" first (its data ANY), so a translated text never is the value."""
    box.clear()
    box.addItem(any_text, ANY)
    for value in values:
        box.addItem(value, value)
