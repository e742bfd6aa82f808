"""Issue 18's findings on the assistant tab, the models dialog and the error boxes.

Errors and the no-stylist answer speak the window's language (menus and a button that opens the right
place, never a command); the models dialog agrees with the status bar about the bundled 270M and shows
every installed model's size; at 1024×700 the first three items show and the chat list does not scroll
sideways; a reopened chat shows its items again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QRect
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMainWindow, QMessageBox, QWidget
from shiboken6 import isValid

from desktop_app.core.agents.assistant import Assistant
from desktop_app.core.agents.classifier import RequestClassifier
from desktop_app.core.agents.llm_runtime import Done
from desktop_app.core.agents.stylist import Stylist
from desktop_app.core.platform.app_context import AppContext
from desktop_app.core.platform.errors import Fix, UserError
from desktop_app.core.store.catalog import Catalog
from desktop_app.ui.assistant_panel import AssistantPanel
from desktop_app.ui.errors import FIX_ACTIONS, error_text, fix_action, show_error
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.models_dialog import ModelsDialog
from desktop_app.ui.results_model import ResultRow
from desktop_app.ui.workers import BackgroundRunner
from tests.gui.conftest import index_folder

CLI_HINT = "Run `fashion-assistant index FOLDER`, or pass --db PATH."


def _no_command(*texts: str) -> bool:
    return not any("fashion-assistant " in text or " --" in text or "`--" in text for text in texts)


def _box_texts(box: QMessageBox) -> list[str]:
    return [box.text(), box.informativeText(), box.detailedText(), *(button.text() for button in box.buttons())]


class _Window(QMainWindow):
    """A main window with the actions an error's fix looks for, counting how often each was triggered."""

    def __init__(self) -> None:
        super().__init__()
        self.triggered: list[Fix] = []
        for fix, name in FIX_ACTIONS.items():
            action = QAction(name, self)
            action.setObjectName(name)
            action.triggered.connect(lambda _checked=False, fix=fix: self.triggered.append(fix))
        self.setCentralWidget(QWidget())


# -- finding 1: errors point to the window's own menus -------------------------------------------------------------
def test_an_error_with_a_fix_shows_the_window_sentence_and_a_button_that_opens_the_place(qtbot) -> None:
    window = _Window()
    qtbot.addWidget(window)
    dialog = QDialog(window)  # an error in a dialog finds the window's action through its parent
    error = UserError("The catalog is empty.", CLI_HINT, fix=Fix.ADD_FOLDER)
    for parent in (window.centralWidget(), dialog):
        box = show_error(parent, error)
        assert box.informativeText() == "Use File ▸ Add folder… to add your photos."
        assert _no_command(*_box_texts(box))
        button = box.findChild(QWidget, "fixButton")
        assert button is not None and button.text() == "Add folder…"
        count = len(window.triggered)
        button.click()
        qtbot.waitUntil(lambda count=count: len(window.triggered) == count + 1, timeout=5_000)
        assert window.triggered[-1] is Fix.ADD_FOLDER and not isValid(box)  # closed, and so deleted

    models = show_error(window.centralWidget(), UserError("BLIP-2 is not on this computer.", CLI_HINT, fix=Fix.MODELS))
    assert models.informativeText() == "Open Models ▸ Manage models… to download or import it."
    assert models.findChild(QWidget, "fixButton").text() == "Open Models…"


def test_an_error_shown_in_the_dialog_that_fixes_it_offers_no_second_one(qtbot) -> None:
    window = _Window()
    qtbot.addWidget(window)
    models = QDialog(window)
    models.setObjectName("modelsDialog")
    box = show_error(models, UserError("The download failed.", CLI_HINT, fix=Fix.MODELS))
    assert box.findChild(QWidget, "fixButton") is None and _no_command(*_box_texts(box))


def test_an_error_naming_a_command_without_a_fix_shows_no_command(qtbot) -> None:
    window = _Window()
    qtbot.addWidget(window)
    box = show_error(window, UserError("The catalog could not be checked.", "Run fashion-assistant doctor --json."))
    assert _no_command(*_box_texts(box))
    assert box.informativeText() == "See Help ▸ Open log folder for the details of what went wrong."
    assert box.findChild(QWidget, "fixButton") is None
    # the sentences that name no command are kept
    message, hint, _ = error_text(UserError("It failed.", "Free some space. Then run `fashion-assistant index` again."))
    assert (message, hint) == ("It failed.", "Free some space.")


def test_the_main_window_names_the_action_of_every_fix(window: MainWindow) -> None:
    """The contract ui/errors.py relies on: the window's menu actions carry the object names in FIX_ACTIONS."""
    missing = [fix for fix in Fix if fix_action(window.search, fix) is None]
    assert not missing, f"main_window.py: give these actions their object names from ui/errors.FIX_ACTIONS: {missing}"


def _keyword_panel(window: MainWindow) -> AssistantPanel:
    """A panel in the window, on its runner and handles, reading requests by keywords and with no stylist model."""
    def make(catalog: Catalog) -> Assistant:
        return Assistant(window.context, catalog, window.search.warm.get(),
                         classifier=RequestClassifier(None, catalog.store.categories()), stylist=Stylist(None, catalog.chats))

    return AssistantPanel(window.context, window.runner, window.search, window, catalogs=window.catalogs, make_assistant=make)


def _ask(qtbot, panel: AssistantPanel, request: str) -> Done:
    panel.request.setText(request)
    with qtbot.waitSignal(panel.answered, timeout=120_000) as answer:
        panel.send()
    assert isinstance(answer.args[0], Done), answer.args[0]
    return answer.args[0]


def test_the_no_stylist_answer_names_no_command_and_opens_the_models_dialog(qtbot, window: MainWindow,
                                                                           photo_folder: Path) -> None:
    index_folder(qtbot, window, photo_folder)
    panel = _keyword_panel(window)
    end = _ask(qtbot, panel, "two shirts and a pair of shoes")
    assert end.reason == "no_model"
    assert _no_command(panel.advice.toPlainText(), panel.state.text())
    assert "#1" in panel.advice.toPlainText()  # the items are still listed
    assert panel.setup_stylist.isVisibleTo(panel) and panel.setup_stylist.text() == "Set up a stylist model…"
    panel.setup_stylist.click()
    qtbot.waitUntil(lambda: window.findChild(ModelsDialog) is not None, timeout=10_000)
    panel.new_chat()
    assert not panel.setup_stylist.isVisibleTo(panel)


# -- finding 8: a reopened chat shows its items -------------------------------------------------------------------
def test_a_reopened_chat_shows_its_items_again(qtbot, window: MainWindow, photo_folder: Path) -> None:
    index_folder(qtbot, window, photo_folder)
    panel = _keyword_panel(window)
    _ask(qtbot, panel, "a shirt and shoes")
    asked = [(row.number, row.path, row.category) for row in panel.model.rows()]
    assert asked and [number for number, _, _ in asked] == list(range(1, len(asked) + 1))
    qtbot.waitUntil(lambda: panel.chat_list.count() == 1, timeout=30_000)

    panel.new_chat()
    assert panel.model.rows() == []
    panel.chat_list.itemClicked.emit(panel.chat_list.item(0))
    qtbot.waitUntil(lambda: bool(panel.model.rows()), timeout=30_000)
    assert [(row.number, row.path, row.category) for row in panel.model.rows()] == asked
    assert "a shirt and shoes" in panel.advice.toPlainText()


# -- finding 8: the assistant tab at 1024×700 ---------------------------------------------------------------------
def test_at_1024x700_three_items_show_and_the_chat_list_never_scrolls_sideways(qtbot, window: MainWindow,
                                                                               product_photos: Path) -> None:
    window.resize(1024, 700)
    window.tabs.setCurrentWidget(window.assistant)
    panel = window.assistant
    chats = Catalog.open(window.context.paths.db_path)
    try:
        chats.chats.create_chat("I need two summer dresses, a straw hat, sandals and a light cardigan for a garden wedding in June")
    finally:
        chats.close()
    panel.refresh_chats()
    qtbot.waitUntil(lambda: panel.chat_list.count() == 1, timeout=30_000)
    photos = sorted(product_photos.rglob("*.jpg"))[:4]
    panel.model.set_rows([ResultRow(str(p), "shirt", "white", 0.81, number=i + 1, name="Oxford shirt with a long name",
                                    price=45.0, currency="EUR") for i, p in enumerate(photos)])
    qtbot.wait(200)

    viewport = panel.cards.viewport().rect()
    for i in range(3):
        rect = panel.cards.visualRect(panel.model.index(i))
        assert viewport.contains(rect), f"item #{i + 1} at {rect} is cut off by the strip {viewport}"
    top_left = panel.cards.mapTo(window, panel.cards.rect().topLeft())
    assert QRect(top_left, panel.cards.size()).bottom() < window.height() and panel.advice.height() > 60

    chat_list = panel.chat_list
    assert not chat_list.horizontalScrollBar().isVisible() and chat_list.horizontalScrollBar().maximum() == 0
    assert chat_list.visualItemRect(chat_list.item(0)).width() <= chat_list.viewport().width()
    assert "garden wedding" in chat_list.item(0).toolTip()  # the whole title, where the list cuts it


# -- finding 8: the models dialog agrees with the status bar -------------------------------------------------------
def test_the_models_dialog_shows_the_bundled_model_installed_and_every_installed_size(qtbot, context: AppContext) -> None:
    """The window's usual settings: a BLIP-2 folder and the 270M as a GGUF file, neither recorded by the registry."""
    runner = BackgroundRunner()
    dialog = ModelsDialog(context, runner)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: any(row.source == "settings" for row in dialog.rows), timeout=30_000)
    cells = {row.name: [dialog.table.item(i, c).text() for c in range(dialog.table.columnCount())]
             for i, row in enumerate(dialog.rows)}
    bundled = cells["gemma-3-270m"]
    assert bundled[3] == "installed (bundled)" and bundled[2].endswith("MB")
    in_use = {row.roles[0]: cells[row.name] for row in dialog.rows if row.source == "settings"}
    assert set(in_use) == {"embedder", "classifier"}
    for role, row_cells in in_use.items():
        assert row_cells[3] == "in use" and row_cells[4] == role and row_cells[2][0].isdigit(), row_cells
    for row in dialog.rows:
        if row.available:
            assert cells[row.name][2][0].isdigit(), f"{row.name} has no size: {cells[row.name]}"
    line = next(i for i, row in enumerate(dialog.rows) if row.source == "settings")
    dialog.table.selectRow(line)
    assert not dialog.verify_button.isEnabled() and not dialog.remove_button.isEnabled() and not dialog.use_button.isEnabled()
    assert runner.shutdown(10.0)
