"""Run one job in a spawned child process, with progress, cancel and the child's result or exception.

Why a child and not a thread: a native abort (a GGML_ASSERT on a bad GGUF) ends only the child;
gigabytes of peak memory (the one-time ONNX preparation loads the fp32 model) go back to the OS
when the child exits, so a long indexing run stays small; and long native calls that hold the GIL
(torch's exporter, protobuf serialisation) cannot stall the window's event loop. Cancel works at
any moment, between the job's own checkpoints too: the child is killed.

"spawn" everywhere: a fork of a process running Qt and torch threads is not safe, and it is what
macOS and Windows do anyway. A frozen app must call `multiprocessing.freeze_support()` first.
The child speaks the parent's language (the window's choice, not only the environment's), so its
errors and progress texts read as the parent's own.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
import time
from collections.abc import Callable
from typing import Any

from desktop_app.core.platform import i18n
from desktop_app.core.platform.jobs import Cancelled, CancelToken, Progress

_POLL_S = 0.1


class ChildDied(Exception):
    """The child ended without an answer: a native crash, killed for memory, or past its time limit."""

    def __init__(self, exit_code: int | None, why: str) -> None:
        super().__init__(f"{why} (exit code {exit_code})")
        self.exit_code = exit_code


def run_in_child(
    target: Callable[..., Any],
    *args: Any,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    timeout: float | None = None,
) -> Any:
    """What `target(*args)` returns in a child, or the exception it raised, raised here.

    With `progress`, the child calls `target(*args, progress=...)` and each call arrives here, in
    this thread. Raises `Cancelled` (after killing the child) once `cancel` is set, and `ChildDied`.
    """
    ctx = multiprocessing.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child_main, args=(sender, target, args, progress is not None, i18n.current_language()), daemon=True)
    process.start()
    sender.close()
    deadline = None if timeout is None else time.monotonic() + timeout
    answered = False
    try:
        while True:
            if cancel is not None and cancel.cancelled:
                raise Cancelled()
            if deadline is not None and time.monotonic() > deadline:
                _end(process, answered)
                raise ChildDied(process.exitcode, f"it ran past {timeout:.0f} s")
            if not receiver.poll(_POLL_S):
                continue
            try:
                kind, *payload = receiver.recv()
            except EOFError:  # the child is gone without a word
                process.join()
                raise ChildDied(process.exitcode, "it ended without an answer") from None
            if kind == "progress":
                assert progress is not None
                progress(*payload)
                continue
            answered = True
            if kind == "result":
                return payload[0]
            raise payload[0]
    finally:
        receiver.close()
        _end(process, answered)


def _end(process: Any, answered: bool) -> None:
    """Let a child that answered exit by itself; kill one that did not (cancelled, timed out, a failing callback)."""
    process.join(5 if answered else 0)
    if process.is_alive():
        process.kill()
        process.join()


def _child_main(sender: Any, target: Callable[..., Any], args: tuple[Any, ...], reports: bool, language: str) -> None:
    threading.Thread(target=_exit_with_parent, name="exit-with-parent", daemon=True).start()
    i18n.set_language(language)

    def progress(done: int, total: int | None, detail: str) -> None:
        sender.send(("progress", done, total, detail))

    try:
        result = target(*args, progress=progress) if reports else target(*args)
    except BaseException as exc:  # everything goes back to the parent, which raises it there
        sender.send(("error", _picklable(exc)))
    else:
        sender.send(("result", result))
    finally:
        sender.close()


def _exit_with_parent() -> None:
    """A child whose parent was killed (kill -9, a crash) would work on for minutes with nobody to answer: end it too."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        parent.join()
        os._exit(1)


def _picklable(exc: BaseException) -> BaseException:
    """The exception itself when it survives pickling (our UserErrors do), else a RuntimeError with its text."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # any failure to round-trip means: send its text instead
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc
