"""What a boutique owner met in the window (issue 18): terminal talk, a folder lost for want of a model, a quit
that lost the rest of an index, a removal without undo, folders that could not be browsed, a theme not applied,
two windows on one catalog, and the language choice."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app.core.platform.app_context import open_context
from desktop_app.ui.app import window_lock
from desktop_app.ui.first_run import FirstRunWizard
from desktop_app.ui.settings_dialog import SettingsDialog, apply_theme
from tests.gui.conftest import index_folder, open_window

pytestmark = pytest.mark.slow


def _click(qtbot, parent, name: str, button_text: str) -> str:
    """Answer the non-modal question `name` as a person would: wait for it, read it, click the button."""
    qtbot.waitUntil(lambda: parent.findChild(QMessageBox, name) is not None, timeout=30_000)
    box = parent.findChild(QMessageBox, name)
    text = box.text()
    next(button for button in box.buttons() if button.text() == button_text).click()
    qtbot.waitUntil(lambda: parent.findChild(QMessageBox, name) is None, timeout=10_000)
    return text


@pytest.fixture
def bare_window(qtbot):
    """No models set up but the bundled classifier: what a new user has before the first download."""
    yield from open_window(qtbot, open_context())


def test_no_window_text_tells_a_person_to_run_a_command(qtbot, bare_window) -> None:
    qtbot.waitUntil(lambda: bare_window.report is not None, timeout=60_000)
    tip = bare_window.models_label.toolTip()
    assert "Manage models" in tip and "fashion-assistant" not in tip and "--" not in tip
    wizard = FirstRunWizard(bare_window.context, bare_window.runner, bare_window)
    qtbot.addWidget(wizard)
    wizard.open()
    wizard.next()  # the photos page, then the models page
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: "missing" in page.status.text(), timeout=60_000)
    text = page.status.text()
    assert "fashion-assistant" not in text and "--blip2" not in text
    assert "Download or import models" in text
    wizard.close()


def test_a_folder_added_without_an_image_model_is_kept_and_leads_to_models(qtbot, bare_window, photo_folder: Path) -> None:
    qtbot.waitUntil(lambda: bare_window.report is not None and bare_window.catalog.embedder_ready is False, timeout=60_000)
    assert bare_window.catalog.start_index([photo_folder]) is None  # no failing run
    box = bare_window.catalog.findChild(QMessageBox, "noEmbedder")
    assert box is not None and box.isVisible()
    assert "fashion-assistant" not in box.text() + box.informativeText()
    qtbot.waitUntil(lambda: bare_window.catalog.folders.count() == 1, timeout=30_000)
    assert Path(bare_window.catalog.folders.item(0).text()) == photo_folder.resolve()
    models = next(b for b in box.buttons() if b.text() == "Open Models…")
    models.click()
    qtbot.waitUntil(lambda: any(w.objectName() == "modelsDialog" and w.isVisible() for w in QApplication.topLevelWidgets()),
                    timeout=10_000)


def test_quitting_while_indexing_asks_and_the_next_start_offers_to_resume(qtbot, window, photo_folder: Path) -> None:
    index_folder(qtbot, window, photo_folder)
    extra = photo_folder / "more"
    extra.mkdir()
    for photo in sorted((photo_folder / "shoes").glob("*.jpg")):
        shutil.copy(photo, extra / f"copy-{photo.name}")
    # The catalog holds 6; 2 more wait on disk, as after a quit in the middle of a run.
    window.catalog.refresh()
    qtbot.waitUntil(lambda: window.catalog.resume_button.isVisible(), timeout=30_000)
    assert "2 left" in window.catalog.resume_button.text()

    assert window.catalog.start_index(None) is not None
    window.close()
    asked = _click(qtbot, window, "quitWhileIndexing", "Keep indexing")
    assert "Indexing is not finished" in asked
    assert window.isVisible()  # "Keep indexing": the window stays and the run goes on
    with qtbot.waitSignal(window.catalog.index_finished, timeout=120_000):
        pass
    qtbot.waitUntil(lambda: window.catalog.index_worker is None, timeout=30_000)
    assert not window.catalog.resume_button.isVisible()


def test_removing_a_folder_asks_first_and_can_be_undone(qtbot, window, photo_folder: Path) -> None:
    index_folder(qtbot, window, photo_folder)
    window.catalog.folders.setCurrentRow(0)
    window.catalog.remove_selected()
    asked = _click(qtbot, window.catalog, "removeFolderQuestion", "Cancel")
    assert "6 photos" in asked and "undo" in asked
    qtbot.wait(300)
    assert window.catalog.stats.items == 6

    window.catalog.remove_selected()
    _click(qtbot, window.catalog, "removeFolderQuestion", "Remove")
    qtbot.waitUntil(lambda: window.catalog.undo_button.isVisible() and window.catalog.stats.items == 0, timeout=30_000)
    window.catalog.undo_button.click()
    qtbot.waitUntil(lambda: window.catalog.stats.items == 6 and window.catalog.folders.count() == 1, timeout=30_000)
    assert not window.catalog.undo_button.isVisible()


def test_a_click_on_a_folder_shows_its_items_in_the_search_tab(qtbot, window, photo_folder: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    index_folder(qtbot, window, photo_folder)
    shown: list[Path] = []
    monkeypatch.setattr(window.search, "show_folder", shown.append)
    window.tabs.setCurrentWidget(window.assistant)
    item = window.catalog.folders.item(0)
    window.catalog.folders.itemClicked.emit(item)
    assert shown == [Path(item.text())]
    assert window.tabs.currentWidget() is window.search


def test_the_saved_dark_theme_applies(qapp) -> None:
    before = qapp.palette()
    try:
        apply_theme("dark")
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() < 80
        apply_theme("light")
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() > 180
    finally:
        apply_theme("system")
        qapp.setPalette(before)


def test_a_second_window_on_the_same_catalog_is_refused(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.sqlite3"
    first = window_lock(catalog)
    assert first is not None
    assert window_lock(catalog) is None
    assert window_lock(tmp_path / "other.sqlite3") is not None  # another catalog opens
    first.unlock()
    assert window_lock(catalog) is not None


def test_the_language_is_chosen_in_settings_and_asks_for_a_restart(qtbot) -> None:
    context = open_context()
    dialog = SettingsDialog(context.settings, context.paths.data_dir)
    qtbot.addWidget(dialog)
    assert [dialog.language.itemData(i) for i in range(dialog.language.count())] == ["system", "en", "es"]
    assert not dialog.language_changed()
    dialog.language.setCurrentIndex(dialog.language.findData("es"))
    assert dialog.language_changed()
    assert dialog.result_settings().language == "es"
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    assert dialog.result_settings().theme == "dark"
