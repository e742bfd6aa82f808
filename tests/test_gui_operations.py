"""`QueryOp`: data in, the result or the error back on the UI thread, no widgets on the worker, a late busy cursor."""

from __future__ import annotations

import threading
import time

import pytest

from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.jobs import CancelToken

pytest.importorskip("pytestqt")

import shiboken6
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from desktop_app.ui.operations import BUSY_CURSOR_DELAY_MS, QueryOp


@pytest.fixture
def parent(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def test_the_op_runs_on_a_worker_and_success_on_the_ui_thread(qtbot, runner, parent) -> None:
    ui_thread = threading.get_ident()
    seen: list[tuple[int, int]] = []
    op = QueryOp(parent=parent, op=lambda n: (n, threading.get_ident()), args=(41,),
                 success=lambda value: seen.append((value[1], threading.get_ident())))
    worker = op.run_in_background(runner)
    with qtbot.waitSignal(worker.finished):
        pass
    assert len(seen) == 1 and seen[0][0] != ui_thread and seen[0][1] == ui_thread


def test_a_failure_is_shown_unless_the_view_handles_it(qtbot, runner, parent) -> None:
    def fail() -> None:
        raise UserError("The disk is not there.", "Plug it in.")

    worker = QueryOp(parent=parent, op=fail, success=lambda _: pytest.fail("no result"), error_title="Models").run_in_background(runner)
    with qtbot.waitSignal(worker.finished):
        pass
    box = parent.findChild(QMessageBox, "errorBox")
    assert box is not None and box.text() == "The disk is not there." and box.informativeText() == "Plug it in."
    assert box.windowTitle() == "Models"
    box.close()

    handled: list[BaseException] = []
    worker = QueryOp(parent=parent, op=fail, success=lambda _: None, failure=handled.append).run_in_background(runner)
    with qtbot.waitSignal(worker.finished):
        pass
    qtbot.wait(20)
    assert len(handled) == 1 and isinstance(handled[0], UserError)
    assert [b for b in parent.findChildren(QMessageBox) if b.isVisible()] == []


def test_cancelling_is_neither_success_nor_failure(qtbot, runner, parent) -> None:
    started = threading.Event()

    def long(cancel: CancelToken) -> None:
        started.set()
        while True:
            cancel.check()
            time.sleep(0.01)

    calls: list[str] = []
    worker = QueryOp(parent=parent, op=long, success=lambda _: calls.append("success"), failure=lambda _: calls.append("failure"),
                     cancelled=lambda: calls.append("cancelled"), finished=lambda: calls.append("finished")).run_in_background(runner)
    qtbot.waitUntil(started.is_set, timeout=5000)
    with qtbot.waitSignal(worker.finished):
        worker.cancel()
    assert calls == ["cancelled", "finished"]
    assert parent.findChild(QMessageBox) is None


def test_progress_reaches_the_ui_thread_with_its_final_value(qtbot, runner, parent) -> None:
    def count(progress) -> int:
        for i in range(1, 1001):
            progress(i, 1000, f"step {i}")
        return 1000

    seen: list[tuple[int, int | None, str, int]] = []
    worker = QueryOp(parent=parent, op=count, success=lambda _: None,
                     progress=lambda d, t, s: seen.append((d, t, s, threading.get_ident()))).run_in_background(runner)
    with qtbot.waitSignal(worker.finished):
        pass
    assert seen[-1][:3] == (1000, 1000, "step 1000") and {s[3] for s in seen} == {threading.get_ident()}


def test_widgets_never_reach_the_worker(parent) -> None:
    label = QLabel()
    with pytest.raises(TypeError, match="QLabel"):
        QueryOp(parent=parent, op=len, args=(label,), success=print)
    with pytest.raises(TypeError, match="QLabel"):
        QueryOp(parent=parent, op=label.text, success=print)
    with pytest.raises(TypeError, match="QLabel"):
        QueryOp(parent=parent, op=lambda: label.text(), success=print)


def test_a_closed_view_gets_no_callbacks(qtbot, runner) -> None:
    view = QWidget()
    gate = threading.Event()
    calls: list[str] = []
    worker = QueryOp(parent=view, op=lambda: gate.wait(5), success=lambda _: calls.append("success"),
                     finished=lambda: calls.append("finished")).run_in_background(runner)
    shiboken6.delete(view)
    with qtbot.waitSignal(worker.finished):
        gate.set()
    assert calls == []


def test_the_busy_cursor_waits_for_slow_ops_only(qtbot, runner, parent) -> None:
    samples: list[bool] = []
    worker = QueryOp(parent=parent, op=lambda: 1, success=lambda _: samples.append(QGuiApplication.overrideCursor() is None)
                     ).run_in_background(runner)
    with qtbot.waitSignal(worker.finished):
        pass
    assert samples == [True], "a quick op shows no cursor"

    gate = threading.Event()
    worker = QueryOp(parent=parent, op=lambda: gate.wait(10), success=lambda _: None).run_in_background(runner)
    qtbot.wait(BUSY_CURSOR_DELAY_MS // 3)
    assert QGuiApplication.overrideCursor() is None
    qtbot.waitUntil(lambda: QGuiApplication.overrideCursor() is not None, timeout=5000)
    with qtbot.waitSignal(worker.finished):
        gate.set()
    assert QGuiApplication.overrideCursor() is None
