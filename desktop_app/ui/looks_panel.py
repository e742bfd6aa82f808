"""The Looks tab: a request becomes boards of complete outfits; each can be changed, saved, exported and printed.

The panel does not compose: `LookMaker.make` runs on the "llm" lane through `AdviceStream` (as the
assistant's requests do), and swap, pin, save, reopen, export and print are core or sheet functions
run as `QueryOp`s with the lane's own catalog handle. What they return (a new `LookSet`, a saved id,
a written file) is applied here, on the UI thread.

A board is one row per look: its title with the total, its items as cards (the search tab's model,
so thumbnails load off the UI thread), and under it the buttons for the item chosen in it (swap for
the next candidate of its slot, pin so "Compose again" keeps it) and for the look (save, export, print).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QLocale, QMargins, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.agents.assistant import Classified
from desktop_app.core.agents.llm_runtime import Done, Failed
from desktop_app.core.agents.look_maker import LookEvent, LookMaker, LooksComposed, outlines
from desktop_app.core.agents.stylist import LookOutline
from desktop_app.core.looks.lookset import LookSet, recompose, reopen, save_look, set_pinned, swap
from desktop_app.core.looks.rules import bundled_rules_file, load_rules
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.platform.errors import Fix, UserError
from desktop_app.core.platform.jobs import CancelToken
from desktop_app.core.platform.paths import AppPaths
from desktop_app.core.search.searcher import Searcher
from desktop_app.core.store.catalog import Catalog, ThreadCatalogs
from desktop_app.core.store.lookbook_store import SavedLook
from desktop_app.sheets.look_sheet import SheetHeader, paint_pages, write_sheet
from desktop_app.ui.assistant_panel import side_list
from desktop_app.ui.errors import open_fix, show_error
from desktop_app.ui.operations import QueryOp
from desktop_app.ui.results_model import ResultRow, ResultsModel
from desktop_app.ui.search_panel import WarmSearcher, results_view, rows_from_hits
from desktop_app.ui.streaming import AdviceStream
from desktop_app.ui.workers import BackgroundRunner

CARD_ICON = QSize(120, 120)
CARD_GRID = CARD_ICON.grownBy(QMargins(12, 6, 12, 44))


@dataclass
class _Shown:
    looks: LookSet
    request: str
    advice: str = ""


class _MakerLane:
    """The tab's one LookMaker, made on the "llm" lane with that lane's handle, so its models stay loaded."""

    def __init__(self, context: AppContext, catalogs: ThreadCatalogs, warm: WarmSearcher) -> None:
        self._context, self._catalogs, self._warm = context, catalogs, warm
        self._maker: LookMaker | None = None

    def make(self, request: str, around: str | None, looks: int, budget: float | None, size: str | None,
             cancel: CancelToken) -> Iterator[LookEvent]:
        if self._maker is None:  # with the search tab's Searcher, whose BLIP-2 towers are warm already
            self._maker = LookMaker(self._context, self._catalogs.get(), self._warm.get())
        return self._maker.make(request, around=around, looks=looks, budget=budget, size=size, cancel=cancel)

    def reset(self) -> None:
        self._maker = None


def _save(catalog: Catalog, looks: LookSet, look: int, name: str, request: str, advice: str) -> int:
    return save_look(catalog, looks, look, name=name, request=request, advice=advice)


def _saved(catalog: Catalog) -> list[SavedLook]:
    return catalog.lookbook.looks()


def _reopen(catalog: Catalog, context: AppContext, saved: SavedLook) -> LookSet:
    return reopen(Searcher(context, catalog), load_rules(context.paths), saved)


def _rules_copy(paths: AppPaths) -> Path:
    """The owner's copy of the outfit rules, made from the bundled file the first time."""
    own = paths.outfit_rules_file
    if not own.is_file():
        own.parent.mkdir(parents=True, exist_ok=True)
        own.write_text(bundled_rules_file().read_text(encoding="utf-8"), encoding="utf-8")
    return own


class LooksPanel(QWidget):
    composed = Signal(int)  # looks shown, once per request
    saved = Signal(int)  # a lookbook id

    def __init__(self, context: AppContext, runner: BackgroundRunner, catalogs: ThreadCatalogs, warm: WarmSearcher,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.runner, self.catalogs = context, runner, catalogs
        self.lane = _MakerLane(context, catalogs, warm)
        self.shown: _Shown | None = None
        self.around: str | None = None
        self._request = ""  # the request being composed
        self._models: list[ResultsModel] = []  # one per board row, kept while boards are rebuilt
        self.stream = AdviceStream(runner, self)
        self.stream.text_changed.connect(self._show_advice)
        self.stream.event.connect(self._on_event)
        self.stream.finished.connect(self._finished)
        self.stream.busy_changed.connect(self._busy)
        self._build()
        self.refresh_lookbook()

    # -- building ----------------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.request = QLineEdit(placeholderText=self.tr("An occasion or the garments, e.g. an outfit for a beach wedding"))
        self.request.returnPressed.connect(self.compose)
        self.request.textEdited.connect(self._forget_around)  # a new request of one's own is not about that item
        self.count = QSpinBox(minimum=1, maximum=10, value=3)
        self.count.setPrefix(self.tr("Looks: "))
        self.budget = QDoubleSpinBox(minimum=0, maximum=1_000_000, decimals=2)
        self.budget.setSpecialValueText(self.tr("No budget"))
        self.budget.setPrefix(self.tr("Budget: "))
        self.size = QLineEdit(placeholderText=self.tr("Size"))
        self.size.setMaximumWidth(80)
        self.compose_button = QPushButton(self.tr("Compose looks"))
        self.compose_button.clicked.connect(self.compose)
        self.stop_button = QPushButton(self.tr("Stop"), enabled=False)
        self.stop_button.clicked.connect(self.stream.stop)
        row = QHBoxLayout()
        for widget in (self.request, self.count, self.budget, self.size, self.compose_button, self.stop_button):
            row.addWidget(widget, 1 if widget is self.request else 0)
        self.around_label = QLabel("")
        self.around_label.setTextFormat(Qt.TextFormat.PlainText)
        self.around_label.setVisible(False)
        self.note = QLabel("")
        self.note.setObjectName("looksNote")
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.setup_stylist = QPushButton(self.tr("Set up a stylist model…"))
        self.setup_stylist.setToolTip(self.tr("Advice needs an instruction-tuned model: download or import one in Models"))
        self.setup_stylist.setVisible(False)
        self.setup_stylist.clicked.connect(lambda: open_fix(self, Fix.MODELS))
        self.boards = QWidget()
        self.boards_layout = QVBoxLayout(self.boards)
        self.boards_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.boards)
        self.advice = QPlainTextEdit(readOnly=True)
        self.advice.setPlaceholderText(self.tr("The stylist's words about the looks appear here."))
        self.advice.setMaximumHeight(140)
        main = QWidget()
        layout = QVBoxLayout(main)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.around_label)
        layout.addWidget(self.note)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.advice)
        layout.addWidget(self.setup_stylist, 0, Qt.AlignmentFlag.AlignLeft)
        splitter = QSplitter(self)
        splitter.addWidget(main)
        splitter.addWidget(self._lookbook_side())
        splitter.setStretchFactor(0, 1)
        splitter.setSizes([900, 220])
        QVBoxLayout(self).addWidget(splitter)

    def _lookbook_side(self) -> QWidget:
        self.lookbook = QListWidget()
        self.lookbook.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.lookbook.itemClicked.connect(self._open_saved)
        rules = QPushButton(self.tr("Edit outfit rules…"))
        rules.setToolTip(self.tr("Which garments make an outfit for each occasion: a text file you can change"))
        rules.clicked.connect(self.edit_rules)
        return side_list(self.tr("Lookbook"), self.lookbook, rules)

    # -- composing ---------------------------------------------------------------------------------------------
    def complete_around(self, path: str) -> None:
        """From a search result's menu: looks that keep this item."""
        self.around = path
        self.around_label.setText(self.tr("Completing the look around {name}").format(name=Path(path).name))
        self.around_label.setVisible(True)
        self.compose()

    def _forget_around(self) -> None:
        self.around = None
        self.around_label.setVisible(False)

    def compose(self) -> None:
        request = self.request.text().strip()
        if not request and self.around is None:
            self.note.setText(self.tr("Say what the looks are for: an occasion or the garments."))
            return
        self.note.setText(self.tr("Composing looks…"))
        self.setup_stylist.setVisible(False)
        self.advice.clear()
        self._clear_boards()
        budget = self.budget.value() or None
        size = self.size.text().strip() or None
        around, count, lane = self.around, self.count.value(), self.lane
        self.shown = None  # until the looks come
        self._request = request
        self.stream.start(lambda cancel: lane.make(request, around, count, budget, size, cancel))

    def _busy(self, busy: bool) -> None:
        self.compose_button.setEnabled(not busy)
        self.stop_button.setEnabled(busy)

    def _on_event(self, event: object) -> None:
        if isinstance(event, Classified):
            return
        if isinstance(event, LooksComposed):
            self.shown = _Shown(event.looks, self._request)
            self.note.setText(" ".join(event.notes()))
            self._show_boards()
            self.composed.emit(len(event.looks.looks))

    def _show_advice(self, text: str) -> None:
        self.advice.setPlainText(text)
        if self.shown is not None:
            self.shown.advice = text

    def _finished(self, end: Done | Failed) -> None:
        if isinstance(end, Failed):
            self.note.setText(end.user_message)
        elif isinstance(end, Done) and end.reason == "no_model" and self.shown is not None:
            self.shown.advice = ""  # the notice is for the owner, not words to hand a customer
            self.setup_stylist.setVisible(True)
        elif isinstance(end, Done) and end.reason == "cancelled":
            self.note.setText(self.tr("Stopped."))

    # -- boards ------------------------------------------------------------------------------------------------
    def _clear_boards(self) -> None:
        while self.boards_layout.count() > 1:
            item = self.boards_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()

    def _show_boards(self) -> None:
        self._clear_boards()
        if self.shown is None:
            return
        looks = self.shown.looks
        for index, (look, outline) in enumerate(zip(looks.looks, outlines(looks), strict=True)):
            rows = [replace(row, number=item.number) for row, item in zip(rows_from_hits(list(look.items)), outline.items, strict=True)]
            self.boards_layout.insertWidget(index, self._board(index, look.pinned, outline.total_price, outline.currency, rows))

    def _board(self, index: int, pinned: frozenset[int], total: float | None, currency: str | None,
               rows: list[ResultRow]) -> QWidget:
        board = QWidget()
        board.setObjectName(f"lookBoard{index + 1}")
        title = self.tr("Look {number}").format(number=str(index + 1))
        if total is not None:
            money = QLocale().toCurrencyString(total, currency or self.context.settings.shop_currency)
            title = self.tr("Look {number} · total {total}").format(number=index + 1, total=money)
        if pinned:
            title += " · " + self.tr("%n pinned", "", len(pinned))
        while len(self._models) <= index:  # the panel's, not the board's: thumbnails still loading land in a live model
            self._models.append(ResultsModel(self.runner, self))
        model = self._models[index]
        model.set_rows(rows)
        view = results_view(model, board)
        view.setObjectName("lookItems")
        view.setFlow(QListView.Flow.LeftToRight)
        view.setWrapping(False)
        view.setIconSize(CARD_ICON)
        view.setGridSize(CARD_GRID)
        view.setFixedHeight(CARD_GRID.height() + 30)
        buttons = QHBoxLayout()
        actions = [
            (self.tr("Swap item"), lambda: self._with_item(view, lambda slot: self.swap_item(index, slot))),
            (self.tr("Pin / unpin item"), lambda: self._with_item(view, lambda slot: self.toggle_pin(index, slot))),
            (self.tr("Compose again"), lambda: self.compose_again(index)),
            (self.tr("Save to lookbook…"), lambda: self.save_look(index)),
            (self.tr("Export…"), lambda: self.export_look(index)),
            (self.tr("Print…"), lambda: self.print_look(index)),
        ]
        for text, slot in actions:
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(board)
        label = QLabel(title)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setObjectName("lookTitle")
        layout.addWidget(label)
        layout.addWidget(view)
        layout.addLayout(buttons)
        return board

    def _with_item(self, view: QListView, then: Callable[[int], None]) -> None:
        current = view.currentIndex()
        if not current.isValid():
            self.note.setText(self.tr("Click an item of the look first."))
            return
        then(current.row())

    def board_views(self) -> list[QListView]:
        return self.boards.findChildren(QListView, "lookItems")

    # -- changing a look ---------------------------------------------------------------------------------------
    def swap_item(self, look: int, slot: int) -> None:
        if self.shown is None:
            return
        QueryOp(parent=self, op=swap, args=(self.shown.looks, look, slot),
                success=self._replace_looks).run_in_background(self.runner)

    def toggle_pin(self, look: int, slot: int) -> None:
        if self.shown is None:
            return
        looks = self.shown.looks
        self._replace_looks(set_pinned(looks, look, slot, slot not in looks.looks[look].pinned))

    def compose_again(self, look: int) -> None:
        if self.shown is None:
            return
        QueryOp(parent=self, op=recompose, args=(self.shown.looks, look),
                success=self._replace_looks).run_in_background(self.runner)

    def _replace_looks(self, looks: LookSet) -> None:
        if self.shown is not None:
            self.shown.looks = looks
            self._show_boards()

    # -- sharing -----------------------------------------------------------------------------------------------
    def save_look(self, look: int, name: str | None = None) -> None:
        if self.shown is None:
            return
        if name is None:
            name, accepted = QInputDialog.getText(self, self.tr("Save to lookbook"), self.tr("Name of the look (the customer, the day):"),
                                                  text=self.shown.request)
            if not accepted or not name.strip():
                return
        shown = self.shown
        QueryOp(parent=self, op=self.catalogs.bound(_save), args=(shown.looks, look, name.strip(), shown.request, shown.advice),
                success=self._saved_look).run_in_background(self.runner)

    def _saved_look(self, look_id: int) -> None:
        self.note.setText(self.tr("Saved to the lookbook."))
        self.saved.emit(look_id)
        self.refresh_lookbook()

    def refresh_lookbook(self) -> None:
        QueryOp(parent=self, op=self.catalogs.bound(_saved), success=self._show_lookbook, busy_cursor=False).run_in_background(self.runner)

    def _show_lookbook(self, saved: list[SavedLook]) -> None:
        self.lookbook.clear()
        for look in saved:
            item = QListWidgetItem(f"{look.name} ({look.saved_at[:10]})")
            item.setToolTip(look.request or look.name)
            item.setData(Qt.ItemDataRole.UserRole, look)
            self.lookbook.addItem(item)

    def _open_saved(self, item: QListWidgetItem) -> None:
        saved: SavedLook = item.data(Qt.ItemDataRole.UserRole)
        QueryOp(parent=self, op=self.catalogs.bound(_reopen), args=(self.context, saved),
                success=lambda looks: self._show_saved(saved, looks)).run_in_background(self.runner)

    def _show_saved(self, saved: SavedLook, looks: LookSet) -> None:
        self.shown = _Shown(looks, saved.request, saved.advice)
        self.request.setText(saved.request)
        self.advice.setPlainText(saved.advice)
        self.note.setText(self.tr("From the lookbook: {name}").format(name=saved.name))
        self._show_boards()

    def _header(self) -> SheetHeader:
        return SheetHeader(self.context.settings.shop_name, self.shown.advice if self.shown is not None else "")

    def _one(self, look: int) -> list[LookOutline]:
        """One look as shown: its number and its items' numbers as on the board and in the advice."""
        assert self.shown is not None
        return [outlines(self.shown.looks)[look]]

    def export_look(self, look: int, path: Path | None = None) -> None:
        if self.shown is None:
            return
        if path is None:
            chosen, _filter = QFileDialog.getSaveFileName(self, self.tr("Export the look"), str(Path.home() / "look.pdf"),
                                                          self.tr("PDF (*.pdf);;PNG image (*.png)"))
            if not chosen:
                return
            path = Path(chosen)
        QueryOp(parent=self, op=write_sheet, args=(path, self._one(look), self._header()),
                success=self._exported).run_in_background(self.runner)

    def _exported(self, path: Path) -> None:
        self.note.setText(self.tr("Exported to {path}").format(path=str(path)))

    def print_look(self, look: int) -> None:
        if self.shown is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("Print the look"))
        one, header = self._one(look), self._header()
        def send() -> None:
            QueryOp(parent=self, op=paint_pages, args=(printer, one, header),
                    success=lambda _ok: self.note.setText(self.tr("Sent to the printer."))).run_in_background(self.runner)

        dialog.accepted.connect(send)
        dialog.open()

    def edit_rules(self) -> None:
        QueryOp(parent=self, op=_rules_copy, args=(self.context.paths,), success=self._open_rules).run_in_background(self.runner)

    def _open_rules(self, path: Path) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            show_error(self, UserError(self.tr("No program here opens text files."),
                                       self.tr("Open {path} in any text editor.").format(path=str(path))))

    def reset_models(self) -> None:
        self.lane.reset()
