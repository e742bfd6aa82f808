"""The Looks tab: boards of complete outfits, swap and pin, saved to the lookbook and back after a restart, exported;
"Complete the look" from a search result; a missing category said in the window's words."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from desktop_app.core.store.catalog import Catalog
from tests.gui.conftest import index_folder, open_window

pytestmark = pytest.mark.slow


def _compose(qtbot, window, request: str) -> None:
    window.tabs.setCurrentWidget(window.looks)
    window.looks.request.setText(request)
    with qtbot.waitSignal(window.looks.stream.finished, timeout=120_000):
        window.looks.compose()


def test_boards_swap_pin_save_and_export(qtbot, window, photo_folder: Path, tmp_path: Path) -> None:
    index_folder(qtbot, window, photo_folder)
    _compose(qtbot, window, "an outfit for a job interview")
    panel = window.looks
    looks = panel.shown.looks
    assert looks.looks and [slot.label for slot in looks.slots] == ["shirt", "pants", "shoes"]
    views = panel.board_views()
    assert len(views) == len(looks.looks) and all(view.model().rowCount() == 3 for view in views)

    before = looks.looks[0].items[2]
    panel.swap_item(0, 2)
    qtbot.waitUntil(lambda: panel.shown.looks.looks[0].items[2] != before, timeout=30_000)
    assert panel.shown.looks.looks[0].items[:2] == looks.looks[0].items[:2]  # only the swapped slot changed

    panel.toggle_pin(0, 0)
    pinned = panel.shown.looks.looks[0].items[0]
    assert panel.shown.looks.looks[0].pinned == {0}
    old = panel.shown.looks
    panel.compose_again(0)
    qtbot.waitUntil(lambda: panel.shown.looks is not old, timeout=30_000)
    assert all(look.items[0] == pinned for look in panel.shown.looks.looks)

    with qtbot.waitSignal(panel.saved, timeout=30_000):
        panel.save_look(0, name="Ana, Friday")
    qtbot.waitUntil(lambda: panel.lookbook.count() == 1, timeout=30_000)

    out = tmp_path / "look.pdf"
    panel.export_look(0, out)
    qtbot.waitUntil(lambda: out.is_file() and "Exported" in panel.note.text(), timeout=30_000)
    text = subprocess.run(["pdftotext", str(out), "-"], check=True, capture_output=True, text=True).stdout
    assert "Look 1" in text
    second = tmp_path / "second.pdf"
    panel.export_look(1, second)  # the second board keeps its number and its items' numbers on the sheet
    qtbot.waitUntil(lambda: second.is_file() and str(second) in panel.note.text(), timeout=30_000)
    text = subprocess.run(["pdftotext", str(second), "-"], check=True, capture_output=True, text=True).stdout
    assert "Look 2" in text and "#4 " in text and "#1 " not in text
    with Catalog.open(window.context.paths.db_path) as catalog:
        assert [look.name for look in catalog.lookbook.looks()] == ["Ana, Friday"]


def test_the_lookbook_reopens_after_a_restart(qtbot, context, photo_folder: Path) -> None:
    windows = open_window(qtbot, context)
    window = next(windows)
    index_folder(qtbot, window, photo_folder)
    _compose(qtbot, window, "a casual look")
    saved_paths = [hit.path for hit in window.looks.shown.looks.looks[0].items]
    with qtbot.waitSignal(window.looks.saved, timeout=30_000):
        window.looks.save_look(0, name="Weekend")
    next(windows, None)  # closed, its workers stopped

    again = open_window(qtbot, context)
    window = next(again)
    panel = window.looks
    qtbot.waitUntil(lambda: panel.lookbook.count() == 1, timeout=30_000)
    panel._open_saved(panel.lookbook.item(0))
    qtbot.waitUntil(lambda: panel.shown is not None and bool(panel.shown.looks.looks), timeout=30_000)
    assert [hit.path for hit in panel.shown.looks.looks[0].items] == saved_paths
    next(again, None)


def test_complete_the_look_from_a_search_result_keeps_it(qtbot, window, photo_folder: Path) -> None:
    index_folder(qtbot, window, photo_folder)
    shoe = str(next((photo_folder / "shoes").glob("*.jpg")))
    with qtbot.waitSignal(window.looks.stream.finished, timeout=120_000):
        window.search.complete_look.emit(shoe)
    assert window.tabs.currentWidget() is window.looks
    looks = window.looks.shown.looks.looks
    assert looks and all(shoe in [hit.path for hit in look.items] for look in looks)


def test_a_missing_category_is_said_not_replaced(qtbot, window, photo_folder: Path) -> None:
    index_folder(qtbot, window, photo_folder)
    _compose(qtbot, window, "Quiero una falda")
    assert "No skirts in your catalog." in window.looks.note.text()
    assert window.looks.shown.looks.looks == () and window.looks.board_views() == []


@pytest.mark.parametrize(("request_text", "shown"), [("Quiero una falda", set()), ("Quiero una falda y dos camisetas", {"t-shirt"})])
def test_the_assistant_tab_says_the_skirt_is_missing_and_shows_no_substitute(qtbot, window, tmp_path: Path, product_photos: Path,
                                                                            request_text: str, shown: set[str]) -> None:
    folder = tmp_path / "no-skirts"
    for category in ("t-shirt", "pants", "shoes"):
        (folder / category).mkdir(parents=True)
        for photo in sorted((product_photos / category).glob("*.jpg"))[:2]:
            (folder / category / photo.name).write_bytes(photo.read_bytes())
    index_folder(qtbot, window, folder)
    window.tabs.setCurrentWidget(window.assistant)
    window.assistant.request.setText(request_text)
    with qtbot.waitSignal(window.assistant.answered, timeout=180_000):
        window.assistant.send()
    assert "No skirts in your catalog." in window.assistant.chips.text()
    assert {row.category for row in window.assistant.model.rows()} == shown
