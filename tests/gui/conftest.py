"""A window over a fresh data folder whose settings point at the stand-in models."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.platform.app_context import AppContext, open_context
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.workers import BackgroundRunner


@pytest.fixture
def photo_folder(tmp_path: Path, product_photos: Path) -> Path:
    """Six real photos in category folders, copied so tests may change them."""
    folder = tmp_path / "shop"
    for category in ("shoes", "shirt", "pants"):
        (folder / category).mkdir(parents=True)
        for photo in sorted((product_photos / category).glob("*.jpg"))[:2]:
            shutil.copy(photo, folder / category / photo.name)
    return folder


@pytest.fixture
def context(tiny_blip2: Path, gemma_gguf: Path) -> AppContext:
    context = open_context()
    context.settings = context.settings.model_copy(update={"blip2_model": str(tiny_blip2), "classifier_gguf": str(gemma_gguf)})
    context.save_settings()
    return context


def open_window(qtbot, context: AppContext) -> Iterator[MainWindow]:
    """A shown window once its first catalog statistics are in; closed, and its workers stopped, afterwards."""
    runner = BackgroundRunner()
    win = MainWindow(context, runner)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.catalog.stats is not None, timeout=120_000)
    yield win
    win.close()
    assert runner.shutdown(60.0)


def index_folder(qtbot, window: MainWindow, folder: Path) -> None:
    """Index `folder` from the window, as its Add folder does, and wait until the run ended and the counts are in."""
    assert window.catalog.start_index([folder]) is not None
    with qtbot.waitSignal(window.catalog.index_finished, timeout=120_000):
        pass
    qtbot.waitUntil(lambda: window.catalog.index_worker is None and window.catalog.stats.items > 0, timeout=120_000)


@pytest.fixture
def window(qtbot, context: AppContext) -> Iterator[MainWindow]:
    yield from open_window(qtbot, context)
