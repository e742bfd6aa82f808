"""`fashion-assistant index`: add photo folders to the catalog, or re-scan the remembered ones."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from desktop_app.cli_progress import progress_printer
from desktop_app.core.platform.i18n import _
from desktop_app.core.platform.jobs import no_progress
from desktop_app.core.platform.text import one_line

if TYPE_CHECKING:  # the CLI imports every command to build its parser: the indexer loads only to index
    from desktop_app.core.catalog.indexer import IndexReport
    from desktop_app.core.platform.app_context import AppContext


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("index", help="index photo folders (remembered; with no PATH, re-scan them)")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="folders to index, searched recursively")
    parser.add_argument("--blip2", metavar="MODEL", help="local folder or hub id in the local cache (default: the catalog's model)")
    parser.add_argument("--precision", choices=["auto", "fp32", "int8"], help="model precision (default: the settings, auto)")
    parser.add_argument("--backend", choices=["auto", "onnx", "torch"], default="auto",
                        help="model runtime: onnx (int8, prepared once per model) when it agrees with fp32, else torch (default: auto)")
    parser.add_argument("--batch-size", type=int, metavar="N", help="photos per model call and per transaction")
    parser.add_argument("--threads", type=int, metavar="N", help="CPU threads for the model (default: every core)")
    parser.add_argument("--rebuild", action="store_true", help="forget every vector and re-embed (keeps folders and corrections)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: AppContext) -> int:
    from desktop_app.core.products.photos import index_shop
    from desktop_app.core.store.catalog import Catalog

    show = progress_printer() if not args.json and sys.stderr.isatty() else no_progress
    with Catalog.open(context.paths.db_path) as catalog:
        report = index_shop(
            catalog, context, args.paths or None, blip2=args.blip2, precision=args.precision, backend=args.backend,
            batch_size=args.batch_size, threads=args.threads, rebuild=args.rebuild, progress=show,
        )
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        _print_report(report)
    retry = [entry for entry in report.skipped if entry.get("retry")]
    if retry:
        print(_("error: {count} files could not be read for a reason outside them (first: {path}: {reason}). Fix that (reconnect"
                " the drive, free space, check permissions) and run `fashion-assistant index` again: they will be retried.").format(
                count=len(retry), path=one_line(retry[0]["path"]), reason=retry[0]["reason"]), file=sys.stderr)
        return 1
    return 0


def _print_report(report: IndexReport) -> None:
    how = _(", {precision} via {backend}").format(precision=report.precision, backend=report.backend) if report.precision else ""
    print(_("{scanned} photos found: {indexed} indexed ({embedded} embedded{how}), {unchanged} unchanged, {removed} removed,"
            " {skipped} skipped, in {seconds} s.").format(
        scanned=report.scanned, indexed=report.indexed, embedded=report.embedded, how=how, unchanged=report.unchanged,
        removed=report.removed, skipped=len(report.skipped), seconds=f"{report.seconds:.1f}"))
    for folder in report.missing_folders:
        print(_("Not reachable now (kept in the catalog): {folder}").format(folder=one_line(folder)))
    for entry in report.skipped[:20]:
        print(_("  skipped {path}: {reason}").format(path=one_line(entry["path"]), reason=entry["reason"]))
    if len(report.skipped) > 20:
        print(_("  … and {count} more (see `fashion-assistant stats`).").format(count=len(report.skipped) - 20))
