"""The search tab follows its query, lists a folder without words, reaches the item menu from the keyboard, says when
no program opens a photo, shows scores as words, and corrects colour and several items at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMenu

from desktop_app.ui.results_model import STRONG_MATCH, ResultRow, match_label
from tests.gui.conftest import index_folder

pytestmark = pytest.mark.slow


def test_results_follow_a_changed_filter_without_pressing_search(qtbot, window, photo_folder: Path) -> None:
    index_folder(qtbot, window, photo_folder)
    search = window.search
    search.query.setText("shoes")
    with qtbot.waitSignal(search.searched, timeout=120_000):
        search.run_search()
    with qtbot.waitSignal(search.searched, timeout=120_000):
        search.category.setCurrentIndex(search.category.findData("pants"))  # no Search pressed
    assert {row.category for row in search.model.rows()} == {"pants"}
    with qtbot.waitSignal(search.searched, timeout=120_000):
        search.photo.set_path(sorted((photo_folder / "shirt").glob("*.jpg"))[0])
    assert search.model.rows()


def test_a_folder_or_an_empty_query_lists_items(qtbot, window, photo_folder: Path) -> None:
    index_folder(qtbot, window, photo_folder)
    search = window.search
    search.query.setText("red")
    with qtbot.waitSignal(search.searched, timeout=120_000):
        search.show_folder(photo_folder / "shoes")
    rows = search.model.rows()
    assert search.query.text() == "" and search.folder_chip.isVisible()
    assert rows and all(Path(row.path).parent.name == "shoes" and row.score is None for row in rows)
    with qtbot.waitSignal(search.searched, timeout=120_000):
        search.folder_chip.click()  # everywhere again, still no words: everything, newest first
    assert len(search.model.rows()) == 6


def test_the_keyboard_opens_the_item_menu(qtbot, window, photo_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index_folder(qtbot, window, photo_folder)
    search = window.search
    with qtbot.waitSignal(search.searched, timeout=120_000):
        search.run_search()
    search.view.setCurrentIndex(search.model.index(0))
    opened: list[QMenu] = []
    monkeypatch.setattr(QMenu, "popup", lambda menu, *_args: opened.append(menu))
    search.view.setFocus()
    qtbot.keyClick(search.view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    assert opened and any(action.text() == "Open" for action in opened[0].actions())


def test_a_photo_no_program_opens_is_said(qtbot, window, photo_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda _url: False))
    photo = str(sorted((photo_folder / "shoes").glob("*.jpg"))[0])
    window.search.open_photo(photo)
    assert "No program here could open" in window.search.status.text() and photo in window.search.status.text()
    window.search.show_photo_folder(photo)
    assert str(Path(photo).parent) in window.search.status.text()


def test_the_closeness_filter_leaves_out_weaker_matches(qtbot, window, photo_folder: Path) -> None:
    index_folder(qtbot, window, photo_folder)
    search = window.search
    search.query.setText("black shoes")
    with qtbot.waitSignal(search.searched, timeout=120_000):
        search.run_search()
    everything = search.model.rows()
    with qtbot.waitSignal(search.searched, timeout=120_000):
        search.closeness.setCurrentIndex(search.closeness.findData(STRONG_MATCH))  # follows without Search
    assert search.current_query().min_score == STRONG_MATCH
    strong = search.model.rows()
    assert all(row.score >= STRONG_MATCH for row in strong)
    assert len(strong) == sum(1 for row in everything if row.score >= STRONG_MATCH)


def test_scores_read_as_words() -> None:
    assert [match_label(score) for score in (3.0, 1.2, -1.35)] == ["strong match", "good match", "weak match"]
    caption = ResultRow("/p/a.jpg", "shoes", "black", score=-1.35).caption()
    assert "-1.35" not in caption and "weak match" in caption


def test_several_items_get_one_colour_correction(qtbot, window, photo_folder: Path) -> None:
    index_folder(qtbot, window, photo_folder)
    search = window.search
    search.category.setCurrentIndex(search.category.findData("shoes"))
    with qtbot.waitSignal(search.searched, timeout=120_000):
        search.run_search()
    rows = search.model.rows()
    assert len(rows) == 2
    selection = search.view.selectionModel()
    for i in range(2):
        selection.select(search.model.index(i), QItemSelectionModel.SelectionFlag.Select)
    menu = search.context_menu(rows[0])
    colours = next(action.menu() for action in menu.actions() if action.menu() and "colour of 2 items" in action.text())
    with qtbot.waitSignal(search.catalog_changed, timeout=60_000):
        next(action for action in colours.actions() if action.text() == "purple").trigger()
    assert {row.color for row in search.model.rows()} == {"purple"}
    qtbot.waitUntil(lambda: window.catalog.stats is not None, timeout=30_000)
