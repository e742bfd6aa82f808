"""The assistant tab end to end: classify with the real 270M, find items with the tiny BLIP-2, stream, stop."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from desktop_app.core.agents.assistant import Assistant
from desktop_app.core.agents.llm_runtime import Done, Token
from desktop_app.core.platform.jobs import CancelToken
from desktop_app.ui.assistant_panel import AssistantPanel
from tests.gui.conftest import index_folder

pytestmark = pytest.mark.slow


def test_ask_shows_chips_numbered_cards_and_the_honest_base_model_answer(qtbot, window, photo_folder: Path) -> None:
    index_folder(qtbot, window, photo_folder)
    window.tabs.setCurrentWidget(window.assistant)
    window.assistant.request.setText("I need two shirts and a pair of shoes for a wedding")
    with qtbot.waitSignal(window.assistant.answered, timeout=180_000) as answer:
        window.assistant.send()
    assert isinstance(answer.args[0], Done)
    assert "shirt × 2" in window.assistant.chips.text() and "shoes × 1" in window.assistant.chips.text()
    rows = window.assistant.model.rows()
    assert [row.number for row in rows] == list(range(1, len(rows) + 1))
    assert {row.category for row in rows} <= {"shirt", "shoes"} and len(rows) == 3
    advice = window.assistant.advice.toPlainText()
    assert "instruction-tuned" in advice  # no stylist model: the app says so instead of generating noise
    assert "#1" in advice  # and lists the numbered items it found
    qtbot.waitUntil(lambda: window.assistant.chat_list.count() == 1, timeout=30_000)


class _StreamsUntilStopped:
    """A scripted stylist (the stand-in for an instruction-tuned GGUF): streams until told to stop."""

    model_name = "scripted"

    def __init__(self) -> None:
        self.stopped = threading.Event()

    def advise(self, request, items, *, image=None, chat_id=None, cancel: CancelToken | None = None):
        n = 0
        try:
            while not cancel.cancelled:
                n += 1
                yield Token(f"word{n} ")
                time.sleep(0.02)
            yield Done("cancelled", n, "scripted")
        finally:
            self.stopped.set()


def test_stop_mid_stream_keeps_what_was_written(qtbot, window, photo_folder: Path) -> None:
    index_folder(qtbot, window, photo_folder)
    stylist = _StreamsUntilStopped()
    assistant = AssistantPanel(  # a panel like the window's, on its runner, search tab and handles, with the scripted stylist
        window.context, window.runner, window.search, catalogs=window.catalogs,
        make_assistant=lambda catalog: Assistant(window.context, catalog, window.search.warm.get(), stylist=stylist),
    )
    qtbot.addWidget(assistant)
    assistant.request.setText("a t-shirt")
    assistant.send()
    qtbot.waitUntil(lambda: "word5" in assistant.advice.toPlainText(), timeout=120_000)
    assert assistant.stop_button.isEnabled()
    with qtbot.waitSignal(assistant.answered, timeout=30_000) as answer:
        assistant.stop()
    assert isinstance(answer.args[0], Done) and answer.args[0].reason == "cancelled"
    qtbot.waitUntil(stylist.stopped.is_set, timeout=10_000)
    assert "word1" in assistant.advice.toPlainText()
    assert assistant.send_button.isEnabled() and not assistant.stop_button.isEnabled()
    assert assistant.chat_id is not None, "the chat id arrived as data, though the stream was stopped"
    assert assistant.stream.renders < 200, "repaints are throttled, not one per token"
