"""Anki's `QueryOp` over our one worker mechanism: plain data in, a result or an error out, on the UI thread.

A view hands the op data (paths, names, a copy of the settings), never a widget: the op runs on a
worker thread, where touching a widget can crash Qt, so `QueryOp` refuses an op that is a widget's
method, closes over a widget, or is given one. `success` runs on the UI thread with the op's
result, and is where widget state changes. A failure goes to the error dialog unless the view
passes `failure`; a cancelled op calls neither. When the view was closed before the op ended, its
callbacks are skipped. Ops quicker than `BUSY_CURSOR_DELAY_MS` never show a busy cursor, so short
ones do not flicker (Anki waits 300 ms too).

Progress and cancel are the worker's: an op that takes `progress=` or `cancel=` gets them, `progress`
here receives the coalesced reports, and `run_in_background` returns the `Worker`, whose `cancel()`
asks the op to stop at its next cancel point.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from desktop_app.ui.errors import show_error
from desktop_app.ui.workers import BackgroundRunner, Lane, Worker

log = logging.getLogger(__name__)

BUSY_CURSOR_DELAY_MS = 300

T = TypeVar("T")


def _closed_over(op: Callable[..., Any]) -> list[Any]:
    values = []
    for cell in getattr(op, "__closure__", None) or ():
        try:
            values.append(cell.cell_contents)
        except ValueError:  # a cell whose variable is not assigned yet
            continue
    return values


def _qt_objects(op: Callable[..., Any], args: Iterable[Any]) -> list[QObject]:
    """What a worker thread would get its hands on: the op's own object, what it closes over, and its arguments."""
    candidates = [getattr(op, "__self__", None), *_closed_over(op), *args]
    return [value for value in candidates if isinstance(value, QObject)]


class QueryOp(Generic[T]):
    """One background operation and what the UI thread does with its outcome; start it with `run_in_background`."""

    def __init__(self, *, parent: QWidget, op: Callable[..., T], args: tuple[Any, ...] = (),
                 success: Callable[[T], object], failure: Callable[[BaseException], object] | None = None,
                 progress: Callable[[int, int | None, str], object] | None = None,
                 cancelled: Callable[[], object] | None = None, finished: Callable[[], object] | None = None,
                 lane: Lane = "pool", busy_cursor: bool = True, error_title: str | None = None) -> None:
        handed = _qt_objects(op, args)
        if handed:
            raise TypeError(f"{getattr(op, '__qualname__', op)!r} would reach {type(handed[0]).__name__} from a worker"
                            " thread; give the op plain data and change widgets in `success`")
        self.parent, self.op, self.args, self.lane = parent, op, args, lane
        self.success, self.failure, self.progress = success, failure, progress
        self.cancelled, self.finished = cancelled, finished
        self.busy_cursor = busy_cursor
        self.error_title = error_title

    def run_in_background(self, runner: BackgroundRunner) -> Worker:
        """Start the op in its lane; the returned worker is for `cancel()`, its signals are already handled here."""
        worker = runner.run(self.op, *self.args, lane=self.lane)
        cursor = _DelayedBusyCursor() if self.busy_cursor else None
        worker.result.connect(lambda value: self._call(self.success, value))
        worker.error.connect(self._failed)
        if self.progress is not None:
            worker.progress.connect(lambda done, total, detail: self._call(self.progress, done, total, detail))
        if self.cancelled is not None:
            worker.cancelled.connect(lambda: self._call(self.cancelled))
        worker.finished.connect(lambda: self._ended(cursor))
        return worker

    def _call(self, callback: Callable[..., object] | None, *args: Any) -> None:
        if callback is None:
            return
        if not isValid(self.parent):
            log.debug("%s ended after its window closed; its outcome is dropped", getattr(self.op, "__qualname__", self.op))
            return
        callback(*args)

    def _failed(self, exc: BaseException) -> None:
        if self.failure is not None:
            self._call(self.failure, exc)
        else:
            self._call(show_error, self.parent, exc, self.error_title)

    def _ended(self, cursor: _DelayedBusyCursor | None) -> None:
        if cursor is not None:
            cursor.release()
        self._call(self.finished)


class _DelayedBusyCursor:
    """The application's busy cursor, shown only once an op has run for `BUSY_CURSOR_DELAY_MS`, and taken back once."""

    def __init__(self) -> None:
        self.shown = False
        self.timer = QTimer()
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._show)
        self.timer.start(BUSY_CURSOR_DELAY_MS)

    def _show(self) -> None:
        QGuiApplication.setOverrideCursor(QCursor(Qt.CursorShape.BusyCursor))
        self.shown = True

    def release(self) -> None:
        self.timer.stop()
        if self.shown:
            QGuiApplication.restoreOverrideCursor()
            self.shown = False
