"""Streamed advice in the window: request ids drop stale events, and repaints are throttled.

The producer is the assistant's generator of typed events (`core/agents/assistant.py`) run on the
"llm" lane. Each `start()` gets a new request id and cancels the previous stream; events of any other
id are dropped, so a slow old answer can never write into a new one. Tokens are accumulated and the
view is told at most every 50 ms, because repainting a growing document per token freezes it; the
other events (classified, items found, chat opened) are passed on as they come, as data for the
panel to apply on the UI thread.

A producer that raised instead of ending with `Failed` (it could not even start: a model missing, a
catalog that cannot open) ends its stream with a `Failed` that keeps the typed error, as the assistant's own
`Failed` does, so the panel's error box can offer the fix the error names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from desktop_app.core.agents.assistant import AssistantEvent
from desktop_app.core.agents.llm_runtime import Done, Failed, Token
from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.jobs import CancelToken
from desktop_app.ui.errors import error_text
from desktop_app.ui.workers import BackgroundRunner, Worker

RENDER_INTERVAL_MS = 50


class AdviceStream(QObject):
    text_changed = Signal(str)  # the whole text so far
    event = Signal(object)  # every event that is neither a token nor the end, in order
    finished = Signal(object)  # exactly one Done or Failed per started stream
    busy_changed = Signal(bool)

    def __init__(self, runner: BackgroundRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._request_id = 0
        self._worker: Worker | None = None
        self._text = ""
        self.renders = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RENDER_INTERVAL_MS)
        self._timer.timeout.connect(self._render)

    @property
    def busy(self) -> bool:
        return self._worker is not None

    def start(self, make_events: Callable[[CancelToken], Iterator[AssistantEvent]]) -> int:
        """Cancel any stream in flight and start a new one; returns its request id."""
        self.stop()
        self._request_id += 1
        request_id = self._request_id
        self._text = ""
        self._render()
        worker = self._runner.run(make_events, lane="llm")
        worker.item.connect(lambda event: self._on_event(request_id, event))
        worker.cancelled.connect(lambda: self._on_end(request_id, Done("cancelled", 0, "")))
        worker.error.connect(lambda exc: self._on_end(request_id, _failure(exc)))
        self._worker = worker
        self.busy_changed.emit(True)
        return request_id

    def stop(self) -> None:
        """Ask the producer to stop at its next token; the view shows 'stopping…' until `finished`."""
        if self._worker is not None:
            self._worker.cancel()

    @Slot()
    def _render(self) -> None:
        self.renders += 1
        self.text_changed.emit(self._text)

    def _on_event(self, request_id: int, event: AssistantEvent) -> None:
        if request_id != self._request_id:
            return
        if isinstance(event, Token):
            self._text += event.text
            if not self._timer.isActive():
                self._timer.start()
        elif isinstance(event, Done | Failed):
            self._on_end(request_id, event)
        else:
            self.event.emit(event)

    def _on_end(self, request_id: int, chunk: Done | Failed) -> None:
        if request_id != self._request_id or self._worker is None:
            return
        self._worker = None
        self._timer.stop()
        self._render()
        self.busy_changed.emit(False)
        self.finished.emit(chunk)


def _failure(exc: BaseException) -> Failed:
    """The end of a producer that raised: its sentence and what to do, and the typed error itself."""
    message, hint, details = error_text(exc)
    return Failed(f"{message} {hint}".strip(), details, exc if isinstance(exc, UserError) else None)
