"""`fashion-assistant-gui`: start the window. `--self-test` opens it, loads the catalog, checks models, exits 0."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app import APP_AUTHOR, APP_DISPLAY_NAME, APP_NAME, __version__
from desktop_app.core.platform.app_context import open_context
from desktop_app.core.platform.paths import DATA_DIR_ENV

if TYPE_CHECKING:  # Qt loads inside main(), after the arguments are read
    from PySide6.QtCore import QLockFile
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
    log.log(logging.CRITICAL, "Uncaught exception", exc_info=(exc_type, exc, tb))  # a log line, not a sentence for people
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

    from desktop_app.ui.i18n import install_translators
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.settings_dialog import apply_theme, remembered_data_dir
    from desktop_app.ui.workers import BackgroundRunner

    data_dir = args.data_dir or os.environ.get(DATA_DIR_ENV) or remembered_data_dir()
    context = open_context(data_dir, args.db)
    sys.excepthook = _log_uncaught
    install_translators(app, context.settings.language)
    apply_theme(context.settings.theme)
    lock = window_lock(context.paths.db_path)
    if lock is None:
        print(f"{APP_DISPLAY_NAME} is already open with the catalog {context.paths.db_path}.", file=sys.stderr)
        if not args.self_test:  # the smoke test has nobody to read a dialog
            _say_already_open(context.paths.db_path)
        return 1 if args.self_test else 0
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
    status = app.exec()
    lock.unlock()
    if window.restart_requested:  # after the lock is free, so the new window can take it
        _start_again(sys.argv[1:] if argv is None else argv)
    return status


def window_lock(db_path: Path) -> QLockFile | None:
    """One window per catalog: two would index into one catalog at once and each show stale counts.
    None when another window holds it; a lock left by a crashed window is taken over (QLockFile checks its process)."""
    from PySide6.QtCore import QLockFile

    db_path.parent.mkdir(parents=True, exist_ok=True)
    lock = QLockFile(str(db_path.with_name(db_path.name + ".window-lock")))
    lock.setStaleLockTime(0)  # only a dead owner makes it stale, never its age
    return lock if lock.tryLock(100) else None


def _start_again(arguments: list[str]) -> None:
    """The same command once more: the bundle's executable, or this Python with `-m desktop_app`."""
    from PySide6.QtCore import QProcess

    command = arguments if getattr(sys, "frozen", False) else ["-m", "desktop_app", *arguments]
    if not QProcess.startDetached(sys.executable, command):
        log.error("Could not start %s %s again", sys.executable, command)


def _say_already_open(db_path: Path) -> None:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.information(
        None, APP_DISPLAY_NAME,
        QCoreApplication.translate("app", "Fashion Assistant is already open with this catalog ({catalog}).\n"
                                          "Switch to that window; close it first to open this one again.").format(catalog=db_path))


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
