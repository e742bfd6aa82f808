"""`fashion-assistant`: the core's operations, headless, for testers, scripts and benchmarks.

A user error prints one line to stderr and exits 1; an unexpected one prints one line naming the log
file, where its traceback is (stderr when the log cannot be written), and exits 70; cancelling
(Ctrl+C) exits 130; tracebacks appear on screen only with --debug.

The bundled Gemma model's terms are accepted once, before its first use: with --accept-model-terms
(or FASHION_ASSISTANT_ACCEPT_MODEL_TERMS=1, for scripts), or by answering the question asked on a
terminal. Without either (no terminal, or CI) the command stops with one line saying how.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import pkgutil
import sys
from typing import TYPE_CHECKING

from desktop_app import __version__, commands
from desktop_app.core.platform import logs
from desktop_app.core.platform.app_context import AppContext, open_context
from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.jobs import Cancelled

if TYPE_CHECKING:  # the terms load only when a command meets them
    from desktop_app.core.models.terms import ModelTermsNotAcceptedError

log = logging.getLogger(__name__)
ACCEPT_TERMS_ENV = "FASHION_ASSISTANT_ACCEPT_MODEL_TERMS"
ACCEPT_TERMS_HELP = "accept the Gemma Terms of Use of the bundled model, once for this data folder"
# Commands that open the bundled classifier also take the option after their name (`models measure` adds its own).
OPENS_BUNDLED_MODEL = ("ask", "classify")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fashion-assistant", description="Offline fashion assistant (headless).")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--data-dir", help="folder for the catalog, settings, models and logs (env FASHION_ASSISTANT_DATA_DIR)")
    parser.add_argument("--db", help="catalog file to use instead of the one in the data folder (env FASHION_ASSISTANT_DB)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and log at debug level")
    parser.add_argument("--accept-model-terms", action="store_true", default=os.environ.get(ACCEPT_TERMS_ENV) == "1",
                        help=f"{ACCEPT_TERMS_HELP} (env {ACCEPT_TERMS_ENV}=1)")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"desktop_app.commands.{module.name}").register(subparsers)
    for name in OPENS_BUNDLED_MODEL:
        add_accept_terms(subparsers.choices[name])
    return parser


def add_accept_terms(parser: argparse.ArgumentParser) -> None:
    """The global option, also accepted after a command's name; SUPPRESS keeps the global value when it is not given there."""
    parser.add_argument("--accept-model-terms", action="store_true", default=argparse.SUPPRESS, help=ACCEPT_TERMS_HELP)


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
        return _run(args, context)
    except Cancelled:
        print(_("Cancelled."), file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print(_("Interrupted."), file=sys.stderr)
        return 130
    except UserError as exc:
        log.error("%s | %s", exc.user_text(), exc.detail)
        if args.debug:
            raise
        print(_("error: {message}").format(message=exc.user_text()), file=sys.stderr)
        return 1
    except Exception as exc:
        log.exception("Unexpected error in %s", args.command)
        if args.debug:
            raise
        where = logs.current_log_file() or _("the output above")
        print(_("error: something unexpected went wrong ({error}). Nothing already saved was lost;"
                " the details are in {where}: please send it to us.").format(error=f"{type(exc).__name__}: {exc}", where=where),
              file=sys.stderr)
        return 70


def _run(args: argparse.Namespace, context: AppContext) -> int:
    """The command; when it meets the bundled model's unaccepted terms, it runs again once they are accepted. That
    happens before the model is opened, so nothing of the first try was printed or saved."""
    from desktop_app.core.models.registry import accept_licence
    from desktop_app.core.models.terms import ModelTermsNotAcceptedError

    try:
        return int(args.handler(args, context) or 0)
    except ModelTermsNotAcceptedError as exc:
        if not (args.accept_model_terms or _accepted_on_terminal(exc)):
            raise
        accept_licence(exc.licence_id, context.settings)
        context.save_settings()
        print(_("Accepted the {licence} and the Gemma Prohibited Use Policy; you will not be asked again.").format(
            licence=exc.licence.name), file=sys.stderr)
    return int(args.handler(args, context) or 0)


def _accepted_on_terminal(exc: ModelTermsNotAcceptedError) -> bool:
    """Only a person at a terminal is asked; a script, a pipe or CI gets the error that says how to accept."""
    if not sys.stdin.isatty() or os.environ.get("CI"):
        return False
    from desktop_app.core.models.terms import terms_documents

    print(f"{exc.licence.name}\n  {exc.licence.summary}", file=sys.stderr)
    for document in terms_documents():
        print(f"  {document.title}: {document.path or document.url}", file=sys.stderr)
    answer = input(_("Type 'yes' to accept these terms and use the bundled model: ")).strip().lower()
    return answer in ("y", "yes", "s", "si", "sí")


if __name__ == "__main__":
    sys.exit(main())
