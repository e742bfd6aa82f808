"""Screenshots for the README, taken from a real window: the demo photos indexed, a search, an answer.

Run under Xvfb (see README): `xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python scripts/take_screenshots.py docs [en|es]`.
English pictures are docs/NAME.png, Spanish ones docs/NAME-es.png; the Spanish run also asks in Spanish.
The embedder is the tiny random stand-in BLIP-2 (no real weights can be downloaded here), so the
ranking in the pictures is not meaningful; everything else is the app as a user sees it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
PHOTOS = REPO.parent / "shared" / "data" / "product-photos"


REQUESTS = {
    "en": ("a white t-shirt for summer", "Two t-shirts and a pair of shoes for a summer party, I already have jeans",
           "an outfit for a job interview"),
    "es": ("una camiseta blanca para el verano", "Dos camisetas y unos zapatos para una fiesta de verano, ya tengo vaqueros",
           "un conjunto para una entrevista de trabajo"),
}


def main(out_dir: Path, language: str) -> int:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop_app.core.platform.app_context import open_context
    from desktop_app.ui.i18n import install_translators
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.workers import BackgroundRunner
    from tests.stand_in_models import build_tiny_blip2

    app = QApplication(sys.argv[:1])
    app.setApplicationName("fashion-assistant-screenshots")
    work = Path(tempfile.mkdtemp(prefix="fa-shots-"))
    context = open_context(work / "data")
    context.settings = context.settings.model_copy(
        update={"blip2_model": str(build_tiny_blip2(work / "tiny-blip2")), "first_run_done": True, "batch_size": 1,
                "accepted_licences": ["gemma"]}  # as after the person accepted the bundled model's terms once
    )
    install_translators(app, language)
    search_text, request, looks_request = REQUESTS[language]
    suffix = "" if language == "en" else f"-{language}"
    runner = BackgroundRunner()
    window = MainWindow(context, runner)
    window.resize(1360, 860)
    window.show()

    def wait_until(condition, timeout_s: float = 300) -> None:
        loop = QEventLoop()
        timer = QTimer()
        timer.timeout.connect(lambda: loop.quit() if condition() else None)
        timer.start(50)
        QTimer.singleShot(int(timeout_s * 1000), loop.quit)
        loop.exec()
        timer.stop()
        if not condition():
            raise RuntimeError("timed out")

    def shot(name: str) -> None:
        app.processEvents()
        path = out_dir / name.replace(".png", f"{suffix}.png")
        window.grab().save(str(path))
        print("wrote", path)

    wait_until(lambda: window.report is not None and window.catalog.stats is not None)
    window.catalog.start_index([PHOTOS])
    wait_until(lambda: window.catalog.progress.maximum() > 0 and window.catalog.progress.value() >= 3
               and window.catalog.folders.count() == 1)
    shot("indexing.png")
    wait_until(lambda: window.catalog.index_worker is None and window.catalog.stats.items == 24)

    window.search.query.setText(search_text)
    window.search.run_search()
    wait_until(lambda: len(window.search.model.rows()) > 0)
    wait_until(lambda: not window.search.model._pending, 60)
    shot("search.png")

    window.tabs.setCurrentWidget(window.assistant)
    window.assistant.request.setText(request)
    window.assistant.send()
    wait_until(lambda: window.assistant.send_button.isEnabled() and window.assistant.advice.toPlainText() != "")
    wait_until(lambda: not window.assistant.model._pending, 60)
    shot("assistant.png")

    window.tabs.setCurrentWidget(window.looks)
    window.looks.request.setText(looks_request)
    window.looks.compose()
    wait_until(lambda: window.looks.compose_button.isEnabled() and len(window.looks.board_views()) > 0)
    wait_until(lambda: not any(model._pending for model in window.looks._models), 60)
    shot("looks.png")
    window.close()
    runner.shutdown(30)
    return 0


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs")
    target.mkdir(parents=True, exist_ok=True)
    raise SystemExit(main(target, sys.argv[2] if len(sys.argv) > 2 else "en"))
