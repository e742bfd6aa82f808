"""The assistant tab: shows the events of `Assistant.ask` as chips, numbered cards and streamed advice.

The panel does not orchestrate: one `Assistant.ask` runs on the "llm" lane (the classifier and the
stylist are language models) and its events come back as data through `AdviceStream`, which drops
those of an older request. Everything a worker learns, the chat id included, is applied here, on
the UI thread. Chats are read through the catalog handle of the thread that reads them; a reopened
chat shows its text and the items of its last turn, as saved with that turn.

With no stylist model the core says so in its own face-neutral words and ends with
`Done("no_model")`; the panel then offers "Set up a stylist model…", which opens the Models dialog
through the main window's action (`ui/errors.open_fix`), as an error's fix button does.

The window may be as small as 1024×700: the items are one row that scrolls sideways, small enough
for three to show, and the chat list elides long titles (the whole title is its tooltip).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDateTime, QLocale, QMargins, QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.agents.assistant import Assistant, AssistantEvent, ChatOpened, Classified, ItemsFound
from desktop_app.core.agents.classifier import Classification, missing_text
from desktop_app.core.agents.llm_runtime import Done, Failed
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.platform.errors import Fix, UserError
from desktop_app.core.platform.jobs import CancelToken
from desktop_app.core.store.catalog import Catalog, ThreadCatalogs
from desktop_app.core.store.chat_store import ChatMessage, ChatSummary
from desktop_app.ui.errors import fix_action, open_fix, show_error
from desktop_app.ui.licences_dialog import ensure_bundled_terms
from desktop_app.ui.photo_input import PhotoInput
from desktop_app.ui.results_model import ResultRow, ResultsModel
from desktop_app.ui.search_panel import SearchPanel, results_view, rows_from_hits
from desktop_app.ui.streaming import AdviceStream
from desktop_app.ui.tag_names import tag_name
from desktop_app.ui.workers import BackgroundRunner

AssistantFactory = Callable[[Catalog], Assistant]
STRIP_ICON = QSize(120, 120)  # three cards fit beside the chat list in a 1024-pixel window
STRIP_GRID = STRIP_ICON.grownBy(QMargins(12, 6, 12, 44))


class _AssistantLane:
    """The panel's one `Assistant`, made on the "llm" lane with that lane's catalog handle and kept, so its models
    stay loaded between requests.

    It keeps its handle if the pool retires the lane's idle thread for a new one: the lane runs one job at a
    time, so the handle is still never used by two threads at once.
    """

    def __init__(self, catalogs: ThreadCatalogs, make: AssistantFactory) -> None:
        self._catalogs = catalogs
        self._make = make
        self._assistant: Assistant | None = None

    def ask(self, request: str, photo: Path | None, chat_id: int | None, cancel: CancelToken,
            everything: bool = False) -> Iterator[AssistantEvent]:
        if self._assistant is None:
            self._assistant = self._make(self._catalogs.get())
        return self._assistant.ask(request, photo, chat_id, cancel, everything=everything)

    def reset_models(self) -> None:
        """Settings changed: the next request makes a new Assistant with the models chosen now."""
        self._assistant = None


def _chats(catalog: Catalog) -> list[ChatSummary]:
    return catalog.chats.chats()


def _messages(catalog: Catalog, chat_id: int) -> list[ChatMessage]:
    return catalog.chats.messages(chat_id)


def saved_items(messages: list[ChatMessage]) -> list[ResultRow]:
    """The cards of the chat's last turn, from the items its request was saved with (the stylist's numbering)."""
    turns = [message.items for message in messages if message.role == "user" and message.items is not None]
    return [_saved_row(item) for item in turns[-1]] if turns else []


def _saved_row(item: dict[str, Any]) -> ResultRow:
    return ResultRow(path=item.get("path") or item.get("file_name", ""), category=item.get("category"), color=item.get("color"),
                     score=item.get("score"), number=item.get("number"), sku=item.get("sku"), name=item.get("name"),
                     price=item.get("price"), currency=item.get("currency"), sizes=tuple(item.get("sizes") or ()),
                     in_stock=item.get("in_stock"))


def side_list(title: str, items: QListWidget, button: QPushButton) -> QWidget:
    """A titled list beside a tab's main view with its one button under it: the chats, the lookbook."""
    side = QWidget()
    layout = QVBoxLayout(side)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(QLabel(title))
    layout.addWidget(items, 1)
    layout.addWidget(button)
    return side


class AssistantPanel(QWidget):
    answered = Signal(object)  # Done or Failed, once per request
    items_found = Signal(int)

    def __init__(self, context: AppContext, runner: BackgroundRunner, search: SearchPanel, parent: QWidget | None = None,
                 *, catalogs: ThreadCatalogs | None = None, make_assistant: AssistantFactory | None = None) -> None:
        """`catalogs`: the window's handles (until it passes them, the panel opens its own on the same file).
        `make_assistant`: how the Assistant is made from the "llm" lane's handle; by default with the search tab's
        warm Searcher and the models the settings name."""
        super().__init__(parent)
        self.context = context
        self.runner = runner
        self.search_panel = search
        self.catalogs = catalogs if catalogs is not None else ThreadCatalogs(context.paths.db_path)
        self.llm = _AssistantLane(self.catalogs, make_assistant or self._default_assistant)
        self.chat_id: int | None = None
        self._advising = False  # the current request got as far as the stylist
        # The search tab's Searcher is made on its own lane, with that lane's handle, before a request can use it.
        runner.run(search.warm.get, lane="search")

        self._build_request_row()
        self._build_answer_views()
        splitter = QSplitter(self)
        splitter.addWidget(self._chat_side())
        splitter.addWidget(self._main_side())
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([200, 900])
        QVBoxLayout(self).addWidget(splitter)
        self.refresh_chats()

    # -- building ----------------------------------------------------------------------------------------------
    def _build_request_row(self) -> None:
        self.request = QLineEdit(placeholderText=self.tr("Ask for an outfit, e.g. two t-shirts and black jeans for a summer party"))
        self.request.returnPressed.connect(self.send)
        self.photo = PhotoInput(self.context.paths.cache_dir / "pasted", self)
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.clicked.connect(self.send)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.stop)
        # A shop's products: by default only what is in stock, in the size and within the budget asked (core/agents/assistant.py).
        self.everything = QCheckBox(self.tr("Also sold-out items, other sizes and prices"))
        self.everything.setToolTip(self.tr("By default the assistant recommends only products in stock, in the size and within"
                                           " the budget the request names."))

    def _build_answer_views(self) -> None:
        self.chips = QLabel("")
        self.chips.setTextFormat(Qt.TextFormat.PlainText)
        self.chips.setObjectName("chips")
        self.model = ResultsModel(self.runner, self)
        self.cards = self._strip()
        self.advice = QPlainTextEdit(readOnly=True)
        self.advice.setPlaceholderText(self.tr("Advice appears here as it is written."))
        self.state = QLabel("")
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        self.state.setWordWrap(True)
        self.setup_stylist = QPushButton(self.tr("Set up a stylist model…"))
        self.setup_stylist.setObjectName("setupStylistButton")
        self.setup_stylist.setToolTip(self.tr("Advice needs an instruction-tuned model: download or import one in Models"))
        self.setup_stylist.setVisible(False)
        self.setup_stylist.clicked.connect(lambda: open_fix(self, Fix.MODELS))
        self.stream = AdviceStream(self.runner, self)
        self.stream.text_changed.connect(self._show_text)
        self.stream.event.connect(self._show_event)
        self.stream.finished.connect(self._answered)

    def _strip(self) -> QListView:
        """The numbered items in one row that scrolls sideways, so the advice keeps its room and #3 is never cut off."""
        view = results_view(self.model, self)
        view.setFlow(QListView.Flow.LeftToRight)
        view.setWrapping(False)
        view.setIconSize(STRIP_ICON)
        view.setGridSize(STRIP_GRID)
        view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        scroll_bar = view.style().pixelMetric(view.style().PixelMetric.PM_ScrollBarExtent)
        view.setFixedHeight(STRIP_GRID.height() + scroll_bar + 2 * view.frameWidth() + 2 * view.spacing())
        return view

    def _chat_side(self) -> QWidget:
        self.chat_list = QListWidget()
        # One line per chat, cut with "…" to the list's width (the whole title is the tooltip): it never scrolls sideways.
        self.chat_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.chat_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.chat_list.itemClicked.connect(self._open_chat)
        new_chat = QPushButton(self.tr("New chat"))
        new_chat.clicked.connect(self.new_chat)
        return side_list(self.tr("Earlier chats"), self.chat_list, new_chat)

    def _main_side(self) -> QWidget:
        ask_row = QHBoxLayout()
        ask_row.addWidget(self.request, 1)
        ask_row.addWidget(self.send_button)
        ask_row.addWidget(self.stop_button)
        main = QWidget()
        layout = QVBoxLayout(main)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(ask_row)
        for widget in (self.photo, self.everything, self.chips, self.cards):
            layout.addWidget(widget)
        layout.addWidget(self.advice, 1)
        state_row = QHBoxLayout()
        state_row.addWidget(self.state, 1)
        state_row.addWidget(self.setup_stylist)
        layout.addLayout(state_row)
        return main

    def _default_assistant(self, catalog: Catalog) -> Assistant:
        return Assistant(self.context, catalog, self.search_panel.warm.get())

    # -- one request -------------------------------------------------------------------------------------------
    def send(self) -> None:
        request = self.request.text().strip()
        if not request and self.photo.path is None:
            self.state.setText(self.tr("Write a request or add an example photo."))
            return
        declined = self.tr("The assistant needs the Gemma terms accepted to understand requests with the bundled model.")
        if not ensure_bundled_terms(self, self.context, self.runner, self.send, lambda: self.state.setText(declined)):
            return
        image, chat_id = self.photo.path, self.chat_id
        self._advising = False
        self.setup_stylist.setVisible(False)
        self._busy(True, self.tr("Understanding the request…"))
        everything = self.everything.isChecked()
        self.stream.start(lambda cancel: self.llm.ask(request, image, chat_id, cancel, everything))

    def stop(self) -> None:
        if self.stream.busy:
            self.state.setText(self.tr("Stopping…"))
            self.stream.stop()

    def _show_event(self, event: AssistantEvent) -> None:
        if isinstance(event, Classified):
            self._show_classification(event.classification)
        elif isinstance(event, ItemsFound):
            self.model.set_rows(rows_from_hits([item.hit for item in event.items], numbered=True))
            if event.offer is not None:  # the budget and size chips came with the classification
                self.chips.setText(self.chips.text() + "   " + self.tr("[in stock only]"))
            self.items_found.emit(len(event.items))
            self.state.setText(self.tr("Writing advice… (Esc stops)"))
        elif isinstance(event, ChatOpened):
            self.chat_id = event.chat_id
            self._advising = True

    def _show_classification(self, classification: Classification) -> None:
        chips = [self.tr("[{category} × {count}]").format(category=tag_name(c), count=QLocale().toString(n))
                 for c, n in classification.items.items()]
        if classification.budget is not None:
            chips.append(self.tr("[budget {budget}]").format(budget=classification.budget.describe()))
        if classification.size is not None:
            chips.append(self.tr("[size {size}]").format(size=classification.size))
        if classification.missing:  # said, never replaced by another category (core/agents/classifier.py)
            chips.append(missing_text(classification.missing))
        self.chips.setText("   ".join(chips) or self.tr("[no category named]"))
        self.state.setText(self.tr("Finding items…"))

    def _show_text(self, text: str) -> None:
        self.advice.setPlainText(text)
        self.advice.verticalScrollBar().setValue(self.advice.verticalScrollBar().maximum())

    def _answered(self, end: Done | Failed) -> None:
        if isinstance(end, Failed):
            self._failed(end)
        elif end.reason == "cancelled":
            self._busy(False, self.tr("Stopped. What was written is kept in the chat.") if self._advising else self.tr("Stopped."))
        elif end.reason == "no_model":
            self._busy(False, self.tr("No stylist model is set up yet, so the items are listed without advice."))
            self.setup_stylist.setVisible(fix_action(self, Fix.MODELS) is not None)
        else:
            self._busy(False, self.tr("Advice by {model}.").format(model=end.model) if end.model and end.model != "none" else "")
        self.refresh_chats()
        self.answered.emit(end)

    def _failed(self, failure: Failed) -> None:
        if self._advising:
            self._busy(False, self.tr("The advice stopped: {reason}").format(reason=failure.user_message))
            return
        self._busy(False, self.tr("The request failed."))
        show_error(self, failure.error or UserError(failure.user_message, detail=failure.detail), self.tr("Assistant"))

    def _busy(self, busy: bool, text: str) -> None:
        self.send_button.setEnabled(not busy)
        self.stop_button.setEnabled(busy)
        self.state.setText(text)

    # -- chats -------------------------------------------------------------------------------------------------
    def refresh_chats(self) -> None:
        worker = self.runner.run(self.catalogs.bound(_chats))
        worker.result.connect(self._show_chats)

    def _show_chats(self, chats: list[ChatSummary]) -> None:
        self.chat_list.clear()
        line = QSize(1, self.chat_list.fontMetrics().height() + 6)
        for chat in chats:
            title = chat.title or self.tr("Chat {id}").format(id=chat.id)
            item = QListWidgetItem(title)
            item.setSizeHint(line)  # as narrow as can be: the list stretches each line to its width, and elides the title
            item.setData(Qt.ItemDataRole.UserRole, chat.id)
            when = QLocale().toString(QDateTime.fromString(chat.updated_at, Qt.DateFormat.ISODateWithMs).toLocalTime(),
                                      QLocale.FormatType.ShortFormat)
            item.setToolTip(self.tr("{title}\n{count} messages, last {when}").format(
                title=title, count=QLocale().toString(chat.n_messages), when=when))
            self.chat_list.addItem(item)

    def new_chat(self) -> None:
        self.chat_id = None
        self.advice.clear()
        self.chips.clear()
        self.model.set_rows([])
        self.setup_stylist.setVisible(False)
        self.chat_list.clearSelection()

    def _open_chat(self, item: QListWidgetItem) -> None:
        chat_id = int(item.data(Qt.ItemDataRole.UserRole))
        self.chat_id = chat_id
        worker = self.runner.run(self.catalogs.bound(_messages), chat_id)
        worker.result.connect(self._show_transcript)

    def _show_transcript(self, messages: list[ChatMessage]) -> None:
        lines = []
        for message in messages:
            who = self.tr("You") if message.role == "user" else self.tr("Stylist")
            if message.status == "cancelled":
                who = self.tr("{who} (stopped)").format(who=who)
            elif message.status == "failed":
                who = self.tr("{who} (failed)").format(who=who)
            lines.append(self.tr("{who}: {text}").format(who=who, text=message.content))
        self.advice.setPlainText("\n\n".join(lines))
        self.chips.clear()
        self.setup_stylist.setVisible(False)
        self.model.set_rows(saved_items(messages))

    def shutdown(self) -> None:
        self.stream.stop()
