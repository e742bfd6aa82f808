"""The assistant tab end to end: classify with the real 270M, find items with the tiny BLIP-2, stream, stop."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from desktop_app.core.platform.jobs import CancelToken
from desktop_app.core.agents.llm_runtime import Done, Token

pytestmark = pytest.mark.slow


def _index(qtbot, window, folder: Path) -> None:
    with qtbot.waitSignal(window.catalog.index_finished, timeout=120_000):
        window.catalog.start_index([folder])
    qtbot.waitUntil(lambda: bool(window.catalog.stats and window.catalog.stats["items"]), timeout=120_000)


def test_ask_shows_chips_numbered_cards_and_the_honest_base_model_answer(qtbot, window, photo_folder: Path) -> None:
    _index(qtbot, window, photo_folder)
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


def test_stop_mid_stream_keeps_what_was_written(qtbot, window, photo_folder: Path) -> None:
    """A scripted stylist (the stand-in for an instruction-tuned GGUF) streams until told to stop."""
    _index(qtbot, window, photo_folder)
    stopped = threading.Event()

    def scripted_advise(request, items, image, chat_id, cancel: CancelToken):
        def chunks():
            n = 0
            try:
                while not cancel.cancelled:
                    n += 1
                    yield Token(f"word{n} ")
                    time.sleep(0.02)
                yield Done("cancelled", n, "scripted")
            finally:
                stopped.set()

        return 1, chunks()

    window.assistant.llm.advise = scripted_advise
    window.assistant.request.setText("a t-shirt")
    window.assistant.send()
    qtbot.waitUntil(lambda: "word5" in window.assistant.advice.toPlainText(), timeout=120_000)
    assert window.assistant.stop_button.isEnabled()
    with qtbot.waitSignal(window.assistant.answered, timeout=30_000) as answer:
        window.assistant.stop()
    assert isinstance(answer.args[0], Done) and answer.args[0].reason == "cancelled"
    qtbot.waitUntil(stopped.is_set, timeout=10_000)
    assert "word1" in window.assistant.advice.toPlainText()
    assert window.assistant.send_button.isEnabled() and not window.assistant.stop_button.isEnabled()
    assert window.assistant.stream.renders < 200, "repaints are throttled, not one per token"
