"""`fashion-assistant-gui`: start the window. `--self-test` opens it, loads the catalog, checks models, exits 0."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import TYPE_CHECKING

from desktop_app import APP_AUTHOR, APP_DISPLAY_NAME, APP_NAME, __version__
from desktop_app.core.platform.app_context import open_context
from desktop_app.core.platform.paths import DATA_DIR_ENV

if TYPE_CHECKING:  # Qt loads inside main(), after the arguments are read
    from PySide6.QtWidgets import QApplication

    from desktop_app.ui.main_window import MainWindow

log = logging.getLogger(__name__)

SELF_TEST_TIMEOUT_MS = 120_000


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fashion-assistant-gui", description=f"{APP_DISPLAY_NAME} (window).")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--data-dir", help="folder for the catalog, settings, models and logs")
    parser.add_argument("--db", help="catalog file to use instead of the one in the data folder")
    parser.add_argument("--self-test", action="store_true", help="open the window, load the catalog, check models, exit 0 when usable")
    parser.add_argument("--check-libraries", action="store_true",
                        help="only check that the system has the libraries the window needs (Linux X11), exit 0 when it has")
    return parser


def _log_uncaught(exc_type, exc, tb) -> None:
    log.critical("Uncaught exception", exc_info=(exc_type, exc, tb))
    sys.__excepthook__(exc_type, exc, tb)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from desktop_app.core.platform.resources import resource_path

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(APP_AUTHOR)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_DISPLAY_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_NAME)
    app.setWindowIcon(QIcon(str(resource_path("icons", "fashion-assistant.png"))))

    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.settings_dialog import apply_theme, remembered_data_dir
    from desktop_app.ui.workers import BackgroundRunner

    data_dir = args.data_dir or os.environ.get(DATA_DIR_ENV) or remembered_data_dir()
    context = open_context(data_dir, args.db)
    sys.excepthook = _log_uncaught
    apply_theme(context.settings.theme)
    runner = BackgroundRunner()
    window = MainWindow(context, runner)

    def quit_cleanly() -> None:
        runner.shutdown(10.0)
        window.catalogs.close_all()  # after the workers, whose threads hold the handles

    app.aboutToQuit.connect(quit_cleanly)
    window.show()
    if args.self_test:
        _self_test(app, window)
    else:
        def greet_once(_stats: object) -> None:
            window.catalog.stats_changed.disconnect(greet_once)
            window.maybe_first_run()

        window.catalog.stats_changed.connect(greet_once)
    return app.exec()


def _self_test(app: QApplication, window: MainWindow) -> None:
    """`--self-test` (the bundle's smoke test): exit 0 once the window is shown with its catalog and models read."""
    from PySide6.QtCore import QTimer

    # The first zero-delay timer runs once the window's first show and paint events are processed.
    QTimer.singleShot(0, lambda: print("self-test: window shown", flush=True))

    def usable() -> bool:
        return window.isVisible() and window.report is not None and window.catalog.stats is not None

    def finish() -> None:
        ok = usable()
        items = window.catalog.stats.items if window.catalog.stats else "?"
        print(f"self-test: window shown, catalog loaded ({items} items), models checked: {'ok' if ok else 'FAILED'}")
        app.exit(0 if ok else 1)

    def poll() -> None:
        if usable():
            finish()
        else:
            QTimer.singleShot(50, poll)

    QTimer.singleShot(0, poll)
    QTimer.singleShot(SELF_TEST_TIMEOUT_MS, finish)


if __name__ == "__main__":
    sys.exit(main())
