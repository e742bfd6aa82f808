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

from PySide6.QtCore import QLocale, QMargins, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QDragEnterEvent, QDropEvent, QGuiApplication, QKeySequence, QShortcut
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
from desktop_app.ui.operations import QueryOp
from desktop_app.ui.photo_input import PhotoInput, accept_photo_drag
from desktop_app.ui.results_model import GOOD_MATCH, STRONG_MATCH, THUMB_SIZE, ResultRow, ResultsModel
from desktop_app.ui.tag_names import tag_name
from desktop_app.ui.workers import BackgroundRunner

ANY = "Any"  # the combo boxes' "no filter" entry, kept as data while its text is translated
MAX_PRICE = 1_000_000
FOLLOW_DELAY_MS = 300  # a changed filter or photo searches again after this pause, so a few quick changes cost one search


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


def open_file(path: str) -> bool:
    """False where no program here opens it (a machine without an image viewer): the caller says so."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def show_in_folder(path: str) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).parent)))


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
    complete_look = Signal(str)  # a result's path: the Looks tab composes looks around it

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
        self.folder: Path | None = None  # the catalog sidebar's folder whose items are shown
        self.setAcceptDrops(True)  # a photo dropped anywhere on the tab is the example photo
        self._follow = QTimer(self)
        self._follow.setSingleShot(True)
        self._follow.setInterval(FOLLOW_DELAY_MS)
        self._follow.timeout.connect(self.run_search)

        self.query = QLineEdit(placeholderText=self.tr("Describe what you are looking for, e.g. red summer dress -floral"))
        self.query.setClearButtonEnabled(True)
        self.query.returnPressed.connect(self.run_search)
        self.photo = PhotoInput(context.paths.cache_dir / "pasted", self)
        self.category = QComboBox()
        self.color = QComboBox()
        _fill(self.color, self.tr("Any"), COLORS)
        self.count = QSpinBox(minimum=1, maximum=500, value=24, prefix=self.tr("Show "))
        self.closeness = QComboBox()  # SearchQuery.min_score, in the words the results show (results_model.match_label)
        self.closeness.addItem(self.tr("Every match"), None)
        self.closeness.addItem(self.tr("Good matches and better"), GOOD_MATCH)
        self.closeness.addItem(self.tr("Strong matches only"), STRONG_MATCH)
        self.closeness.setToolTip(self.tr("Leave out the results that look less like the request"))
        self.search_button = QPushButton(self.tr("Search"))
        self.search_button.clicked.connect(self.run_search)
        self._build_shop_filters()
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.model = ResultsModel(runner, self)
        self.view = results_view(self.model, self)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        self.view.doubleClicked.connect(lambda index: self.open_photo(self.model.row_at(index).path))
        self.view.setSelectionMode(QListView.SelectionMode.ExtendedSelection)
        for keys in ("Shift+F10", "Menu"):  # the keyboard's way to the item menu
            QShortcut(QKeySequence(keys), self.view, activated=self.menu_for_current, context=Qt.ShortcutContext.WidgetShortcut)
        self.folder_chip = QPushButton()
        self.folder_chip.setObjectName("folderFilter")
        self.folder_chip.setToolTip(self.tr("Only this folder's items; click to search everywhere again"))
        self.folder_chip.clicked.connect(lambda: self.show_folder(None))
        self.folder_chip.setVisible(False)
        self.order = QComboBox()
        self.order.addItem(self.tr("Newest first"), "newest")
        self.order.addItem(self.tr("By name"), "name")
        self.order.setToolTip(self.tr("The order of a listing without words or a photo"))
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
        filters.addWidget(self.closeness)
        filters.addWidget(self.order)
        filters.addWidget(self.folder_chip)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.shop_filters)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        QShortcut(QKeySequence.StandardKey.Paste, self, activated=self._paste)
        self.refresh_shop()
        # Results follow the query: a changed filter or photo searches again (the words on Enter).
        for box in (self.category, self.color, self.size, self.order, self.closeness):
            box.currentIndexChanged.connect(self.follow)
        for spin in (self.min_price, self.max_price, self.count):
            spin.valueChanged.connect(self.follow)
        self.in_stock.toggled.connect(self.follow)
        self.photo.changed.connect(self.follow)

    def follow(self, *_changed: object) -> None:
        """A filter or the photo changed: search again once the changes pause, if results are shown or asked for."""
        if self._request or self.query.text().strip() or self.photo.path is not None:
            self._follow.start()

    def show_folder(self, folder: Path | None) -> None:
        """A folder's items (the catalog sidebar's click), newest first; None searches everywhere again."""
        self.folder = folder
        self.folder_chip.setText(self.tr("Folder: {name} ✕").format(name=folder.name) if folder else "")
        self.folder_chip.setVisible(folder is not None)
        if folder is not None:
            self.query.clear()
            self.photo.blockSignals(True)
            self.photo.set_path(None)
            self.photo.blockSignals(False)
        self._follow.stop()
        self.run_search()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        accept_photo_drag(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.photo.take_drop(event)

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
            folder=self.folder,
            k=self.count.value(),
            min_score=self.closeness.currentData(),
            order=self.order.currentData(),
            in_stock=shop and self.in_stock.isChecked(),
            min_price=low if shop and low > 0 else None,
            max_price=high if shop and high > 0 else None,
            sizes=[size] if shop and size != ANY else [],
        )

    def run_search(self) -> None:
        """Words, a photo, or neither: then the items the filters (and the folder) let through are listed."""
        self._follow.stop()
        query = self.current_query()
        self._request += 1
        request = self._request
        self.status.setText(self.tr("Listing…") if query.browsing else self.tr("Searching… (the first search loads the BLIP-2 model)"))
        worker = self.runner.run(functools.partial(self.warm.search, query), lane="search")
        worker.result.connect(lambda hits: self._show(request, hits))
        worker.error.connect(lambda exc: self._failed(request, exc))

    def _show(self, request: int, hits: list[SearchHit]) -> None:
        if request != self._request:
            return
        self._results = rows_from_hits(hits)
        self.model.set_rows(self._results)
        self.status.setText(self._shown_text(len(hits)) if hits else self.tr("Nothing found: try other words or fewer filters."))
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
        self.status.setText(self._shown_text(len(self._results)))

    def _shown_text(self, count: int) -> str:
        """"Show" caps the results, so the count says what is shown, not what matched."""
        return self.tr("{count} shown (at most {cap}; raise Show for more).").format(
            count=QLocale().toString(count), cap=QLocale().toString(self.count.value()))

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

    def menu_for_current(self) -> QMenu | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        menu = self.context_menu(self.model.row_at(index))
        menu.popup(self.view.viewport().mapToGlobal(self.view.visualRect(index).center()))
        return menu

    def open_photo(self, path: str) -> None:
        if not open_file(path):
            self._no_program(path)

    def show_photo_folder(self, path: str) -> None:
        if not show_in_folder(path):
            self._no_program(str(Path(path).parent))

    def _no_program(self, path: str) -> None:
        self.status.setText(self.tr("No program here could open {path}. Open it from your file manager, or install an image"
                                    " viewer.").format(path=path))

    def context_menu(self, row: ResultRow) -> QMenu:
        menu = QMenu(self)
        menu.addAction(self.tr("Open"), lambda: self.open_photo(row.path))
        menu.addAction(self.tr("Show in folder"), lambda: self.show_photo_folder(row.path))
        menu.addAction(self.tr("Find similar"), lambda: self.find_similar(row.path))
        menu.addAction(self.tr("Complete the look"), lambda: self.complete_look.emit(row.path))
        if row.photos:
            menu.addAction(self.tr("All photos of this product (%n more)", "", len(row.photos)), lambda: self.show_product_photos(row))
        if self.model.rows() != self._results:
            menu.addAction(self.tr("Back to the results"), self.show_results)
        paths = self.selected_paths(row)
        several = len(paths) > 1
        correct = menu.addMenu(self.tr("Correct category of {count} items").format(count=len(paths)) if several
                               else self.tr("Correct category"))
        shown = [self.category.itemData(i) for i in range(1, self.category.count())]  # the catalog's, the shop's own too
        for category in dict.fromkeys([*CATEGORIES, *shown]):
            action = QAction(tag_name(category), correct, checkable=True, checked=not several and category == row.category)
            action.triggered.connect(lambda _=False, c=category: self.correct(paths, {"category": c}))
            correct.addAction(action)
        colours = menu.addMenu(self.tr("Correct colour of {count} items").format(count=len(paths)) if several
                               else self.tr("Correct colour"))
        for colour in COLORS:
            action = QAction(tag_name(colour), colours, checkable=True, checked=not several and colour == row.color)
            action.triggered.connect(lambda _=False, c=colour: self.correct(paths, {"color": c}))
            colours.addAction(action)
        return menu

    def selected_paths(self, row: ResultRow) -> list[str]:
        """The selected items when the clicked one is among them (a correction for several at once), else that one."""
        selected = [self.model.row_at(index).path for index in self.view.selectionModel().selectedIndexes()]
        return selected if row.path in selected else [row.path]

    def correct(self, paths: list[str], changes: dict[str, str]) -> None:
        QueryOp(parent=self, op=self.catalogs.bound(correct_tags), args=(list(paths), dict(changes)), lane="store",
                success=lambda _count: self._corrected(paths, changes), failure=self._correct_failed).run_in_background(self.runner)

    def _correct_failed(self, exc: BaseException) -> None:
        self.last_error = exc
        show_error(self, exc, self.tr("Correction"))

    def _corrected(self, paths: list[str], changes: dict[str, str]) -> None:
        chosen = set(paths)
        fields = {"category": changes["category"]} if "category" in changes else {}
        if "color" in changes:
            fields["color"] = changes["color"]
        self._results = [replace(r, **fields) if r.path in chosen else r for r in self._results]
        self.model.set_rows([replace(r, **fields) if r.path in chosen else r for r in self.model.rows()])
        what = ", ".join(tag_name(value) for value in changes.values())
        self.status.setText(
            self.tr("Saved: {name} is now {what}. Re-indexing keeps your correction.").format(name=Path(paths[0]).name, what=what)
            if len(paths) == 1 else
            self.tr("Saved: {count} items are now {what}. Re-indexing keeps your correction.").format(count=len(paths), what=what))
        self.catalog_changed.emit()

    def shutdown(self) -> None:
        self.runner.run(self.warm.close, lane="search")


def _fill(box: QComboBox, any_text: str, values: list[str]) -> None:
    """The entries with their values as data, "no filter" first (its data ANY), so a translated text never is the value."""
    box.clear()
    box.addItem(any_text, ANY)
    for value in values:
        box.addItem(tag_name(value), value)
