"""The assistant tab: shows the events of `Assistant.ask` as chips, numbered cards and streamed advice.

The panel does not orchestrate: one `Assistant.ask` runs on the "llm" lane (the classifier and the
stylist are language models) and its events come back as data through `AdviceStream`, which drops
those of an older request. Everything a worker learns, the chat id included, is applied here, on
the UI thread. Chats are read through the catalog handle of the thread that reads them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.agents.assistant import Assistant, AssistantEvent, ChatOpened, Classified, ItemsFound
from desktop_app.core.agents.classifier import Classification
from desktop_app.core.agents.llm_runtime import Done, Failed
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.jobs import CancelToken
from desktop_app.core.store.catalog import Catalog, ThreadCatalogs
from desktop_app.core.store.chat_store import ChatMessage, ChatSummary
from desktop_app.ui.errors import show_error
from desktop_app.ui.licences_dialog import ensure_bundled_terms
from desktop_app.ui.photo_input import PhotoInput
from desktop_app.ui.results_model import ResultsModel
from desktop_app.ui.search_panel import SearchPanel, results_view, rows_from_hits
from desktop_app.ui.streaming import AdviceStream
from desktop_app.ui.workers import BackgroundRunner

AssistantFactory = Callable[[Catalog], Assistant]


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
        self.cards = results_view(self.model, self)
        self.cards.setMaximumHeight(240)
        self.advice = QPlainTextEdit(readOnly=True)
        self.advice.setPlaceholderText(self.tr("Advice appears here as it is written."))
        self.state = QLabel("")
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        self.stream = AdviceStream(self.runner, self)
        self.stream.text_changed.connect(self._show_text)
        self.stream.event.connect(self._show_event)
        self.stream.finished.connect(self._answered)

    def _chat_side(self) -> QWidget:
        self.chat_list = QListWidget()
        self.chat_list.itemClicked.connect(self._open_chat)
        new_chat = QPushButton(self.tr("New chat"))
        new_chat.clicked.connect(self.new_chat)
        side = QWidget()
        layout = QVBoxLayout(side)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("Earlier chats")))
        layout.addWidget(self.chat_list, 1)
        layout.addWidget(new_chat)
        return side

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
        layout.addWidget(self.state)
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
        chips = [self.tr("[{category} × {count}]").format(category=c, count=n) for c, n in classification.items.items()]
        if classification.budget is not None:
            chips.append(self.tr("[budget {budget}]").format(budget=classification.budget.describe()))
        if classification.size is not None:
            chips.append(self.tr("[size {size}]").format(size=classification.size))
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
        else:
            self._busy(False, self.tr("Advice by {model}.").format(model=end.model) if end.model and end.model != "none" else "")
        self.refresh_chats()
        self.answered.emit(end)

    def _failed(self, failure: Failed) -> None:
        if self._advising:
            self._busy(False, self.tr("The advice stopped: {reason}").format(reason=failure.user_message))
            return
        self._busy(False, self.tr("The request failed."))
        show_error(self, UserError(failure.user_message, detail=failure.detail), self.tr("Assistant"))

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
        for chat in chats:
            item = QListWidgetItem(chat.title or self.tr("Chat {id}").format(id=chat.id))
            item.setData(Qt.ItemDataRole.UserRole, chat.id)
            item.setToolTip(self.tr("{count} messages, last {when}").format(count=chat.n_messages, when=chat.updated_at))
            self.chat_list.addItem(item)

    def new_chat(self) -> None:
        self.chat_id = None
        self.advice.clear()
        self.chips.clear()
        self.model.set_rows([])
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
            note = "" if message.status == "complete" else f" ({message.status})"
            lines.append(f"{who}{note}: {message.content}")
        self.advice.setPlainText("\n\n".join(lines))

    def shutdown(self) -> None:
        self.stream.stop()
