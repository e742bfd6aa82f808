"""`fashion-assistant`: the core's operations, headless, for testers, scripts and benchmarks.

A user error prints one line to stderr and exits 1; an unexpected one prints one line naming the log
file, where its traceback is (stderr when the log cannot be written), and exits 70; cancelling
(Ctrl+C) exits 130; tracebacks appear on screen only with --debug.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys

from desktop_app import __version__, commands
from desktop_app.core.platform import logs
from desktop_app.core.platform.app_context import open_context
from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.jobs import Cancelled

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fashion-assistant", description="Offline fashion assistant (headless).")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--data-dir", help="folder for the catalog, settings, models and logs (env FASHION_ASSISTANT_DATA_DIR)")
    parser.add_argument("--db", help="catalog file to use instead of the one in the data folder (env FASHION_ASSISTANT_DB)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and log at debug level")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"desktop_app.commands.{module.name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    # A file name that is not valid Unicode prints as an escape (`caf\udce9.jpg`, valid inside JSON
    # strings too) instead of stopping the command.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = build_parser().parse_args(argv)
    try:
        context = open_context(
            args.data_dir, args.db, logging.DEBUG if args.debug else logging.INFO,
            allow_network=getattr(args, "allow_network", False),
        )
        return int(args.handler(args, context) or 0)
    except Cancelled:
        print("Cancelled.", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except UserError as exc:
        log.error("%s | %s", exc.user_text(), exc.detail)
        if args.debug:
            raise
        print(f"error: {exc.user_text()}", file=sys.stderr)
        return 1
    except Exception as exc:
        log.exception("Unexpected error in %s", args.command)
        if args.debug:
            raise
        where = logs.current_log_file() or "the output above"
        print(f"error: something unexpected went wrong ({type(exc).__name__}: {exc}). Nothing already saved was lost;"
              f" the details are in {where}: please send it to us.", file=sys.stderr)
        return 70


if __name__ == "__main__":
    sys.exit(main())
