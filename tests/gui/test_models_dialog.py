"""The models window keeps the UI thread free: downloading, validating, verifying and removing run on workers.

The slow calls are wrapped to take a while and to note the thread they ran on, and a watchdog timer
on the UI thread measures the longest the thread went without ticking. Work on the UI thread would
show up both ways. The download goes to a fake hub with the app's offline guard on, as in the window.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.models import downloads, registry
from desktop_app.core.models.registry import MANIFEST_ENV, Registry
from desktop_app.core.platform import offline
from desktop_app.core.platform.app_context import AppContext, open_context
from tests.models.conftest import FAKE_GGUF_FILE, GGUF_ENTRY, REAL_MANIFEST, write_manifest
from tests.models.fake_hub import FakeHub
from tests.models.model_files import gguf_bytes

pytest.importorskip("pytestqt")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app.ui import first_run
from desktop_app.ui.models_dialog import ModelsDialog
from desktop_app.ui.workers import BackgroundRunner

SLOW_S = 0.8  # how long each wrapped call takes: well past anything the UI thread may be busy for
UI_GAP_LIMIT_S = 0.5


class Watchdog:
    """Ticks on the UI thread every 10 ms; the largest gap between ticks is the longest the thread was busy."""

    def __init__(self) -> None:
        self.largest = 0.0
        self.last = time.monotonic()
        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)
        self.timer.start(10)

    def _tick(self) -> None:
        now = time.monotonic()
        self.largest = max(self.largest, now - self.last)
        self.last = now


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    hub = FakeHub().start()
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    hub.add_repo(GGUF_ENTRY["repo"], {FAKE_GGUF_FILE: gguf_bytes()})
    yield hub
    hub.stop()


@pytest.fixture
def app_context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppContext:
    """The window's context: offline, the bundled classifier, a manifest with one hub model and the bundled one."""
    bundled = [m for m in json.loads(REAL_MANIFEST.read_text(encoding="utf-8"))["models"] if m["source"] == "bundled"]
    monkeypatch.setenv(MANIFEST_ENV, str(write_manifest(tmp_path / "manifest.json", [GGUF_ENTRY, *bundled])))
    context = open_context()
    context.settings.accepted_licences = ["gemma"]
    return context


@pytest.fixture
def slow_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, threading.Thread]]:
    """Each file or network call the window makes, slowed down and noted with its thread."""
    calls: list[tuple[str, threading.Thread]] = []

    def slowed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls.append((name, threading.current_thread()))
            time.sleep(SLOW_S)
            return fn(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(downloads, "fetch_file", slowed("download", downloads.fetch_file))
    monkeypatch.setattr(registry, "validate_gguf", slowed("validate", registry.validate_gguf))
    monkeypatch.setattr(registry, "hash_file", slowed("verify", registry.hash_file))
    monkeypatch.setattr(shutil, "rmtree", slowed("remove", shutil.rmtree))
    monkeypatch.setattr(first_run, "find_all", slowed("find models", first_run.find_all))
    return calls


def _select(dialog: ModelsDialog, name: str) -> None:
    dialog.table.selectRow([row.name for row in dialog.rows].index(name))


def _row(dialog: ModelsDialog, name: str):
    return next(row for row in dialog.rows if row.name == name)


def test_the_bundled_model_shows_as_available_in_use_and_sized(qtbot, app_context: AppContext) -> None:
    runner = BackgroundRunner()
    dialog = ModelsDialog(app_context, runner)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: len(dialog.rows) == 2, timeout=10_000)
    line = [row.name for row in dialog.rows].index("gemma-3-270m")
    cells = [dialog.table.item(line, column).text() for column in range(dialog.table.columnCount())]
    assert cells[3] == "installed (bundled)" and cells[4] == "classifier" and cells[2].endswith("MB")
    assert runner.shutdown(10.0)


def test_model_work_never_runs_on_the_ui_thread(qtbot, app_context: AppContext, hub: FakeHub,
                                                slow_calls: list[tuple[str, threading.Thread]]) -> None:
    runner = BackgroundRunner()
    dialog = ModelsDialog(app_context, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: len(dialog.rows) == 2, timeout=10_000)
    watchdog = Watchdog()
    blocked_before = offline.blocked_attempts()

    _select(dialog, "fake-1b-it")
    dialog.download_button.click()
    qtbot.waitUntil(lambda: dialog.job is None and _row(dialog, "fake-1b-it").installed, timeout=60_000)
    location = Registry(app_context.paths).get("fake-1b-it").location
    assert app_context.settings.stylist_gguf == location, "the first stylist is adopted, on the UI thread's settings"
    assert offline.is_offline() and offline.blocked_attempts() == blocked_before

    _select(dialog, "fake-1b-it")
    dialog.role.setCurrentIndex(dialog.role.findData("classifier"))
    dialog.use_button.click()
    qtbot.waitUntil(lambda: app_context.settings.classifier_gguf == location, timeout=30_000)

    qtbot.waitUntil(lambda: dialog.job is None, timeout=30_000)
    _select(dialog, "fake-1b-it")
    dialog.verify_button.click()
    qtbot.waitUntil(lambda: dialog.progress_text.text() == "Verified: every checksum matches.", timeout=30_000)

    qtbot.waitUntil(lambda: dialog.job is None, timeout=30_000)
    _select(dialog, "fake-1b-it")
    dialog.remove_button.click()
    qtbot.waitUntil(lambda: dialog.job is None and not _row(dialog, "fake-1b-it").installed, timeout=30_000)
    assert (app_context.settings.stylist_gguf, app_context.settings.classifier_gguf) == (None, None)
    assert not Path(location).exists()

    page = first_run.ModelsPage(app_context, runner)
    qtbot.addWidget(page)
    page.initializePage()
    qtbot.waitUntil(lambda: "Classifier:" in page.status.text(), timeout=30_000)

    assert {name for name, _ in slow_calls} == {"download", "validate", "verify", "remove", "find models"}
    on_ui = [name for name, thread in slow_calls if thread is threading.main_thread()]
    assert on_ui == [], f"ran on the UI thread: {on_ui}"
    assert watchdog.largest < UI_GAP_LIMIT_S, f"the UI thread was busy for {watchdog.largest:.2f} s"
    assert runner.shutdown(30.0)


def test_accepting_the_licence_in_the_window_downloads_and_keeps_the_answer(qtbot, app_context: AppContext, hub: FakeHub) -> None:
    app_context.settings.accepted_licences = []
    runner = BackgroundRunner()
    dialog = ModelsDialog(app_context, runner)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: len(dialog.rows) == 2, timeout=10_000)

    def answer_yes() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == "licenceBox":
            box.button(QMessageBox.StandardButton.Yes).click()
        else:
            QTimer.singleShot(20, answer_yes)

    QTimer.singleShot(20, answer_yes)
    _select(dialog, "fake-1b-it")
    dialog.download_button.click()
    qtbot.waitUntil(lambda: dialog.job is None and _row(dialog, "fake-1b-it").installed, timeout=60_000)
    saved = json.loads(app_context.paths.settings_file.read_text(encoding="utf-8"))
    assert saved["accepted_licences"] == ["gemma"] == app_context.settings.accepted_licences
    assert len(hub.downloads()) == 1
    assert runner.shutdown(10.0)


@pytest.mark.slow
def test_measure_runs_in_the_background_and_shows_the_results_in_the_table(qtbot, app_context: AppContext,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.core.agents import measure
    from desktop_app.ui import models_dialog

    def a_few(context: AppContext, names: tuple[str, ...] = (), *, progress: Any, cancel: Any) -> measure.MeasureReport:
        return measure.measure_models(context, names, limit=2, progress=progress, cancel=cancel)

    monkeypatch.setattr(models_dialog, "measure_models", a_few)
    runner = BackgroundRunner()
    dialog = ModelsDialog(app_context, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: len(dialog.rows) == 2, timeout=10_000)
    line = [row.name for row in dialog.rows].index("gemma-3-270m")
    assert dialog.table.horizontalHeaderItem(5).text() == "Measured here" and dialog.table.item(line, 5).text() == "-"
    watchdog = Watchdog()

    dialog.measure_button.click()
    assert not dialog.measure_button.isEnabled() and dialog.cancel_button.isVisible()
    qtbot.waitUntil(lambda: dialog.job is None and _row(dialog, "gemma-3-270m").measured is not None, timeout=300_000)
    result = _row(dialog, "gemma-3-270m").measured
    line = [row.name for row in dialog.rows].index("gemma-3-270m")
    assert dialog.table.item(line, 5).text().startswith(f"{result.accuracy:.0%} exact, {result.p50_s:.2f} s")
    assert "of 2 labelled requests exactly right" in dialog.table.item(line, 5).toolTip()
    assert "Measured on 2 labelled requests. Classifier: " in dialog.progress_text.text()
    assert "Stylist: advice needs an instruction-tuned model" in dialog.progress_text.text()
    assert watchdog.largest < UI_GAP_LIMIT_S, f"the UI thread was busy for {watchdog.largest:.2f} s"
    assert runner.shutdown(30.0)
