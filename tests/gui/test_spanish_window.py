"""`LANG=es_ES.UTF-8` (here FASHION_ASSISTANT_LANGUAGE=es) gives a window with no English left in it.

The translations file says which English sentences have a Spanish translation; a widget still showing one of
them in Spanish means a string that missed its translator at run time (a tr() context lupdate did not see, a
text set before the translators were installed, a core sentence not through gettext).
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree import ElementTree

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QTabWidget,
    QWidget,
)

from desktop_app.core.platform import i18n
from desktop_app.core.platform.resources import resource_path
from desktop_app.ui.i18n import install_translators
from desktop_app.ui.main_window import MainWindow
from tests.gui.conftest import open_window


def _english_with_spanish() -> set[str]:
    tree = ElementTree.parse(resource_path("translations", "fashion_assistant_es.ts"))
    found = set()
    for message in tree.getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = "".join(message.find("translation").itertext()) if message.find("translation") is not None else ""
        if translation.strip() and translation != source and "{" not in source:
            found.add(_plain(source))
    return found


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip()


def visible_texts(widget: QWidget) -> list[tuple[str, str]]:
    """(where, text) of what a person reads: titles, labels, buttons, tabs, menus, placeholders, tooltips."""
    texts = [(type(widget).__name__, widget.windowTitle())]
    for child in widget.findChildren(QWidget):
        where = f"{type(child).__name__} {child.objectName()}".strip()
        if isinstance(child, (QLabel, QAbstractButton)):
            texts.append((where, child.text()))
        if isinstance(child, QGroupBox):
            texts.append((where, child.title()))
        if isinstance(child, QLineEdit):
            texts.append((where, child.placeholderText()))
        if isinstance(child, QTabWidget):
            texts += [(where, child.tabText(i)) for i in range(child.count())]
        if isinstance(child, QComboBox):
            texts += [(where, child.itemText(i)) for i in range(child.count())]
        if isinstance(child, QMenu):
            texts.append((where, child.title()))
            texts += [(f"{where} action", action.text()) for action in child.actions()]
        texts.append((f"{where} tooltip", child.toolTip()))
    return [(where, _plain(text)) for where, text in texts if text and text.strip()]


def english_left(widget: QWidget, english: set[str]) -> list[str]:
    return [f"{where}: {text!r}" for where, text in visible_texts(widget) if text in english]


@pytest.fixture
def spanish(qapp, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "es")
    before = QLocale()
    language = install_translators(qapp, "system")
    yield language
    for translator in qapp.findChildren(QTranslator):
        QCoreApplication.removeTranslator(translator)
        translator.deleteLater()
    i18n.set_language(None)
    QLocale.setDefault(before)


@pytest.fixture
def spanish_window(qtbot, spanish: str, context) -> Iterator[MainWindow]:
    yield from open_window(qtbot, context)


def test_the_environment_chooses_spanish_and_qts_own_dialogs_follow(spanish: str) -> None:
    assert spanish == "es"
    assert i18n.current_language() == "es"
    assert QLocale().language() == QLocale.Language.Spanish
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancelar"  # Qt's own buttons, from qtbase_es.qm


def test_the_main_window_has_no_english_left(qtbot, spanish_window: MainWindow) -> None:
    qtbot.waitUntil(lambda: spanish_window.report is not None, timeout=60_000)
    english = _english_with_spanish()
    assert len(english) > 100  # the translations file is the real one, not an empty stand-in
    menus = [_plain(action.text()) for action in spanish_window.menuBar().actions()]
    assert menus and not set(menus) & {"File", "Models", "Help"}
    left = english_left(spanish_window, english)
    assert not left, "English in the Spanish window:\n" + "\n".join(left)
    assert spanish_window.models_label.text() and "Embedder" not in spanish_window.models_label.text()


def test_the_dialogs_have_no_english_left(qtbot, spanish_window: MainWindow) -> None:
    english = _english_with_spanish()
    dialogs: list[QDialog] = [spanish_window.open_models(), spanish_window.open_first_run(), spanish_window.open_licences()]
    qtbot.wait(500)  # they delete themselves on close, so the test closes them rather than qtbot
    left = [line for dialog in dialogs for line in english_left(dialog, english)]
    for dialog in dialogs:
        dialog.close()
    assert not left, "English in the Spanish dialogs:\n" + "\n".join(left)
