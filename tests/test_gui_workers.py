"""The background-work mechanism every GUI view relies on."""

from __future__ import annotations

import threading
import time

import pytest

from desktop_app.core.platform.jobs import Cancelled, CancelToken

pytest.importorskip("pytestqt")

from desktop_app.ui.workers import BackgroundRunner


def test_result_then_finished_off_the_ui_thread(qtbot, runner) -> None:
    ui_thread = threading.get_ident()
    worker = runner.run(lambda: threading.get_ident())
    order: list[object] = []
    worker.result.connect(lambda value: order.append(("result", value)))
    worker.finished.connect(lambda: order.append("finished"))
    with qtbot.waitSignal(worker.finished):
        pass
    assert order[1] == "finished" and order[0][0] == "result"
    assert order[0][1] != ui_thread


def test_error_is_delivered_not_raised(qtbot, runner) -> None:
    def fail() -> None:
        raise ValueError("bad photo")

    worker = runner.run(fail)
    errors: list[BaseException] = []
    worker.error.connect(errors.append)
    with qtbot.waitSignal(worker.finished):
        pass
    assert len(errors) == 1 and isinstance(errors[0], ValueError)


def test_cancel_stops_a_loop_and_emits_cancelled_not_result(qtbot, runner) -> None:
    started = threading.Event()

    def long_job(cancel: CancelToken) -> str:
        started.set()
        while True:
            cancel.check()
            time.sleep(0.01)

    worker = runner.run(long_job, lane="store")
    results: list[object] = []
    worker.result.connect(results.append)
    qtbot.waitUntil(started.is_set, timeout=5000)
    with qtbot.waitSignals([worker.cancelled, worker.finished], order="strict"):
        worker.cancel()
    assert results == []


def test_generator_items_arrive_in_order_and_cancel_between_them(qtbot, runner) -> None:
    def tokens():
        yield from ["a", "b", "c"]
        return "done"

    worker = runner.run(tokens, lane="llm")
    items: list[str] = []
    worker.item.connect(items.append)
    with qtbot.waitSignal(worker.result) as blocker:
        pass
    assert items == ["a", "b", "c"] and blocker.args == ["done"]

    gate = threading.Event()

    def endless():
        while True:
            yield "x"
            gate.wait(0.01)

    worker = runner.run(endless, lane="llm")
    with qtbot.waitSignal(worker.item):
        pass
    with qtbot.waitSignal(worker.cancelled):
        worker.cancel()


def test_progress_is_coalesced_but_final_value_always_arrives(qtbot, runner) -> None:
    def busy(progress) -> None:
        for i in range(1, 20001):
            progress(i, 20000, f"file {i}")

    worker = runner.run(busy)
    seen: list[tuple] = []
    worker.progress.connect(lambda d, t, s: seen.append((d, t, s)))
    with qtbot.waitSignal(worker.finished):
        pass
    qtbot.wait(50)
    assert seen[-1] == (20000, 20000, "file 20000")
    assert len(seen) < 200


def test_shutdown_cancels_running_work(qtbot) -> None:
    runner = BackgroundRunner()

    def forever(cancel: CancelToken) -> None:
        while True:
            cancel.check()
            time.sleep(0.01)

    runner.run(forever, lane="store")
    runner.run(forever)
    qtbot.wait(50)
    assert runner.shutdown(5.0)


def test_cancelled_is_not_an_exception_class_users_see() -> None:
    assert not issubclass(Cancelled, (ValueError, RuntimeError, OSError))


def test_signals_of_instant_work_reach_slots_connected_after_run(qtbot, runner) -> None:
    """A queued signal reaches only slots connected when it is emitted: the work must not start before the caller connects."""
    for _ in range(50):
        worker = runner.run(lambda: 42)
        time.sleep(0.002)  # give a pool thread every chance to finish before the connect below
        results: list[int] = []
        worker.result.connect(results.append)
        with qtbot.waitSignal(worker.finished, timeout=5000):
            pass
        assert results == [42]


def test_work_cancelled_before_it_starts_never_runs(qtbot, runner) -> None:
    ran: list[bool] = []
    worker = runner.run(lambda: ran.append(True))
    worker.cancel()
    with qtbot.waitSignals([worker.cancelled, worker.finished], order="strict", timeout=5000):
        pass
    assert ran == []


def test_calling_python_slots_keeps_reference_counts(qtbot) -> None:
    """PySide6 6.12.0 lost a reference to True on every Python slot call until the interpreter aborted."""
    import sys

    from PySide6.QtCore import QObject, Signal

    class Source(QObject):
        ping = Signal(object)

    source = Source()
    source.ping.connect(lambda value: None)
    before = sys.getrefcount(True)
    for i in range(200):
        source.ping.emit(i)
    lost = before - sys.getrefcount(True)
    assert lost < 100, f"{lost} references to True lost in 200 slot calls"
