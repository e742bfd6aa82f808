"""Jobs in a spawned child: results, progress, exceptions, native crashes, cancel and time limits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from desktop_app.core.platform.child_process import ChildDied, run_in_child
from desktop_app.core.platform.errors import StorageError
from desktop_app.core.platform.jobs import Cancelled, CancelToken, Progress
from tests.conftest import REPO_ROOT


def _square(value: int) -> int:
    return value * value


def _counting(steps: int, *, progress: Progress) -> str:
    for step in range(steps):
        progress(step, steps, f"step {step} in {os.getpid()}")
    return "done"


def _user_error() -> None:
    raise StorageError("The disk is full.", "Free some space.", "errno 28")


class _Unpicklable(Exception):
    def __init__(self, message: str, handle: object) -> None:
        super().__init__(message)
        self.handle = handle


def _unpicklable_error() -> None:
    raise _Unpicklable("lost in transit", threading.Lock())


def _report_pid_then_sleep(*, progress: Progress) -> None:
    progress(0, None, str(os.getpid()))
    time.sleep(60)


def test_a_result_and_progress_come_back_in_order() -> None:
    assert run_in_child(_square, 7) == 49
    seen: list[tuple[int, int | None, str]] = []
    assert run_in_child(_counting, 3, progress=lambda *call: seen.append(call)) == "done"
    assert [(done, total) for done, total, _detail in seen] == [(0, 3), (1, 3), (2, 3)]
    assert all(str(os.getpid()) not in detail for *_counts, detail in seen)  # it really ran elsewhere


def test_a_user_error_arrives_whole() -> None:
    with pytest.raises(StorageError) as caught:
        run_in_child(_user_error)
    assert (caught.value.message, caught.value.hint, caught.value.detail) == ("The disk is full.", "Free some space.", "errno 28")


def test_an_exception_that_cannot_travel_arrives_as_its_text() -> None:
    with pytest.raises(RuntimeError, match="_Unpicklable: lost in transit"):
        run_in_child(_unpicklable_error)


def test_a_native_abort_in_the_child_is_only_an_exit_code() -> None:
    with pytest.raises(ChildDied) as caught:
        run_in_child(os.abort)
    assert caught.value.exit_code == -signal.SIGABRT


def test_cancel_kills_the_child_at_once() -> None:
    cancel = CancelToken()
    pids: list[int] = []

    def started(_done: int, _total: int | None, detail: str) -> None:
        pids.append(int(detail))
        threading.Timer(0.2, cancel.cancel).start()

    begun = time.monotonic()
    with pytest.raises(Cancelled):
        run_in_child(_report_pid_then_sleep, progress=started, cancel=cancel)
    assert time.monotonic() - begun < 30  # the child sleeps 60 s: it was killed, not awaited
    with pytest.raises(ProcessLookupError):
        os.kill(pids[0], 0)


def test_a_time_limit_ends_the_child() -> None:
    with pytest.raises(ChildDied, match="ran past"):
        run_in_child(time.sleep, 60, timeout=1)


_PARENT = """
from desktop_app.core.platform.child_process import run_in_child
from tests.test_child_process import _report_pid_then_sleep
run_in_child(_report_pid_then_sleep, progress=lambda done, total, pid: print(pid, flush=True))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to see the orphan")
def test_a_child_ends_when_its_parent_is_killed() -> None:
    parent = subprocess.Popen([sys.executable, "-c", _PARENT], cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.05)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    """Whether `pid` runs; an orphan's zombie (reaped by init later) counts as gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
