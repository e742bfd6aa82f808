"""The assistant: a request (and an optional photo) becomes chips, numbered cards and streamed advice.

Three steps, each on its lane: classify (the "llm" lane: the classifier is a language model), find
the items (the "search" lane, the panel's shared warm `Searcher`), then stream advice (the "llm"
lane). Every step carries the request id, so a new request or Stop makes older replies harmless.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
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

from desktop_app.core.store import db
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.agents.assistant import find_items
from desktop_app.core.store.chat_store import ChatStore
from desktop_app.core.agents.classifier import Classification, RequestClassifier, open_classifier
from desktop_app.core.platform.jobs import CancelToken
from desktop_app.core.agents.llm_runtime import Done, Failed
from desktop_app.core.agents.stylist import StyleItem, Stylist, open_stylist
from desktop_app.ui.errors import show_error
from desktop_app.ui.photo_input import PhotoInput
from desktop_app.ui.results_model import ResultRow, ResultsModel
from desktop_app.ui.search_panel import SearchPanel, results_view
from desktop_app.ui.streaming import AdviceStream
from desktop_app.ui.workers import BackgroundRunner


class _LlmSide:
    """What lives on the "llm" lane: the classifier, the stylist and their chat connection, loaded once."""

    def __init__(self, context: AppContext) -> None:
        self.context = context
        self.classifier: RequestClassifier | None = None
        self.stylist: Stylist | None = None
        self.chats: ChatStore | None = None

    def classify(self, request: str, categories: list[str]) -> Classification:
        if self.classifier is None or self.classifier.categories != categories:
            self.classifier = open_classifier(self.context, categories)
        return self.classifier.classify(request)

    def chat_store(self) -> ChatStore:
        if self.chats is None:
            self.chats = ChatStore(db.connect(self.context.paths.db_path))
        return self.chats

    def advise(self, request: str, items: list[StyleItem], image: Path | None, chat_id: int | None, cancel: CancelToken):
        chats = self.chat_store()
        if self.stylist is None:
            self.stylist = open_stylist(self.context, chats)
        if chat_id is None:
            chat_id = chats.create_chat(request)
        return chat_id, self.stylist.advise(request, items, image=image, chat_id=chat_id, cancel=cancel)

    def reset_models(self) -> None:
        """Settings changed: load the chosen models again on next use."""
        self.classifier = None
        self.stylist = None

    def close(self) -> None:
        if self.chats is not None:
            self.chats.conn.close()
            self.chats = None


def chat_list(context: AppContext) -> list[Any]:
    conn = db.connect(context.paths.db_path)
    try:
        return ChatStore(conn).chats()
    finally:
        conn.close()


def chat_messages(context: AppContext, chat_id: int) -> list[Any]:
    conn = db.connect(context.paths.db_path)
    try:
        return ChatStore(conn).messages(chat_id)
    finally:
        conn.close()


class AssistantPanel(QWidget):
    answered = Signal(object)  # Done or Failed, once per request
    items_found = Signal(int)

    def __init__(self, context: AppContext, runner: BackgroundRunner, search: SearchPanel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.runner = runner
        self.search_panel = search
        self.llm = _LlmSide(context)
        self.chat_id: int | None = None
        self.request_id = 0
        self.classification: Classification | None = None
        self.last_error: BaseException | None = None

        self.request = QLineEdit(placeholderText="Ask for an outfit, e.g. two t-shirts and black jeans for a summer party")
        self.request.returnPressed.connect(self.send)
        self.photo = PhotoInput(context.paths.cache_dir / "pasted", self)
        self.send_button = QPushButton("Send")
        self.send_button.clicked.connect(self.send)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.stop)

        self.chips = QLabel("")
        self.chips.setTextFormat(Qt.TextFormat.PlainText)
        self.chips.setObjectName("chips")
        self.model = ResultsModel(runner, self)
        self.cards = results_view(self.model, self)
        self.cards.setMaximumHeight(240)
        self.advice = QPlainTextEdit(readOnly=True)
        self.advice.setPlaceholderText("Advice appears here as it is written.")
        self.state = QLabel("")
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        self.stream = AdviceStream(runner, self)
        self.stream.text_changed.connect(self._show_text)
        self.stream.finished.connect(self._answered)

        self.chat_list = QListWidget()
        self.chat_list.itemClicked.connect(self._open_chat)
        new_chat = QPushButton("New chat")
        new_chat.clicked.connect(self.new_chat)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(QLabel("Earlier chats"))
        side_layout.addWidget(self.chat_list, 1)
        side_layout.addWidget(new_chat)
        main = QWidget()
        ask_row = QHBoxLayout()
        ask_row.addWidget(self.request, 1)
        ask_row.addWidget(self.send_button)
        ask_row.addWidget(self.stop_button)
        main_layout = QVBoxLayout(main)
        main_layout.setContentsMargins(0, 0, 0, 0)
        main_layout.addLayout(ask_row)
        main_layout.addWidget(self.photo)
        main_layout.addWidget(self.chips)
        main_layout.addWidget(self.cards)
        main_layout.addWidget(self.advice, 1)
        main_layout.addWidget(self.state)
        splitter = QSplitter(self)
        splitter.addWidget(side)
        splitter.addWidget(main)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([200, 900])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.refresh_chats()

    # -- one request ---------------------------------------------------------------------------------------
    def send(self) -> None:
        request = self.request.text().strip()
        if not request and self.photo.path is None:
            self.state.setText("Write a request or add an example photo.")
            return
        self.stream.stop()
        self.request_id += 1
        rid = self.request_id
        image = self.photo.path
        self._busy(True, "Understanding the request…")
        categories = [self.search_panel.category.itemText(i) for i in range(1, self.search_panel.category.count())]
        worker = self.runner.run(self.llm.classify, request, categories, lane="llm")
        worker.result.connect(lambda c: self._classified(rid, request, image, c))
        worker.error.connect(lambda exc: self._failed(rid, exc))

    def _classified(self, rid: int, request: str, image: Path | None, classification: Classification) -> None:
        if rid != self.request_id:
            return
        self.classification = classification
        self.chips.setText("   ".join(f"[{c} × {n}]" for c, n in classification.items.items()) or "[no category named]")
        self.state.setText("Finding items…")
        worker = self.runner.run(
            lambda cancel: find_items(self.search_panel.searcher(), classification, request, image, cancel), lane="search"
        )
        worker.result.connect(lambda items: self._found(rid, request, image, items))
        worker.error.connect(lambda exc: self._failed(rid, exc))

    def _found(self, rid: int, request: str, image: Path | None, items: list[StyleItem]) -> None:
        if rid != self.request_id:
            return
        self.model.set_rows([ResultRow(i.path or i.file_name, i.category, i.color, i.score, None, i.number) for i in items])
        self.items_found.emit(len(items))
        self.state.setText("Writing advice… (Esc stops)")
        chat_id = self.chat_id

        def produce(cancel: CancelToken):
            new_chat_id, chunks = self.llm.advise(request, items, image, chat_id, cancel)
            self.chat_id = new_chat_id
            yield from chunks

        self.stream.start(produce)

    def stop(self) -> None:
        if self.stream.busy:
            self.state.setText("Stopping…")
            self.stream.stop()
        elif self.send_button.isEnabled() is False:
            self.request_id += 1  # classification or search in flight: its reply will be ignored
            self._busy(False, "Stopped.")

    def _show_text(self, text: str) -> None:
        self.advice.setPlainText(text)
        self.advice.verticalScrollBar().setValue(self.advice.verticalScrollBar().maximum())

    def _answered(self, end: Done | Failed) -> None:
        if isinstance(end, Failed):
            self._busy(False, f"The advice stopped: {end.user_message}")
        elif end.reason == "cancelled":
            self._busy(False, "Stopped. What was written is kept in the chat.")
        else:
            self._busy(False, f"Advice by {end.model}." if end.model and end.model != "none" else "")
        self.refresh_chats()
        self.answered.emit(end)

    def _failed(self, rid: int, exc: BaseException) -> None:
        if rid != self.request_id:
            return
        self.last_error = exc
        self._busy(False, "The request failed.")
        show_error(self, exc, "Assistant")

    def _busy(self, busy: bool, text: str) -> None:
        self.send_button.setEnabled(not busy)
        self.stop_button.setEnabled(busy)
        self.state.setText(text)

    # -- chats ------------------------------------------------------------------------------------------------
    def refresh_chats(self) -> None:
        worker = self.runner.run(chat_list, self.context)
        worker.result.connect(self._show_chats)

    def _show_chats(self, chats: list[Any]) -> None:
        self.chat_list.clear()
        for chat in chats:
            item = QListWidgetItem(chat.title or f"Chat {chat.id}")
            item.setData(Qt.ItemDataRole.UserRole, chat.id)
            item.setToolTip(f"{chat.n_messages} messages, last {chat.updated_at}")
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
        worker = self.runner.run(chat_messages, self.context, chat_id)
        worker.result.connect(self._show_transcript)

    def _show_transcript(self, messages: list[Any]) -> None:
        lines = []
        for message in messages:
            who = "You" if message.role == "user" else "Stylist"
            note = "" if message.status == "complete" else f" ({message.status})"
            lines.append(f"{who}{note}: {message.content}")
        self.advice.setPlainText("\n\n".join(lines))

    def shutdown(self) -> None:
        self.stream.stop()
        self.runner.run(self.llm.close, lane="llm")
