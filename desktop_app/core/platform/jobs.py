"""Progress and cancellation for long operations, shared by the CLI, the GUI workers and tests.

Core functions stay plain: they take a `progress` callback and a `CancelToken`, call
`cancel.check()` between batches, and stop by raising `Cancelled`, which no front end shows as an error.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

Progress = Callable[[int, "int | None", str], None]
"""progress(done, total or None when unknown, detail)."""


def no_progress(done: int, total: int | None, detail: str) -> None:
    """A progress callback for callers that do not show progress."""


class Cancelled(Exception):
    """Raised at a cancel point once the user asked to stop; never an error."""


@dataclass
class CancelToken:
    """A thread-safe stop flag; `pause()` makes `check()` wait until `resume()` or `cancel()`."""

    _cancelled: threading.Event = field(default_factory=threading.Event)
    _running: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._running.set()

    def cancel(self) -> None:
        self._cancelled.set()
        self._running.set()

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def check(self) -> None:
        self._running.wait()
        if self._cancelled.is_set():
            raise Cancelled()
