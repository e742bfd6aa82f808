"""Search: words, an example photo, or both, with filters; results as a grid with item actions."""

from __future__ import annotations

import functools
import threading
from pathlib import Path

from PySide6.QtCore import QMargins, QPoint, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
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
from desktop_app.core.store.catalog import ThreadCatalogs
from desktop_app.ui.errors import show_error
from desktop_app.ui.photo_input import PhotoInput
from desktop_app.ui.results_model import THUMB_SIZE, ResultRow, ResultsModel
from desktop_app.ui.workers import BackgroundRunner

ANY = "Any"


def rows_from_hits(hits: list[SearchHit], numbered: bool = False) -> list[ResultRow]:
    return [
        ResultRow(hit.path, hit.category, hit.color, hit.score, hit.thumbnail, number=i + 1 if numbered else None)
        for i, hit in enumerate(hits)
    ]


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
        self.last_error: BaseException | None = None

        self.query = QLineEdit(placeholderText="Describe what you are looking for, e.g. red summer dress -floral")
        self.query.setClearButtonEnabled(True)
        self.query.returnPressed.connect(self.run_search)
        self.photo = PhotoInput(context.paths.cache_dir / "pasted", self)
        self.category = QComboBox()
        self.color = QComboBox()
        self.color.addItems([ANY, *COLORS])
        self.count = QSpinBox(minimum=1, maximum=500, value=24, prefix="Show ")
        self.search_button = QPushButton("Search")
        self.search_button.clicked.connect(self.run_search)
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
        filters.addWidget(QLabel("Category"))
        filters.addWidget(self.category)
        filters.addWidget(QLabel("Colour"))
        filters.addWidget(self.color)
        filters.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        QShortcut(QKeySequence.StandardKey.Paste, self, activated=self._paste)

    def set_categories(self, categories: list[str]) -> None:
        current = self.category.currentText()
        self.category.clear()
        self.category.addItems([ANY, *categories])
        if current in categories:
            self.category.setCurrentText(current)

    def current_query(self) -> SearchQuery:
        text = self.query.text().strip() or None
        category = self.category.currentText()
        color = self.color.currentText()
        return SearchQuery(
            text=text,
            image=self.photo.path,
            categories=[] if category == ANY else [category],
            colors=[] if color == ANY else [color],
            k=self.count.value(),
        )


    def run_search(self) -> None:
        query = self.current_query()
        if query.text is None and query.image is None:
            self.status.setText("Type a few words or add an example photo.")
            return
        self._request += 1
        request = self._request
        self.status.setText("Searching… (the first search loads the BLIP-2 model)")
        worker = self.runner.run(functools.partial(self.warm.search, query), lane="search")
        worker.result.connect(lambda hits: self._show(request, hits))
        worker.error.connect(lambda exc: self._failed(request, exc))

    def _show(self, request: int, hits: list[SearchHit]) -> None:
        if request != self._request:
            return
        self.model.set_rows(rows_from_hits(hits))
        self.status.setText(f"{len(hits)} found." if hits else "Nothing found: try other words or fewer filters.")
        self.searched.emit(len(hits))

    def _failed(self, request: int, exc: BaseException) -> None:
        if request != self._request:
            return
        self.last_error = exc
        self.status.setText("The search failed.")
        show_error(self, exc, "Search")

    def find_similar(self, path: str) -> None:
        self.query.clear()
        self.photo.set_path(Path(path))
        self.run_search()

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
        row = self.model.row_at(index)
        menu = QMenu(self)
        menu.addAction("Open", lambda: open_file(row.path))
        menu.addAction("Show in folder", lambda: show_in_folder(row.path))
        menu.addAction("Find similar", lambda: self.find_similar(row.path))
        correct = menu.addMenu("Correct category")
        for category in CATEGORIES:
            action = QAction(category, correct, checkable=True, checked=category == row.category)
            action.triggered.connect(lambda _=False, c=category: self.correct(row.path, c))
            correct.addAction(action)
        menu.popup(self.view.viewport().mapToGlobal(point))

    def correct(self, path: str, category: str) -> None:
        worker = self.runner.run(self.catalogs.bound(correct_tags), path, {"category": category}, lane="store")
        worker.result.connect(lambda _: self._corrected(path, category))
        worker.error.connect(self._correct_failed)

    def _correct_failed(self, exc: BaseException) -> None:
        self.last_error = exc
        show_error(self, exc, "Correct category")

    def _corrected(self, path: str, category: str) -> None:
        rows = [
            ResultRow(r.path, category, r.color, r.score, r.thumbnail, r.number) if r.path == path else r for r in self.model.rows()
        ]
        self.model.set_rows(rows)
        self.status.setText(f"Saved: {Path(path).name} is now {category}. Re-indexing keeps your correction.")
        self.catalog_changed.emit()

    def shutdown(self) -> None:
        self.runner.run(self.warm.close, lane="search")
