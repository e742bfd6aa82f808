from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.core.platform.app_context import open_context

pytest.importorskip("pytestqt")

from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.workers import BackgroundRunner


@pytest.fixture
def window(qtbot):
    runner = BackgroundRunner()
    win = MainWindow(open_context(), runner)
    qtbot.addWidget(win)
    win.show()
    yield win
    runner.shutdown(10.0)


def test_window_has_title_menus_and_model_status(qtbot, window: MainWindow) -> None:
    assert window.windowTitle() == "Fashion Assistant"
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus == ["File", "Models", "Help"]
    qtbot.waitUntil(lambda: window.report is not None, timeout=30_000)
    text = window.models_label.text()
    assert "Embedder: ✗" in text and "Classifier: ✓" in text
    tip = window.models_label.toolTip()
    assert "Manage models" in tip and "fashion-assistant" not in tip and "--" not in tip


def test_gui_self_test_exits_zero(isolated_data_dir: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "desktop_app", "--self-test"], capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "self-test: window shown, catalog loaded (0 items), models checked: ok" in out.stdout
