"""Help ▸ Licences, and the Gemma terms the window shows and has accepted before the bundled model's first use."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop_app.core.platform.app_context import AppContext, open_context
from desktop_app.ui.licences_dialog import LicencesDialog, TermsDialog, ensure_bundled_terms
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.workers import BackgroundRunner


@pytest.fixture
def context(tiny_blip2: Path, monkeypatch: pytest.MonkeyPatch) -> AppContext:
    """The bundled classifier (no GGUF chosen) and nothing accepted yet."""
    monkeypatch.delenv("FASHION_ASSISTANT_ACCEPT_MODEL_TERMS", raising=False)
    context = open_context()
    context.settings = context.settings.model_copy(update={"blip2_model": str(tiny_blip2), "accepted_licences": []})
    context.save_settings()
    return context


def _saved(context: AppContext) -> list[str]:
    return json.loads(context.paths.settings_file.read_text(encoding="utf-8"))["accepted_licences"]


def test_help_licences_shows_the_apps_licence_and_the_gemma_terms(qtbot, context: AppContext, runner: BackgroundRunner) -> None:
    window = MainWindow(context, runner)
    qtbot.addWidget(window)
    action = next(a for a in window.menuBar().actions() if a.text() == "&Help").menu().actions()
    next(a for a in action if "Licences" in a.text()).trigger()
    dialog = window.findChild(LicencesDialog)
    qtbot.waitUntil(lambda: dialog.components.count() > 0, timeout=10_000)
    names = [dialog.components.item(i).text() for i in range(dialog.components.count())]
    assert names[0].startswith("Fashion Assistant") and any("Gemma 3 270M" in name for name in names)
    assert "Apache License" in dialog.text.toPlainText()
    dialog.components.setCurrentRow(next(i for i, name in enumerate(names) if "Gemma" in name))
    assert "Gemma Prohibited Use Policy" in dialog.text.toPlainText() and "Section 1: DEFINITIONS" in dialog.text.toPlainText()
    window.close()


def test_a_bundles_licence_index_is_what_the_dialog_lists(qtbot, tmp_path: Path, runner: BackgroundRunner,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "licenses"
    (folder / "torch").mkdir(parents=True)
    (folder / "torch" / "LICENSE").write_text("From PyTorch:\nBSD-style licence\n", encoding="utf-8")
    component = {"name": "torch", "version": "2.13.0", "licence": "BSD-3-Clause", "kind": "python-package", "files": ["torch/LICENSE"]}
    (folder / "index.json").write_text(json.dumps({"components": [component]}), encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    dialog = LicencesDialog(runner)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.components.count() == 1, timeout=10_000)
    assert dialog.components.item(0).text() == "torch 2.13.0 (BSD-3-Clause)" and "From PyTorch" in dialog.text.toPlainText()


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_the_terms_are_asked_once_and_the_answer_is_kept(qtbot, context: AppContext, runner: BackgroundRunner, answer: str) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    outcome: list[str] = []
    assert not ensure_bundled_terms(parent, context, runner, lambda: outcome.append("then"), lambda: outcome.append("declined"))
    dialog = parent.findChild(TermsDialog)
    qtbot.waitUntil(lambda: dialog.accept_button.isEnabled(), timeout=10_000)
    assert "Gemma Terms of Use" in dialog.text.toPlainText() and "You may not use nor allow others" in dialog.text.toPlainText()
    dialog.accept() if answer == "accept" else dialog.reject()
    assert outcome == (["then"] if answer == "accept" else ["declined"])
    assert _saved(context) == (["gemma"] if answer == "accept" else [])
    asked_again = not ensure_bundled_terms(parent, context, runner, lambda: None, lambda: None)
    assert asked_again is (answer == "decline")


def test_a_chosen_classifier_needs_no_terms(qtbot, context: AppContext, runner: BackgroundRunner, tmp_path: Path) -> None:
    context.settings.classifier_gguf = str(tmp_path / "mine.gguf")
    assert ensure_bundled_terms(QWidget(), context, runner, lambda: None, lambda: None)


def test_the_assistant_shows_the_terms_before_its_first_request(qtbot, context: AppContext, runner: BackgroundRunner) -> None:
    window = MainWindow(context, runner)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.catalog.stats is not None, timeout=60_000)
    window.assistant.request.setText("two shirts")
    window.assistant.send()
    dialog = window.assistant.findChild(TermsDialog)
    assert dialog is not None and not window.assistant.stream.busy, "nothing runs before the terms are answered"
    dialog.reject()
    assert "needs the Gemma terms accepted" in window.assistant.state.text() and not window.assistant.stream.busy
    window.assistant.send()
    dialog = next(d for d in window.assistant.findChildren(TermsDialog) if d.isVisible())
    qtbot.waitUntil(lambda: dialog.accept_button.isEnabled(), timeout=10_000)
    with qtbot.waitSignal(window.assistant.answered, timeout=180_000):
        dialog.accept_button.click()  # accepted: the request goes on with the bundled model
    assert _saved(context) == ["gemma"]
    window.close()


@pytest.mark.slow
def test_measuring_asks_for_the_terms_then_measures(qtbot, context: AppContext, runner: BackgroundRunner,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.core.agents import measure
    from desktop_app.ui import models_dialog

    def a_few(ctx: AppContext, names: tuple[str, ...] = (), *, progress: Any, cancel: Any) -> measure.MeasureReport:
        return measure.measure_models(ctx, names, limit=1, progress=progress, cancel=cancel)

    monkeypatch.setattr(models_dialog, "measure_models", a_few)
    dialog = models_dialog.ModelsDialog(context, runner)
    qtbot.addWidget(dialog)

    def answer_yes() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == "licenceBox":
            assert "Help ▸ Licences" in box.text()
            box.button(QMessageBox.StandardButton.Yes).click()
        else:
            QTimer.singleShot(20, answer_yes)

    QTimer.singleShot(20, answer_yes)
    dialog.measure_all()
    qtbot.waitUntil(lambda: dialog.job is None and "Measured on 1 labelled requests" in dialog.progress_text.text(), timeout=180_000)
    assert _saved(context) == ["gemma"]
