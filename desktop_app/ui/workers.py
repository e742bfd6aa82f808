"""The one mechanism for background work in the GUI: callables on thread pools, reporting by signals.

A `Worker` is a QObject owned by the UI thread; its function runs on a pool thread and talks back
only through signals, which Qt queues onto the UI thread. Exactly one of `result`, `error` or
`cancelled` is emitted, then `finished`. Progress is coalesced to about ten updates a second plus
the final one, so a fast loop cannot flood the event loop. A function that returns a generator has
each yielded value emitted as `item`, and every `yield` is a cancel point.

Lanes are serial where a resource is shared: "store" (catalog writes and indexing), "search" (the
warm BLIP-2 towers of the one `Searcher`), "llm" (the one loaded language model), and "pool" for
everything else (reads, thumbnails, doctor). A search never waits behind an index or an answer.

This module is the only place threads start. Views that want a result or an error back, not a
stream, use `ui/operations.QueryOp`, which runs here and takes care of the UI thread's side.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Callable, Generator
from typing import Any, Literal

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal

from desktop_app.core.platform.jobs import Cancelled, CancelToken

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.1
Lane = Literal["store", "search", "llm", "pool"]
LANES: tuple[Lane, ...] = ("store", "search", "llm", "pool")


class Worker(QObject):
    progress = Signal(int, object, str)
    item = Signal(object)
    result = Signal(object)
    error = Signal(object)
    cancelled = Signal()
    finished = Signal()

    def __init__(self, fn: Callable[..., Any], args: tuple, kwargs: dict[str, Any]) -> None:
        super().__init__()
        self.token = CancelToken()
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self._last_progress = 0.0
        params = _parameters(fn)
        if "progress" in params:
            self._kwargs.setdefault("progress", self._report_progress)
        if "cancel" in params:
            self._kwargs.setdefault("cancel", self.token)

    def cancel(self) -> None:
        """Ask the work to stop at its next cancel point; returns at once."""
        self.token.cancel()

    def _report_progress(self, done: int, total: int | None, detail: str) -> None:
        now = time.monotonic()
        final = total is not None and done >= total
        if final or now - self._last_progress >= PROGRESS_INTERVAL_S:
            self._last_progress = now
            self.progress.emit(done, total, detail)

    def run(self) -> None:
        """Runs on a pool thread."""
        try:
            value = self._fn(*self._args, **self._kwargs)
            if isinstance(value, Generator):
                value = self._drain(value)
            self.token.check()
        except Cancelled:
            self.cancelled.emit()
        except BaseException as exc:
            if self.token.cancelled:
                self.cancelled.emit()
            else:
                log.exception("Background task %s failed", getattr(self._fn, "__qualname__", self._fn))
                self.error.emit(exc)
        else:
            self.result.emit(value)
        finally:
            self.finished.emit()

    def _drain(self, generator: Generator[Any, None, Any]) -> Any:
        try:
            while True:
                self.token.check()
                self.item.emit(next(generator))
        except StopIteration as stop:
            return stop.value
        finally:
            generator.close()


def _parameters(fn: Callable[..., Any]) -> set[str]:
    try:
        return set(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return set()


class BackgroundRunner(QObject):
    """Owns the pools and keeps every live worker referenced until it has finished."""

    _start_requested = Signal(object, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._start_requested.connect(self._start, Qt.ConnectionType.QueuedConnection)
        self._pools: dict[str, QThreadPool] = {}
        for lane in LANES:
            pool = QThreadPool(self)
            pool.setMaxThreadCount(1 if lane != "pool" else max(2, QThreadPool.globalInstance().maxThreadCount()))
            self._pools[lane] = pool
        self._live: set[Worker] = set()

    def run(self, fn: Callable[..., Any], *args: Any, lane: Lane = "pool", **kwargs: Any) -> Worker:
        """Start `fn(*args, **kwargs)` in `lane`; `progress=` and `cancel=` are injected when `fn` takes them.

        Connect to the returned worker's signals right away, before returning to the event loop: the
        work starts from the loop, so no signal can be emitted before the caller's slots are connected.
        """
        if lane not in self._pools:
            raise ValueError(f"unknown lane {lane!r}; use one of {LANES}")
        worker = Worker(fn, args, kwargs)
        self._live.add(worker)
        worker.finished.connect(lambda: self._live.discard(worker))
        # A queued signal reaches only the slots connected when it is emitted. Starting from the event
        # loop, not here, lets the caller connect its slots first, however fast the work is.
        self._start_requested.emit(worker, lane)
        return worker

    def _start(self, worker: Worker, lane: str) -> None:
        if worker.token.cancelled:  # cancelled (or shut down) before it ever ran
            worker.cancelled.emit()
            worker.finished.emit()
            return
        self._pools[lane].start(worker.run)

    def shutdown(self, timeout_s: float = 10.0) -> bool:
        """Cancel every worker and wait for the pools to drain; True if all stopped in time."""
        for worker in list(self._live):
            worker.cancel()
        deadline = time.monotonic() + timeout_s
        ok = True
        for pool in self._pools.values():
            remaining_ms = max(0, int((deadline - time.monotonic()) * 1000))
            ok = pool.waitForDone(remaining_ms) and ok
        return ok
